/**
 * Job handlers: the hardware side of the lifecycle. Each handler reads what it needs, talks to the machine's
 * BMC through the driver capabilities, and returns the database changes for the round to commit.
 * Driver errors become device events and failure reasons that name the BMC and what to do.
 */
import { DriverError, type BmcDriver, type BmcEndpoint, type DriverName } from '../drivers/types';
import { strandedInstalls } from '../store/boot-installs';
import { installDevices, type InstallDevice } from '../store/devices';
import { enqueueJobs, type JobKind, type JobRow } from '../store/jobs';
import { bmcMachines, type BmcMachine, type MachineStateChange } from '../store/machines';
import type { EngineContext } from './context';
import { sha256 } from '../core/ids';
import type { JobOutcome } from './jobs';
import { LifecycleState, NETWORK_BOOT_STATES, PROVISIONING_PROGRESS } from './lifecycle';
import { machineChange, type MachineEvent } from './machine-lifecycle';
import { applyTransitions, type TransitionRequest } from './transitions';

type Handler = (job: JobRow) => Promise<JobOutcome>;

type NetworkBootState = (typeof NETWORK_BOOT_STATES)[number];

/** Jobs that network-boot a machine whose system phones home with a one-time token. */
const NETWORK_BOOT_JOBS: ReadonlySet<JobKind> = new Set(['provision', 'reinstall', 'rescue']);

/** Jobs that are not hardware work but share the durable queue: owned by other services. */
export type DelegatedJobs = Record<'place_device' | 'reconcile_router' | 'sync_ports' | 'apply_port_batch', Handler>;

export class Provisioner {
  private readonly drivers = new Map<string, BmcDriver>();
  /** Rows of the batch being run, loaded with one query per table. */
  private devices = new Map<string, InstallDevice<LifecycleState>>();
  private machines = new Map<string, BmcMachine>();
  private readonly handlers: Record<JobKind, Handler>;

  constructor(
    private readonly ctx: EngineContext,
    /** The worker running these jobs: an install records who booted it, so another can take it over. */
    private readonly workerId: string,
    private readonly phoneHomeToken: (deviceId: string, generation: number) => string,
    delegated: DelegatedJobs,
  ) {
    this.handlers = {
      provision: (job) => this.networkBoot(job, 'provisioning'),
      reinstall: (job) => this.networkBoot(job, 'reinstalling'),
      rescue: (job) => this.networkBoot(job, 'rescuing'),
      power_on: (job) => this.power(job, 'on', 'powered_on', 'powering_on'),
      power_off: (job) => this.power(job, 'off', 'powered_off', 'powering_off'),
      reboot: (job) => this.reboot(job),
      deprovision: (job) => this.deprovision(job),
      verify_machine: (job) => this.verifyMachine(job),
      release_machine: async (job) => ({ machines: this.machineChange(job.machine_id!, 'release', { device_id: null }) }),
      ...delegated,
    };
  }

  /**
   * Runs a claimed batch of jobs concurrently after prefetching their devices and machines, and after starting
   * the installs among them (see startInstalls).
   */
  readonly runBatch = async (jobs: JobRow[]): Promise<JobOutcome[]> => {
    const deviceIds = jobs.map((j) => j.device_id).filter((id): id is string => !!id);
    const devices = deviceIds.length ? await installDevices<LifecycleState>(this.ctx.db, deviceIds) : [];
    this.devices = new Map(devices.map((d) => [d.id, d]));
    await this.startInstalls(jobs);
    const machineIds = [...jobs.map((j) => j.machine_id), ...devices.map((d) => d.machine_id)].filter((id): id is string => !!id);
    const machines = machineIds.length ? await bmcMachines(this.ctx.db, machineIds) : [];
    this.machines = new Map(machines.map((m) => [m.id, m]));
    return Promise.all(
      jobs.map((job) =>
        this.handlers[job.kind](job).catch((err: unknown): JobOutcome => {
          this.ctx.log.error({ err, job: job.id, kind: job.kind }, 'job handler threw');
          return { retry: { error: err instanceof Error ? err.message : String(err), final: {} } };
        }),
      ),
    );
  };

