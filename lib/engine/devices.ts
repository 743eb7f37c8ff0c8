/**
 * Devices: placement, create (group-committed), reads, updates, actions, deletion, phone-home and timeouts.
 * State changes go through the lifecycle table (transitions.ts); hardware work runs as jobs (provisioner.ts).
 */
import { freshNetwork } from './network/port-rules';
import { ErrorCode, MetalError } from '../contract/errors';
import type { DeviceActionInput, DeviceCreateInput, DeviceUpdateInput } from '../contract/schemas';
import { Batcher } from '../store/batcher';
import type { Queryable } from '../store/database';
import {
  convertToOnDemand,
  deviceCountsByState,
  deletedDeviceRow,
  deviceRows,
  insertDevices,
  listDevices,
  lockWaitingDevice,
  overdueDevices,
  placeDevice,
  reclaimableSpotByPool,
  updateDevice,
  type DeviceRow as StoredDeviceRow,
  type NewDeviceRow,
} from '../store/devices';
import { insertEvents } from '../store/events';
import { projectsAndKeys } from '../store/projects';
import { deleteJobsOfDevices, enqueueJobs, type NewJob } from '../store/jobs';
import { placeDeviceAddresses } from './network/device-addresses';
import { releaseDeviceNetwork } from './network/device-network';
import { lockFreeMachines, writeMachineStates, type FreeMachine } from '../store/machines';
import { AddressRequest, DEFAULT_ADDRESSES } from './addresses';
import type { CommitWith, EngineContext } from './context';
import { isUuid, newId, randomToken, shortId } from '../core/ids';
import { LifecycleState, PROVISIONING_PROGRESS, statesShownAs } from './lifecycle';
import { accessAndKeys, checkCreate, type Actor, type CheckedCreate } from './device-rules';
import { machineChange } from './machine-lifecycle';
import { applyTransitions, TransitionRequest } from './transitions';
import type { FacilityRow, MetroRow, OsRow, PlanRow } from '../store/catalog';

import type { StoredAddress } from '../store/devices';
export type { StoredAddress } from '../store/devices';

/** A device row with its state as the device lifecycle names it. */
export type DeviceRow = StoredDeviceRow<LifecycleState>;

/** The root password is shown for 24 hours after the install, as on Metal. */
const ROOT_PASSWORD_TTL_MS = 24 * 3600_000;

// The spot market fills requests with devices on machines it picked.

/** A validated device to insert, on its machine (null: an on-demand device waiting for one). */
export interface NewDevice {
  projectId: string;
  input: DeviceCreateInput;
  plan: PlanRow;
  metro: MetroRow;
  facilities: FacilityRow[];
  os: OsRow;
  sshKeyIds: string[];
  machine: FreeMachine | null;
  /** The blocks it asked for (ip_addresses); the default when absent. */
  addresses?: AddressRequest[];
  spot?: { requestId: string; maxBidPrice: number };
}

export interface DeviceListQuery {
  page: number;
  perPage: number;
  state?: string;
  hostname?: string;
  tag?: string;
}

const WAIT_STATE_TIMEOUT_MESSAGES: Partial<Record<LifecycleState, string>> = {
  queued:
    "was never picked up by a provisioning worker: check that the server's job runner is running, then delete and recreate the device",
  provisioning:
    'did not finish provisioning in time: the machine never phoned home after network boot. Check its console or BMC, then reinstall or delete the device',
  reinstalling:
    'did not finish reinstalling in time: the machine never phoned home. Check its console or BMC, then reinstall again or delete the device',
  powering_on: 'did not confirm power-on in time: check the BMC, then retry power_on',
  powering_off: 'did not confirm power-off in time: check the BMC, then retry power_off',
  deprovisioning: 'could not be deprovisioned in time: check the BMC; delete the device again to retry',
  rescuing:
    'did not boot the rescue system in time: it never phoned home. Its disk was not written; check its console or BMC, then reinstall or delete the device',
};

const WAITING_FOR_MACHINE_TIMEOUT =
  'found no free machine before its provision deadline: the spot devices reclaimed for it did not free one. Delete it and create it in another metro (GET /capacity/metros shows where machines are free)';

export class DeviceService {
  private readonly createBatcher: Batcher<CheckedCreate, DeviceRow>;

  constructor(
    private readonly ctx: EngineContext,
    private readonly onJobsQueued: () => void,
  ) {
    this.createBatcher = new Batcher((items) => this.flushCreates(items));
  }

