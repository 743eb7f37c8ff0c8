/**
 * A Redfish client for one BMC: session login with basic-auth fallback and one re-login on 401, a cap on
 * concurrent requests (BMCs fall over under parallel load), retries with backoff on busy answers honouring
 * Retry-After, task-monitor polling for 202 answers, and vendor HTTP errors mapped to DriverError.
 */
import type { Clock } from '../../core/clock';
import { DriverError } from '../types';
import { HttpAnswer, Transport, TransportOptions } from './transport';

export type Json = Record<string, unknown>;

/** The @odata.id of a Redfish link object. */
export function linkOf(value: unknown): string | undefined {
  const id = (value as { '@odata.id'?: unknown } | undefined)?.['@odata.id'];
  return typeof id === 'string' ? id : undefined;
}

export interface RedfishClientOptions extends TransportOptions {
  username?: string;
  /** A secret: sent only in the login body or the Authorization header. */
  password?: string;
  clock: Clock;
  /** Retries of a busy answer (409/429/503) or, for reads, of a dropped or timed-out request. */
  busyRetries: number;
  /** First backoff; doubled per retry up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  maxConcurrentRequests: number;
  /** How long a task monitor may stay in progress. */
  taskTimeoutMs: number;
}

export interface Resource {
  body: Json;
  etag?: string;
}

type Auth = { kind: 'none' } | { kind: 'basic'; header: string } | { kind: 'session'; token: string; location?: string };

const SESSIONS_PATH = '/redfish/v1/SessionService/Sessions';
const BUSY_STATUSES = new Set([409, 429, 503]);
const FAILED_TASK_STATES = new Set(['Exception', 'Killed', 'Cancelled', 'Interrupted']);

/** Limits how many requests are in flight at once. */
class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** The message a Redfish error body carries, if any. */
function bmcMessage(body: unknown): string {
  const error = (body as { error?: { message?: string; '@Message.ExtendedInfo'?: { Message?: string }[] } } | undefined)?.error;
  const message = error?.['@Message.ExtendedInfo']?.[0]?.Message ?? error?.message;
  return message ? `: ${message}` : '';
}

