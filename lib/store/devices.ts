/**
 * Devices: their rows, the state table's writes with their event rows (optimistic: a device is written only while
 * it is in the state and install it was read in), the bulk insert of a batch of creates, and the reads the
 * engine batches (by id, by MAC, by install token).
 */
import type { IpAddress } from '../contract/schemas';
import type { Queryable } from './database';
import { EVENT_INSERT, type NewEvent } from './events';
import { DEVICE_NETWORK_COLUMN, type DeviceNetwork } from './layer2';

/**
 * An address as a device row stores it: the contract's IpAddress without its link, which the API adds. Rows
 * written before carry the same href.
 */
/** A device's address as stored; `parent_block` is the reservation its block lies in (none for devices placed before the pools). */
export type StoredAddress = Omit<IpAddress, 'href'> & { href?: string; parent_block?: { id: string; network: string; cidr: number } };

/** A device row; `S` is the engine's lifecycle state type (the store keeps the state as text). */
export interface DeviceRow<S extends string = string> {
  id: string;
  short_id: string;
  project_id: string;
  hostname: string;
  description: string;
  state: S;
  failure_reason: string | null;
  provisioning_percentage: number | null;
  plan_id: string;
  metro_id: string;
  facility_id: string;
  machine_id: string | null;
  operating_system_id: string;
  billing_cycle: string;
  userdata: string;
  customdata: Record<string, unknown>;
  ipxe_script_url: string;
  always_pxe: boolean;
  locked: boolean;
  tags: string[];
  ssh_key_ids: string[];
  ip_addresses: StoredAddress[];
  root_password: string | null;
  phone_home_hash: string | null;
  install_generation: number;
  spot_instance: boolean;
  spot_price_max: number | null;
  spot_market_request_id?: string | null;
  termination_time: Date | string | null;
  deadline: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  macs?: string[];
  /** Read with the device: its elastic IPs (none on a row as inserted). */
  elastic_ips?: DeviceElasticIp[];
  /** The device's network (type, ports and their VLANs) once it holds a machine; null before. */
  network?: DeviceNetwork | null;
}

/** A device as inserted: every column the insert writes (the others take their defaults). */
export type NewDeviceRow = Omit<
  DeviceRow,
  'failure_reason' | 'phone_home_hash' | 'install_generation' | 'created_at' | 'updated_at' | 'macs' | 'elastic_ips' | 'network'
> & {
  /** The address blocks it asked for, kept to address the machine it gets later. */
  ip_request: readonly unknown[];
};

/** Device columns a transition may also set, with their SQL types. */
const PATCHABLE = {
  provisioning_percentage: 'float8',
  failure_reason: 'text',
  deadline: 'timestamptz',
  phone_home_hash: 'text',
  machine_id: 'uuid',
  operating_system_id: 'uuid',
  root_password: 'text',
  termination_time: 'timestamptz',
  deleted_at: 'timestamptz',
  userdata: 'text',
  install_generation: 'int',
  install_worker: 'uuid',
  install_token_armed: 'boolean',
} as const;

export type DevicePatch = Partial<Record<keyof typeof PATCHABLE, string | number | boolean | null>>;

/** What deciding a transition needs to know about a device. */
export interface DeviceStateRow<S extends string = string> {
  id: string;
  state: S;
  project_id: string;
  hostname: string;
  install_generation: number;
}

/** A decided state change: written only while the device is still `from` in install `generation`. */
export interface DeviceStateWrite {
  id: string;
  from: string;
  to: string;
  generation: number;
  patch: DevicePatch;
}

/** A device's elastic IPs, as its presentation needs them (its management addresses are in ip_addresses). */
export interface DeviceElasticIp {
  id: string;
  reservation_id: string;
  device_id: string;
  address: string;
  cidr: number;
  customdata: Record<string, unknown>;
  created_at: Date | string;
  block_network: string;
  block_cidr: number;
  type: string;
  metro_id: string | null;
  address_family: 4 | 6;
}

const ELASTIC_IPS = `(SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'reservation_id', a.reservation_id, 'device_id', a.device_id,
    'address', a.address, 'cidr', a.cidr, 'customdata', a.customdata, 'created_at', a.created_at, 'block_network', r.network,
    'block_cidr', r.cidr, 'type', r.type, 'metro_id', r.metro_id, 'address_family', r.address_family) ORDER BY a.created_at, a.id), '[]')
  FROM ip_assignments a JOIN ip_reservations r ON r.id = a.reservation_id WHERE a.device_id = d.id AND NOT a.management) AS elastic_ips`;
