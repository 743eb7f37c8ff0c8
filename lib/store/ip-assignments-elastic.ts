/**
 * Elastic IP assignments: an address or subnet of a reserved block on one of its project's devices. Each row comes
 * with what its presentation needs from its reservation (block, type, metro) and its device's hostname. The
 * overlap rule lives in lib/engine/network/assignment-rules.ts; writers hold the reservation's row lock.
 */
import type { Queryable } from './database';
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
  'id' | 'reservation_id' | 'device_id' | 'project_id' | 'address' | 'cidr' | 'start' | 'size' | 'customdata' | 'created_at'
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
  a.created_at, r.network AS block_network, r.cidr AS block_cidr, r.type, r.metro_id, r.address_family, d.hostname
FROM ip_assignments a JOIN ip_reservations r ON r.id = a.reservation_id JOIN devices d ON d.id = a.device_id`;

const row = (r: Raw): ElasticAssignmentRow => ({ ...r, start: BigInt(r.start), size: BigInt(r.size) });

export async function assignmentById(db: Queryable, id: string): Promise<ElasticAssignmentRow | undefined> {
  const [r] = await db.query<Raw>(`${SELECT} WHERE a.id = $1`, [id]);
  return r && row(r);
}

/** A device's assignments, oldest first. */
export async function assignmentsOfDevice(db: Queryable, deviceId: string): Promise<ElasticAssignmentRow[]> {
  return (await db.query<Raw>(`${SELECT} WHERE a.device_id = $1 ORDER BY a.created_at, a.id`, [deviceId])).map(row);
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

/** The device, share-locked until the transaction ends, or undefined. */
export async function lockAssignableDevice(tx: Queryable, id: string): Promise<AssignableDevice | undefined> {
  const [r] = await tx.query<AssignableDevice>('SELECT id, project_id, metro_id, hostname, state FROM devices WHERE id = $1 FOR SHARE', [
    id,
  ]);
  return r;
}

/** The device without a lock (to answer 404 before any work). */
export async function assignableDevice(db: Queryable, id: string): Promise<AssignableDevice | undefined> {
  const [r] = await db.query<AssignableDevice>('SELECT id, project_id, metro_id, hostname, state FROM devices WHERE id = $1', [id]);
  return r;
}

export async function insertAssignment(tx: Queryable, a: NewElasticAssignment): Promise<void> {
  await tx.query(
    `INSERT INTO ip_assignments (id, reservation_id, device_id, project_id, address, cidr, start, size, customdata, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8::numeric, $9::jsonb, $10)`,
    [
      a.id,
      a.reservation_id,
      a.device_id,
      a.project_id,
      a.address,
      a.cidr,
      String(a.start),
      String(a.size),
      JSON.stringify(a.customdata),
      a.created_at,
    ],
  );
}

export async function deleteAssignment(tx: Queryable, id: string): Promise<void> {
  await tx.query('DELETE FROM ip_assignments WHERE id = $1', [id]);
}

/** Deletes the assignments of the devices and returns what was deleted. */
export async function releaseAssignmentsOfDevices(
  tx: Queryable,
  deviceIds: string[],
): Promise<Pick<ElasticAssignmentRow, 'id' | 'device_id' | 'project_id' | 'address' | 'cidr'>[]> {
  if (!deviceIds.length) return [];
  return tx.query('DELETE FROM ip_assignments WHERE device_id = ANY($1::uuid[]) RETURNING id, device_id, project_id, address, cidr', [
    deviceIds,
  ]);
}
