/**
 * Layer 2: a project's VLANs per metro, its devices' ports, their network types and VLAN assignments. Load, decide
 * with the pure rules (port-rules.ts), write; then make the metro's switch carry what the rows say and read it back.
 *
 * A change to a device's ports is decided under its network row's lock and recorded with a durable `sync_ports`
 * job before it reaches the switch: if the process dies before the switch answered, the job (after a restart,
 * or on another server) makes the switch carry the recorded state and reads it back, so port and switch agree.
 * A switch that refuses a change leaves every port as it was (the driver contract); the rows go back to the
 * previous state and the caller (or the batch) gets the switch's reason. Changes to one machine's ports run one
 * at a time in this server; across servers the row lock orders their decisions, and a change whose push may have
 * landed after a newer one pushes the newest rows before it answers.
 *
 * As on Metal, a device leaving routing (layer 3, hybrid) for a layer-2 type loses its IP assignments once the
 * switch carries the change (or its sync job runs), and coming back takes new ones in the decision's transaction.
 */
import { problemAt } from '../../contract/bounds';
import { unknownValue } from '../../contract/catalog-rules';
import { MetalError } from '../../contract/errors';
import { isUuid, newId } from '../../core/ids';
import { SimSwitch, SwitchUnavailable, type SwitchDriver } from '../../drivers/switch';
import { DriverError } from '../../drivers/types';
import type { Queryable } from '../../store/database';
import { insertEvents } from '../../store/events';
import { setDeviceAddresses } from '../../store/devices';
import { assignmentCountsOfDevice } from '../../store/ip-assignments-elastic';
import { enqueueJobs, type JobRow } from '../../store/jobs';
import * as repo from '../../store/layer2';
import type { Principal } from '../accounts';
import type { CommitWith, EngineContext } from '../context';
import type { DeviceService } from '../devices';
import type { JobOutcome } from '../jobs';
import type { ProjectService } from '../projects';
import { addressRequests, DEFAULT_ADDRESSES, type AddressInput, type AddressRequest } from '../addresses';
import { placeDeviceAddresses, releaseDeviceAddresses } from './device-addresses';
import {
  applyBatch,
  assignVlan,
  chooseVxlan,
  holdsAddresses,
  nicVlans,
  portOperation,
  PortRuleError,
  sameNetwork,
  sameSwitchPorts,
  setNative,
  unassignVlan,
  VXLAN_AUTO,
  VXLAN_MAX,
  VXLAN_MIN,
  type BatchEntry,
  type NetworkState,
  type NetworkType,
} from './port-rules';

export type { BatchRow, NetworkRow, PortRow, VlanRow, VlanUsers } from '../../store/layer2';

/** A metro's switch as the engine uses it: the driver, and the switch port each machine's NIC is wired to. */
export interface MetroSwitchSetup {
  switch: SwitchDriver;
  portName(machineId: string, nic: string): string;
}

/** The switch of a metro, by its code; asked once per metro. */
export type SwitchFactory = (metroCode: string) => MetroSwitchSetup;

export const simSwitches: SwitchFactory = () => ({ switch: new SimSwitch(), portName: (machineId, nic) => `${machineId}:${nic}` });

export interface VlanInput {
  metro?: string;
  facility?: string;
  vxlan?: number;
  description?: string;
  tags?: string[];
}

export interface BatchInput {
  vlan_assignments: { vlan: string; state?: 'assigned' | 'unassigned'; native?: boolean }[];
}

/** A port with the network of its device. */
export interface PortView {
  port: repo.PortRow;
  network: repo.NetworkRow;
}

export type PortOperation = 'bond' | 'disbond' | 'convert_layer2' | 'convert_layer3';

const stateOf = (net: repo.NetworkRow): NetworkState => ({
  type: net.network_type,
  ports: net.ports.map((p) => ({
    id: p.id,
    name: p.name,
    vlans: p.vlans.map((v) => ({ id: v.id, vxlan: v.vxlan })),
    native: p.native_vlan_id,
  })),
});