const DEVICE_COLUMNS = `d.*, m.macs, ${ELASTIC_IPS}, ${DEVICE_NETWORK_COLUMN}`;
const DEVICE_FROM = `devices d LEFT JOIN machines m ON m.id = d.machine_id`;

const SET_CLAUSES = Object.entries(PATCHABLE)
  .map(([col, type]) => `${col} = CASE WHEN v.patch ? '${col}' THEN (v.patch->>'${col}')::${type} ELSE d.${col} END`)
  .join(',\n  ');

/** Event log rows from a jsonb array of events (parameter `events`), stamped `at`. */
/** The devices' states, read without locks (the writes check them again). */
export function deviceStates<S extends string>(tx: Queryable, ids: string[]): Promise<DeviceStateRow<S>[]> {
  return tx.query<DeviceStateRow<S>>('SELECT id, state, project_id, hostname, install_generation FROM devices WHERE id = ANY($1::uuid[])', [
    ids,
  ]);
}

/**
 * Writes the devices and logs the events of those written (events name their device) in one statement; returns
 * the ids written. A device no longer in the state and install it was read in is left alone.
 */
export async function writeDeviceStates(
  tx: Queryable,
  writes: DeviceStateWrite[],
  events: (NewEvent & { device_id: string })[],
  now: Date,
): Promise<string[]> {
  if (!writes.length) return [];
  // `d.id = ANY($3)` drives the update through the primary key: joined only to the jsonb values, whose row count
  // the planner cannot know, it scans the whole devices table (deleted devices included) for every batch.
  const rows = await tx.query<{ id: string }>(
    `WITH written AS (UPDATE devices d SET state = v.to_state, updated_at = $2,
  ${SET_CLAUSES}
FROM (SELECT x->>'id' AS id, x->>'to' AS to_state, x->>'from' AS from_state, (x->>'generation')::int AS generation, x->'patch' AS patch
  FROM jsonb_array_elements($1::jsonb) x) v
WHERE d.id = ANY($3::uuid[]) AND d.id = v.id::uuid AND d.state = v.from_state AND d.install_generation = v.generation
RETURNING d.id),
logged AS (${EVENT_INSERT('$4', '$2')} WHERE (x->>'device_id')::uuid IN (SELECT id FROM written))
SELECT id FROM written`,
    [JSON.stringify(writes), now.toISOString(), writes.map((u) => u.id), JSON.stringify(events)],
  );
  return rows.map((r) => r.id);
}

/** Live (not deleted) devices by id, with their machine's MACs. */
export function deviceRows<S extends string>(db: Queryable, ids: string[]): Promise<DeviceRow<S>[]> {
  return db.query<DeviceRow<S>>(`SELECT ${DEVICE_COLUMNS} FROM ${DEVICE_FROM} WHERE d.id = ANY($1::uuid[]) AND d.state <> 'deleted'`, [
    ids,
  ]);
}

/** A deleted device's last row (its record stays, in state `deleted`), or undefined. */
export async function deletedDeviceRow<S extends string>(db: Queryable, id: string): Promise<DeviceRow<S> | undefined> {
  const [row] = await db.query<DeviceRow<S>>(`SELECT ${DEVICE_COLUMNS} FROM ${DEVICE_FROM} WHERE d.id = $1 AND d.state = 'deleted'`, [id]);
  return row;
}

