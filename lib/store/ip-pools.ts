/**
 * Address pools, their free lists and the blocks projects reserve. The allocation rules live in
 * lib/engine/network/allocation.ts; this module loads what they need and stores what they decided. Offsets travel
 * as decimal text (numeric columns), so IPv6 sizes survive both drivers.
 */
import type { Queryable } from './database';

export type PoolType = 'public_ipv4' | 'private_ipv4' | 'public_ipv6' | 'global_ipv4';

export interface PoolRow {
  id: string;
  type: PoolType;
  metro_id: string | null;
  network: string;
  address_family: 4 | 6;
  first_address: bigint;
  size: bigint;
  next: bigint;
  allocated: bigint;
  created_at: Date | string;
}

export interface FreeBlock {
  start: bigint;
  size: bigint;
}

export interface ReservationRow {
  id: string;
  project_id: string;
  pool_id: string;
  start: bigint;
  size: bigint;
  type: PoolType;
  metro_id: string | null;
  address_family: 4 | 6;
  network: string;
  cidr: number;
  quantity: number;
  details: string | null;
  tags: string[];
  customdata: Record<string, unknown>;
  /** A device management block: a project's precreated block in a metro, or a device's own public IPv4. */
  management: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

type Raw<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] };

const POOL_COLUMNS =
  'id, type, metro_id, network, address_family, first_address::text, size::text, next::text, allocated::text, created_at';
const RESERVATION_COLUMNS =
  'id, project_id, pool_id, start::text, size::text, type, metro_id, address_family, network, cidr, quantity, details, tags, customdata, management, created_at, updated_at';

const pool = (r: Raw<PoolRow>): PoolRow => ({
  ...r,
  first_address: BigInt(r.first_address),
  size: BigInt(r.size),
  next: BigInt(r.next),
  allocated: BigInt(r.allocated),
});
const reservation = (r: Raw<ReservationRow>): ReservationRow => ({ ...r, start: BigInt(r.start), size: BigInt(r.size) });
const block = (r: Raw<FreeBlock>): FreeBlock => ({ start: BigInt(r.start), size: BigInt(r.size) });

export async function pools(db: Queryable): Promise<PoolRow[]> {
  return (await db.query<Raw<PoolRow>>(`SELECT ${POOL_COLUMNS} FROM ip_pools ORDER BY created_at, address_family, first_address`)).map(
    pool,
  );
}

export async function insertPool(
  db: Queryable,
  p: Pick<PoolRow, 'id' | 'type' | 'metro_id' | 'network' | 'address_family' | 'first_address' | 'size'>,
): Promise<PoolRow> {
  const [row] = await db.query<Raw<PoolRow>>(
    `INSERT INTO ip_pools (id, type, metro_id, network, address_family, first_address, size)
VALUES ($1, $2, $3, $4, $5, $6::numeric, $7::numeric) RETURNING ${POOL_COLUMNS}`,
    [p.id, p.type, p.metro_id, p.network, p.address_family, String(p.first_address), String(p.size)],
  );
  return pool(row);
}

/** Holds off other enrolments (and pool changes) until the transaction ends; reservations' row locks still pass. */
export async function lockPoolsAgainstEnrolment(tx: Queryable): Promise<void> {
  await tx.query('LOCK TABLE ip_pools IN SHARE ROW EXCLUSIVE MODE');
}

/** The pools of one kind in one metro (or the global ones), oldest (then lowest) first, locked until the transaction ends. */
export async function lockPools(tx: Queryable, type: PoolType, metroId: string | null): Promise<PoolRow[]> {
  const rows = await tx.query<Raw<PoolRow>>(
    `SELECT ${POOL_COLUMNS} FROM ip_pools WHERE type = $1 AND metro_id IS NOT DISTINCT FROM $2::uuid ORDER BY created_at, first_address FOR UPDATE`,
    [type, metroId],
  );
  return rows.map(pool);
}

/** One pool, locked until the transaction ends. */
export async function lockPool(tx: Queryable, id: string): Promise<PoolRow | undefined> {
  const [row] = await tx.query<Raw<PoolRow>>(`SELECT ${POOL_COLUMNS} FROM ip_pools WHERE id = $1 FOR UPDATE`, [id]);
  return row && pool(row);
}