const ruled = <T>(decide: () => T): T => {
  try {
    return decide();
  } catch (err) {
    if (err instanceof PortRuleError) throw new MetalError('validation_failed', err.message);
    throw err;
  }
};

export class Layer2Service {
  private readonly switches = new Map<string, MetroSwitchSetup>();
  /** Changes per machine, one at a time. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly projects: ProjectService,
    private readonly devices: DeviceService,
    /** Asks the job runner to look for work (a batch was queued). */
    private readonly poke: () => void,
    private readonly switchFactory: SwitchFactory = simSwitches,
  ) {}

  // ------------------------------------------------------------------ VLANs

  async createVlan(
    principal: Principal,
    projectId: string,
    input: VlanInput,
    commitWith?: CommitWith<repo.VlanRow>,
  ): Promise<repo.VlanRow> {
    await this.projects.row(principal, projectId);
    const { world } = this.ctx;
    const problems: string[] = [];
    const facility = input.metro === undefined && input.facility !== undefined ? world.facility(input.facility) : undefined;
    if (input.metro === undefined && input.facility !== undefined && !facility)
      problems.push(problemAt('facility', unknownValue('facility', input.facility, world.facilityCodes())));
    const metroRef = input.metro ?? facility?.metro_id;
    const metro = metroRef === undefined ? undefined : world.metro(metroRef);
    if (input.metro !== undefined && !metro) problems.push(problemAt('metro', unknownValue('metro', input.metro, world.metroCodes())));
    if (metroRef === undefined) problems.push('metro: a VLAN lives in one metro; give its code (e.g. "metro": "sv")');
    if (input.vxlan !== undefined && (!Number.isInteger(input.vxlan) || input.vxlan < VXLAN_MIN || input.vxlan > VXLAN_MAX))
      problems.push(`vxlan: must be a whole number from ${VXLAN_MIN} to ${VXLAN_MAX}, got ${input.vxlan}; or leave it out to get one`);
    if (problems.length) throw new MetalError('validation_failed', problems);
    // A chosen id another request took meanwhile is chosen again (a few times: each try sees the ones taken).
    for (let attempt = 1; ; attempt++) {
      const vxlan = input.vxlan ?? chooseVxlan(await repo.vxlansOfMetro(this.ctx.db, metro!.id));
      if (vxlan === undefined)
        throw new MetalError(
          'validation_failed',
          `vxlan: every VLAN id from ${VXLAN_AUTO.first} to ${VXLAN_AUTO.last} is in use in metro ${metro!.code}; give one from ${VXLAN_MIN} to ${VXLAN_MAX}`,
        );
      const row = await this.insertVlan(projectId, metro!, vxlan, input, commitWith);
      if (row) return row;
      if (input.vxlan !== undefined || attempt === 5)
        throw new MetalError(
          'validation_failed',
          `vxlan: ${vxlan} is already in use in metro ${metro!.code}; choose another or leave vxlan out to get a free one`,
        );
    }
  }

  private insertVlan(
    projectId: string,
    metro: { id: string; code: string },
    vxlan: number,
    input: VlanInput,
    commitWith?: CommitWith<repo.VlanRow>,
  ): Promise<repo.VlanRow | undefined> {
    const now = this.ctx.clock.now();
    return this.ctx.db.transaction(async (tx) => {
      const inserted = await repo.insertVlan(tx, {
        id: newId(),
        project_id: projectId,
        metro_id: metro.id,
        vxlan,
        description: input.description ?? null,
        tags: input.tags ?? [],
        created_at: now.toISOString(),
      });
      if (!inserted) return undefined;
      await Promise.all([
        insertEvents(
          tx,
          [{ id: newId(), type: 'vlan.created', body: `VLAN ${vxlan} created in metro ${metro.code}`, project_id: projectId }],
          now,
        ),
        commitWith?.(tx, inserted),
      ]);
      return inserted;
    });
  }

  async vlans(principal: Principal, projectId: string, filter: { metro?: string; facility?: string } = {}): Promise<repo.VlanRow[]> {
    await this.projects.row(principal, projectId);
    const metroRef = filter.metro ?? (filter.facility !== undefined ? this.ctx.world.facility(filter.facility)?.metro_id : undefined);
    if ((filter.metro ?? filter.facility) !== undefined && !(metroRef !== undefined && this.ctx.world.metro(metroRef))) return [];
    return repo.vlansOfProject(this.ctx.db, projectId, metroRef === undefined ? undefined : this.ctx.world.metro(metroRef)!.id);
  }

  async vlan(principal: Principal, id: string): Promise<repo.VlanRow> {
    const row = isUuid(id) ? await repo.findVlan(this.ctx.db, id) : undefined;
    if (!row || !(await this.projects.isVisible(principal, row.project_id)))
      throw new MetalError('not_found', `virtual network ${id} not found`);
    return row;
  }

  async updateVlan(principal: Principal, id: string, input: { description?: string; tags?: string[] }): Promise<repo.VlanRow> {
    await this.vlan(principal, id);
    const row = await repo.updateVlan(this.ctx.db, id, input, this.ctx.clock.now());
    if (!row) throw new MetalError('not_found', `virtual network ${id} not found`);
    return row;
  }

  /** Deletes a VLAN no port carries; one that ports carry is refused, naming them. */
  async deleteVlan(principal: Principal, id: string): Promise<void> {
    const vlan = await this.vlan(principal, id);
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction(async (tx) => {
      if (await repo.deleteVlan(tx, id)) {
        await insertEvents(
          tx,
          [{ id: newId(), type: 'vlan.deleted', body: `VLAN ${vlan.vxlan} deleted`, project_id: vlan.project_id }],
          now,
        );
        return;
      }
      const gateway = await repo.gatewayUsing(tx, { vlanId: id });
      if (gateway)
        throw new MetalError(
          'validation_failed',
          `id: VLAN ${vlan.vxlan} is served by metal gateway ${gateway.id}; delete the gateway first`,
        );
      const on = await repo.devicesOnVlan(tx, id);
      throw new MetalError(
        'validation_failed',
        `id: VLAN ${vlan.vxlan} is assigned to ${on.map((d) => `${d.hostname} (${d.port})`).join(', ')}; unassign it from those ports first`,
      );
    });
  }

  /** What uses each VLAN (VirtualNetwork.instances and metal_gateways), by VLAN id, in one query. */
  async usersOf(vlans: readonly repo.VlanRow[]): Promise<Map<string, repo.VlanUsers>> {
    const rows = vlans.length
      ? await repo.vlanUsers(
          this.ctx.db,
          vlans.map((v) => v.id),
        )
      : [];
    return new Map(rows.map((r) => [r.vlan_id, r]));
  }

  // ------------------------------------------------------------------ ports

  async port(principal: Principal, id: string): Promise<PortView> {
    const deviceId = isUuid(id) ? await repo.deviceOfPort(this.ctx.db, id) : undefined;
    const network = deviceId ? await this.visibleNetwork(principal, deviceId) : undefined;
    const port = network?.ports.find((p) => p.id === id);
    if (!network || !port) throw new MetalError('not_found', `port ${id} not found`);
    return { port, network };
  }

  /** Assigns a VLAN (its id, or its VXLAN id in the device's metro) to a port. */
  async assign(principal: Principal, portId: string, vnid: string): Promise<PortView> {
    const { port, network } = await this.port(principal, portId);
    const vlan = await this.resolveVlan(principal, network, vnid, 'vnid');
    return this.change(network, port.id, `VLAN ${vlan.vxlan} assigned to ${port.name}`, (s) => assignVlan(s, port.name, vlan));
  }

  async unassign(principal: Principal, portId: string, vnid: string): Promise<PortView> {
    const { port, network } = await this.port(principal, portId);
    const vlan = await this.resolveVlan(principal, network, vnid, 'vnid');
    if (!port.vlans.some((v) => v.id === vlan.id))
      throw new MetalError('validation_failed', `vnid: VLAN ${vlan.vxlan} is not assigned to ${port.name}; nothing to unassign`);
    return this.change(network, port.id, `VLAN ${vlan.vxlan} unassigned from ${port.name}`, (s) => unassignVlan(s, port.name, vlan.id));
  }

  /** Makes an assigned VLAN the port's native VLAN; with `vnid` null the port has none. */
  async setNativeVlan(principal: Principal, portId: string, vnid: string | null): Promise<PortView> {
    const { port, network } = await this.port(principal, portId);
    const vlan = vnid === null ? null : await this.resolveVlan(principal, network, vnid, 'vnid');
    const what = vlan ? `VLAN ${vlan.vxlan} made native on ${port.name}` : `native VLAN removed from ${port.name}`;
    return this.change(network, port.id, what, (s) => setNative(s, port.name, vlan?.id ?? null));
  }

  /**
   * Bonds, disbonds or converts a port, as the network type table allows. Back in layer 3 the device takes the
   * addresses `requestIps` asks for (public IPv4, private IPv4 and public IPv6 when absent).
   */
  async operate(principal: Principal, portId: string, operation: PortOperation, requestIps?: AddressInput[]): Promise<PortView> {
    const { port, network } = await this.port(principal, portId);
    const { requests, problems } = addressRequests(requestIps, 'request_ips');
    if (problems.length) throw new MetalError('validation_failed', problems);
    const what = `${operation.replace('_', ' ')} on ${port.name}`;
    return this.change(network, port.id, what, (s) => portOperation(s, port.name, operation), requests);
  }

  // ------------------------------------------------------------------ batches

  /** Queues a batch of VLAN assignments for a port; its job applies it. Bad entries are refused at once. */
  async createBatch(principal: Principal, portId: string, input: BatchInput): Promise<repo.BatchRow> {
    const { port, network } = await this.port(principal, portId);
    const entries = await this.resolveBatch(principal, network, input);
    // Refuse now what the rules would refuse when the batch runs on the port as it is.
    ruled(() => applyBatch(stateOf(network), port.name, entries));
    const now = this.ctx.clock.now();
    const row = await this.ctx.db.transaction(async (tx) => {
      const inserted = await repo.insertBatch(
        tx,
        {
          id: newId(),
          port_id: port.id,
          project_id: network.project_id,
          vlan_assignments: entries.map((e) => ({ vlan_id: e.vlan.id, vxlan: e.vlan.vxlan, state: e.state, native: e.native })),
        },
        now,
      );
      await enqueueJobs(tx, [{ kind: 'apply_port_batch', device_id: network.device_id, payload: { batch_id: inserted.id } }], now);
      return inserted;
    });
    this.poke();
    return row;
  }

  async batches(principal: Principal, portId: string): Promise<repo.BatchRow[]> {
    const { port } = await this.port(principal, portId);
    return repo.batchesOfPort(this.ctx.db, port.id);
  }

  async batch(principal: Principal, portId: string, batchId: string): Promise<repo.BatchRow> {
    const { port } = await this.port(principal, portId);
    const row = isUuid(batchId) ? await repo.findBatch(this.ctx.db, batchId) : undefined;
    if (!row || row.port_id !== port.id) throw new MetalError('not_found', `batch ${batchId} not found`);
    return row;
  }

  /** The durable job that applies a batch: in_progress, then completed or failed with the reason. */
  readonly batchJob = async (job: JobRow): Promise<JobOutcome> => {
    const batchId = (job.payload as { batch_id: string }).batch_id;
    const batch = await repo.findBatch(this.ctx.db, batchId);
    if (!batch || batch.state === 'completed' || batch.state === 'failed') return {};
    const { db, clock } = this.ctx;
    await repo.setBatchState(db, batch.id, 'in_progress', [], clock.now());
    const fail = (errors: string[]) => repo.setBatchState(db, batch.id, 'failed', errors, clock.now());
    const deviceId = await repo.deviceOfPort(db, batch.port_id);
    const network = deviceId ? await repo.findNetwork(db, deviceId) : undefined;
    const port = network?.ports.find((p) => p.id === batch.port_id);
    if (!network || !port) return fail(["port: the port's device was deleted"]).then(() => ({}));
    const still = await repo.findVlansNamed(
      db,
      network.metro_id,
      batch.vlan_assignments.map((a) => a.vlan_id),
    );
    const gone = batch.vlan_assignments.filter((a) => !still.has(a.vlan_id));
    if (gone.length)
      return fail(gone.map((a) => `vlan_assignments: VLAN ${a.vxlan} was deleted after the batch was queued`)).then(() => ({}));
    const entries: BatchEntry[] = batch.vlan_assignments.map((a) => ({
      vlan: { id: a.vlan_id, vxlan: a.vxlan },
      state: a.state,
      native: a.native,
    }));
    try {
      const summary = entries.map((e) => `${e.vlan.vxlan} ${e.state}${e.native ? ' (native)' : ''}`).join(', ');
      await this.change(network, port.id, `VLAN batch on ${port.name}: ${summary}`, (s) => applyBatch(s, port.name, entries));
    } catch (err) {
      if (!(err instanceof MetalError)) throw err;
      // A switch that did not answer is asked again; the batch fails with its reason after the last attempt.
      if (err.status >= 500 && job.attempts < job.max_attempts) return { retry: { error: err.message, final: {} } };
      await fail(err.errors);
      return {};
    }
    await repo.setBatchState(db, batch.id, 'completed', [], clock.now());
    return {};
  };

  /**
   * The durable job that makes the switch carry what the rows say for a machine's NICs (nothing when no device
   * holds the machine) and reads it back; retried while the switch does not take it.
   */
  readonly syncJob = async (job: JobRow): Promise<JobOutcome> => {
    const machineId = job.machine_id!;
    const failure = await this.serial(machineId, async () => {
      const network = await repo.networkOfMachine(this.ctx.db, machineId);
      const target = network ? { metroId: network.metro_id, state: stateOf(network) } : await this.releasedState(machineId);
      if (!target) return undefined;
      return this.push(target.metroId, machineId, target.state).then(
        async () => {
          // A conversion to layer 2 cut off after its push still owes the release of the device's addresses.
          if (network) await this.releaseAddressesInLayer2(network.device_id);
          return undefined;
        },
        (err: unknown) => {
          if (err instanceof DriverError) return err.message;
          throw err;
        },
      );
    });
    return failure ? { retry: { error: failure, final: {} } } : {};
  };

  /** A device's network (for its metadata), or undefined before it has a machine. */
  networkOf(deviceId: string): Promise<repo.NetworkRow | undefined> {
    return repo.findNetwork(this.ctx.db, deviceId);
  }

  // ------------------------------------------------------------------ internals

  private async visibleNetwork(principal: Principal, deviceId: string): Promise<repo.NetworkRow | undefined> {
    const device = await this.devices.get(deviceId, principal.projectId ?? undefined).catch(() => undefined);
    if (!device || !(await this.projects.isVisible(principal, device.project_id))) return undefined;
    return repo.findNetwork(this.ctx.db, deviceId);
  }

  /** A VLAN named by its id or its VXLAN id, which must be the device's project's and in the device's metro. */
  private async resolveVlan(principal: Principal, network: repo.NetworkRow, vnid: string, field: string): Promise<repo.VlanRow> {
    const named = await repo.findVlansNamed(this.ctx.db, network.metro_id, [vnid]);
    return this.checkVlan(principal, network, vnid, named.get(vnid), field);
  }

  /** The VLAN `vnid` named (`row`, if any), when the device may use it; otherwise a 422 naming `field` and the fix. */
  private async checkVlan(
    principal: Principal,
    network: repo.NetworkRow,
    vnid: string,
    row: repo.VlanRow | undefined,
    field: string,
    projectVlans = () => repo.vlansOfProject(this.ctx.db, network.project_id, network.metro_id),
  ): Promise<repo.VlanRow> {
    const metro = this.ctx.world.metros.get(network.metro_id);
    const own = row && row.project_id === network.project_id;
    if (row && !own && (await this.projects.isVisible(principal, row.project_id)))
      throw new MetalError(
        'validation_failed',
        `${field}: VLAN ${row.vxlan} belongs to project ${row.project_id}, not to the device's project ${network.project_id}; use a VLAN of the device's project`,
      );
    if (!row || !own) {
      const known = await projectVlans();
      throw new MetalError(
        'validation_failed',
        problemAt(
          field,
          `${unknownValue(
            'VLAN',
            vnid,
            known.map((v) => String(v.vxlan)),
          )} (the project's VLANs in metro ${metro?.code}); create it with POST /projects/${network.project_id}/virtual-networks`,
        ),
      );
    }
    if (row.metro_id !== network.metro_id)
      throw new MetalError(
        'validation_failed',
        `${field}: VLAN ${row.vxlan} is in metro ${this.ctx.world.metros.get(row.metro_id)?.code}, the device in metro ${metro?.code}; use a VLAN of metro ${metro?.code}`,
      );
    return row;
  }

  private async resolveBatch(principal: Principal, network: repo.NetworkRow, input: BatchInput): Promise<BatchEntry[]> {
    const problems: string[] = [];
    const entries: BatchEntry[] = [];
    // One query for the whole batch: a batch names up to BATCH_MAX_ENTRIES VLANs.
    const named = await repo.findVlansNamed(
      this.ctx.db,
      network.metro_id,
      input.vlan_assignments.map((a) => a.vlan),
    );
    // The project's VLANs, for the messages of unknown ones: read once however many entries name one.
    let known: Promise<repo.VlanRow[]> | undefined;
    const projectVlans = () => (known ??= repo.vlansOfProject(this.ctx.db, network.project_id, network.metro_id));
    for (const [i, a] of input.vlan_assignments.entries()) {
      try {
        const vlan = await this.checkVlan(principal, network, a.vlan, named.get(a.vlan), `vlan_assignments[${i}].vlan`, projectVlans);
        entries.push({ vlan: { id: vlan.id, vxlan: vlan.vxlan }, state: a.state ?? 'assigned', native: a.native ?? false });
      } catch (err) {
        if (!(err instanceof MetalError)) throw err;
        problems.push(...err.errors);
      }
    }
    const seen = new Set<string>();
    const twice = new Map<string, number>();
    for (const e of entries) {
      if (seen.has(e.vlan.id)) twice.set(e.vlan.id, e.vlan.vxlan);
      seen.add(e.vlan.id);
    }
    for (const vxlan of twice.values()) problems.push(`vlan_assignments: VLAN ${vxlan} is listed more than once; list each VLAN once`);
    if (problems.length) throw new MetalError('validation_failed', problems);
    return entries;
  }

  /**
   * Decides a change under the network's lock, records it with its durable sync job, then makes the switch carry
   * it and reads it back. A switch that does not take it leaves the rows as they were and answers with its reason.
   */
  private change(
    network: repo.NetworkRow,
    portId: string,
    what: string,
    decide: (s: NetworkState) => NetworkState,
    requests: readonly AddressRequest[] = DEFAULT_ADDRESSES,
  ): Promise<PortView> {
    const { db, clock, config } = this.ctx;
    return this.serial(network.machine_id, async () => {
      const now = clock.now();
      const decided = await db.transaction(async (tx) => {
        const locked = await repo.lockNetwork(tx, network.device_id);
        if (!locked) throw new MetalError('not_found', `port ${portId} not found`);
        const before = stateOf(locked);
        const after = ruled(() => decide(before));
        if (sameNetwork(before, after)) return { locked, before, after };
        if (!holdsAddresses(before.type) && holdsAddresses(after.type)) await this.requestAddresses(tx, locked, requests, now);
        await Promise.all([
          this.write(tx, locked.device_id, after, now),
          // Runs only if this change never finishes (the process died): it settles the switch on the rows.
          enqueueJobs(
            tx,
            [{ kind: 'sync_ports', machine_id: locked.machine_id, run_at: new Date(now.getTime() + config.jobLeaseMs) }],
            now,
          ),
          insertEvents(
            tx,
            [{ id: newId(), type: 'port.changed', body: what, project_id: locked.project_id, device_id: locked.device_id }],
            now,
          ),
        ]);
        return { locked, before, after };
      });
      try {
        await this.push(decided.locked.metro_id, decided.locked.machine_id, decided.after);
      } catch (err) {
        if (!(err instanceof DriverError)) throw err;
        this.ctx.log.warn({ deviceId: network.device_id, kind: err.kind, message: err.message }, 'the switch did not take a port change');
        const restored = await this.restore(decided.locked, decided.before, decided.after);
        throw new MetalError(
          err.kind === 'protocol' ? 'validation_failed' : 'unavailable',
          restored
            ? `port: the switch did not take the change (${err.message}); the port is unchanged, try again`
            : `port: the switch did not take the change (${err.message}), and a later change to the port (from another server) already builds on it, so the port keeps it and its sync job brings the switch to it; read the port to see where it stands`,
        );
      }
      const after = await this.catchUp(decided.locked, decided.after);
      if (!after) throw new MetalError('not_found', `port ${portId} not found`);
      // Addresses go once the switch carries the layer-2 type (a refused change keeps them; a lost one, its sync job).
      if (holdsAddresses(decided.before.type) && !holdsAddresses(decided.after.type))
        await this.releaseAddressesInLayer2(network.device_id);
      return { port: after.ports.find((p) => p.id === portId)!, network: after };
    });
  }

  /**
   * Puts the rows back to `before` and the switch on them (a refused change left it there already); addresses taken
   * for a layer-3 type that did not happen go back. Only while the rows still hold `after`: a change another server
   * decided on top of this one keeps both, and the switch is brought to it. Whether the rows went back.
   */
  private async restore(network: repo.NetworkRow, before: NetworkState, after: NetworkState): Promise<boolean> {
    const restored = await this.ctx.db.transaction(async (tx) => {
      const locked = await repo.lockNetwork(tx, network.device_id);
      if (!locked || !sameNetwork(stateOf(locked), after)) return false;
      await this.write(tx, network.device_id, before, this.ctx.clock.now());
      return true;
    });
    if (!restored) {
      await this.catchUp(network, after);
      return false;
    }
    await this.releaseAddressesInLayer2(network.device_id);
    await this.push(network.metro_id, network.machine_id, before).catch((err: unknown) => {
      if (!(err instanceof DriverError)) throw err;
      // Its sync job settles the switch when it answers again.
    });
    return true;
  }

  /**
   * Servers sharing the store may push one machine's changes in any order, so a push can land after a newer one:
   * once this change is on the switch, the rows are read again and, while they differ from what was pushed last,
   * pushed (a few rounds; the sync job settles what is left, as it does a switch that stops answering). Returns the
   * rows last read (undefined once the device is gone).
   */
  private async catchUp(network: repo.NetworkRow, pushed: NetworkState): Promise<repo.NetworkRow | undefined> {
    let rows = await repo.findNetwork(this.ctx.db, network.device_id);
    for (let round = 0; rows && !sameNetwork(stateOf(rows), pushed) && round < CATCH_UP_ROUNDS; round++) {
      pushed = stateOf(rows);
      const failed = await this.push(network.metro_id, network.machine_id, pushed).then(
        () => false,
        (err: unknown) => {
          if (err instanceof DriverError) return true;
          throw err;
        },
      );
      if (failed) break;
      rows = await repo.findNetwork(this.ctx.db, network.device_id);
    }
    return rows;
  }

  private write(tx: Queryable, deviceId: string, state: NetworkState, now: Date): Promise<void> {
    return repo.writeNetwork(
      tx,
      deviceId,
      state.type,
      state.ports.map((p) => ({ id: p.id, vlans: p.vlans.map((v) => v.id), native: p.native })),
      now,
    );
  }

  /** A device back in layer 3 takes new addresses, unless it still holds its old ones (their release never ran). */
  private async requestAddresses(tx: Queryable, network: repo.NetworkRow, requests: readonly AddressRequest[], now: Date): Promise<void> {
    if ((await assignmentCountsOfDevice(tx, network.device_id)).management > 0) return;
    const metroCode = (id: string) => this.ctx.world.metros.get(id)?.code ?? id;
    const placement = { deviceId: network.device_id, projectId: network.project_id, metroId: network.metro_id, requests };
    const placed = await placeDeviceAddresses(tx, [placement], metroCode, now);
    const [addresses] = placed.addresses;
    if (addresses instanceof MetalError) throw new MetalError('validation_failed', addresses.errors.map(asRequestIps));
    await placed.write();
    await setDeviceAddresses(tx, network.device_id, addresses, now);
  }

  /** A device in a layer-2 type holds no IP assignments: releases what it still holds (idempotent). */
  private async releaseAddressesInLayer2(deviceId: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const locked = await repo.lockNetwork(tx, deviceId);
      if (!locked || holdsAddresses(locked.network_type)) return;
      const held = await assignmentCountsOfDevice(tx, deviceId);
      if (held.management + held.elastic === 0) return;
      const now = this.ctx.clock.now();
      await releaseDeviceAddresses(tx, [deviceId], now, `as its device left layer 3 (${locked.network_type})`);
      await setDeviceAddresses(tx, deviceId, [], now);
    });
  }

  /** Makes the metro's switch carry `state` on the machine's NICs and checks what it reads back. */
  private async push(metroId: string, machineId: string, state: NetworkState): Promise<void> {
    const setup = this.switchOf(metroId);
    const wanted = nicVlans(state, (nic) => setup.portName(machineId, nic));
    await setup.switch.applyPorts(wanted);
    const read = await setup.switch.readPorts(wanted.map((p) => p.port));
    if (!sameSwitchPorts(wanted, read))
      throw new SwitchUnavailable(
        'protocol',
        `the switch reads back ${JSON.stringify(read)} after being asked for ${JSON.stringify(wanted)}`,
      );
  }

  /** A released machine's NICs carry nothing. */
  private async releasedState(machineId: string): Promise<{ metroId: string; state: NetworkState } | undefined> {
    const machine = await repo.machineNics(this.ctx.db, machineId);
    if (!machine) return undefined;
    const type: NetworkType = 'layer3';
    return { metroId: machine.metro_id, state: { type, ports: machine.nics.map((name) => ({ id: name, name, vlans: [], native: null })) } };
  }

  private switchOf(metroId: string): MetroSwitchSetup {
    let setup = this.switches.get(metroId);
    if (!setup) {
      setup = this.switchFactory(this.ctx.world.metros.get(metroId)?.code ?? metroId);
      this.switches.set(metroId, setup);
    }
    return setup;
  }

  private serial<T>(machineId: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(machineId) ?? Promise.resolve()).then(work, work);
    const settled = run.catch(() => undefined);
    this.queues.set(machineId, settled);
    void settled.then(() => {
      if (this.queues.get(machineId) === settled) this.queues.delete(machineId);
    });
    return run;
  }

  /** Closes every switch driver this service opened. */
  async close(): Promise<void> {
    await Promise.all([...this.switches.values()].map((s) => s.switch.close()));
  }
}

/** How many times a change pushes rows another server changed meanwhile before leaving them to the sync job. */
const CATCH_UP_ROUNDS = 3;

/** A placement's refusal, said of the conversion's request_ips. */
const asRequestIps = (message: string) => `${message.replace(/^ip_addresses:/, 'request_ips:')}; the port stays in layer 2`;

/**
 * Releases the ports of devices being deleted, in the caller's transaction: their VLAN assignments go, and a
 * durable job per machine makes the switch carry nothing on its NICs (back to layer 3), retried until it does.
 */
export async function releasePortsOfDevices(tx: Queryable, deviceIds: string[], now: Date): Promise<void> {
  const released = await repo.deleteNetworksOfDevices(tx, deviceIds);
  await enqueueJobs(
    tx,
    released.map((r) => ({ kind: 'sync_ports' as const, machine_id: r.machine_id })),
    now,
  );
}

export { VXLAN_AUTO, VXLAN_MAX, VXLAN_MIN } from './port-rules';