/** A project's live devices, filtered, one page of them in creation order, with the count of all that match. */
export async function listDevices<S extends string>(
  db: Queryable,
  projectId: string,
  filter: { states?: S[]; hostname?: string; tag?: string },
  page: { page: number; perPage: number },
): Promise<{ rows: DeviceRow<S>[]; total: number }> {
  const where = [`d.project_id = $1`, `d.state <> 'deleted'`];
  const params: unknown[] = [projectId];
  if (filter.states) {
    params.push(filter.states);
    where.push(`d.state = ANY($${params.length}::text[])`);
  }
  if (filter.hostname) {
    params.push(filter.hostname);
    where.push(`d.hostname = $${params.length}`);
  }
  if (filter.tag) {
    params.push(JSON.stringify([filter.tag]));
    where.push(`d.tags @> $${params.length}::jsonb`);
  }
  const clause = where.join(' AND ');
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM devices d WHERE ${clause}`, params);
  const rows = await db.query<DeviceRow<S>>(
    `SELECT ${DEVICE_COLUMNS} FROM ${DEVICE_FROM} WHERE ${clause} ORDER BY d.created_at, d.id LIMIT ${page.perPage} OFFSET ${(page.page - 1) * page.perPage}`,
    params,
  );
  return { rows, total };
}

/** Devices in each state. */
export async function deviceCountsByState(db: Queryable): Promise<Record<string, number>> {
  const rows = await db.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM devices GROUP BY state');
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

/** Editable columns stored as jsonb. */
const JSON_COLUMNS = new Set(['customdata', 'tags']);

/** Sets the given columns of a device. */
export async function updateDevice(tx: Queryable, id: string, columns: Record<string, unknown>, now: Date): Promise<void> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  for (const [col, value] of Object.entries(columns)) {
    params.push(JSON_COLUMNS.has(col) ? JSON.stringify(value) : value);
    sets.push(`${col} = $${params.length}${JSON_COLUMNS.has(col) ? '::jsonb' : ''}`);
  }
  params.push(now.toISOString());
  await tx.query(`UPDATE devices SET ${sets.join(', ')}, updated_at = $${params.length} WHERE id = $1`, params);
}

/**
 * Makes a spot device (not being deprovisioned) on-demand: no notice, no request, no bid cap. Returns the
 * termination time it had, or undefined when the device is not such a spot device.
 */
export async function convertToOnDemand(tx: Queryable, id: string, now: Date): Promise<{ termination_time: Date | null } | undefined> {
  const [updated] = await tx.query<{ termination_time: Date | null }>(
    `UPDATE devices d SET spot_instance = false, spot_market_request_id = NULL, spot_price_max = NULL, termination_time = NULL, updated_at = $2
FROM (SELECT termination_time FROM devices WHERE id = $1) old
WHERE d.id = $1 AND d.spot_instance AND d.state <> ALL ('{deprovisioning,deleted}') RETURNING old.termination_time`,
    [id, now.toISOString()],
  );
  return updated;
}

/**
 * Inserts devices in one statement, after locking their projects (what the project foreign key would do per row,
 * once per batch: the projects cannot be deleted under us). Both statements are sent together (they run in order).
 * Returns the ids of the projects found and locked: a project missing among them must fail the transaction.
 */
export async function insertDevices(tx: Queryable, rows: NewDeviceRow[], now: Date): Promise<string[]> {
  const projectIds = [...new Set(rows.map((r) => r.project_id))];
  const [locked] = await Promise.all([
    tx.query<{ id: string }>('SELECT id FROM projects WHERE id = ANY($1::uuid[]) FOR KEY SHARE', [projectIds]),
    tx.query(
      `INSERT INTO devices (id, short_id, project_id, hostname, description, state, provisioning_percentage, plan_id, metro_id, facility_id,
  machine_id, operating_system_id, billing_cycle, userdata, customdata, ipxe_script_url, always_pxe, locked, tags, ssh_key_ids,
  ip_addresses, ip_request, root_password, termination_time, deadline, spot_instance, spot_price_max, spot_market_request_id, created_at, updated_at)
SELECT r.id, r.short_id, r.project_id, r.hostname, r.description, r.state, r.provisioning_percentage, r.plan_id, r.metro_id, r.facility_id,
  r.machine_id, r.operating_system_id, r.billing_cycle, r.userdata, r.customdata, r.ipxe_script_url, r.always_pxe, r.locked, r.tags,
  r.ssh_key_ids, r.ip_addresses, r.ip_request, r.root_password, r.termination_time, r.deadline, r.spot_instance, r.spot_price_max, r.spot_market_request_id, $2, $2
FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, short_id text, project_id uuid, hostname text, description text, state text,
  provisioning_percentage float8, plan_id uuid, metro_id uuid, facility_id uuid, machine_id uuid, operating_system_id uuid,
  billing_cycle text, userdata text, customdata jsonb, ipxe_script_url text, always_pxe boolean, locked boolean, tags jsonb,
  ssh_key_ids jsonb, ip_addresses jsonb, ip_request jsonb, root_password text, termination_time timestamptz, deadline timestamptz,
  spot_instance boolean, spot_price_max float8, spot_market_request_id uuid)`,
      [JSON.stringify(rows), now.toISOString()],
    ),
  ]);
  return locked.map((l) => l.id);
}

/** The public keys with these ids (a device's SSH keys). */
export async function sshKeyTexts(db: Queryable, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db.query<{ key: string }>('SELECT key FROM ssh_keys WHERE id = ANY($1::uuid[])', [ids]);
  return rows.map((r) => r.key);
}

/**
 * Per pool (`metro/plan`) among the metros and plans: how many more on-demand devices may wait for a machine —
 * spot devices not yet under a termination notice, less the on-demand devices already waiting there.
 */
export function reclaimableSpotByPool(tx: Queryable, metroIds: string[], planIds: string[]): Promise<{ pool: string; n: number }[]> {
  return tx.query<{ pool: string; n: number }>(
    `SELECT metro_id || '/' || plan_id AS pool,
  count(*) FILTER (WHERE spot_instance AND termination_time IS NULL AND machine_id IS NOT NULL AND state <> ALL ('{deprovisioning,deleted}'))::int
  - count(*) FILTER (WHERE NOT spot_instance AND machine_id IS NULL AND state = 'queued')::int AS n