  private readonly metroCode = (id: string) => this.ctx.world.metros.get(id)?.code ?? id;

  // ------------------------------------------------------------------ create

  /**
   * Validates against the in-memory world (collecting every problem), then checks access, SSH keys and places
   * the device inside a group commit: a create costs no database round trip of its own. `commitWith` (an
   * idempotent request's answer) commits with the device and gets its row as inserted.
   */
  async create(actor: Actor, projectId: string, input: DeviceCreateInput, commitWith?: CommitWith<DeviceRow>): Promise<DeviceRow> {
    if (!isUuid(projectId) || (actor.projectId && actor.projectId !== projectId))
      throw new MetalError('not_found', `project ${projectId} not found`);
    return this.createBatcher.submit({ ...checkCreate(this.ctx.world, actor, projectId, input), commitWith });
  }

  private async flushCreates(batch: CheckedCreate[]): Promise<(DeviceRow | Error)[]> {
    const now = this.ctx.clock.now();
    const out = await this.ctx.db.transaction(async (tx) => {
      // One query per table for the whole batch.
      const [projects, keys] = await projectsAndKeys(
        tx,
        [...new Set(batch.map((i) => i.projectId))],
        [...new Set(batch.map((i) => i.actor.userId))],
      );
      const checked = accessAndKeys(batch, projects, keys);
      const items = batch.filter((_, i) => !(checked[i] instanceof Error));
      const sshKeys = checked.filter((c): c is string[] => !(c instanceof Error));
      const machines = await this.allocate(tx, items);
      const waitable = await this.reclaimableSpot(
        tx,
        items.filter((_, i) => !machines[i]),
      );
      const accepted: NewDevice[] = [];
      const commits = new Map<NewDevice, CommitWith<DeviceRow>>();
      const placed: (NewDevice | Error)[] = items.map((item, i) => {
        const machine = machines[i] ?? null;
        const pool = `${item.metro.id}/${item.plan.id}`;
        if (!machine) {
          // No free machine, but spot devices here can be reclaimed: the device waits queued for one of theirs.
          if (!((waitable.get(pool) ?? 0) > 0)) {
            return new MetalError(
              'capacity_unavailable',
              `plan: no ${item.plan.slug} machine is free in ${item.facilities.length === 1 ? `facility ${item.facilities[0].code}` : `metro ${item.metro.code}`}; try another metro (GET /capacity/metros shows where there is capacity)`,
            );
          }
          waitable.set(pool, waitable.get(pool)! - 1);
        }
        const device: NewDevice = { ...item, sshKeyIds: sshKeys[i], machine };
        accepted.push(device);
        if (item.commitWith) commits.set(device, item.commitWith);
        return device;
      });
      const rows = await this.insertDevices(tx, accepted, now);
      const byDevice = new Map(accepted.map((d, i) => [d, rows[i]]));
      // Answers that must commit with their device (idempotent requests' recorded answers), sent together.
      await Promise.all(
        [...commits].flatMap(([d, commitWith]) => {
          const row = byDevice.get(d)!;
          return row instanceof Error ? [] : [commitWith(tx, row)];
        }),
      );
      let next = 0;
      const results = checked.map((c) => (c instanceof Error ? c : placed[next++]));
      return results.map((o) => (o instanceof Error ? o : byDevice.get(o)!));
    });
    this.onJobsQueued();
    return out;
  }