/** The smallest free block of the pool holding at least `size` addresses (lowest first among equals). */
export async function smallestFree(tx: Queryable, poolId: string, size: bigint): Promise<FreeBlock | undefined> {
  const [row] = await tx.query<Raw<FreeBlock>>(
    'SELECT start::text, size::text FROM ip_free_blocks WHERE pool_id = $1 AND size >= $2::numeric ORDER BY size, start LIMIT 1',
    [poolId, String(size)],
  );
  return row && block(row);
}

/** The largest free block of each pool. */
export async function largestFree(db: Queryable, poolIds: string[]): Promise<Map<string, bigint>> {
  const rows = await db.query<{ pool_id: string; size: string }>(
    'SELECT pool_id, max(size)::text AS size FROM ip_free_blocks WHERE pool_id = ANY($1::uuid[]) GROUP BY pool_id',
    [poolIds],
  );
  return new Map(rows.map((r) => [r.pool_id, BigInt(r.size)]));
}

/** Which of `blocks` are on the pool's free list. */
export async function freeAmong(tx: Queryable, poolId: string, blocks: FreeBlock[]): Promise<FreeBlock[]> {
  if (!blocks.length) return [];
  const rows = await tx.query<Raw<FreeBlock>>(
    `SELECT f.start::text, f.size::text FROM ip_free_blocks f
JOIN jsonb_to_recordset($2::jsonb) AS b(start numeric, size numeric) ON f.start = b.start AND f.size = b.size
WHERE f.pool_id = $1`,
    [poolId, JSON.stringify(blocks.map((b) => ({ start: String(b.start), size: String(b.size) })))],
  );
  return rows.map(block);
}

const blockList = (blocks: FreeBlock[]) => JSON.stringify(blocks.map((b) => ({ start: String(b.start), size: String(b.size) })));

/** Takes blocks off the pool's free list. */
export function removeFree(tx: Queryable, poolId: string, blocks: FreeBlock[]): Promise<unknown> {
  return tx.query(
    `DELETE FROM ip_free_blocks f USING jsonb_to_recordset($2::jsonb) AS b(start numeric, size numeric)
WHERE f.pool_id = $1 AND f.start = b.start AND f.size = b.size`,
    [poolId, blockList(blocks)],
  );
}

/**
 * Writes one change to a pool: free blocks removed and added, its carving point and its count of allocated
 * addresses. The statements go out together; they run in order.
 */
export function changePool(
  tx: Queryable,
  poolId: string,
  change: { removeFree: FreeBlock[]; addFree: FreeBlock[]; next: bigint; allocatedDelta: bigint },
): Promise<unknown> {
  const statements: Promise<unknown>[] = [];
  if (change.removeFree.length) statements.push(removeFree(tx, poolId, change.removeFree));
  if (change.addFree.length) {
    statements.push(
      tx.query(
        'INSERT INTO ip_free_blocks (pool_id, start, size) SELECT $1, b.start, b.size FROM jsonb_to_recordset($2::jsonb) AS b(start numeric, size numeric)',
        [poolId, blockList(change.addFree)],
      ),
    );
  }
  statements.push(
    tx.query('UPDATE ip_pools SET next = $2::numeric, allocated = allocated + $3::numeric WHERE id = $1', [
      poolId,
      String(change.next),
      String(change.allocatedDelta),
    ]),
  );
  return Promise.all(statements);
}

/** Inserts reservations (one statement for all). */
export async function insertReservations(tx: Queryable, rows: ReservationRow[]): Promise<void> {
  if (!rows.length) return;
  await tx.query(
    `INSERT INTO ip_reservations (id, project_id, pool_id, start, size, type, metro_id, address_family, network, cidr, quantity,
  details, tags, customdata, management, created_at, updated_at)
SELECT id, project_id, pool_id, start, size, type, metro_id, address_family, network, cidr, quantity, details,
  coalesce(tags, '[]'), coalesce(customdata, '{}'), management, created_at, updated_at
FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, project_id uuid, pool_id uuid, start numeric, size numeric, type text, metro_id uuid,
  address_family smallint, network text, cidr smallint, quantity integer, details text, tags jsonb, customdata jsonb,
  management boolean, created_at timestamptz, updated_at timestamptz)`,
    [JSON.stringify(rows, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))],
  );
}

