/**
 * What the engine can tell about itself for metrics, in its own terms (no exposition format here): the job
 * queue, how long devices stay in each state, and BMC call errors by driver and kind.
 */
import { DriverError, type BmcDriver, type DriverErrorKind, type DriverName } from '../drivers/types';
import { jobQueue, JobQueueRow, stateDurationsSince } from '../store/observations';
import { outboxDepth } from '../store/webhook-outbox';
import type { DriverFactory, EngineContext } from './context';

/** BMC calls that failed, by driver and error kind ('other' for errors that are not DriverErrors). */
export class BmcErrorCounts {
  private readonly counts = new Map<string, { driver: DriverName; kind: DriverErrorKind | 'other'; count: number }>();

  record(driver: DriverName, err: unknown): void {
    const kind = err instanceof DriverError ? err.kind : 'other';
    const key = `${driver}/${kind}`;
    const entry = this.counts.get(key) ?? { driver, kind, count: 0 };
    entry.count++;
    this.counts.set(key, entry);
  }

  entries() {
    return [...this.counts.values()];
  }
}

const CAPABILITIES = new Set<PropertyKey>(['power', 'boot', 'media', 'inventory']);

/** Drivers from `factory` whose every call that rejects is counted in `errors` (and still rejects). */
export function countingBmcErrors(factory: DriverFactory, errors: BmcErrorCounts): DriverFactory {
  return (endpoint) => {
    const driver = factory(endpoint);
    const count = <T extends object>(target: T): T =>
      new Proxy(target, {
        get(object, property) {
          const value = Reflect.get(object, property, object);
          if (CAPABILITIES.has(property) && value && typeof value === 'object') return count(value);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            try {
              return await value.apply(object, args);
            } catch (err) {
              errors.record(driver.name, err);
              throw err;
            }
          };
        },
      });
    return count<BmcDriver>(driver);
  };
}

/** Transitions read per call: a first scrape of a long history catches up over several calls. */
const DURATIONS_PER_READ = 20_000;

export class EngineObservations {
  /** Event log position up to which state durations were handed out. */
  private durationsSeq = 0;

  constructor(
    private readonly ctx: EngineContext,
    readonly bmcErrors: BmcErrorCounts,
  ) {}

  jobQueue(): Promise<JobQueueRow[]> {
    return jobQueue(this.ctx.db, this.ctx.clock.now());
  }

  /** Webhook deliveries waiting in the outbox. */
  webhookOutboxDepth(): Promise<number> {
    return outboxDepth(this.ctx.db);
  }

  /** Time spent in a state, for each transition logged since the previous call (each one handed out once). */
  async newStateDurations(): Promise<{ state: string; seconds: number }[]> {
    const rows = await stateDurationsSince(this.ctx.db, this.durationsSeq, DURATIONS_PER_READ);
    if (rows.length) this.durationsSeq = rows[rows.length - 1].seq;
    return rows;
  }
}