  /**
   * Inserts devices in one statement each for devices, machines, events and jobs: on-demand creates and spot
   * fills share it. A device with a machine gets its provision job and its addresses from the pools; one without
   * waits for a machine (placement). A device whose metro has no addresses left for it is not inserted: its place
   * in the result holds why.
   */
  async insertDevices(tx: Queryable, wanted: NewDevice[], now: Date): Promise<(DeviceRow | MetalError)[]> {
    if (!wanted.length) return [];
    const ids = wanted.map(() => newId());
    const placing = wanted.flatMap((d, i) => (d.machine ? [i] : []));
    const placed = await placeDeviceAddresses(
      tx,
      placing.map((i) => ({
        deviceId: ids[i],
        projectId: wanted[i].projectId,
        metroId: wanted[i].metro.id,
        requests: wanted[i].addresses ?? DEFAULT_ADDRESSES,
      })),
      this.metroCode,
      now,
    );
    const addressesOf = new Map(placing.map((i, n) => [i, placed.addresses[n]]));
    const refused = new Map([...addressesOf].filter((e): e is [number, MetalError] => e[1] instanceof MetalError));
    const kept = wanted.map((_, i) => i).filter((i) => !refused.has(i));
    const devices = kept.map((i) => wanted[i]);
    const rows = kept.map((i): NewDeviceRow => {
      const item = wanted[i];
      const id = ids[i];
      const machine = item.machine;
      return {
        id,
        short_id: shortId(id),
        project_id: item.projectId,
        hostname: item.input.hostname ?? `${item.plan.slug.split('.')[0]}-${shortId(id)}`,
        description: item.input.description ?? '',
        state: 'queued' satisfies LifecycleState,
        provisioning_percentage: PROVISIONING_PROGRESS.queued,
        plan_id: item.plan.id,
        metro_id: item.metro.id,
        facility_id: machine?.facility_id ?? item.facilities[0].id,
        machine_id: machine?.id ?? null,
        operating_system_id: item.os.id,
        billing_cycle: item.input.billing_cycle ?? 'hourly',
        userdata: item.input.userdata ?? '',
        customdata: item.input.customdata ?? {},
        ipxe_script_url: item.input.ipxe_script_url ?? '',
        always_pxe: item.input.always_pxe ?? false,
        locked: item.input.locked ?? false,
        tags: item.input.tags ?? [],
        ssh_key_ids: item.sshKeyIds,
        ip_addresses: (addressesOf.get(i) as StoredAddress[] | undefined) ?? [],
        ip_request: item.addresses ?? DEFAULT_ADDRESSES,
        root_password: this.ctx.secrets.seal(randomToken(20)),
        termination_time: item.input.termination_time ?? null,
        deadline: new Date(now.getTime() + this.ctx.config.provisionTimeoutMs).toISOString(),
        spot_instance: !!item.spot,
        spot_price_max: item.spot?.maxBidPrice ?? null,
        spot_market_request_id: item.spot?.requestId ?? null,
      };
    });
    const projectIds = [...new Set(rows.map((r) => r.project_id))];
    // The machines were picked available, and are locked: allocating them is the lifecycle's `allocate`.
    const allocations = devices.flatMap((d, i) =>
      d.machine ? [machineChange({ id: d.machine.id, state: 'available' }, 'allocate', { device_id: rows[i].id })!] : [],
    );
    // The statements are sent together (they run in order); a missing project rolls all of them back.
    const [locked] = await Promise.all([
      insertDevices(tx, rows, now),
      writeMachineStates(tx, allocations),
      insertEvents(
        tx,
        rows.map((r) => ({
          id: newId(),
          type: 'instance.created',
          body: r.machine_id
            ? `${r.hostname} was created and queued for provisioning`
            : `${r.hostname} was created and waits for a machine: spot devices in the pool are being reclaimed for it`,
          project_id: r.project_id,
          device_id: r.id,
          to_state: 'queued',
        })),
        now,
      ),
      enqueueJobs(
        tx,
        rows.map((r, i) =>
          r.machine_id
            ? { kind: 'provision' as const, device_id: r.id }
            : { kind: 'place_device' as const, device_id: r.id, payload: { facility_ids: devices[i].facilities.map((f) => f.id) } },
        ),
        now,
      ),
    ]);
    if (locked.length < projectIds.length)
      throw new MetalError('not_found', `project ${projectIds.find((id) => !locked.includes(id))} not found`);
    await placed.write();
    // The rows as inserted, with the columns' defaults, so the insert needs no RETURNING round trip.
    const defaults = { failure_reason: null, phone_home_hash: null, install_generation: 0, created_at: now, updated_at: now };
    const inserted = new Map(
      kept.map((i, n) => [
        i,
        {
          ...defaults,
          ...rows[n],
          macs: devices[n].machine?.macs,
          network: devices[n].machine ? freshNetwork(rows[n].id, devices[n].machine!.id, devices[n].machine!.macs) : null,
        } as DeviceRow,
      ]),
    );
    return wanted.map((_, i) => refused.get(i) ?? inserted.get(i)!);
  }

  /**
   * Per pool (metro × plan) of the given creates: how many more on-demand devices may wait for a machine —
   * spot devices not yet under a termination notice, less the on-demand devices already waiting there.
   */
  private async reclaimableSpot(tx: Queryable, items: CheckedCreate[]): Promise<Map<string, number>> {
    const pools = new Map<string, number>();
    if (!items.length) return pools;
    const rows = await reclaimableSpotByPool(tx, [...new Set(items.map((i) => i.metro.id))], [...new Set(items.map((i) => i.plan.id))]);
    for (const r of rows) pools.set(r.pool, r.n);
    return pools;
  }

