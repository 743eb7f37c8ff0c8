/**
 * Read-only queries behind the metrics: the job queue by kind, and how long devices stayed in each state (from
 * the event log, which records every transition with its from and to state).
 */
import type { Queryable } from './database';

export interface JobQueueRow {
  kind: string;
  /** Every job of the kind not yet finished (due now, later, or being run). */
  queued: number;
  /** Jobs whose run time has come and that nobody runs now. */
  due: number;
  /** Seconds since the oldest of those became due (0 when none). */
  oldest_due_age_seconds: number;
}

export async function jobQueue(db: Queryable, now: Date): Promise<JobQueueRow[]> {
  return db.query<JobQueueRow>(
    `SELECT kind, count(*)::int AS queued,
  count(*) FILTER (WHERE run_at <= $1 AND (locked_until IS NULL OR locked_until < $1))::int AS due,
  coalesce(extract(epoch FROM $1 - min(run_at) FILTER (WHERE run_at <= $1 AND (locked_until IS NULL OR locked_until < $1))), 0)::float8
    AS oldest_due_age_seconds
FROM jobs GROUP BY kind ORDER BY kind`,
    [now.toISOString()],
  );
}

export interface StateDurationRow {
  seq: number;
  /** The state the device left. */
  state: string;
  seconds: number;
}

/**
 * Transitions logged after event `afterSeq` (at most `limit`), each with the time the device spent in the state it
 * left: since its previous transition, or since it was created for its first one.
 */
export async function stateDurationsSince(db: Queryable, afterSeq: number, limit: number): Promise<StateDurationRow[]> {
  return db.query<StateDurationRow>(
    `SELECT e.seq, e.from_state AS state,
  greatest(0, extract(epoch FROM e.created_at - coalesce(p.created_at, d.created_at)))::float8 AS seconds
FROM events e
LEFT JOIN devices d ON d.id = e.device_id
LEFT JOIN LATERAL (SELECT created_at FROM events p WHERE p.device_id = e.device_id AND p.seq < e.seq AND p.to_state IS NOT NULL
  ORDER BY p.seq DESC LIMIT 1) p ON true
WHERE e.seq > $1 AND e.from_state IS NOT NULL AND e.device_id IS NOT NULL AND e.from_state <> e.to_state
ORDER BY e.seq LIMIT $2`,
    [afterSeq, limit],
  );
}
