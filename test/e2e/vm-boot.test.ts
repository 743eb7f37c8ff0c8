/**
 * Real firmware, real boot: `terraform apply` of a device on a VM-backed plan powers a QEMU VM on through QMP; its
 * firmware (SeaBIOS with QEMU's iPXE ROM, or OVMF's own PXE) asks metalforge's DHCP (through the segment's relay),
 * UEFI fetches ipxe.efi by TFTP, iPXE fetches the script, kernel and installer over HTTP; the installer reads its
 * metadata, writes its disk and phones home, and the device is active. The VM then reboots from its disk into the
 * installed system. `terraform destroy` powers it off. The phases are printed, not asserted (timing is the
 * bench's business).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VmFirmware } from '../../lib/sim/vm/machine';
import { eventually } from '../support/eventually';
import { startVmLab, VM_PLANS, vmLabUnavailableReason, type VmLab } from '../support/vm-lab';
import { hasTerraform, startTerraformWorld, type TerraformWorld } from './terraform-harness';

const unavailable = vmLabUnavailableReason();
if (unavailable) console.warn(`skipping the VM boot tests: ${unavailable}`);
const describeWithVms = unavailable || !hasTerraform ? describe.skip : describe;

/** What each firmware's DHCP conversation must contain, in order. */
const DHCP_SEQUENCE: Record<VmFirmware, string[]> = {
  bios: ['iPXE script', 'installer'],
  uefi: ['TFTP ipxe.efi', 'iPXE script', 'installer'],
};

describeWithVms('terraform apply boots a QEMU VM through metalforge DHCP, TFTP and HTTP', () => {
  let lab: VmLab;
  let world: TerraformWorld;

  beforeAll(async () => {
    lab = startVmLab(mkdtempSync(join(tmpdir(), 'metalforge-vm-')));
    world = await startTerraformWorld(lab.cloudOptions);
  }, 300_000);

  afterAll(async () => {
    await world?.close();
    await lab?.close();
  }, 60_000);

  it.each(['bios', 'uefi'] as const)(
    '%s: the VM network-boots, installs and phones home (active), boots its disk, and destroy powers it off',
    async (firmware) => {
      const dir = world.workdir(firmware);
      dir.write(`${world.header()}
resource "metal_project" "p" {
  name = "vm-${firmware}"
}
resource "metal_device" "vm" {
  project_id       = metal_project.p.id
  hostname         = "vm-${firmware}"
  plan             = "${VM_PLANS[firmware]}"
  metro            = "ny"
  operating_system = "ubuntu_22_04"
  timeouts {
    create = "4m"
  }
}
`);
      await dir.init();
      const started = Date.now();
      const applied = await dir.run('apply', '-input=false', '-auto-approve');
      const appliedAt = Date.now();
      const machine = lab.machines.find((m) => m.firmware === firmware);
      const mac = machine?.inventory.nics[0].mac;
      const steps = lab.steps.filter((s) => s.at >= started && (s.mac === mac || s.what.startsWith('TFTP')));
      const timeline = () => steps.map((s) => `  +${((s.at - started) / 1000).toFixed(1)} s  ${s.what}`).join('\n');
      if (applied.code !== 0)
        throw new Error(`terraform apply failed:\n${applied.output}\nboot steps:\n${timeline()}\nconsole:\n${machine?.console()}`);

      const id = String((await dir.resources()).get('metal_device.vm')?.values.id);
      const device = await world.client.devices.get(id);
      expect(device.state).toBe('active');
      expect(machine?.power).toBe('on');
      // The conversation the firmware, iPXE and the installer had with the DHCP server, in order.
      const answered = steps.filter((s) => s.what.startsWith('DHCP ack')).map((s) => /\((.*)\)$/.exec(s.what)![1]);
      expect(answered).toEqual(DHCP_SEQUENCE[firmware]);
      if (firmware === 'uefi') expect(steps.some((s) => s.what === 'TFTP ipxe.efi sent')).toBe(true);

      // The installer rebooted the VM; the one-time network boot is spent, so it boots its disk.
      await eventually(async () => machine!.console().includes('booted from disk'), 'the VM to boot its disk', 120_000);
      const diskBootAt = Date.now();
      expect(machine!.disk).toBe(`metalforge-disk os=ubuntu_22_04 hostname=vm-${firmware}`);

      await dir.ok('destroy', '-input=false', '-auto-approve');
      expect(machine!.power).toBe('off');
      await expect(world.client.devices.get(id)).rejects.toMatchObject({ code: 'not_found' });

      console.log(
        `${firmware.toUpperCase()} boot phases (from terraform apply):\n${timeline()}\n` +
          `  +${((appliedAt - started) / 1000).toFixed(1)} s  terraform apply returned (device active)\n` +
          `  +${((diskBootAt - started) / 1000).toFixed(1)} s  the installed system is up from disk (seen by then)`,
      );
    },
    420_000,
  );
});
