/**
 * Live workers (servers running jobs) and their heartbeats. A worker whose heartbeat is older than the bound is
 * dead: a live one deletes it, and everything it held (job leases, started installs, idempotency claims) is
 * taken over because its holder no longer exists.
 */
import { hostname } from 'node:os';
import type { Queryable } from './database';

/** The job that network-boots a device in `d.state` (provisioning, reinstalling or rescuing). */
export const NETWORK_BOOT_JOB = `CASE d.state WHEN 'provisioning' THEN 'provision' WHEN 'rescuing' THEN 'rescue' ELSE 'reinstall' END`;

/** Registers the worker, or renews its heartbeat (a worker deleted while it stalled comes back). */
export async function renewWorker(db: Queryable, id: string, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO workers (id, host, pid, started_at, last_seen) VALUES ($1, $2, $3, $4, $4)
ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen`,
    [id, hostname(), process.pid, now.toISOString()],
  );
}

/**
 * A worker that stops marks its heartbeat as long gone, so the next live worker's heartbeat takes over at once
 * (the installs it booted phone home to a server that is no longer there).
 */
export async function retireWorker(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE workers SET last_seen = '-infinity' WHERE id = $1`, [id]);
}

/**
 * Deletes the workers whose heartbeat is older than `staleBefore` (all others than `keep` when it is null: a
 * single-writer store where every other worker belongs to a previous run) and returns their ids.
 */
export async function reapWorkers(tx: Queryable, staleBefore: Date | null, keep: string): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    'DELETE FROM workers WHERE id <> $1 AND ($2::timestamptz IS NULL OR last_seen < $2) RETURNING id',
    [keep, staleBefore?.toISOString() ?? null],
  );
  return rows.map((r) => r.id);
}

/**
 * Installs (and rescue boots) that dead workers had network-booted: their machines phone home to a server that is
 * gone, so each gets its provision, reinstall or rescue job again, unless it already has a job.
 */
export async function requeueInstallsOf(tx: Queryable, deadWorkers: string[], now: Date): Promise<number> {
  if (!deadWorkers.length) return 0;
  const rows = await tx.query(
    `INSERT INTO jobs (kind, device_id, run_at)
SELECT ${NETWORK_BOOT_JOB}, d.id, $2 FROM devices d
WHERE d.install_worker = ANY($1::uuid[]) AND d.state IN ('provisioning', 'reinstalling', 'rescuing') AND d.phone_home_hash IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.device_id = d.id)
RETURNING id`,
    [deadWorkers, now.toISOString()],
  );
  return rows.length;
}

/** Forgets the holder of leases taken before workers were tracked (rows from before migration 004). */
export async function releaseUntrackedLeases(db: Queryable): Promise<void> {
  await db.query('UPDATE jobs SET locked_until = NULL WHERE locked_until IS NOT NULL AND locked_by IS NULL');
}
