/**
 * BGP: a project's configuration and its devices' sessions with the metro routers. The MD5 password arrives and
 * leaves sealed (the engine seals and opens it); sessions of deleted devices are never read back.
 */
import type { Queryable } from './database';

export type DeploymentType = 'local' | 'global';
export type BgpConfigStatus = 'requested' | 'enabled' | 'disabled';
export type AddressFamily = 'ipv4' | 'ipv6';
export type BgpSessionStatus = 'unknown' | 'up' | 'down';

export interface BgpConfigRow {
  id: string;
  project_id: string;
  deployment_type: DeploymentType;
  asn: number;
  /** The MD5 password sealed with the server's SecretBox; null when the project set none. */
  md5_sealed: string | null;
  max_prefix: number;
  status: BgpConfigStatus;
  created_at: Date | string;
}

export interface BgpSessionRow {
  id: string;
  device_id: string;
  project_id: string;
  metro_id: string;
  address_family: AddressFamily;
  default_route: boolean;
  status: BgpSessionStatus;
  /** Why the session is not up, as last observed. */
  reason: string | null;
  /** Set while the router did not take the change that includes this session. */
  router_error: string | null;
  learned_routes: string[];
  created_at: Date | string;
  updated_at: Date | string;
}

/** A session as its metro router needs it: the session with its device's addresses and its project's configuration. */
export interface RoutedSessionRow extends BgpSessionRow {
  ip_addresses: { address: string; address_family: number; public: boolean }[];
  asn: number;
  md5_sealed: string | null;
  max_prefix: number;
}

const CONFIG_COLUMNS = 'id, project_id, deployment_type, asn::text AS asn, md5_sealed, max_prefix, status, created_at';
const SESSION_COLUMNS =
  's.id, s.device_id, s.project_id, s.metro_id, s.address_family, s.default_route, s.status, s.reason, s.router_error, s.learned_routes, s.created_at, s.updated_at';
/** Sessions of devices that still exist. */
const LIVE_SESSIONS = "bgp_sessions s JOIN devices d ON d.id = s.device_id AND d.state <> 'deleted'";

const config = (r: Omit<BgpConfigRow, 'asn'> & { asn: string }): BgpConfigRow => ({ ...r, asn: Number(r.asn) });

export async function findConfig(db: Queryable, projectId: string): Promise<BgpConfigRow | undefined> {
  const [row] = await db.query<Omit<BgpConfigRow, 'asn'> & { asn: string }>(
    `SELECT ${CONFIG_COLUMNS} FROM bgp_configs WHERE project_id = $1`,
    [projectId],
  );
  return row && config(row);
}

/** Inserts the project's configuration; undefined when the project already has one (the existing one stays). */
export async function insertConfig(db: Queryable, c: Omit<BgpConfigRow, 'asn'> & { asn: number }): Promise<BgpConfigRow | undefined> {
  const [row] = await db.query<Omit<BgpConfigRow, 'asn'> & { asn: string }>(
    `INSERT INTO bgp_configs (id, project_id, deployment_type, asn, md5_sealed, max_prefix, status, created_at)
VALUES ($1, $2, $3, $4::bigint, $5, $6, $7, $8) ON CONFLICT (project_id) DO NOTHING RETURNING ${CONFIG_COLUMNS}`,
    [c.id, c.project_id, c.deployment_type, String(c.asn), c.md5_sealed, c.max_prefix, c.status, c.created_at],
  );
  return row && config(row);
}

export async function findSession(db: Queryable, id: string): Promise<BgpSessionRow | undefined> {
  const [row] = await db.query<BgpSessionRow>(`SELECT ${SESSION_COLUMNS} FROM ${LIVE_SESSIONS} WHERE s.id = $1`, [id]);
  return row;
}

export function sessionsOfDevice(db: Queryable, deviceId: string): Promise<BgpSessionRow[]> {
  return db.query<BgpSessionRow>(`SELECT ${SESSION_COLUMNS} FROM ${LIVE_SESSIONS} WHERE s.device_id = $1 ORDER BY s.created_at, s.id`, [
    deviceId,
  ]);
}

export function sessionsOfProject(db: Queryable, projectId: string): Promise<BgpSessionRow[]> {
  return db.query<BgpSessionRow>(`SELECT ${SESSION_COLUMNS} FROM ${LIVE_SESSIONS} WHERE s.project_id = $1 ORDER BY s.created_at, s.id`, [
    projectId,
  ]);
}