  /**
   * A waiting device takes a machine freed in its pool: the machine, the device's addresses and its provision
   * job in one transaction. Returns false while no machine is free.
   */
  async placeWaiting(deviceId: string, facilityIds: string[]): Promise<'placed' | 'waiting' | 'gone'> {
    const now = this.ctx.clock.now();
    return this.ctx.db.transaction(async (tx) => {
      const device = await lockWaitingDevice<AddressRequest[]>(tx, deviceId);
      if (!device) return 'gone' as const;
      const [machine] = await lockFreeMachines(tx, device.plan_id, facilityIds, 1);
      if (!machine) return 'waiting' as const;
      const placed = await placeDeviceAddresses(
        tx,
        [{ deviceId, projectId: device.project_id, metroId: device.metro_id, requests: device.ip_request ?? DEFAULT_ADDRESSES }],
        this.metroCode,
        now,
      );
      const [addresses] = placed.addresses;
      // Out of addresses: the device keeps waiting (a released block or a new pool lets it go on), and says why.
      if (addresses instanceof MetalError) {
        this.ctx.log.warn({ deviceId, reason: addresses.message }, 'a waiting device got a machine but no addresses');
        return 'waiting' as const;
      }
      await writeMachineStates(tx, [machineChange({ id: machine.id, state: 'available' }, 'allocate', { device_id: deviceId })!]);
      await placeDevice(tx, deviceId, machine, addresses, now);
      await placed.write();
      await insertEvents(
        tx,
        [
          {
            id: newId(),
            type: 'instance.placed',
            body: `${device.hostname} got a machine and is queued for provisioning`,
            project_id: device.project_id,
            device_id: deviceId,
          },
        ],
        now,
      );
      await enqueueJobs(tx, [{ kind: 'provision', device_id: deviceId }], now);
      return 'placed' as const;
    });
  }

