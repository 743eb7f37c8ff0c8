/**
 * Real firmware, real boot: `terraform apply` of a device on a VM-backed plan powers a QEMU VM on through QMP; its
 * firmware (SeaBIOS with QEMU's iPXE ROM, or OVMF's own PXE) asks metalforge's DHCP (through the segment's relay),
 * UEFI fetches ipxe.efi by TFTP, iPXE fetches the script, kernel and installer over HTTP; the installer reads its
 * metadata, writes its disk and phones home, and the device is active. The VM then reboots from its disk into the
 * installed system. `terraform destroy` powers it off. The cloud and terraform run in the segment's server
 * namespace (test/support/vm-boots.ts), so every packet stays in the namespaces this test builds and removes. The
 * phases are printed, not asserted (timing is the bench's business).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VmFirmware } from '../../lib/sim/vm/machine';
import { createVmSegment, type VmSegment } from '../../lib/sim/vm/segment';
import { runVmBootsInServerNamespace, type VmBootReport } from '../support/vm-boots';
import { vmLabUnavailableReason } from '../support/vm-lab';
import { hasTerraform } from './terraform-harness';

const unavailable = vmLabUnavailableReason() ?? (hasTerraform ? undefined : 'no terraform CLI on PATH');
if (unavailable) console.warn(`skipping the VM boot tests: ${unavailable}`);
const describeWithVms = unavailable ? describe.skip : describe;

/** What each firmware's DHCP conversation must contain, in order. */
const DHCP_SEQUENCE: Record<VmFirmware, string[]> = {
  bios: ['iPXE script', 'installer'],
  uefi: ['TFTP ipxe.efi', 'iPXE script', 'installer'],
};

describeWithVms('terraform apply boots a QEMU VM through metalforge DHCP, TFTP and HTTP', () => {
  let segment: VmSegment;
  let workDir: string;
  let reports: VmBootReport[];

  beforeAll(async () => {
    segment = createVmSegment();
    workDir = mkdtempSync(join(tmpdir(), 'metalforge-vm-'));
    reports = await runVmBootsInServerNamespace(segment, ['bios', 'uefi'], workDir);
  }, 900_000);

  afterAll(() => {
    segment?.destroy();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it.each(['bios', 'uefi'] as const)(
    '%s: the VM network-boots, installs and phones home (active), boots its disk, and destroy powers it off',
    (firmware) => {
      const report = reports.find((r) => r.firmware === firmware)!;
      if (report.applyCode !== 0) throw new Error(report.failure);
      expect(report.deviceState).toBe('active');
      expect(report.powerAfterApply).toBe('on');
      // The conversation the firmware, iPXE and the installer had with the DHCP server, in order.
      expect(report.dhcpAnswers).toEqual(DHCP_SEQUENCE[firmware]);
      expect(report.tftpEfiSent).toBe(firmware === 'uefi');
      // The installer rebooted the VM; the one-time network boot was spent, so it booted its disk.
      expect(report.diskBootSeconds).toBeDefined();
      expect(report.disk).toBe(`metalforge-disk os=ubuntu_22_04 hostname=vm-${firmware}`);
      expect(report.powerAfterDestroy).toBe('off');
      expect(report.goneAfterDestroy).toBe(true);
      console.log(report.phases);
    },
  );
});