  /** Boots again the installs (or rescue boots) on `bmcDriver`'s machines that no job drives any more (see strandedInstalls). */
  async restartStrandedInstalls(bmcDriver: DriverName): Promise<void> {
    const stranded = await strandedInstalls(this.ctx.db, bmcDriver);
    if (!stranded.length) return;
    const jobs = stranded.map((d) => ({ kind: d.kind, device_id: d.id }));
    await this.ctx.db.transaction((tx) => enqueueJobs(tx, jobs, this.ctx.clock.now()));
  }

  async close(): Promise<void> {
    const drivers = [...this.drivers.values()];
    this.drivers.clear();
    await Promise.all(drivers.map((d) => d.close().catch(() => undefined)));
  }

  /**
   * An install (or a rescue boot) starts before its machine boots: the device gets its state and a fresh
   * phone-home token in the database first, so the machine cannot phone home before its token exists. One
   * transaction for the batch. A job re-run after a crash finds its install already open (a token outstanding)
   * and only boots again. Either way the token is armed before the boot: the machine's first iPXE fetch takes it, once.
   */
  private async startInstalls(jobs: JobRow[]): Promise<void> {
    const installs = jobs
      .filter((job) => NETWORK_BOOT_JOBS.has(job.kind))
      .map((job) => this.devices.get(job.device_id!))
      .filter((d): d is InstallDevice<LifecycleState> => !!d);
    // A provision starts from queued; reinstalls and rescues are already in their waiting state.
    const starting = installs.filter(
      (d) => !d.install_open && (d.state === 'queued' || d.state === 'reinstalling' || d.state === 'rescuing'),
    );
    const rebooting = installs.filter((d) => d.install_open && (NETWORK_BOOT_STATES as readonly string[]).includes(d.state));
    if (!starting.length && !rebooting.length) return;
    const starts = starting.map((device): TransitionRequest => {
      const generation = device.install_generation + 1;
      const queued = device.state === 'queued';
      return {
        deviceId: device.id,
        event: queued ? 'provision_started' : null,
        onlyFrom: [device.state],
        // The new generation is computed from this read: if another engine started an install meanwhile, skip.
        onlyGeneration: device.install_generation,
        patch: {
          install_generation: generation,
          phone_home_hash: sha256(this.phoneHomeToken(device.id, generation)),
          provisioning_percentage: PROVISIONING_PROGRESS.started,
          install_worker: this.workerId,
          install_token_armed: true,
        },
        message: queued ? undefined : `${device.hostname}: ${device.state === 'rescuing' ? 'rescue boot' : 'reinstall'} started`,
      };
    });
    const rearms = rebooting.map((device): TransitionRequest => ({
      deviceId: device.id,
      event: null,
      onlyFrom: [device.state],
      onlyGeneration: device.install_generation,
      patch: { install_token_armed: true },
    }));
    const now = this.ctx.clock.now();
    const results = await this.ctx.db.transaction((tx) => applyTransitions(tx, [...starts, ...rearms], now));
    results.slice(0, starts.length).forEach((result, i) => {
      if (!result.ok) return;
      const device = starting[i];
      Object.assign(device, { state: result.to, install_generation: device.install_generation + 1, install_open: true });
    });
  }

