/**
 * A simulated bare-metal machine: power, one-time/persistent boot override, virtual media and inventory,
 * with timings scaled by a factor and seeded fault injection. BMC faces (in-process, Redfish, IPMI) drive it;
 * a boot agent listens for its 'booted' event to run the network-boot path.
 */
import { EventEmitter } from 'node:events';
import type { BootDevice, BootSetting, HardwareInventory, MediaStatus, PowerAction, PowerState } from '../core/hardware';
import { Clock, systemClock } from '../core/clock';

/** Base durations in milliseconds at scale 1 (roughly what real servers take). */
export interface SimTimings {
  powerOnMs: number;
  powerOffMs: number;
  postMs: number;
  installMs: number;
}

export const REALISTIC_TIMINGS: SimTimings = { powerOnMs: 3000, powerOffMs: 2000, postMs: 20000, installMs: 60000 };

/** Fault rates are probabilities in [0, 1]; bmcDelayMs is added to every BMC call (a slow BMC). */
export interface SimFaults {
  bmcTimeoutRate: number;
  bmcBusyRate: number;
  dropBootSettingRate: number;
  installFailureRate: number;
  bmcDelayMs: number;
}

export const NO_FAULTS: SimFaults = {
  bmcTimeoutRate: 0,
  bmcBusyRate: 0,
  dropBootSettingRate: 0,
  installFailureRate: 0,
  bmcDelayMs: 0,
};

export type BootSource = 'pxe' | 'disk' | 'cdrom' | 'bios' | 'uefi_http';

export interface SimMachineOptions {
  id: string;
  inventory: HardwareInventory;
  /** Multiplies every timing; 0 makes the machine instant. @default 1 */
  scale?: number;
  timings?: SimTimings;
  faults?: Partial<SimFaults>;
  clock?: Clock;
  random?: () => number;
}

export type BmcFault = 'timeout' | 'busy' | null;

/**
 * Events: 'power' (state), 'booted' ({ source, image? }) once POST completes after a power-on or reset; `image` is
 * the virtual media's on a cdrom boot and the disk's OS on a disk boot.
 */
export class SimMachine extends EventEmitter {
  readonly id: string;
  readonly inventory: HardwareInventory;
  readonly faults: SimFaults;
  readonly scale: number;
  readonly timings: SimTimings;
  private readonly clock: Clock;
  private readonly random: () => number;
  private powerState: PowerState = 'off';
  private bootSetting: BootSetting = { device: 'none', persistent: false, efi: true };
  private media: MediaStatus = { inserted: false };
  /** The OS an installer last wrote to the disk (null: blank); systems running from memory (rescue) leave it. */
  private diskImage: string | null = null;
  /** Bumped on every power transition so a stale boot sequence does not fire after a later power-off. */
  private generation = 0;
  /** True for a machine whose own firmware network-boots (a VM): no simulated boot agent or installer drives it. */
  readonly bootsItself: boolean = false;

  constructor(options: SimMachineOptions) {
    super();
    this.id = options.id;
    this.inventory = options.inventory;
    this.scale = options.scale ?? 1;
    this.timings = options.timings ?? REALISTIC_TIMINGS;
    this.faults = { ...NO_FAULTS, ...options.faults };
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  get power(): PowerState {
    return this.powerState;
  }

  get boot(): BootSetting {
    return { ...this.bootSetting };
  }

  get mediaStatus(): MediaStatus {
    return { ...this.media };
  }

  get disk(): string | null {
    return this.diskImage;
  }

  /** An installer writes `image` (the OS) to the disk; a boot from disk then runs it. */
  writeDisk(image: string): void {
    this.diskImage = image;
  }

  /** Decides whether the next BMC call fails, per the configured fault rates. */
  bmcFault(): BmcFault {
    if (this.faults.bmcTimeoutRate > 0 && this.random() < this.faults.bmcTimeoutRate) return 'timeout';
    if (this.faults.bmcBusyRate > 0 && this.random() < this.faults.bmcBusyRate) return 'busy';
    return null;
  }

  /** Whether an install on this machine fails this time. */
  installFails(): boolean {
    return this.faults.installFailureRate > 0 && this.random() < this.faults.installFailureRate;
  }

  /** Milliseconds a phase takes at this machine's scale. */
  duration(phase: keyof SimTimings): number {
    return Math.round(this.timings[phase] * this.scale);
  }

  /** Applies a power action. Resolves once the power state has settled (POST and boot continue afterwards). */
  async setPower(action: PowerAction): Promise<void> {
    switch (action) {
      case 'on':
        if (this.powerState === 'on') return;
        await this.wait('powerOnMs');
        this.switchOn();
        return;
      case 'off':
      case 'soft_off':
        if (this.powerState === 'off') return;
        await this.wait('powerOffMs');
        this.switchOff();
        return;
      case 'cycle':
        if (this.powerState === 'on') {
          await this.wait('powerOffMs');
          this.switchOff();
        }
        await this.wait('powerOnMs');
        this.switchOn();
        return;
      case 'reset':
        if (this.powerState === 'off') return; // a reset of an off machine does nothing, as on real hardware
        this.generation++;
        this.startBoot();
        return;
    }
  }

  /** Sets the boot override; with the drop fault the BMC "accepts" it and silently keeps the old value. */
  setBootDevice(device: BootDevice, options: { persistent?: boolean; efi?: boolean } = {}): void {
    if (this.faults.dropBootSettingRate > 0 && this.random() < this.faults.dropBootSettingRate) return;
    this.bootSetting = { device, persistent: options.persistent ?? false, efi: options.efi ?? true };
  }

  clearBootDevice(): void {
    this.bootSetting = { device: 'none', persistent: false, efi: this.bootSetting.efi };
  }

  insertMedia(image: string): void {
    this.media = { inserted: true, image };
  }

  ejectMedia(): void {
    this.media = { inserted: false };
  }

  private async wait(phase: keyof SimTimings): Promise<void> {
    const ms = this.duration(phase);
    if (ms > 0) await this.clock.sleep(ms);
  }

  /** Records a power state reached outside the simulated timings (a VM's QEMU process) and tells listeners. */
  protected markPower(state: PowerState): void {
    if (this.powerState === state) return;
    this.powerState = state;
    this.generation++;
    this.emit('power', state);
  }

  private switchOn(): void {
    this.powerState = 'on';
    this.generation++;
    this.emit('power', 'on');
    this.startBoot();
  }

  private switchOff(): void {
    this.powerState = 'off';
    this.generation++;
    this.emit('power', 'off');
  }

  /** POST, then boot from the override (one-time overrides are consumed), else from disk. */
  private startBoot(): void {
    const generation = this.generation;
    const post = this.duration('postMs');
    const run = () => {
      if (generation !== this.generation || this.powerState !== 'on') return;
      const setting = this.bootSetting;
      const source: BootSource = setting.device === 'none' ? 'disk' : setting.device;
      if (!setting.persistent) this.clearBootDevice();
      const image = source === 'cdrom' ? this.media.image : source === 'disk' ? (this.diskImage ?? undefined) : undefined;
      this.emit('booted', { source, image });
    };
    if (post > 0) void this.clock.sleep(post).then(run);
    else setImmediate(run);
  }
}
