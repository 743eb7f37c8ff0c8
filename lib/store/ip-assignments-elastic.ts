/**
 * Elastic IP assignments: an address or subnet of a reserved block on one of its project's devices. Each row comes
 * with what its presentation needs from its reservation (block, type, metro) and its device's hostname. The
 * overlap rule lives in lib/engine/network/assignment-rules.ts; writers hold the reservation's row lock.
 */
import type { Queryable } from './database';
import type { NetworkTypeName } from './layer2';
import type { PoolType } from './ip-pools';

export interface ElasticAssignmentRow {
  id: string;
  reservation_id: string;
  device_id: string;
  project_id: string;
  /** The network address of the assigned block. */
  address: string;
  cidr: number;
  /** Offset inside the reservation. */
  start: bigint;
  size: bigint;
  customdata: Record<string, unknown>;
  /** A device management address (it goes with its device), not an elastic IP. */
  management: boolean;
  created_at: Date | string;
  /** From the reservation. */
  block_network: string;
  block_cidr: number;
  type: PoolType;
  metro_id: string | null;
  address_family: 4 | 6;
  /** From the device. */
  hostname: string;
}

export type NewElasticAssignment = Pick<
  ElasticAssignmentRow,
  'id' | 'reservation_id' | 'device_id' | 'project_id' | 'address' | 'cidr' | 'start' | 'size' | 'customdata' | 'management' | 'created_at'
>;

/** A device as an assignment needs it, read under a share lock: its deletion waits for the assignment. */
export interface AssignableDevice {
  id: string;
  project_id: string;
  metro_id: string;
  hostname: string;
  state: string;
}

type Raw = Omit<ElasticAssignmentRow, 'start' | 'size'> & { start: string; size: string };

const SELECT = `SELECT a.id, a.reservation_id, a.device_id, a.project_id, a.address, a.cidr, a.start::text, a.size::text, a.customdata,
  a.management, a.created_at, r.network AS block_network, r.cidr AS block_cidr, r.type, r.metro_id, r.address_family, d.hostname
FROM ip_assignments a JOIN ip_reservations r ON r.id = a.reservation_id JOIN devices d ON d.id = a.device_id`;

const row = (r: Raw): ElasticAssignmentRow => ({ ...r, start: BigInt(r.start), size: BigInt(r.size) });

export async function assignmentById(db: Queryable, id: string): Promise<ElasticAssignmentRow | undefined> {
  const [r] = await db.query<Raw>(`${SELECT} WHERE a.id = $1`, [id]);
  return r && row(r);
}

/** A device's elastic IPs (not its management addresses), oldest first. */
export async function assignmentsOfDevice(db: Queryable, deviceId: string): Promise<ElasticAssignmentRow[]> {
  return (await db.query<Raw>(`${SELECT} WHERE a.device_id = $1 AND NOT a.management ORDER BY a.created_at, a.id`, [deviceId])).map(row);
}

/** How many addresses a device holds: its management ones and its elastic IPs. */
export async function assignmentCountsOfDevice(db: Queryable, deviceId: string): Promise<{ management: number; elastic: number }> {
  const [r] = await db.query<{ management: number; elastic: number }>(
    `SELECT count(*) FILTER (WHERE management)::int AS management, count(*) FILTER (WHERE NOT management)::int AS elastic
FROM ip_assignments WHERE device_id = $1`,
    [deviceId],
  );
  return r;
}

/** The assignments inside each of the reservations, in address order (read under their locks to carve new ones). */
export async function assignmentsOfReservations(db: Queryable, reservationIds: string[]): Promise<Map<string, ElasticAssignmentRow[]>> {
  const found = new Map<string, ElasticAssignmentRow[]>();
  if (!reservationIds.length) return found;
  const rows = await db.query<Raw>(`${SELECT} WHERE a.reservation_id = ANY($1::uuid[]) ORDER BY a.start`, [reservationIds]);
  for (const r of rows) found.set(r.reservation_id, [...(found.get(r.reservation_id) ?? []), row(r)]);
  return found;
}

/** A reservation's assignments in address order (read under its lock to decide a new one). */
export async function assignmentsOfReservation(db: Queryable, reservationId: string): Promise<ElasticAssignmentRow[]> {
  return (await db.query<Raw>(`${SELECT} WHERE a.reservation_id = $1 ORDER BY a.start`, [reservationId])).map(row);
}

/** The ids of the assignments in each of the reservations, oldest first. */
export async function assignmentIdsByReservation(db: Queryable, reservationIds: string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (!reservationIds.length) return found;
  const rows = await db.query<{ id: string; reservation_id: string }>(
    'SELECT id, reservation_id FROM ip_assignments WHERE reservation_id = ANY($1::uuid[]) ORDER BY created_at, id',
    [reservationIds],
  );
  for (const r of rows) found.set(r.reservation_id, [...(found.get(r.reservation_id) ?? []), r.id]);
  return found;
}

/**
 * The device with its network type (none before it has a machine), both share-locked until the transaction ends
 * (a conversion to layer 2, which takes the device's addresses, waits for the assignment), or undefined.
 */
export async function lockAssignableDevice(
  tx: Queryable,
  id: string,
): Promise<(AssignableDevice & { network_type: NetworkTypeName | null }) | undefined> {
  const [r] = await tx.query<AssignableDevice>('SELECT id, project_id, metro_id, hostname, state FROM devices WHERE id = $1 FOR SHARE', [
    id,
  ]);
  if (!r) return undefined;
  const [n] = await tx.query<{ network_type: NetworkTypeName }>('SELECT network_type FROM device_networks WHERE device_id = $1 FOR SHARE', [
    id,
  ]);
  return { ...r, network_type: n?.network_type ?? null };
}

/** The device without a lock (to answer 404 before any work). */
export async function assignableDevice(db: Queryable, id: string): Promise<AssignableDevice | undefined> {
  const [r] = await db.query<AssignableDevice>('SELECT id, project_id, metro_id, hostname, state FROM devices WHERE id = $1', [id]);
  return r;
}

/** Inserts assignments (one statement for all). */
export async function insertAssignments(tx: Queryable, rows: readonly NewElasticAssignment[]): Promise<void> {
  if (!rows.length) return;
  await tx.query(
    `INSERT INTO ip_assignments (id, reservation_id, device_id, project_id, address, cidr, start, size, customdata, management, created_at)
SELECT id, reservation_id, device_id, project_id, address, cidr, start, size, customdata, management, created_at
FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, reservation_id uuid, device_id uuid, project_id uuid, address text, cidr smallint,
  start numeric, size numeric, customdata jsonb, management boolean, created_at timestamptz)`,
    [JSON.stringify(rows, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))],
  );
}

export async function deleteAssignment(tx: Queryable, id: string): Promise<void> {
  await tx.query('DELETE FROM ip_assignments WHERE id = $1', [id]);
}

/** Deletes the assignments of the devices and returns what was deleted. */
export async function releaseAssignmentsOfDevices(
  tx: Queryable,
  deviceIds: string[],
): Promise<Pick<ElasticAssignmentRow, 'id' | 'reservation_id' | 'device_id' | 'project_id' | 'address' | 'cidr' | 'management'>[]> {
  if (!deviceIds.length) return [];
  return tx.query(
    'DELETE FROM ip_assignments WHERE device_id = ANY($1::uuid[]) RETURNING id, reservation_id, device_id, project_id, address, cidr, management',
    [deviceIds],
  );
}