  /**
   * Boots an open install or rescue boot: PXE once, then power on (or cycle). The device moves on when the machine
   * phones home. An install the BMC cannot boot fails; a rescue leaves the device active on the OS of its disk.
   */
  private async networkBoot(job: JobRow, installing: NetworkBootState): Promise<JobOutcome> {
    const device = await this.device(job.device_id!);
    // Deleted, failed or timed out meanwhile, or the install could not start: nothing to boot.
    if (!device || device.state !== installing || !device.install_open) return {};
    const ended = { onlyFrom: [installing], onlyGeneration: device.install_generation };
    const failed = (reason: string): JobOutcome => ({
      transitions: [
        installing === 'rescuing'
          ? {
              deviceId: device.id,
              event: 'power_failed',
              ...ended,
              patch: { deadline: null, phone_home_hash: null },
              message: `${device.hostname}: could not boot the rescue system: ${reason}; it still runs the OS on its disk`,
            }
          : {
              deviceId: device.id,
              event: 'install_failed',
              ...ended,
              patch: { failure_reason: reason, deadline: null, phone_home_hash: null },
              message: reason,
            },
      ],
    });
    return this.withDriver(device.machine_id!, failed, async (driver) => {
      if (driver.boot) await driver.boot.setBootDevice('pxe', { persistent: false, efi: true });
      const power = await driver.power.powerState();
      await driver.power.setPower(power === 'on' ? 'cycle' : 'on');
      return {
        // Only while the install is still the one booted: a fast machine may have phoned home already.
        transitions: [
          {
            deviceId: device.id,
            event: null,
            onlyFrom: [installing],
            onlyGeneration: device.install_generation,
            patch: { provisioning_percentage: PROVISIONING_PROGRESS.networkBoot, install_worker: this.workerId },
            message: `${device.hostname}: network boot started`,
          },
        ],
      };
    });
  }

  private async power(
    job: JobRow,
    action: 'on' | 'off',
    done: 'powered_on' | 'powered_off',
    waiting: 'powering_on' | 'powering_off',
  ): Promise<JobOutcome> {
    const device = await this.device(job.device_id!);
    if (!device || device.state !== waiting) return {};
    const failed = (reason: string): JobOutcome => ({
      transitions: [
        {
          deviceId: device.id,
          event: 'power_failed',
          onlyFrom: [waiting],
          patch: { deadline: null },
          message: `${device.hostname}: power ${action} failed: ${reason}`,
        },
      ],
    });
    return this.withDriver(device.machine_id!, failed, async (driver) => {
      await driver.power.setPower(action);
      const state = await driver.power.powerState();
      if (state !== action) throw new DriverError('not_applied', `the BMC accepted power ${action} but reports the machine ${state}`);
      return { transitions: [{ deviceId: device.id, event: done, onlyFrom: [waiting], patch: { deadline: null } }] };
    });
  }

  private async reboot(job: JobRow): Promise<JobOutcome> {
    const device = await this.device(job.device_id!);
    if (!device || device.state !== 'active') return {};
    const failed = (reason: string): JobOutcome => ({
      transitions: [{ deviceId: device.id, event: null, message: `${device.hostname}: reboot failed: ${reason}` }],
    });
    return this.withDriver(device.machine_id!, failed, async (driver) => {
      if (driver.boot) await driver.boot.setBootDevice('disk', { persistent: false, efi: true });
      await driver.power.setPower((await driver.power.powerState()) === 'on' ? 'reset' : 'on');
      return { transitions: [{ deviceId: device.id, event: null, message: `${device.hostname}: rebooted` }] };
    });
  }

  /** Powers the machine off and returns it to the pool. With force, a BMC failure parks the machine in maintenance instead. */
  private async deprovision(job: JobRow): Promise<JobOutcome> {
    const device = await this.device(job.device_id!);
    if (!device || device.state !== 'deprovisioning') return {};
    const deleted = (): TransitionRequest => ({
      deviceId: device.id,
      event: 'deprovisioned',
      onlyFrom: ['deprovisioning'],
      patch: { deleted_at: this.ctx.clock.now().toISOString(), deadline: null, phone_home_hash: null },
    });
    // A device deleted while it waited for a machine has no hardware to power off.
    if (!device.machine_id) return { transitions: [deleted()] };
    const machineId = device.machine_id;
    const failed = (reason: string): JobOutcome =>
      job.payload.force
        ? {
            // Forced: the device goes away; the machine is parked for an operator instead of returning to the pool.
            transitions: [deleted()],
            machines: this.machineChange(machineId, 'park', { device_id: null, last_error: reason }),
          }
        : {
            transitions: [
              {
                deviceId: device.id,
                event: 'deprovision_failed',
                onlyFrom: ['deprovisioning'],
                patch: {
                  failure_reason: `deprovision failed: ${reason}; delete again with force_delete=true to remove the device anyway`,
                  deadline: null,
                },
                message: `${device.hostname}: deprovision failed: ${reason}`,
              },
            ],
          };
    return this.withDriver(machineId, failed, async (driver) => {
      await driver.power.setPower('off');
      if (driver.boot) await driver.boot.setBootDevice('pxe', { persistent: false, efi: true });
      return { transitions: [deleted()], machines: this.machineChange(machineId, 'release', { device_id: null }) };
    });
  }