  /**
   * Picks free machines for a batch: one SKIP LOCKED query per (plan, facilities) group, so concurrent batches
   * on several servers never pick the same machine (and machines.device_id is UNIQUE as a backstop).
   */
  private async allocate(tx: Queryable, items: CheckedCreate[]): Promise<(FreeMachine | undefined)[]> {
    const groups = new Map<string, number[]>();
    items.forEach((item, i) => {
      const key = `${item.plan.id}|${item.facilities
        .map((f) => f.id)
        .sort()
        .join(',')}`;
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    const result: (FreeMachine | undefined)[] = new Array(items.length);
    // SKIP LOCKED does not skip this transaction's own locks: a group whose facilities overlap an earlier group's
    // (metro "da" and facility "da1") must not pick the machines already picked.
    const picked: string[] = [];
    for (const [key, indexes] of groups) {
      const [planId, facilityIds] = key.split('|');
      const free = await lockFreeMachines(tx, planId, facilityIds.split(','), indexes.length, picked);
      indexes.forEach((itemIndex, n) => (result[itemIndex] = free[n]));
      picked.push(...free.map((m) => m.id));
    }
    return result;
  }

  // ------------------------------------------------------------------ reads

  /** A deleted device's last row, in state `deleted` (for a watcher that waits for the deletion). */
  async getDeleted(id: string, projectScope?: string): Promise<DeviceRow> {
    const row = isUuid(id) ? await deletedDeviceRow<LifecycleState>(this.ctx.db, id) : undefined;
    if (!row || (projectScope && row.project_id !== projectScope)) throw new MetalError('not_found', `device ${id} not found`);
    return row;
  }

  async get(id: string, projectScope?: string): Promise<DeviceRow> {
    if (!isUuid(id)) throw new MetalError('not_found', `device ${id} not found`);
    const row = await this.rowBatcher.submit(id);
    if (!row || (projectScope && row.project_id !== projectScope)) throw new MetalError('not_found', `device ${id} not found`);
    return row;
  }

  /**
   * Terraform polls many devices at once (one GET each, -parallelism of them in flight): concurrent reads share
   * one query. Each read still starts after its request arrived, so it sees every change committed before.
   */
  private readonly rowBatcher = new Batcher<string, DeviceRow | undefined>(async (ids) => {
    const rows = await deviceRows<LifecycleState>(this.ctx.db, [...new Set(ids)]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id));
  });

  async list(projectId: string, q: DeviceListQuery): Promise<{ items: DeviceRow[]; total: number }> {
    const filter = { states: q.state ? statesShownAs(q.state.split(',')) : undefined, hostname: q.hostname, tag: q.tag };
    const { rows, total } = await listDevices<LifecycleState>(this.ctx.db, projectId, filter, q);
    return { items: rows, total };
  }

  /** The device's root password, opened, while it may still be shown (24 hours after its creation); else null. */
  rootPassword(row: DeviceRow): string | null {
    if (!row.root_password || this.ctx.clock.now().getTime() - new Date(row.created_at).getTime() >= ROOT_PASSWORD_TTL_MS) return null;
    return this.ctx.secrets.open(row.root_password);
  }

  // ------------------------------------------------------------------ update, actions, delete

  async update(id: string, input: DeviceUpdateInput, projectScope?: string): Promise<DeviceRow> {
    const row = await this.get(id, projectScope);
    if (row.locked && input.locked !== false && Object.keys(input).some((k) => k !== 'locked')) {
      throw new MetalError('conflict', 'locked: the device is locked; unlock it (locked=false) before changing it');
    }
    if (input.spot_instance) throw new MetalError('validation_failed', 'spot_instance: a device cannot be turned into a spot instance');
    const edits = Object.fromEntries(
      Object.entries(input).filter(([col, value]) => value !== undefined && col !== 'spot_instance' && col !== 'network_frozen'),
    );
    if (Object.keys(edits).length) {
      const now = this.ctx.clock.now();
      await this.ctx.db.transaction(async (tx) => {
        await updateDevice(tx, id, edits, now);
        await insertEvents(
          tx,
          [
            {
              id: newId(),
              type: 'instance.updated',
              body: `${input.hostname ?? row.hostname} was updated (${Object.keys(input).join(', ')})`,
              project_id: row.project_id,
              device_id: id,
            },
          ],
          now,
        );
      });
    }
    return this.get(id);
  }

  async action(id: string, input: DeviceActionInput, projectScope?: string): Promise<void> {
    const row = await this.get(id, projectScope);
    if (input.type === 'convert_to_on_demand') return this.convertToOnDemand(row);
    const { world } = this.ctx;
    let request: TransitionRequest;
    let job: NewJob;
    switch (input.type) {
      case 'power_on':
        request = { deviceId: id, event: 'power_on', patch: { deadline: this.deadline('power') } };
        job = { kind: 'power_on', device_id: id };
        break;
      case 'power_off':
        request = { deviceId: id, event: 'power_off', patch: { deadline: this.deadline('power') } };
        job = { kind: 'power_off', device_id: id };
        break;
      case 'reboot':
        request = {
          deviceId: id,
          event: 'reboot',
          message: `${row.hostname}: reboot requested${row.state === 'rescue' ? ', leaving rescue for the OS on its disk' : ''}`,
        };
        job = { kind: 'reboot', device_id: id };
        break;
      case 'reinstall': {
        const os = input.operating_system ? world.os(input.operating_system) : world.operatingSystems.get(row.operating_system_id);
        if (!os)
          throw new MetalError(
            'validation_failed',
            `operating_system: unknown operating system "${input.operating_system}"; valid: ${[...world.operatingSystems.values()].map((o) => o.slug).join(', ')}`,
          );
        const plan = world.plans.get(row.plan_id)!;
        if (!world.osAllowsPlan(os, plan))
          throw new MetalError('validation_failed', `operating_system: ${os.slug} cannot be installed on ${plan.slug}`);
        request = {
          deviceId: id,
          event: 'reinstall',
          patch: {
            operating_system_id: os.id,
            deadline: this.deadline('provision'),
            provisioning_percentage: PROVISIONING_PROGRESS.queued,
            failure_reason: null,
            phone_home_hash: null,
          },
        };
        job = { kind: 'reinstall', device_id: id, payload: { preserve_data: input.preserve_data ?? false } };
        break;
      }
      case 'rescue':
        // Metal answered a rescue it could not do with 422, as the spec has it.
        return this.transitionWithJob(
          { deviceId: id, event: 'rescue', patch: { deadline: this.deadline('provision') } },
          { kind: 'rescue', device_id: id },
          'validation_failed',
        );
      default:
        throw new MetalError(
          'validation_failed',
          `type: ${input.type} is not supported here; use power_on, power_off, reboot, reinstall, rescue or convert_to_on_demand`,
        );
    }
    await this.transitionWithJob(request, job);
  }

  /** A spot device (under a termination notice or not) becomes on-demand: no notice, no request, no bid cap. */
  private async convertToOnDemand(row: DeviceRow): Promise<void> {
    const now = this.ctx.clock.now();
    const converted = await this.ctx.db.transaction(async (tx) => {
      const updated = await convertToOnDemand(tx, row.id, now);
      if (!updated) return false;
      const notice = updated.termination_time
        ? `; its termination at ${new Date(updated.termination_time).toISOString()} is cancelled`
        : '';
      await insertEvents(
        tx,
        [
          {
            id: newId(),
            type: 'instance.converted_to_on_demand',
            body: `${row.hostname} was converted to an on-demand device${notice}`,
            project_id: row.project_id,
            device_id: row.id,
          },
        ],
        now,
      );
      return true;
    });
    if (!converted) {
      throw new MetalError(
        'conflict',
        `type: convert_to_on_demand applies to spot devices that are not being deprovisioned; ${row.hostname} is ${row.spot_instance ? row.state : 'not a spot device'}`,
      );
    }
  }

  async delete(id: string, options: { force?: boolean }, projectScope?: string): Promise<void> {
    const row = await this.get(id, projectScope);
    if (row.locked) throw new MetalError('conflict', 'locked: the device is locked; set locked=false before deleting it');
    if (row.state === 'deprovisioning') return; // deleting twice is not an error
    await this.transitionWithJob(
      // Deleting ends an install in progress: its token must not outlive it while the machine powers off.
      { deviceId: id, event: 'delete', patch: { deadline: this.deadline('power'), phone_home_hash: null } },
      { kind: 'deprovision', device_id: id, payload: { force: options.force ?? false } },
    );
  }

  /** `refusal` is the error a state the table does not allow gets. */
  private async transitionWithJob(request: TransitionRequest, job: NewJob, refusal: ErrorCode = 'conflict'): Promise<void> {
    const now = this.ctx.clock.now();
    const [result] = await this.ctx.db.transaction(async (tx) => {
      const results = await applyTransitions(tx, [request], now);
      if (results[0].ok) await enqueueJobs(tx, [job], now);
      // A deleted device's addresses go back with the transition: elastic IPs to their blocks, its own to the pools.
      if (results[0].ok && request.event === 'delete') await releaseDeviceNetwork(tx, [request.deviceId], now);
      return results;
    });
    if (!result.ok) throw new MetalError(refusal, `type: ${result.error}`);
    this.onJobsQueued();
  }

  private deadline(kind: 'power' | 'provision'): string {
    const ms = kind === 'power' ? this.ctx.config.powerTimeoutMs : this.ctx.config.provisionTimeoutMs;
    return new Date(this.ctx.clock.now().getTime() + ms).toISOString();
  }

  // ------------------------------------------------------------------ timeouts

  /** Ends every wait state whose deadline has passed in `failed`, with a message a user can act on. */
  async sweepTimeouts(): Promise<number> {
    const now = this.ctx.clock.now();
    const waitStates = Object.keys(WAIT_STATE_TIMEOUT_MESSAGES) as LifecycleState[];
    return this.ctx.db.transaction(async (tx) => {
      const due = await overdueDevices(tx, waitStates, now);
      const requests = due.map((d) => {
        const reason = `${d.hostname} ${d.state === 'queued' && !d.machine_id ? WAITING_FOR_MACHINE_TIMEOUT : WAIT_STATE_TIMEOUT_MESSAGES[d.state]}`;
        return {
          deviceId: d.id,
          event: 'timeout' as const,
          onlyFrom: [d.state],
          patch: { failure_reason: reason, deadline: null, phone_home_hash: null },
          message: reason,
        };
      });
      await applyTransitions(tx, requests, now);
      await deleteJobsOfDevices(
        tx,
        due.map((d) => d.id),
      );
      return due.length;
    });
  }

  /** Resolves once queued creates are written (tests and benchmarks). */
  async idle(): Promise<void> {
    await this.createBatcher.idle();
  }

  /** Devices in a state, for callers waiting on progress. */
  async countByState(): Promise<Record<string, number>> {
    return deviceCountsByState(this.ctx.db);
  }
}
