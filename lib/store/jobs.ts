/**
 * The durable job queue: enqueue in bulk, claim due jobs with FOR UPDATE SKIP LOCKED under a lease, and finish a
 * round's jobs (done or retried) in bulk statements.
 */
import type { Queryable } from './database';

export type JobKind =
  | 'provision'
  | 'reinstall'
  | 'rescue'
  | 'power_on'
  | 'power_off'
  | 'reboot'
  | 'deprovision'
  | 'verify_machine'
  | 'release_machine'
  | 'place_device'
  | 'reconcile_router'
  | 'sync_ports'
  | 'apply_port_batch';

export interface NewJob {
  kind: JobKind;
  device_id?: string | null;
  machine_id?: string | null;
  payload?: Record<string, unknown>;
  /** @default now */
  run_at?: Date;
  max_attempts?: number;
}

export interface JobRow {
  id: number;
  kind: JobKind;
  device_id: string | null;
  machine_id: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
}

/** A job to run again at `run_at`, with the error that made it fail. */
export interface JobRetry {
  id: number;
  run_at: string;
  error: string;
}

export async function enqueueJobs(tx: Queryable, jobs: NewJob[], now: Date): Promise<void> {
  if (!jobs.length) return;
  await tx.query(
    `INSERT INTO jobs (kind, device_id, machine_id, payload, run_at, max_attempts)
SELECT x->>'kind', (x->>'device_id')::uuid, (x->>'machine_id')::uuid, coalesce(x->'payload', '{}'::jsonb),
  coalesce((x->>'run_at')::timestamptz, $2), coalesce((x->>'max_attempts')::int, 5)
FROM jsonb_array_elements($1::jsonb) x`,
    [JSON.stringify(jobs.map((j) => ({ ...j, run_at: j.run_at?.toISOString() }))), now.toISOString()],
  );
}

/**
 * Claims up to `limit` due jobs for `workerId` until `leaseUntil`. Claimable: free, lease run out, or held by a
 * worker that no longer exists (taken over: no attempt spent).
 */
export function claimJobs(db: Queryable, workerId: string, now: Date, leaseUntil: Date, limit: number): Promise<JobRow[]> {
  return db.query<JobRow>(
    `UPDATE jobs j SET locked_until = $2, locked_by = $4,
  attempts = j.attempts + CASE WHEN j.locked_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM workers w WHERE w.id = j.locked_by) THEN 0 ELSE 1 END
WHERE j.id IN (SELECT id FROM jobs WHERE run_at <= $1
    AND (locked_until IS NULL OR locked_until < $1 OR NOT EXISTS (SELECT 1 FROM workers w WHERE w.id = jobs.locked_by))
  ORDER BY run_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
RETURNING j.id, j.kind, j.device_id, j.machine_id, j.payload, j.attempts, j.max_attempts, j.last_error`,
    [now.toISOString(), leaseUntil.toISOString(), limit, workerId],
  );
}

/** Deletes finished jobs. */
export async function completeJobs(tx: Queryable, ids: number[]): Promise<void> {
  if (ids.length) await tx.query('DELETE FROM jobs WHERE id = ANY($1::bigint[])', [ids]);
}

/** Releases jobs to run again later, each with its error. */
export async function retryJobs(tx: Queryable, retries: JobRetry[]): Promise<void> {
  if (!retries.length) return;
  await tx.query(
    `UPDATE jobs j SET run_at = (x->>'run_at')::timestamptz, last_error = x->>'error', locked_until = NULL, locked_by = NULL
FROM jsonb_array_elements($1::jsonb) x WHERE j.id = ANY($2::bigint[]) AND j.id = (x->>'id')::bigint`,
    [JSON.stringify(retries), retries.map((r) => r.id)],
  );
}

/** Drops whatever jobs the devices still have (their work no longer applies). */
export async function deleteJobsOfDevices(tx: Queryable, deviceIds: string[]): Promise<void> {
  if (deviceIds.length) await tx.query(`DELETE FROM jobs WHERE device_id = ANY($1::uuid[])`, [deviceIds]);
}