FROM devices WHERE metro_id = ANY($1::uuid[]) AND plan_id = ANY($2::uuid[]) GROUP BY metro_id, plan_id`,
    [metroIds, planIds],
  );
}

/** A device waiting for a machine (queued, none yet), locked; `ip_request` is what it asked for. */
export async function lockWaitingDevice<R>(
  tx: Queryable,
  id: string,
): Promise<{ plan_id: string; hostname: string; project_id: string; metro_id: string; ip_request: R | null } | undefined> {
  const [row] = await tx.query<{ plan_id: string; hostname: string; project_id: string; metro_id: string; ip_request: R | null }>(
    `SELECT plan_id, hostname, project_id, metro_id, ip_request FROM devices WHERE id = $1 AND state = 'queued' AND machine_id IS NULL FOR UPDATE`,
    [id],
  );
  return row;
}

/** Sets the addresses a device holds (its network type changed: none in layer 2, new ones back in layer 3). */
export async function setDeviceAddresses(tx: Queryable, id: string, addresses: StoredAddress[], now: Date): Promise<void> {
  await tx.query('UPDATE devices SET ip_addresses = $2::jsonb, updated_at = $3 WHERE id = $1', [
    id,
    JSON.stringify(addresses),
    now.toISOString(),
  ]);
}

/** Puts a device on its machine, in the machine's facility, with the addresses it got. */
export async function placeDevice(
  tx: Queryable,
  id: string,
  machine: { id: string; facility_id: string },
  addresses: StoredAddress[],
  now: Date,
): Promise<void> {
  await tx.query(`UPDATE devices SET machine_id = $2, facility_id = $3, ip_addresses = $4::jsonb, updated_at = $5 WHERE id = $1`, [
    id,
    machine.id,
    machine.facility_id,
    JSON.stringify(addresses),
    now.toISOString(),
  ]);
}

/** What an install's job needs to know about its device. */
export interface InstallDevice<S extends string = string> {
  id: string;
  hostname: string;
  state: S;
  install_generation: number;
  /** A phone-home token of the current install is outstanding. */
  install_open: boolean;
  machine_id: string | null;
}

export function installDevices<S extends string>(db: Queryable, ids: string[]): Promise<InstallDevice<S>[]> {
  return db.query<InstallDevice<S>>(
    'SELECT id, hostname, state, install_generation, phone_home_hash IS NOT NULL AS install_open, machine_id FROM devices WHERE id = ANY($1::uuid[])',
    [ids],
  );
}

/** The devices among `ids` with a phone-home token outstanding, with its hash. */
export function outstandingInstalls(
  db: Queryable,
  ids: string[],
): Promise<{ id: string; phone_home_hash: string; install_generation: number }[]> {
  return db.query(
    'SELECT id, phone_home_hash, install_generation FROM devices WHERE id = ANY($1::uuid[]) AND phone_home_hash IS NOT NULL',
    [ids],
  );
}

/** What deciding how a machine boots needs to know about its device. */
export type InstallState<S extends string = string> = Pick<
  DeviceRow<S>,
  'id' | 'state' | 'phone_home_hash' | 'install_generation' | 'operating_system_id'
>;

/** The live devices on the machines with these MACs, each with the MAC it was found by. */
export function installsByMac<S extends string>(db: Queryable, macs: string[]): Promise<(InstallState<S> & { boot_mac: string })[]> {
  return db.query(
    `SELECT d.id, d.state, d.phone_home_hash, d.install_generation, d.operating_system_id, mm.mac AS boot_mac FROM machine_macs mm JOIN machines m ON m.id = mm.machine_id JOIN devices d ON d.id = m.device_id
