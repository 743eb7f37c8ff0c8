/**
 * Durable jobs in the database. Workers claim due jobs in batches with FOR UPDATE SKIP LOCKED under a lease,
 * run the handlers concurrently (they talk to hardware), then write every outcome of the round in ONE
 * transaction. A crash between hardware work and that write re-runs the job, so handlers are idempotent.
 */
import type { Queryable } from '../store/database';
import type { EngineContext } from './context';
import { applyTransitions, TransitionRequest } from './transitions';

export type JobKind = 'provision' | 'reinstall' | 'power_on' | 'power_off' | 'reboot' | 'deprovision' | 'verify_machine' | 'release_machine' | 'place_device' | 'spot_webhook';

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

/** What a handler asks the round to write. */
export interface JobOutcome {
  transitions?: TransitionRequest[];
  jobs?: NewJob[];
  /** Raw statements that must commit with the outcome (e.g. releasing a machine). */
  statements?: { sql: string; params: unknown[] }[];
  /** Retry later (a retryable error); after max_attempts the `final` outcome is written instead. */
  retry?: { error: string; final: JobOutcome };
}

/** Runs a claimed batch; one outcome per job, in order. Must not throw for one bad job. */
export type BatchHandler = (jobs: JobRow[]) => Promise<JobOutcome[]>;

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

export class JobRunner {
  private stopped = true;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** When the round in progress began (undefined between rounds). */
  private roundStartedAt?: number;

  constructor(
    private readonly ctx: EngineContext,
    private readonly handle: BatchHandler,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /**
   * Whether the runner loop is running and not stuck: a round that outlives its jobs' lease is stuck (other
   * servers may already have taken its jobs over).
   */
  isAlive(): boolean {
    if (this.stopped) return false;
    return this.roundStartedAt === undefined || this.ctx.clock.now().getTime() - this.roundStartedAt < this.ctx.config.jobLeaseMs;
  }

  /** Asks an idle runner to look for work now (called after enqueueing). */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let worked = 0;
      this.roundStartedAt = this.ctx.clock.now().getTime();
      try {
        worked = await this.round();
      } catch (err) {
        this.ctx.log.error({ err }, 'job round failed; retrying');
      }
      this.roundStartedAt = undefined;
      if (!worked && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.ctx.config.pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** Claims and runs one batch of due jobs; returns how many ran. Exposed for tests that step the engine. */
  async round(): Promise<number> {
    const { db, clock, config } = this.ctx;
    const now = clock.now();
    const jobs = await db.query<JobRow>(
      `UPDATE jobs SET locked_until = $2, attempts = attempts + 1
WHERE id IN (SELECT id FROM jobs WHERE run_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
  ORDER BY run_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
RETURNING id, kind, device_id, machine_id, payload, attempts, max_attempts, last_error`,
      [now.toISOString(), new Date(now.getTime() + config.jobLeaseMs).toISOString(), config.jobBatchSize],
    );
    if (!jobs.length) return 0;
    let outcomes: JobOutcome[];
    try {
      outcomes = await this.handle(jobs);
    } catch (err) {
      // A handler bug must not lose jobs: retry them like any retryable failure.
      this.ctx.log.error({ err }, 'job batch handler threw');
      outcomes = jobs.map(() => ({ retry: { error: err instanceof Error ? err.message : String(err), final: {} } }));
    }
    await this.commit(jobs, outcomes);
    return jobs.length;
  }

  private async commit(jobs: JobRow[], outcomes: JobOutcome[]): Promise<void> {
    const { db, clock, config } = this.ctx;
    const now = clock.now();
    const done: number[] = [];
    const retries: { id: number; run_at: string; error: string }[] = [];
    const transitions: TransitionRequest[] = [];
    const newJobs: NewJob[] = [];
    const statements: { sql: string; params: unknown[] }[] = [];
    jobs.forEach((job, i) => {
      let o = outcomes[i];
      if (o.retry && job.attempts < job.max_attempts) {
        const delay = Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** (job.attempts - 1));
        retries.push({ id: job.id, run_at: new Date(now.getTime() + delay).toISOString(), error: o.retry.error });
        this.ctx.log.warn({ job: job.id, kind: job.kind, attempt: job.attempts, error: o.retry.error }, 'job will be retried');
        return;
      }
      done.push(job.id);
      if (o.retry) {
        this.ctx.log.error({ job: job.id, kind: job.kind, error: o.retry.error }, 'job failed after its last attempt');
        o = o.retry.final;
      }
      statements.push(...(o.statements ?? []));
      newJobs.push(...(o.jobs ?? []));
      transitions.push(...(o.transitions ?? []));
    });
    // The round's writes are independent of each other: sent together, they run in order without waiting.
    await db.transaction((tx) =>
      Promise.all([
        ...statements.map((s) => tx.query(s.sql, s.params)),
        applyTransitions(tx, transitions, now),
        enqueueJobs(tx, newJobs, now),
        done.length && tx.query('DELETE FROM jobs WHERE id = ANY($1::bigint[])', [done]),
        retries.length &&
          tx.query(
            `UPDATE jobs j SET run_at = (x->>'run_at')::timestamptz, last_error = x->>'error', locked_until = NULL
FROM jsonb_array_elements($1::jsonb) x WHERE j.id = ANY($2::bigint[]) AND j.id = (x->>'id')::bigint`,
            [JSON.stringify(retries), retries.map((r) => r.id)],
          ),
      ]),
    );
  }
}