/** The metros where the project's devices hold sessions. */
export async function metrosOfProject(db: Queryable, projectId: string): Promise<string[]> {
  const rows = await db.query<{ metro_id: string }>(`SELECT DISTINCT s.metro_id FROM ${LIVE_SESSIONS} WHERE s.project_id = $1`, [
    projectId,
  ]);
  return rows.map((r) => r.metro_id);
}

/** Every session the metro's router should hold, with what configuring it takes. */
export async function routedSessionsOfMetro(db: Queryable, metroId: string): Promise<RoutedSessionRow[]> {
  const rows = await db.query<Omit<RoutedSessionRow, 'asn'> & { asn: string }>(
    `SELECT ${SESSION_COLUMNS}, d.ip_addresses, c.asn::text AS asn, c.md5_sealed, c.max_prefix
FROM ${LIVE_SESSIONS} JOIN bgp_configs c ON c.project_id = s.project_id
WHERE s.metro_id = $1 ORDER BY s.created_at, s.id`,
    [metroId],
  );
  return rows.map((r) => ({ ...r, asn: Number(r.asn) }));
}

/** Inserts a session; undefined when the device already has one of that family. */
export async function insertSession(
  db: Queryable,
  s: Pick<BgpSessionRow, 'id' | 'device_id' | 'project_id' | 'metro_id' | 'address_family' | 'default_route' | 'created_at'>,
): Promise<BgpSessionRow | undefined> {
  const [row] = await db.query<BgpSessionRow>(
    `INSERT INTO bgp_sessions AS s (id, device_id, project_id, metro_id, address_family, default_route, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (device_id, address_family) DO NOTHING RETURNING ${SESSION_COLUMNS}`,
    [s.id, s.device_id, s.project_id, s.metro_id, s.address_family, s.default_route, s.created_at],
  );
  return row;
}

export async function setDefaultRoute(db: Queryable, id: string, defaultRoute: boolean, now: Date): Promise<BgpSessionRow | undefined> {
  const [row] = await db.query<BgpSessionRow>(
    `UPDATE bgp_sessions s SET default_route = $2, updated_at = $3 WHERE s.id = $1 RETURNING ${SESSION_COLUMNS}`,
    [id, defaultRoute, now.toISOString()],
  );
  return row;
}

export async function deleteSession(db: Queryable, id: string): Promise<BgpSessionRow | undefined> {
  const [row] = await db.query<BgpSessionRow>(`DELETE FROM bgp_sessions s WHERE s.id = $1 RETURNING ${SESSION_COLUMNS}`, [id]);
  return row;
}

/** Deletes the sessions of devices (being deleted) and returns them. */
export function deleteSessionsOfDevices(tx: Queryable, deviceIds: string[]): Promise<BgpSessionRow[]> {
  if (!deviceIds.length) return Promise.resolve([]);
  return tx.query<BgpSessionRow>(`DELETE FROM bgp_sessions s WHERE s.device_id = ANY($1::uuid[]) RETURNING ${SESSION_COLUMNS}`, [
    deviceIds,
  ]);
}

/**
 * Holds the metro's router for this transaction: servers sharing one PostgreSQL change a router one at a time,
 * each from what the store says while it holds it.
 */
export async function lockMetroRouter(tx: Queryable, metroId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('metro-router:' || $1, 0))", [metroId]);
}

/** Sets (or with null clears) the router error of these sessions. */
export async function setRouterError(db: Queryable, ids: readonly string[], error: string | null, now: Date): Promise<void> {
  if (!ids.length) return;
  await db.query(
    'UPDATE bgp_sessions SET router_error = $2, updated_at = $3 WHERE id = ANY($1::uuid[]) AND router_error IS DISTINCT FROM $2',
    [ids, error, now.toISOString()],
  );
}

/** Records what the router said of a session; a row that says the same is left alone. */
export async function recordObserved(
  db: Queryable,
  id: string,
  seen: Pick<BgpSessionRow, 'status' | 'reason' | 'learned_routes'>,
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE bgp_sessions SET status = $2, reason = $3, learned_routes = $4::jsonb, updated_at = $5
WHERE id = $1 AND (status, reason, learned_routes) IS DISTINCT FROM ($2, $3, $4::jsonb)`,
    [id, seen.status, seen.reason, JSON.stringify(seen.learned_routes), now.toISOString()],
  );
}
