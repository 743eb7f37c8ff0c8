/**
 * `/metrics` in the Prometheus text exposition format (version 0.0.4), written here rather than with a client
 * library: HTTP latency by route and status class, the job queue, how long devices stay in each state, BMC call
 * errors and pending webhook deliveries.
 *
 * Who may read it: the operator's token (X-Auth-Token, or `Authorization: Bearer`, which Prometheus sends from
 * its `authorization.credentials_file`); with the `public` option (`--metrics-public`) anyone who reaches the port.
 */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../engine';
import { authHook, RateLimiter } from './auth';

type Labels = Record<string, string>;

const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const formatValue = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatValue(value)}`;
}

/** One metric family: its HELP and TYPE lines, then its samples. */
export function family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string, samples: string[]): string {
  return [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`, ...samples].join('\n');
}

export const gaugeSamples = (name: string, rows: { labels: Labels; value: number }[]) => rows.map((r) => sample(name, r.labels, r.value));

/** A cumulative histogram per label set, observed in seconds. */
export class Histogram {
  private readonly series = new Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = Object.values(labels).join('\u0000');
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, buckets: this.bounds.map(() => 0), sum: 0, count: 0 }));
    this.bounds.forEach((bound, i) => value <= bound && s.buckets[i]++);
    s.sum += value;
    s.count++;
  }

  render(): string {
    const lines: string[] = [];
    for (const s of this.series.values()) {
      this.bounds.forEach((bound, i) => lines.push(sample(`${this.name}_bucket`, { ...s.labels, le: formatValue(bound) }, s.buckets[i])));
      lines.push(sample(`${this.name}_bucket`, { ...s.labels, le: '+Inf' }, s.count));
      lines.push(sample(`${this.name}_sum`, s.labels, s.sum), sample(`${this.name}_count`, s.labels, s.count));
    }
    return family(this.name, 'histogram', this.help, lines);
  }
}

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Device states last from milliseconds (simulated) to hours (real installs, waiting spot bids). */
const STATE_BUCKETS = [0.1, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600];

export interface MetricsOptions {
  engine: Engine;
  /** Serve /metrics without a token. @default false (the operator's token is required) */
  public?: boolean;
  /** Shared with the API: failed tokens here count towards the same per-address throttle. */
  limiter: RateLimiter;
  authFailures: RateLimiter;
}

/** Observes every request of `app` (API and boot routes alike) and serves GET /metrics. */
export async function metricsRoutes(app: FastifyInstance, options: MetricsOptions): Promise<void> {
  const { engine } = options;
  const http = new Histogram(
    'metalforge_http_request_duration_seconds',
    'Time to answer HTTP requests, by route template and status class.',
    HTTP_BUCKETS,
  );
  const states = new Histogram(
    'metalforge_device_state_duration_seconds',
    'Time devices spent in a state before leaving it (from the event log).',
    STATE_BUCKETS,
  );
  // A callback hook (no promise per request) on the hottest path.
  app.addHook('onResponse', (request, reply, done) => {
    // Unmatched URLs share one label value: whatever a client sends must not create new series.
    const route = request.routeOptions.url ?? 'unmatched';
    http.observe({ method: request.method, route, status_class: `${Math.floor(reply.statusCode / 100)}xx` }, reply.elapsedTime / 1000);
    done();
  });

  await app.register(async (scope) => {
    scope.addHook('onRequest', authHook(engine, options.limiter, options.authFailures));
    scope.get('/metrics', { config: { public: !!options.public, operator: true } }, async (_request, reply) => {
      for (const { state, seconds } of await engine.observations.newStateDurations()) states.observe({ state }, seconds);
      const queue = await engine.observations.jobQueue();
      const webhooksPending = await engine.observations.webhookOutboxDepth();
      const bmcErrors = engine.observations.bmcErrors.entries();
      const body = [
        http.render(),
        family(
          'metalforge_jobs_queued',
          'gauge',
          'Jobs not yet finished, by kind (due, scheduled later, or running).',
          gaugeSamples(
            'metalforge_jobs_queued',
            queue.map((q) => ({ labels: { kind: q.kind }, value: q.queued })),
          ),
        ),
        family(
          'metalforge_jobs_due',
          'gauge',
          'Jobs whose time has come and that no worker runs now, by kind.',
          gaugeSamples(
            'metalforge_jobs_due',
            queue.map((q) => ({ labels: { kind: q.kind }, value: q.due })),
          ),
        ),
        family(
          'metalforge_jobs_oldest_due_age_seconds',
          'gauge',
          'How long the oldest due job has waited for a worker, by kind (0 when none is waiting).',
          gaugeSamples(
            'metalforge_jobs_oldest_due_age_seconds',
            queue.map((q) => ({ labels: { kind: q.kind }, value: q.oldest_due_age_seconds })),
          ),
        ),
        states.render(),
        family(
          'metalforge_bmc_call_errors_total',
          'counter',
          'BMC calls that failed since this server started, by driver and error kind.',
          gaugeSamples(
            'metalforge_bmc_call_errors_total',
            bmcErrors.map((e) => ({ labels: { driver: e.driver, kind: e.kind }, value: e.count })),
          ),
        ),
        family(
          'metalforge_webhook_deliveries_pending',
          'gauge',
          'Webhook deliveries not yet made (spot termination notices waiting in the outbox).',
          gaugeSamples('metalforge_webhook_deliveries_pending', [{ labels: {}, value: webhooksPending }]),
        ),
      ];
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(body.join('\n') + '\n');
    });
  });
}
