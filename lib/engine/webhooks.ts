/**
 * Webhook deliveries from the durable outbox (lib/store/webhook-outbox.ts), on their own bounded worker: at most
 * `webhookConcurrency` deliveries in flight and `webhookPerProject` per project, so a tenant whose endpoint never
 * answers holds a few slots for its timeout, not everyone's job rounds. Failures retry with backoff; after the
 * last attempt the delivery is dropped with an error in the log.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { claimWebhooks, deleteWebhook, OutboxRow, outboxDepth, projectWebhook, retryWebhook } from '../store/webhook-outbox';
import type { EngineContext } from './context';
import { IdleWait } from './idle-wait';
import { checkedLookup, webhookUrlProblem } from './webhook-targets';

export const WEBHOOK_ATTEMPTS = 8;
export const WEBHOOK_TIMEOUT_MS = 10_000;
export const SIGNATURE_HEADER = 'x-metalforge-signature';
/** A claimed delivery's lease: past its timeout, so only a dead sender's deliveries are claimed again. */
const LEASE_MS = 3 * WEBHOOK_TIMEOUT_MS;

export class WebhookSender {
  private stopped = true;
  private loop?: Promise<void>;
  private readonly idle = new IdleWait();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly perProject = new Map<string, number>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly workerId: string,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.idle.poke();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  /** Asks an idle sender to look for deliveries now (called after queueing some). */
  poke(): void {
    this.idle.poke();
  }

  /** Deliveries waiting in the outbox (due or backing off), for metrics. */
  depth(): Promise<number> {
    return outboxDepth(this.ctx.db);
  }

  /** Claims what the free slots allow and delivers it; resolves when those deliveries are done. For tests. */
  async round(): Promise<number> {
    const started = await this.fill();
    await Promise.all(started);
    return started.length;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let started = 0;
      try {
        started = (await this.fill()).length;
      } catch (err) {
        this.ctx.log.error({ err }, 'webhook round failed; retrying');
      }
      if (!started && !this.stopped) {
        await this.idle.wait(this.ctx.config.webhookPollMs);
      }
    }
  }

  /** Claims due deliveries into the free slots and starts them. */
  private async fill(): Promise<Promise<void>[]> {
    const { db, clock, config } = this.ctx;
    const free = config.webhookConcurrency - this.inFlight.size;
    if (free <= 0) return [];
    const now = clock.now();
    const busy = [...this.perProject].filter(([, n]) => n >= config.webhookPerProject).map(([p]) => p);
    const rows = await claimWebhooks(db, {
      workerId: this.workerId,
      now,
      leaseUntil: new Date(now.getTime() + LEASE_MS),
      limit: free,
      perProject: config.webhookPerProject,
      busy,
    });
    return rows.map((row) => {
      this.perProject.set(row.project_id, (this.perProject.get(row.project_id) ?? 0) + 1);
      const delivery = this.deliver(row)
        .catch((err) => this.ctx.log.error({ err, webhook: row.id }, 'webhook delivery could not be recorded'))
        .finally(() => {
          this.inFlight.delete(delivery);
          const left = this.perProject.get(row.project_id)! - 1;
          if (left) this.perProject.set(row.project_id, left);
          else this.perProject.delete(row.project_id);
          this.idle.poke();
        });
      this.inFlight.add(delivery);
      return delivery;
    });
  }

  /**
   * One delivery: POST of the JSON body, signed `sha256=<hex HMAC-SHA256 of the body>` with the project's secret.
   * A project without a webhook drops it.
   */
  private async deliver(row: OutboxRow): Promise<void> {
    const { db, clock, config, log } = this.ctx;
    const project = await projectWebhook(db, row.project_id);
    if (!project?.webhook_url || !project.webhook_secret) return deleteWebhook(db, row.id);
    const error = await this.post(project.webhook_url, this.ctx.secrets.open(project.webhook_secret), JSON.stringify(row.body));
    if (!error) return deleteWebhook(db, row.id);
    if (row.attempts >= WEBHOOK_ATTEMPTS) {
      log.error({ webhook: row.id, project: row.project_id, error }, 'webhook dropped after its last attempt');
      return deleteWebhook(db, row.id);
    }
    const delay = Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** (row.attempts - 1));
    log.warn({ webhook: row.id, project: row.project_id, attempt: row.attempts, error }, 'webhook will be retried');
    await retryWebhook(db, row.id, new Date(clock.now().getTime() + delay), error);
  }

  /** POSTs the body; resolves with why it failed, or undefined when the receiver answered 2xx. */
  private post(url: string, secret: string, text: string): Promise<string | undefined> {
    const allowPrivate = this.ctx.config.webhookAllowPrivate;
    const problem = webhookUrlProblem(url, allowPrivate);
    if (problem) return Promise.resolve(`webhook ${url} refused: ${problem}`);
    const signature = `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;
    const send = new URL(url).protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = send(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(text),
            [SIGNATURE_HEADER]: signature,
            'user-agent': 'metalforge-webhooks',
          },
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
          ...(allowPrivate ? {} : { lookup: checkedLookup }),
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve(res.statusCode! >= 200 && res.statusCode! < 300 ? undefined : `webhook ${url} answered HTTP ${res.statusCode}`),
          );
          res.on('error', (err) => resolve(`webhook ${url} unreachable: ${err.message}`));
        },
      );
      req.on('error', (err) => resolve(`webhook ${url} unreachable: ${err.message}`));
      req.end(text);
    });
  }
}
