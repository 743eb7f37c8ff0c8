import type { Logger } from 'pino';
import type { BmcDriver, BmcEndpoint } from '../drivers/types';
import type { Database, Queryable } from '../store/database';
import type { Clock } from '../core/clock';
import type { SecretBox } from './secrets';
import type { WebhookBodies } from './spot/notices';
import type { World } from './world';

/** Opens a driver for a machine's BMC; the engine never knows which implementations exist. */
export type DriverFactory = (endpoint: BmcEndpoint) => BmcDriver;

export interface EngineConfig {
  /** How long a device may stay provisioning/reinstalling before it fails. @default 30 min */
  provisionTimeoutMs: number;
  /** How long power and deprovision waits may take. @default 10 min */
  powerTimeoutMs: number;
  /** Job and webhook retries: first backoff, doubled each attempt, capped. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Jobs claimed per round. */
  jobBatchSize: number;
  /** Job lease; an unfinished job is claimable again after it. */
  jobLeaseMs: number;
  /** How often a job runner renews its worker heartbeat. */
  heartbeatMs: number;
  /** A worker whose heartbeat is older than this is dead: its jobs and installs are taken over. */
  workerStaleMs: number;
  /** A running job runner that finished no round for this long is reported not alive (readiness). */
  runnerStallMs: number;
  /** Idle poll interval of the job runner. */
  pollMs: number;
  /** Capacity level thresholds: at most this many free machines is "limited". */
  limitedCapacityAt: number;
  /** Spot termination notice; never below 2 minutes (lib/engine/spot/clearing.ts raises it). */
  spotNoticeMs: number;
  /** Interval of spot clearing rounds while the engine runs. */
  spotClearEveryMs: number;
  /** Webhook deliveries in flight at once, and at most per project (one slow tenant cannot take every slot). */
  webhookConcurrency: number;
  webhookPerProject: number;
  /** Idle poll interval of the webhook sender. */
  webhookPollMs: number;
  /** Deliver webhooks to loopback, private and link-local addresses too (operator's choice; tests). */
  webhookAllowPrivate: boolean;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  provisionTimeoutMs: 30 * 60_000,
  powerTimeoutMs: 10 * 60_000,
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
  jobBatchSize: 200,
  jobLeaseMs: 5 * 60_000,
  heartbeatMs: 3000,
  workerStaleMs: 15_000,
  runnerStallMs: 60_000,
  pollMs: 50,
  limitedCapacityAt: 2,
  spotNoticeMs: 2 * 60_000,
  spotClearEveryMs: 10_000,
  webhookConcurrency: 8,
  webhookPerProject: 2,
  webhookPollMs: 1000,
  webhookAllowPrivate: false,
};

/**
 * Something that must commit in a create's transaction, given what the create answers: an idempotent request's
 * recorded answer, so a committed create is never run twice.
 */
export type CommitWith<T> = (tx: Queryable, created: T) => Promise<void>;

/** Runs a create alone, or with `commitWith` in one transaction with it. */
export async function committing<T>(
  db: Database,
  commitWith: CommitWith<T> | undefined,
  create: (db: Queryable) => Promise<T>,
): Promise<T> {
  if (!commitWith) return create(db);
  return db.transaction(async (tx) => {
    const created = await create(tx);
    await commitWith(tx, created);
    return created;
  });
}

export interface EngineContext {
  db: Database;
  clock: Clock;
  world: World;
  secrets: SecretBox;
  log: Logger;
  config: EngineConfig;
  drivers: DriverFactory;
  /** How webhook bodies are written (the API's presenters: the engine builds no API shapes). */
  webhookBodies: WebhookBodies;
}
