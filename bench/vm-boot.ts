/**
 * The cost of the network boot path: wall time from `terraform apply` of one device on a VM-backed plan to the
 * device active (QMP power on, firmware PXE, metalforge DHCP, TFTP for UEFI, iPXE script, kernel and installer
 * over HTTP, metadata, phone-home), against the same VM booting the same kernel and initramfs directly
 * (-kernel/-initrd, from a disk that already holds an installed system) to its first console line, in the same run.
 *
 *   npx tsx bench/vm-boot.ts [bios|uefi|both=both]
 */
import { execFile, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DISK_MARKER } from '../lib/sim/vm/artifacts';
import { VmMachine, type VmFirmware } from '../lib/sim/vm/machine';
import { createCloud } from '../lib/cloud';
import { installProvider, terraformEnv } from '../lib/provider/install';
import { startVmLab, VM_PLANS, vmLabUnavailableReason, type VmLab } from '../test/support/vm-lab';

const WANTED = process.argv[2] ?? 'both';
const FIRMWARES: VmFirmware[] = WANTED === 'both' ? ['bios', 'uefi'] : [WANTED as VmFirmware];
const BOOT_TIMEOUT_MS = 180_000;

const seconds = (since: number) => (Date.now() - since) / 1000;

function terraform(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('terraform', [...args, '-no-color', '-input=false'], { cwd: dir, env }, (error, stdout, stderr) =>
      error ? reject(new Error(`terraform ${args.join(' ')} failed:\n${stdout}${stderr}`)) : resolve(),
    ),
  );
}

/** Polls (bounded) until `done`. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The baseline: a VM of the same firmware boots the image straight from a disk holding the installed marker. */
async function directBoot(lab: VmLab, firmware: VmFirmware, dir: string): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const machine = new VmMachine({
    id: `direct-${firmware}`,
    inventory: {
      manufacturer: 'metalforge',
      model: 'QEMU',
      cpus: [],
      memoryMiB: 256,
      drives: [],
      nics: [{ mac: '02:00:00:00:00:0d', name: 'eth0' }],
    },
    vm: { namespace: lab.segment.namespace, tap: lab.segment.addTap(), workDir: dir, firmware, images: lab.images },
  });
  const fd = openSync(machine.diskPath, 'r+');
  writeSync(fd, Buffer.from(`${DISK_MARKER} os=direct hostname=direct\n`), 0, undefined, 0);
  closeSync(fd);
  try {
    machine.setBootDevice('disk');
    const started = Date.now();
    await machine.setPower('on');
    await until(() => machine.console().includes('booted from disk'), `the direct ${firmware} boot`);
    return seconds(started);
  } finally {
    await machine.destroy();
  }
}

async function main(): Promise<void> {
  const unavailable =
    vmLabUnavailableReason() ?? (spawnSync('terraform', ['version']).status === 0 ? undefined : 'no terraform CLI on PATH');
  if (unavailable) {
    console.log(`skipped: ${unavailable}`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'metalforge-bench-vm-'));
  const lab = startVmLab(join(work, 'lab'));
  const cloud = await createCloud({ ...lab.cloudOptions, simScale: 0, port: 0 });
  try {
    const apiUrl = `${await cloud.listen()}/metal/v1`;
    await installProvider({ projectDir: work });
    const env: NodeJS.ProcessEnv = { ...process.env, ...terraformEnv(work), CHECKPOINT_DISABLE: '1' };
    delete env.TF_LOG;
    for (const firmware of FIRMWARES) {
      const dir = join(work, `apply-${firmware}`);
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'main.tf'),
        `terraform {
  required_providers {
    metal = { source = "metalforge/metal" }
  }
}
provider "metal" {
  api_url    = "${apiUrl}"
  auth_token = "${cloud.adminToken}"
}
resource "metal_project" "p" {
  name = "bench-${firmware}"
}
resource "metal_device" "vm" {
  project_id       = metal_project.p.id
  hostname         = "bench-${firmware}"
  plan             = "${VM_PLANS[firmware]}"
  metro            = "ny"
  operating_system = "ubuntu_22_04"
}
`,
      );
      await terraform(dir, env, 'init');
      const started = Date.now();
      await terraform(dir, env, 'apply', '-auto-approve');
      const networkBoot = seconds(started);
      await terraform(dir, env, 'destroy', '-auto-approve');
      const direct = await directBoot(lab, firmware, join(work, `direct-${firmware}`));
      console.log(`${firmware.toUpperCase()}:`);
      console.log(`  terraform apply → active (network boot)   ${networkBoot.toFixed(1)} s`);
      console.log(`  direct -kernel/-initrd boot → first line   ${direct.toFixed(1)} s`);
      console.log(`  ratio (cost of the network boot path)      ${(networkBoot / direct).toFixed(2)}`);
    }
  } finally {
    await cloud.close();
    await lab.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