function retryAfterMs(answer: HttpAnswer): number | undefined {
  const header = answer.headers['retry-after'];
  if (typeof header !== 'string') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export class RedfishClient {
  private readonly transport: Transport;
  private readonly limiter: Limiter;
  private auth: Auth | undefined;
  private login: Promise<Auth> | undefined;
  private closed = false;

  constructor(
    origin: URL,
    private readonly options: RedfishClientOptions,
  ) {
    this.transport = new Transport(origin, options);
    this.limiter = new Limiter(options.maxConcurrentRequests);
  }

  /** host:port, for operator messages. */
  get bmc(): string {
    return this.transport.origin.host;
  }

  async get(path: string): Promise<Resource> {
    const answer = this.expectOk(await this.send('GET', path), 'GET', path);
    const etag = answer.headers.etag;
    if (typeof answer.body !== 'object' || answer.body === null) {
      throw new DriverError('protocol', `GET ${this.bmc}${path}: the BMC answered without a JSON resource`);
    }
    return { body: answer.body as Json, etag: typeof etag === 'string' ? etag : undefined };
  }

  /** POSTs an action and waits for its task when the BMC answers 202. */
  async action(path: string, body: Json, options: { retryConflict?: boolean } = {}): Promise<HttpAnswer> {
    const answer = await this.send('POST', path, body, {}, options.retryConflict ?? true);
    if (answer.status === 409 && options.retryConflict === false) return answer;
    await this.followTask(this.expectOk(answer, 'POST', path), path);
    return answer;
  }

  /**
   * PATCHes with If-Match. BMCs disagree on weak ETags, so a 412 is retried with the W/ prefix stripped, then
   * without If-Match.
   */
  async patch(path: string, body: Json, etag?: string): Promise<void> {
    const attempts: (string | undefined)[] = [etag];
    if (etag?.startsWith('W/')) attempts.push(etag.slice(2));
    if (etag) attempts.push(undefined);
    for (const ifMatch of attempts) {
      const answer = await this.send('PATCH', path, body, ifMatch ? { 'If-Match': ifMatch } : {});
      if (answer.status === 412) continue;
      await this.followTask(this.expectOk(answer, 'PATCH', path), path);
      return;
    }
    throw new DriverError('protocol', `PATCH ${this.bmc}${path}: the BMC rejected every If-Match variant with 412`);
  }

  /** Deletes the session (if any) and releases the sockets. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const auth = this.auth ?? (await this.login?.catch(() => undefined));
    if (auth?.kind === 'session' && auth.location) {
      await this.transport
        .request('DELETE', new URL(auth.location, this.transport.origin).pathname, { 'X-Auth-Token': auth.token })
        .catch(() => undefined);
    }
    this.transport.close();
  }

  private async send(
    method: string,
    path: string,
    body?: Json,
    headers: Record<string, string> = {},
    retryConflict = true,
  ): Promise<HttpAnswer> {
    if (this.closed) throw new DriverError('unreachable', `${method} ${this.bmc}${path}: the driver is closed`);
    let relogged = false;
    for (let attempt = 0; ; attempt++) {
      const auth = await this.authenticate();
      let answer: HttpAnswer;
      try {
        answer = await this.limiter.run(() => this.transport.request(method, path, { ...this.authHeaders(auth), ...headers }, body));
      } catch (error) {
        const transient = error instanceof DriverError && (error.kind === 'timeout' || error.kind === 'unreachable');
        if (method === 'GET' && transient && attempt < this.options.busyRetries) {
          await this.options.clock.sleep(this.backoff(attempt));
          continue;
        }
        throw error;
      }
      if (answer.status === 401 && auth.kind === 'session' && !relogged) {
        relogged = true;
        await this.relogin(auth);
        continue;
      }
      const busy = BUSY_STATUSES.has(answer.status) && (retryConflict || answer.status !== 409);
      if (busy && attempt < this.options.busyRetries) {
        await this.options.clock.sleep(retryAfterMs(answer) ?? this.backoff(attempt));
        continue;
      }
      return answer;
    }
  }

  /** The wait before retry number `attempt` (0-based): exponential, capped. */
  backoff(attempt: number): number {
    return Math.min(this.options.backoffMs * 2 ** attempt, this.options.maxBackoffMs);
  }

  private authHeaders(auth: Auth): Record<string, string> {
    if (auth.kind === 'session') return { 'X-Auth-Token': auth.token };
    if (auth.kind === 'basic') return { Authorization: auth.header };
    return {};
  }

  private authenticate(): Promise<Auth> {
    if (this.auth) return Promise.resolve(this.auth);
    this.login ??= this.createSession().then(
      (auth) => {
        this.auth = auth;
        this.login = undefined;
        return auth;
      },
      (error: unknown) => {
        this.login = undefined;
        throw error;
      },
    );
    return this.login;
  }

  /** Logs in again unless another request already replaced the stale session. */
  private async relogin(stale: Auth): Promise<void> {
    if (this.auth === stale) this.auth = undefined;
    await this.authenticate();
  }

  /** A session when the BMC offers one; basic auth when the session service is missing, full or broken. */
  private async createSession(): Promise<Auth> {
    const { username, password } = this.options;
    if (username === undefined) return { kind: 'none' };
    const basic: Auth = {
      kind: 'basic',
      header: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`,
    };
    const answer = await this.limiter.run(() =>
      this.transport.request('POST', SESSIONS_PATH, {}, { UserName: username, Password: password ?? '' }),
    );
    if (answer.status === 401 || answer.status === 403) throw this.authFailed();
    const token = answer.headers['x-auth-token'];
    if (answer.status >= 200 && answer.status < 300 && typeof token === 'string') {
      const location = answer.headers.location;
      return { kind: 'session', token, location: typeof location === 'string' ? location : undefined };
    }
    return basic;
  }

  private authFailed(): DriverError {
    return new DriverError(
      'auth_failed',
      `BMC ${this.bmc} rejected the credentials of user ${this.options.username ?? '(none)'}; check the BMC account in the endpoint`,
    );
  }

  private expectOk(answer: HttpAnswer, method: string, path: string): HttpAnswer {
    if (answer.status >= 200 && answer.status < 300) return answer;
    const where = `${method} ${this.bmc}${path}`;
    const detail = bmcMessage(answer.body);
    if (answer.status === 401 || answer.status === 403) throw this.authFailed();
    if (BUSY_STATUSES.has(answer.status)) {
      throw new DriverError(
        'busy',
        `${where}: the BMC stayed busy (${answer.status}) after ${this.options.busyRetries} retries${detail}; retry later`,
      );
    }
    if (answer.status === 404 || answer.status === 405 || answer.status === 501) {
      throw new DriverError('unsupported', `${where}: the BMC does not offer this (${answer.status})${detail}`);
    }
    throw new DriverError('protocol', `${where}: the BMC answered ${answer.status}${detail}`);
  }

  /** Polls a 202's task monitor until the task leaves the running state, honouring Retry-After. */
  private async followTask(answer: HttpAnswer, path: string): Promise<void> {
    const location = answer.headers.location;
    if (answer.status !== 202 || typeof location !== 'string') return;
    const monitor = new URL(location, this.transport.origin).pathname;
    const deadline = this.options.clock.now().getTime() + this.options.taskTimeoutMs;
    let current = answer;
    while (current.status === 202) {
      if (this.options.clock.now().getTime() >= deadline) {
        throw new DriverError('timeout', `BMC ${this.bmc}: the task for ${path} was still running after ${this.options.taskTimeoutMs} ms`);
      }
      await this.options.clock.sleep(retryAfterMs(current) ?? this.options.backoffMs);
      current = await this.send('GET', monitor);
    }
    if (current.status === 404) return; // some BMCs drop the monitor once the task is done
    this.expectOk(current, 'GET', monitor);
    const task = current.body as { TaskState?: string; Messages?: { Message?: string }[] } | undefined;
    if (task?.TaskState && FAILED_TASK_STATES.has(task.TaskState)) {
      const message = task.Messages?.map((m) => m.Message)
        .filter(Boolean)
        .join('; ');
      throw new DriverError('protocol', `BMC ${this.bmc}: the task for ${path} ended ${task.TaskState}${message ? `: ${message}` : ''}`);
    }
  }
}