  /** Enrolment check: credentials work, inventory readable; then the machine becomes available. */
  private async verifyMachine(job: JobRow): Promise<JobOutcome> {
    const machineId = job.machine_id!;
    // A failed machine stays out of the pool, and enrolment is the only way back in: say so.
    const failed = (reason: string): JobOutcome => ({
      machines: this.machineChange(machineId, 'verify_failed', {
        last_error: `${reason}; fix the BMC or its credentials, then remove the machine (DELETE /operator/machines/${machineId}) and enrol it again`,
      }),
    });
    return this.withDriver(machineId, failed, async (driver) => {
      await driver.power.powerState();
      const inventory = driver.inventory ? await driver.inventory.inventory() : null;
      return { machines: this.machineChange(machineId, 'verified', { inventory, last_error: null }) };
    });
  }

  /**
   * Runs hardware work. A retryable driver error becomes a retry whose final attempt writes `failWith`;
   * a permanent one (bad credentials, unsupported operation) writes `failWith` at once.
   */
  private async withDriver(
    machineId: string,
    failWith: (reason: string) => JobOutcome,
    work: (driver: BmcDriver) => Promise<JobOutcome>,
  ): Promise<JobOutcome> {
    let machine: BmcMachine | undefined;
    try {
      machine = await this.machine(machineId);
      return await work(this.driverFor(machine));
    } catch (err) {
      const where = machine ? `BMC ${machine.bmc_driver} ${machine.bmc_address} (machine ${machine.name})` : `machine ${machineId}`;
      const reason =
        err instanceof DriverError
          ? `${where}: ${err.message}`
          : `${where}: unexpected error: ${err instanceof Error ? err.message : String(err)}`;
      // A dropped session or half-open connection: reopen on the next attempt.
      await this.forget(machineId);
      const final = failWith(reason);
      if (err instanceof DriverError && !err.retryable) return final;
      return { retry: { error: reason, final } };
    }
  }

  private driverFor(machine: BmcMachine): BmcDriver {
    let driver = this.drivers.get(machine.id);
    if (!driver) {
      const endpoint: BmcEndpoint = {
        driver: machine.bmc_driver,
        address: machine.bmc_address,
        username: machine.bmc_username ?? undefined,
        password: machine.bmc_secret ? this.ctx.secrets.open(machine.bmc_secret) : undefined,
        insecure: machine.bmc_options.insecure,
        caCert: machine.bmc_options.ca_cert,
      };
      driver = this.ctx.drivers(endpoint);
      this.drivers.set(machine.id, driver);
    }
    return driver;
  }

  private async forget(machineId: string): Promise<void> {
    const driver = this.drivers.get(machineId);
    this.drivers.delete(machineId);
    await driver?.close().catch(() => undefined);
  }

  private async device(id: string): Promise<InstallDevice<LifecycleState> | undefined> {
    return this.devices.get(id);
  }

  private async machine(id: string): Promise<BmcMachine> {
    const row = this.machines.get(id);
    if (row) return row;
    const [loaded] = await bmcMachines(this.ctx.db, [id]);
    if (!loaded) throw new Error(`machine ${id} is not enrolled`);
    // Kept for the outcome, whose machine change is decided from this state.
    this.machines.set(id, loaded);
    return loaded;
  }

  /** What `event` does to the machine as this batch read it; nothing when the machine lifecycle does not allow it. */
  private machineChange(
    machineId: string,
    event: MachineEvent,
    columns: Omit<MachineStateChange, 'id' | 'from' | 'to'>,
  ): MachineStateChange[] {
    const machine = this.machines.get(machineId);
    const change = machine && machineChange(machine, event, columns);
    return change ? [change] : [];
  }
}
