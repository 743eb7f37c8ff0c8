/**
 * A machine backed by a QEMU virtual machine (TCG, virtio-net on a tap of a VmSegment): the SimMachine surface
 * the BMC faces and the sim driver use, with power and boot going to QEMU through QMP, the way sushy-tools maps
 * Redfish onto libvirt. On starts QEMU paused (-S) and continues it through QMP; a one-time network boot is
 * `boot_set n` before `cont` (BIOS) or the NIC's bootindex (UEFI); ForceRestart is `system_reset`; ForceOff is
 * `quit`. The firmware then really PXE-boots through whatever DHCP, TFTP and HTTP the segment offers.
 * A boot from "disk" starts the image's kernel directly with the disk attached (QEMU's -kernel stands in for the
 * disk's bootloader; the image reads the installer's marker from the disk), so it needs its own QEMU process:
 * a reset whose next boot source differs from the running process's restarts QEMU.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, readSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { PowerAction } from '../../core/hardware';
import { SimMachine, type SimMachineOptions } from '../machine';
import { DISK_BOOT_ARG, DISK_MARKER, type VmImages } from './artifacts';
import { QmpClient, type QmpEvent } from './qmp';

export type VmFirmware = 'bios' | 'uefi';

/** OVMF as Debian's `ovmf` package installs it (4 MB flash layout). */
export const OVMF = { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.fd' };

export interface VmMachineOptions extends SimMachineOptions {
  vm: {
    /** Network namespace holding the tap (QEMU runs in it). */
    namespace: string;
    tap: string;
    /** Directory for the disk image, QMP socket, serial console log and UEFI variables (created by the caller). */
    workDir: string;
    firmware: VmFirmware;
    images: VmImages;
    /** @default 256 */
    memoryMiB?: number;
  };
}

/** What a QEMU process was started to boot. */
export type BootKind = 'network' | 'disk';

interface Running {
  child: ChildProcess;
  qmp: QmpClient;
  kind: BootKind;
  exited: Promise<void>;
}

const QEMU_EXIT_MS = 5000;

export class VmMachine extends SimMachine {
  override readonly bootsItself = true;
  private readonly vm: VmMachineOptions['vm'];
  private running?: Running;
  /** Power actions run one at a time, like a BMC's. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: VmMachineOptions) {
    super({ ...options, scale: 0 });
    this.vm = options.vm;
    const disk = this.diskPath;
    if (!existsSync(disk)) truncateSync(openAndClose(disk), 64 * 1024 * 1024);
  }

  get firmware(): VmFirmware {
    return this.vm.firmware;
  }

  /** What the running QEMU process was started to boot (undefined while off). */
  get bootedFrom(): BootKind | undefined {
    return this.running?.kind;
  }

  /** QEMU's own run state (QMP query-status: running, paused, shutdown...), or 'off' without a process. */
  async qemuStatus(): Promise<string> {
    if (!this.running) return 'off';
    return (await this.running.qmp.execute<{ status: string }>('query-status')).status;
  }

  get diskPath(): string {
    return join(this.vm.workDir, 'disk.raw');
  }

  /** The serial console (ttyS1) of every boot so far. */
  console(): string {
    const path = join(this.vm.workDir, 'console.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  /** The installer's marker at the start of the disk, or null for a blank disk. */
  override get disk(): string | null {
    const head = Buffer.alloc(200);
    const fd = openSync(this.diskPath, 'r');
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    const text = head.toString('latin1').replace(/\0.*$/s, '').trim();
    return text.startsWith(DISK_MARKER) ? text : null;
  }

  override writeDisk(): void {
    throw new Error(`${this.id} is a VM: its installer writes its disk`);
  }

  override setPower(action: PowerAction): Promise<void> {
    const next = this.queue.then(() => this.applyPower(action));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async applyPower(action: PowerAction): Promise<void> {
    switch (action) {
      case 'on':
        if (this.power === 'on') return;
        return this.start();
      case 'off':
      case 'soft_off':
        // A busybox system ignores ACPI power buttons: soft off is a hard off here.
        await this.halt();
        return this.markPower('off');
      case 'cycle':
        await this.halt();
        return this.start();
      case 'reset': {
        if (this.power === 'off') return;
        const kind = this.nextBoot(false);
        if (this.running?.kind === kind) {
          this.nextBoot(true);
          await this.running.qmp.execute('system_reset');
          return;
        }
        await this.halt();
        return this.start();
      }
    }
  }

  /** Ends QEMU (QMP quit, then SIGKILL if it lingers); the power state is the caller's to set. */
  async halt(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (!running) return;
    await running.qmp.execute('quit').catch(() => undefined);
    running.qmp.close();
    const kill = setTimeout(() => running.child.kill('SIGKILL'), QEMU_EXIT_MS);
    await running.exited;
    clearTimeout(kill);
  }

  /** Removes what the machine left: QEMU and its run files (not the disk's directory, which is the caller's). */
  async destroy(): Promise<void> {
    await this.halt();
    this.markPower('off');
  }

  /** The source of the next boot; `consume` takes a one-time override. */
  private nextBoot(consume: boolean): BootKind {
    const setting = this.boot;
    const kind: BootKind = setting.device === 'pxe' ? 'network' : 'disk';
    if (consume && !setting.persistent) this.clearBootDevice();
    return kind;
  }

  private async start(): Promise<void> {
    const kind = this.nextBoot(true);
    const socket = join(this.vm.workDir, 'qmp.sock');
    rmSync(socket, { force: true });
    const child = spawn('ip', ['netns', 'exec', this.vm.namespace, 'qemu-system-x86_64', ...this.qemuArgs(kind, socket)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let qmp: QmpClient;
    try {
      qmp = await Promise.race([
        QmpClient.connect(socket),
        exited.then(() => Promise.reject(new Error(`QEMU for ${this.id} exited at start: ${stderr.trim()}`))),
      ]);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    const running: Running = { child, qmp, kind, exited };
    this.running = running;
    qmp.on('event', (event: QmpEvent) => this.onEvent(running, event));
    void exited.then(() => {
      if (this.running === running) {
        this.running = undefined;
        this.markPower('off');
      }
    });
    if (kind === 'network' && this.vm.firmware === 'bios') await qmp.human('boot_set n');
    await qmp.execute('cont');
    this.markPower('on');
  }

  /** The guest rebooted (QEMU holds it stopped, -no-reboot) or powered itself off. */
  private onEvent(running: Running, event: QmpEvent): void {
    if (event.event !== 'SHUTDOWN' || this.running !== running) return;
    const rebooted = event.data?.reason === 'guest-reset';
    const next = this.queue.then(async () => {
      if (this.running !== running) return; // a power action came first
      await this.halt();
      if (rebooted) await this.start();
      else this.markPower('off');
    });
    this.queue = next.catch(() => undefined);
  }

  private qemuArgs(kind: BootKind, socket: string): string[] {
    const { workDir, tap, firmware, images } = this.vm;
    const mac = this.inventory.nics[0].mac;
    const args = [
      '-accel',
      'tcg',
      '-m',
      String(this.vm.memoryMiB ?? 256),
      '-smp',
      '1',
      '-display',
      'none',
      // ttyS0 unused, ttyS1 (the installers' console=ttyS1) to the console log.
      '-chardev',
      `file,id=console,path=${join(workDir, 'console.log')},append=on`,
      '-serial',
      'null',
      '-serial',
      'chardev:console',
      '-S',
      '-no-shutdown',
      '-no-reboot',
      '-qmp',
      `unix:${socket},server=on,wait=off`,
      '-netdev',
      `tap,id=n0,ifname=${tap},script=no,downscript=no`,
      '-drive',
      `file=${this.diskPath},format=raw,if=virtio`,
    ];
    if (firmware === 'uefi') {
      const vars = join(workDir, 'OVMF_VARS.fd');
      if (!existsSync(vars)) copyFileSync(OVMF.vars, vars);
      args.push(
        '-machine',
        'q35',
        '-drive',
        `if=pflash,format=raw,readonly=on,file=${OVMF.code}`,
        '-drive',
        `if=pflash,format=raw,file=${vars}`,
        // romfile= leaves the firmware's own virtio-net driver: UEFI PXE fetches iPXE by TFTP.
        '-device',
        `virtio-net-pci,netdev=n0,mac=${mac},romfile=${kind === 'network' ? ',bootindex=1' : ''}`,
      );
    } else {
      args.push('-boot', 'order=c', '-device', `virtio-net-pci,netdev=n0,mac=${mac}`);
    }
    if (kind === 'disk') {
      args.push('-kernel', images.kernel, '-initrd', images.initramfs, '-append', `console=ttyS1,115200n8 quiet ${DISK_BOOT_ARG}`);
    }
    return args;
  }
}

function openAndClose(path: string): string {
  closeSync(openSync(path, 'w'));
  return path;
}
