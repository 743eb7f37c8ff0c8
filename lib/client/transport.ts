/**
 * The one HTTP path every resource family goes through: auth header, query building, timeouts, retries with
 * Retry-After or jittered exponential backoff, and error mapping to MetalError.
 */
import { randomUUID } from 'node:crypto';
import axios, { isAxiosError, type AxiosInstance } from 'axios';
import { MetalError } from '../contract/errors';
import { MetalApiError, failureFromNetwork, failureFromResponse, type ClientFailure } from './errors';

export interface RetryNotice {
  /** "METHOD /path" of the request being retried. */
  request: string;
  /** 1 for the first retry. */
  attempt: number;
  waitMs: number;
  /** The failure that caused the retry (its message never contains the token). */
  error: MetalError;
}

export interface TransportOptions {
  /** e.g. http://127.0.0.1:8080/metal/v1 */
  baseUrl: string;
  /** Sent as X-Auth-Token; never logged and removed from any error text. */
  token: string;
  /** Per attempt; default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt; default 4. */
  maxRetries?: number;
  /** Cap of one backoff wait; a Retry-After longer than this ends the retries instead. Default 60 s. */
  maxRetryWaitMs?: number;
  userAgent?: string;
  /** Source of jitter in [0, 1); default Math.random. */
  random?: () => number;
  /** Waits between retries; injectable so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Wall clock in ms, for Retry-After dates; default Date.now. */
  now?: () => number;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (notice: RetryNotice) => void;
}

export type QueryValue = string | number | boolean | readonly string[] | undefined;
export type Query = Record<string, QueryValue>;

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestSpec {
  method: Method;
  /** Relative to the base URL, starting with '/'; build it with `path` so ids are encoded. */
  path: string;
  query?: Query;
  body?: unknown;
  /** Makes a POST safe to retry: the server applies a key once. */
  idempotencyKey?: string;
  /** The server may hold its answer this long (a long poll such as wait_for_state): added to the attempt timeout. */
  holdMs?: number;
  /** Abandons the request (no further retries) when aborted; the call then fails with an `unavailable` error. */
  signal?: AbortSignal;
}

/** Options of every POST made through a resource family. */
export interface WriteOptions {
  /** Reuse a key to make a repeated call (e.g. after a crash) apply once; a fresh one is generated otherwise. */
  idempotencyKey?: string;
}

export interface Transport {
  request<T>(spec: RequestSpec): Promise<T>;
  get<T>(path: string, query?: Query): Promise<T>;
  /** Always carries an Idempotency-Key (the caller's or a fresh one), so it is retried safely. */
  post<T>(path: string, body: unknown, options?: WriteOptions): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  delete(path: string, query?: Query): Promise<void>;
}

const DEFAULTS = { timeoutMs: 30_000, maxRetries: 4, maxRetryWaitMs: 60_000, backoffBaseMs: 500, userAgent: 'metalforge-client/0.1' };

/** Builds a path from a template, percent-encoding each interpolated id: path`/devices/${id}`. */
export function path(strings: TemplateStringsArray, ...ids: Array<string | number>): string {
  return strings.reduce((out, part, i) => out + part + (i < ids.length ? encodeURIComponent(String(ids[i])) : ''), '');
}

/** Query string with Metal's conventions: arrays joined by literal commas (include=a,b.c), undefined and empty arrays left out. */
export function buildQuery(query: Query | undefined): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || (typeof value === 'object' && value.length === 0)) continue;
    const text = typeof value === 'object' ? value.map(encodeURIComponent).join(',') : encodeURIComponent(String(value));
    parts.push(`${encodeURIComponent(name)}=${text}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^retryIndex)). */
export function backoffMs(retryIndex: number, capMs: number, random: () => number, baseMs = DEFAULTS.backoffBaseMs): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** retryIndex));
}

/** The base URL as shown in messages: no credentials, query or trailing slash. */
function displayUrl(baseUrl: URL): string {
  return `${baseUrl.protocol}//${baseUrl.host}${baseUrl.pathname.replace(/\/+$/, '')}`;
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new MetalError('bad_request', `baseUrl must be an http(s) URL such as http://127.0.0.1:8080/metal/v1, got "${baseUrl}"`);
  }
  return url;
}

