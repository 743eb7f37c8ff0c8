/**
 * The cost of the network boot path: wall time from `terraform apply` of one device on a VM-backed plan to the
 * device active (QMP power on, firmware PXE, metalforge DHCP, TFTP for UEFI, iPXE script, kernel and installer
 * over HTTP, metadata, phone-home), against the same VM booting the same kernel and initramfs directly
 * (-kernel/-initrd, from a disk that already holds an installed system) to its first console line, in the same run.
 * The cloud and terraform run in the VM segment's server namespace, as in the VM boot test.
 *
 *   npx tsx bench/vm-boot.ts [bios|uefi|both=both]
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DISK_MARKER, ensureVmImages, type VmImages } from '../lib/sim/vm/artifacts';
import { VmMachine, type VmFirmware } from '../lib/sim/vm/machine';
import { createVmSegment, type VmSegment } from '../lib/sim/vm/segment';
import { runVmBootsInServerNamespace } from '../test/support/vm-boots';
import { vmLabUnavailableReason } from '../test/support/vm-lab';

const WANTED = process.argv[2] ?? 'both';
const FIRMWARES: VmFirmware[] = WANTED === 'both' ? ['bios', 'uefi'] : [WANTED as VmFirmware];
const BOOT_TIMEOUT_MS = 180_000;

const seconds = (since: number) => (Date.now() - since) / 1000;

/** Polls (bounded) until `done`. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The baseline: a VM of the same firmware boots the image straight from a disk holding the installed marker. */
async function directBoot(segment: VmSegment, images: VmImages, firmware: VmFirmware, dir: string): Promise<number> {
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
    vm: { namespace: segment.namespace, tap: segment.addTap(), workDir: dir, firmware, images },
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
  const segment = createVmSegment();
  try {
    const reports = await runVmBootsInServerNamespace(segment, FIRMWARES, join(work, 'boots'));
    const images = ensureVmImages();
    for (const report of reports) {
      if (report.applyCode !== 0) throw new Error(report.failure);
      const direct = await directBoot(segment, images, report.firmware, join(work, `direct-${report.firmware}`));
      console.log(`${report.firmware.toUpperCase()}:`);
      console.log(`  terraform apply → active (network boot)   ${report.applySeconds.toFixed(1)} s`);
      console.log(`  direct -kernel/-initrd boot → first line   ${direct.toFixed(1)} s`);
      console.log(`  ratio (cost of the network boot path)      ${(report.applySeconds / direct).toFixed(2)}`);
    }
  } finally {
    segment.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