export async function reservationById(db: Queryable, id: string): Promise<ReservationRow | undefined> {
  const [row] = await db.query<Raw<ReservationRow>>(`SELECT ${RESERVATION_COLUMNS} FROM ip_reservations WHERE id = $1`, [id]);
  return row && reservation(row);
}

/** A reservation locked for a change or a release. */
export async function lockReservation(tx: Queryable, id: string): Promise<ReservationRow | undefined> {
  const [row] = await tx.query<Raw<ReservationRow>>(`SELECT ${RESERVATION_COLUMNS} FROM ip_reservations WHERE id = $1 FOR UPDATE`, [id]);
  return row && reservation(row);
}

export async function reservationsOfProject(db: Queryable, projectId: string): Promise<ReservationRow[]> {
  const rows = await db.query<Raw<ReservationRow>>(
    `SELECT ${RESERVATION_COLUMNS} FROM ip_reservations WHERE project_id = $1 ORDER BY created_at, pool_id, start`,
    [projectId],
  );
  return rows.map(reservation);
}

/** The project's own reservations (its management blocks go with it). */
export async function countReservationsOfProject(db: Queryable, projectId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ip_reservations WHERE project_id = $1 AND NOT management', [
    projectId,
  ]);
  return row.n;
}

/**
 * The management blocks of each (project, metro) pair, locked, oldest first: a device carves its private IPv4 and
 * IPv6 addresses out of them.
 */
export async function lockManagementBlocks(tx: Queryable, pairs: { projectId: string; metroId: string }[]): Promise<ReservationRow[]> {
  if (!pairs.length) return [];
  const rows = await tx.query<Raw<ReservationRow>>(
    `SELECT ${RESERVATION_COLUMNS} FROM ip_reservations
WHERE management AND type IN ('private_ipv4', 'public_ipv6') AND (project_id, metro_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))
ORDER BY created_at, pool_id, start FOR UPDATE`,
    [pairs.map((p) => p.projectId), pairs.map((p) => p.metroId)],
  );
  return rows.map(reservation);
}

/** Reservations by id, locked (to release them). */
export async function lockReservations(tx: Queryable, ids: string[]): Promise<ReservationRow[]> {
  if (!ids.length) return [];
  const rows = await tx.query<Raw<ReservationRow>>(
    `SELECT ${RESERVATION_COLUMNS} FROM ip_reservations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return rows.map(reservation);
}

/** A project's management blocks, locked (its deletion gives them back). */
export async function lockManagementBlocksOfProject(tx: Queryable, projectId: string): Promise<ReservationRow[]> {
  const rows = await tx.query<Raw<ReservationRow>>(
    `SELECT ${RESERVATION_COLUMNS} FROM ip_reservations WHERE project_id = $1 AND management ORDER BY id FOR UPDATE`,
    [projectId],
  );
  return rows.map(reservation);
}

export async function updateReservation(
  tx: Queryable,
  id: string,
  change: Pick<ReservationRow, 'details' | 'tags' | 'customdata' | 'updated_at'>,
): Promise<ReservationRow> {
  const [row] = await tx.query<Raw<ReservationRow>>(
    `UPDATE ip_reservations SET details = $2, tags = $3::jsonb, customdata = $4::jsonb, updated_at = $5
WHERE id = $1 RETURNING ${RESERVATION_COLUMNS}`,
    [id, change.details, JSON.stringify(change.tags), JSON.stringify(change.customdata), change.updated_at],
  );
  return reservation(row);
}

export async function deleteReservation(tx: Queryable, id: string): Promise<void> {
  await tx.query('DELETE FROM ip_reservations WHERE id = $1', [id]);
}

/** Which of the projects still exist, each locked against deletion until the transaction ends. */
export async function liveProjects(tx: Queryable, ids: string[]): Promise<Set<string>> {
  const rows = await tx.query<{ id: string }>('SELECT id FROM projects WHERE id = ANY($1::uuid[]) FOR SHARE', [ids]);
  return new Set(rows.map((r) => r.id));
}
