/**
 * The simulated data center: one SimMachine per enrolled `sim` machine, with inventory from its plan's specs,
 * and an in-process network-boot agent (the fast path; the HTTP boot agent in boot-agent.ts drives the real
 * boot service instead). Machines are created lazily, when a driver first asks for one.
 */
import type { PlanSpecs } from '../contract/schemas';
import type { HardwareInventory } from '../core/hardware';
import type { Clock } from '../core/clock';
import { seededRandom } from '../core/random';
import { SimFaults, SimMachine, SimMachineOptions, SimTimings } from './machine';
import { sizeInGigabytes } from '../contract/catalog-rules';

/** What a booting machine needs from the cloud: its install (or rescue) instructions, its OS, and where to report. */
export interface InstallTarget {
  lookupByMac(mac: string): Promise<{ mode: 'install' | 'rescue' | 'local'; token?: string; os: string } | null>;
  phoneHome(token: string): Promise<unknown>;
  installFailed(token: string, reason: string): Promise<unknown>;
}

export interface SimMachineSpec {
  name: string;
  /** Plan slug, e.g. "c3.small.x86": a plan may be backed by VMs instead of simulated machines. */
  plan: string;
  macs: string[];
  specs: PlanSpecs;
}

export interface SimDatacenterOptions {
  /** Multiplies every simulated duration; 0 = instant. @default 1 */
  scale?: number;
  timings?: SimTimings;
  faults?: Partial<SimFaults>;
  /** Seed for fault injection. @default 1 */
  seed?: number;
  clock: Clock;
  /** Looks up a machine's enrolment (name → MACs and plan specs). */
  describe: (name: string) => Promise<SimMachineSpec | undefined> | SimMachineSpec | undefined;
  /** When set, machines that PXE-boot run the in-process install path against it. */
  installTarget?: InstallTarget;
  /** Called for each machine as it is created (e.g. to attach the HTTP boot agent). */
  onMachine?: (machine: SimMachine) => void;
  /**
   * Makes the machine for a spec instead of a simulated one (e.g. a VmMachine for a VM-backed plan); undefined
   * keeps the simulated machine.
   */
  createMachine?: (spec: SimMachineSpec, options: SimMachineOptions) => SimMachine | undefined;
}

export class SimDatacenter {
  private readonly machines = new Map<string, SimMachine>();
  private readonly random: () => number;

  constructor(private readonly options: SimDatacenterOptions) {
    this.random = seededRandom(options.seed ?? 1);
  }

  get(name: string): SimMachine | undefined {
    return this.machines.get(name);
  }

  all(): SimMachine[] {
    return [...this.machines.values()];
  }

  /** The machine behind a sim BMC address, created on first use. */
  async machine(name: string): Promise<SimMachine> {
    const existing = this.machines.get(name);
    if (existing) return existing;
    const spec = await this.options.describe(name);
    if (!spec) throw new Error(`no simulated machine named ${name}`);
    return this.add(spec);
  }

  add(spec: SimMachineSpec): SimMachine {
    const options: SimMachineOptions = {
      id: spec.name,
      inventory: inventoryFromSpecs(spec.specs, spec.macs),
      scale: this.options.scale ?? 1,
      timings: this.options.timings,
      faults: this.options.faults,
      clock: this.options.clock,
      random: this.random,
    };
    const machine = this.options.createMachine?.(spec, options) ?? new SimMachine(options);
    if (this.options.installTarget && !machine.bootsItself) attachInstaller(machine, this.options.installTarget, this.options.clock);
    this.machines.set(spec.name, machine);
    this.options.onMachine?.(machine);
    return machine;
  }
}

/**
 * On a PXE boot: ask the cloud what to do; "install" for the scaled install time, write the OS to the disk, then
 * phone home; or boot the rescue system, which runs from memory and phones home at once.
 */
function attachInstaller(machine: SimMachine, target: InstallTarget, clock: Clock): void {
  machine.on('booted', ({ source }: { source: string }) => {
    if (source !== 'pxe') return;
    void (async () => {
      const plan = await target.lookupByMac(machine.inventory.nics[0].mac);
      if (!plan || plan.mode === 'local' || !plan.token) return;
      if (plan.mode === 'rescue') return void (await target.phoneHome(plan.token));
      const installMs = machine.duration('installMs');
      if (installMs > 0) await clock.sleep(installMs);
      if (machine.installFails())
        return void (await target.installFailed(plan.token, `the installer on ${machine.id} failed (simulated install fault)`));
      machine.writeDisk(plan.os);
      await target.phoneHome(plan.token);
    })().catch(() => undefined); // a machine whose cloud is gone simply stays booted
  });
}

const toBytes = (size: string) => Math.round((sizeInGigabytes(size) ?? 0) * 1e9);

/**
 * Memory is sold in binary units: a "64GB" plan has 64 GiB of DIMMs, which a real BMC reports as 65536 MiB
 * (TotalSystemMemoryGiB 64), while drive sizes stay decimal as their makers count them. "1TB" of memory is 1 TiB.
 */
const memoryMiB = (size: string) => {
  const gigabytes = sizeInGigabytes(size) ?? 0;
  const gibibytes = /TB\s*$/i.test(size) ? (gigabytes / 1000) * 1024 : gigabytes;
  return Math.round(gibibytes * 1024);
};

export function inventoryFromSpecs(specs: PlanSpecs, macs: string[]): HardwareInventory {
  return {
    manufacturer: 'metalforge',
    model: 'SimServer',
    cpus: specs.cpus.map((c) => ({ count: c.count, cores: c.cores, model: c.type })),
    memoryMiB: memoryMiB(specs.memory.total),
    drives: specs.drives.flatMap((d) => Array.from({ length: d.count }, () => ({ sizeBytes: toBytes(d.size), mediaType: d.type }))),
    nics: macs.map((mac, i) => ({ mac, name: `eth${i}` })),
  };
}
