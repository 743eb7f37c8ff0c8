/**
 * Durable jobs in the database. Workers claim due jobs in batches with FOR UPDATE SKIP LOCKED under a lease,
 * run the handlers concurrently (they talk to hardware), then write every outcome of the round in ONE
 * transaction. A crash between hardware work and that write re-runs the job, so handlers are idempotent.
 *
 * Each runner is a worker with a heartbeat (lib/store/workers.ts): a lease names its worker, and the jobs of a
 * worker whose heartbeat stopped are taken over within seconds instead of when the lease runs out, without
 * spending an attempt (a crash is not the job's failure).
 */
import { claimJobs, completeJobs, enqueueJobs, retryJobs, type JobRetry, type JobRow, type NewJob } from '../store/jobs';
import { writeMachineStates, type MachineStateChange } from '../store/machines';
import { reapWorkers, renewWorker, requeueInstallsOf, retireWorker } from '../store/workers';
import type { EngineContext } from './context';
import { IdleWait } from './idle-wait';
import { applyTransitions, TransitionRequest } from './transitions';

// Other services enqueue through the engine's job module.

/** What a handler asks the round to write. */
export interface JobOutcome {
  transitions?: TransitionRequest[];
  jobs?: NewJob[];
  /** Machine state changes, decided by the machine lifecycle (e.g. releasing a machine). */
  machines?: MachineStateChange[];
  /** Retry later (a retryable error); after max_attempts the `final` outcome is written instead. */
  retry?: { error: string; final: JobOutcome };
}

/** Runs a claimed batch; one outcome per job, in order. Must not throw for one bad job. */
export type BatchHandler = (jobs: JobRow[]) => Promise<JobOutcome[]>;

/** What a readiness probe needs to know about the job runner. */
export interface RunnerHealth {
  /** Running, and its loop finished a round (or an idle wait) recently. */
  alive: boolean;
  lastRoundAt: Date | null;
  lastHeartbeatAt: Date | null;
  /** Why it is not alive. */
  reason?: string;
}

export class JobRunner {
  private stopped = true;
  private loop?: Promise<void>;
  private readonly idle = new IdleWait();
  private heartbeats?: NodeJS.Timeout;
  private registered?: Promise<void>;
  private lastRoundAt: Date | null = null;
  private lastHeartbeatAt: Date | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly handle: BatchHandler,
    /** This runner's worker id: its leases and the installs it boots carry it. */
    readonly workerId: string,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
    this.heartbeats = setInterval(() => {
      this.heartbeat().catch((err) => this.ctx.log.error({ err }, 'worker heartbeat failed'));
    }, this.ctx.config.heartbeatMs);
    this.heartbeats.unref();
  }

  async stop(): Promise<void> {
    const wasRunning = !this.stopped;
    this.stopped = true;
    if (this.heartbeats) clearInterval(this.heartbeats);
    this.idle.poke();
    await this.loop;
    if (!wasRunning) return;
    this.registered = undefined;
    await retireWorker(this.ctx.db, this.workerId).catch((err) =>
      this.ctx.log.warn({ err }, 'could not retire this worker; others take over when its heartbeat goes stale'),
    );
  }

  /**
   * Renews this worker's heartbeat and takes over from workers whose heartbeat is older than `workerStaleMs`:
   * they are deleted (their job leases become claimable at once) and their started installs get their jobs again.
   * Runs every `heartbeatMs` while started; exposed for tests that step the clock.
   */
  async heartbeat(): Promise<string[]> {
    const { db, clock, config } = this.ctx;
    const now = clock.now();
    const dead = await db.transaction(async (tx) => {
      const [, reaped] = await Promise.all([
        renewWorker(tx, this.workerId, now),
        reapWorkers(tx, new Date(now.getTime() - config.workerStaleMs), this.workerId),
      ]);
      const requeued = await requeueInstallsOf(tx, reaped, now);
      if (reaped.length)
        this.ctx.log.warn({ workers: reaped, installs: requeued }, 'took over the work of servers whose heartbeat stopped');
      return reaped;
    });
    this.lastHeartbeatAt = now;
    if (dead.length) this.poke();
    return dead;
  }

  /** Records this worker as live (once); its leases and idempotency claims are respected from then on. */
  register(): Promise<void> {
    this.registered ??= renewWorker(this.ctx.db, this.workerId, this.ctx.clock.now());
    return this.registered;
  }

  /**
   * Takes over every other worker at once: for a store with one writer (PGlite, locked), whose other workers are
   * previous runs of this server.
   */
  async takeOverAll(): Promise<string[]> {
    const { db, clock } = this.ctx;
    return db.transaction(async (tx) => {
      const reaped = await reapWorkers(tx, null, this.workerId);
      await requeueInstallsOf(tx, reaped, clock.now());
      return reaped;
    });
  }

  health(): RunnerHealth {
    const { clock, config } = this.ctx;
    const base = { lastRoundAt: this.lastRoundAt, lastHeartbeatAt: this.lastHeartbeatAt };
    if (this.stopped) return { ...base, alive: false, reason: 'not running' };
    const since = this.lastRoundAt ? clock.now().getTime() - this.lastRoundAt.getTime() : Infinity;
    if (since > config.runnerStallMs) {
      return {
        ...base,
        alive: false,
        reason: this.lastRoundAt ? `no round finished for ${Math.round(since / 1000)} s` : 'no round finished yet',
      };
    }
    return { ...base, alive: true };
  }

  /** Readiness: the runner is running and not stuck. */
  alive(): boolean {
    return this.health().alive;
  }

  /** Asks an idle runner to look for work now (called after enqueueing). */
  poke(): void {
    this.idle.poke();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let worked = 0;
      try {
        worked = await this.round();
        this.lastRoundAt = this.ctx.clock.now();
      } catch (err) {
        this.ctx.log.error({ err }, 'job round failed; retrying');
      }
      if (!worked && !this.stopped) {
        await this.idle.wait(this.ctx.config.pollMs);
      }
    }
  }

  /** Claims and runs one batch of due jobs; returns how many ran. Exposed for tests that step the engine. */
  async round(): Promise<number> {
    const { db, clock, config } = this.ctx;
    await this.register();
    const now = clock.now();
    const jobs = await claimJobs(db, this.workerId, now, new Date(now.getTime() + config.jobLeaseMs), config.jobBatchSize);
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
    const retries: JobRetry[] = [];
    const transitions: TransitionRequest[] = [];
    const newJobs: NewJob[] = [];
    const machines: MachineStateChange[] = [];
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
      machines.push(...(o.machines ?? []));
      newJobs.push(...(o.jobs ?? []));
      transitions.push(...(o.transitions ?? []));
    });
    // The round's writes are independent of each other: sent together, they run in order without waiting.
    await db.transaction((tx) =>
      Promise.all([
        writeMachineStates(tx, machines),
        applyTransitions(tx, transitions, now),
        enqueueJobs(tx, newJobs, now),
        completeJobs(tx, done),
        retryJobs(tx, retries),
      ]),
    );
  }
}