const cancelled = (label: string): ClientFailure => ({
  error: new MetalApiError('unavailable', [`${label} was cancelled by the caller`], { request: label }),
  replay: 'never',
});

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createTransport(options: TransportOptions): Transport {
  const base = parseBaseUrl(options.baseUrl);
  const baseUrl = displayUrl(base);
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? DEFAULTS.maxRetryWaitMs;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const token = options.token;

  const http: AxiosInstance = axios.create({
    baseURL: base.toString().replace(/\/+$/, ''),
    headers: { 'X-Auth-Token': token, 'User-Agent': options.userAgent ?? DEFAULTS.userAgent, Accept: 'application/json' },
    validateStatus: () => true,
    maxRedirects: 0,
  });

  async function attempt(spec: RequestSpec, label: string): Promise<{ data: unknown } | ClientFailure> {
    // An own timer rather than axios' `timeout`: it covers a stalled body too, and tells a timeout from other aborts.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        controller.abort();
      },
      timeoutMs + (spec.holdMs ?? 0),
    );
    const abort = () => controller.abort();
    spec.signal?.addEventListener('abort', abort, { once: true });
    try {
      const response = await http.request({
        method: spec.method,
        url: spec.path + buildQuery(spec.query),
        data: spec.body,
        headers: spec.idempotencyKey === undefined ? undefined : { 'Idempotency-Key': spec.idempotencyKey },
        signal: controller.signal,
      });
      if (response.status >= 200 && response.status < 300) {
        return { data: response.status === 204 || response.data === '' ? undefined : response.data };
      }
      return failureFromResponse({
        status: response.status,
        body: response.data,
        headers: response.headers as Record<string, unknown>,
        request: label,
        token,
        now: now(),
      });
    } catch (err) {
      if (!isAxiosError(err)) throw err;
      if (spec.signal?.aborted) return cancelled(label);
      const code = timedOut ? 'ETIMEDOUT' : err.code;
      return failureFromNetwork({ code, message: err.message, request: label, baseUrl, timeoutMs, token });
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', abort);
    }
  }

  /** Milliseconds to wait before retrying, or undefined to give up. */
  function retryWait(failure: ClientFailure, spec: RequestSpec, retryIndex: number): number | undefined {
    if (retryIndex >= maxRetries) return undefined;
    const replaySafe = spec.method !== 'POST' || spec.idempotencyKey !== undefined;
    if (failure.replay === 'never' || (failure.replay === 'if-replay-safe' && !replaySafe)) return undefined;
    const asked = failure.error.retryAfterMs;
    if (asked !== undefined) return asked <= maxRetryWaitMs ? asked : undefined;
    return backoffMs(retryIndex, maxRetryWaitMs, random);
  }

  async function request<T>(spec: RequestSpec): Promise<T> {
    const label = `${spec.method} ${spec.path}`;
    for (let retryIndex = 0; ; retryIndex++) {
      const outcome = spec.signal?.aborted ? cancelled(label) : await attempt(spec, label);
      if ('data' in outcome) return outcome.data as T;
      const waitMs = retryWait(outcome, spec, retryIndex);
      if (waitMs === undefined) throw outcome.error;
      options.onRetry?.({ request: label, attempt: retryIndex + 1, waitMs, error: outcome.error });
      await sleep(waitMs);
    }
  }

  return {
    request,
    get: <T>(p: string, query?: Query) => request<T>({ method: 'GET', path: p, query }),
    post: <T>(p: string, body: unknown, opts?: WriteOptions) =>
      request<T>({ method: 'POST', path: p, body, idempotencyKey: opts?.idempotencyKey ?? randomUUID() }),
    put: <T>(p: string, body: unknown) => request<T>({ method: 'PUT', path: p, body }),
    delete: (p: string, query?: Query) => request<void>({ method: 'DELETE', path: p, query }),
  };
}