WHERE mm.mac = ANY($1::text[]) AND d.state <> 'deleted'`,
    [macs],
  );
}

/** Installer progress, outside the state table (it changes no state). */
export async function setProvisioningPercentage(db: Queryable, id: string, percentage: number): Promise<void> {
  await db.query('UPDATE devices SET provisioning_percentage = $2 WHERE id = $1', [id, percentage]);
}

/** Up to 1000 devices in one of `states` whose deadline has passed. */
export function overdueDevices<S extends string>(
  tx: Queryable,
  states: S[],
  now: Date,
): Promise<{ id: string; state: S; hostname: string; machine_id: string | null }[]> {
  return tx.query(`SELECT id, state, hostname, machine_id FROM devices WHERE deadline < $1 AND state = ANY($2::text[]) LIMIT 1000`, [
    now.toISOString(),
    states,
  ]);
}

// ------------------------------------------------------------------ spot devices

/** A device that is neither going nor gone (as SQL over `devices`). */
export const LIVE_DEVICE = `state <> ALL ('{deprovisioning,deleted}')`;

export interface SpotRequestDeviceRow {
  id: string;
  spot_market_request_id: string;
  hostname: string;
  /** A device lifecycle state (lib/engine/lifecycle.ts). */
  state: string;
  ip_addresses: StoredAddress[];
  termination_time: Date | string | null;
}

/** The requests' devices that are not deleted, oldest first. */
export function requestDevices(db: Queryable, requestIds: string[]): Promise<SpotRequestDeviceRow[]> {
  return db.query<SpotRequestDeviceRow>(
    `SELECT id, spot_market_request_id, hostname, state, ip_addresses, termination_time FROM devices WHERE spot_market_request_id = ANY($1::uuid[]) AND state <> 'deleted' ORDER BY created_at, id`,
    [requestIds],
  );
}

export function liveRequestDevices(tx: Queryable, requestId: string): Promise<{ id: string; hostname: string }[]> {
  return tx.query(`SELECT id, hostname FROM devices WHERE spot_market_request_id = $1 AND ${LIVE_DEVICE}`, [requestId]);
}

/** Running devices are cleared against their own copy of the bid. */
export async function setDeviceBids(tx: Queryable, requestId: string, maxBidPrice: number, now: Date): Promise<void> {
  await tx.query(
    `UPDATE devices SET spot_price_max = $2, updated_at = $3 WHERE spot_market_request_id = $1 AND spot_instance AND ${LIVE_DEVICE}`,
    [requestId, maxBidPrice, now.toISOString()],
  );
}

export interface SpotDeviceRow {
  id: string;
  project_id: string;
  hostname: string;
  spot_market_request_id: string | null;
  metro_id: string;
  plan_id: string;
  spot_price_max: number | null;
  locked: boolean;
  created_at: Date | string;
  termination_time: Date | string | null;
}

/** Spot devices that hold a machine. */
export function spotDevices(tx: Queryable): Promise<SpotDeviceRow[]> {
  return tx.query<SpotDeviceRow>(
    `SELECT id, project_id, hostname, spot_market_request_id, metro_id, plan_id, spot_price_max, locked, created_at, termination_time FROM devices
WHERE spot_instance AND machine_id IS NOT NULL AND ${LIVE_DEVICE}`,
  );
}

/** On-demand devices waiting for a machine, per pool. */
export function waitingOnDemand(tx: Queryable): Promise<{ metro_id: string; plan_id: string; n: number }[]> {
  return tx.query(
    `SELECT metro_id, plan_id, count(*)::int AS n FROM devices WHERE machine_id IS NULL AND state = 'queued' AND NOT spot_instance GROUP BY metro_id, plan_id`,
  );
}

/** Termination notices: sets termination_time on devices that have none yet (one statement for all). */
export async function setTerminationTimes(tx: Queryable, notices: { id: string; t: string }[], now: Date): Promise<void> {
  await tx.query(
    `UPDATE devices d SET termination_time = (x->>'t')::timestamptz, updated_at = $2 FROM jsonb_array_elements($1::jsonb) x
WHERE d.id = ANY($3::uuid[]) AND d.id = (x->>'id')::uuid AND d.termination_time IS NULL`,
    [JSON.stringify(notices), now.toISOString(), notices.map((n) => n.id)],
  );
}

/** Live devices whose termination_time has come, locked. */
export function lockDueDevices(tx: Queryable, now: Date): Promise<{ id: string; hostname: string; termination_time: Date | string }[]> {
  return tx.query(
    `SELECT id, hostname, termination_time FROM devices WHERE termination_time <= $1 AND ${LIVE_DEVICE} ORDER BY id FOR UPDATE`,
    [now.toISOString()],
  );
}
