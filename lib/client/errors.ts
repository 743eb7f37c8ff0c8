/**
 * Turns what came back from the wire (an error response, or no response at all) into a MetalError the caller can
 * act on, and says whether the request may be sent again.
 */
import { ERROR_CATALOGUE, MetalError, codeForStatus, type ErrorCode } from '../contract/errors';

/** How safe it is to send a failed request again. */
export type Replay =
  /** The server did not process the request (rate limited, connection refused): any method may be retried. */
  | 'always'
  /** The server may have acted on it: retry only requests that are safe to repeat (not a POST without a key). */
  | 'if-replay-safe'
  | 'never';

/** A MetalError raised by the client, with where it came from. */
export class MetalApiError extends MetalError {
  /** The HTTP status the server sent; undefined when no response arrived. */
  readonly httpStatus: number | undefined;
  /** "METHOD /path" of the request that failed (relative to the base URL, without the query). */
  readonly request: string;
  /** How long the server asked the client to wait (Retry-After), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, errors: string[] | undefined, context: { httpStatus?: number; request: string; retryAfterMs?: number }) {
    super(code, errors);
    this.name = 'MetalApiError';
    this.httpStatus = context.httpStatus;
    this.request = context.request;
    this.retryAfterMs = context.retryAfterMs;
  }
}

export interface ClientFailure {
  error: MetalApiError;
  replay: Replay;
}

/** Statuses worth retrying: overload and transient upstream failures. 501/505 are permanent, so never retried. */
const TRANSIENT_SERVER_STATUSES = new Set([500, 502, 503, 504]);

/** Network error codes (Node / axios) in words, and whether the request could have reached the server. */
const NETWORK_FAILURES: Record<string, { describe: (timeoutMs: number) => string; replay: Replay }> = {
  ECONNREFUSED: { describe: () => 'connection refused (is the server running and the base URL right?)', replay: 'always' },
  EAI_AGAIN: { describe: () => 'temporary DNS failure', replay: 'always' },
  ENOTFOUND: { describe: () => 'host not found (check the base URL)', replay: 'never' },
  ECONNRESET: { describe: () => 'connection reset by the server', replay: 'if-replay-safe' },
  EPIPE: { describe: () => 'connection closed while sending', replay: 'if-replay-safe' },
  ETIMEDOUT: { describe: (timeoutMs) => `no response within ${timeoutMs} ms`, replay: 'if-replay-safe' },
};

/** Removes the API token from text that may be shown to a user (a server could echo it back). */
export function redact(text: string, token: string): string {
  return token === '' ? text : text.split(token).join('[redacted]');
}

/** Parses Retry-After (delay in seconds, or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function isCatalogueCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CATALOGUE, code);
}

/** The server's messages: Metal uses `{"errors": [...]}` and sometimes `{"error": "..."}`. */
function serverMessages(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const { errors, error } = body as { errors?: unknown; error?: unknown };
  if (Array.isArray(errors)) return errors.filter((e): e is string => typeof e === 'string' && e !== '');
  return typeof error === 'string' && error !== '' ? [error] : [];
}

export interface ResponseFacts {
  status: number;
  body: unknown;
  headers: Record<string, unknown>;
  request: string;
  token: string;
  now: number;
}

export function failureFromResponse(facts: ResponseFacts): ClientFailure {
  const { status, body, headers, request, token } = facts;
  const retryAfterMs = parseRetryAfter(headers['retry-after'], facts.now);
  if (status >= 300 && status < 400) {
    // Redirects are not followed: a custom auth header would travel to wherever the redirect points.
    const location = typeof headers.location === 'string' ? headers.location : 'another address';
    const message = `the server redirected ${request} to ${location}: set the base URL to the final address`;
    return { error: new MetalApiError('bad_request', [message], { httpStatus: status, request }), replay: 'never' };
  }
  const code = isCatalogueCode((body as { code?: unknown } | null)?.code) ? (body as { code: ErrorCode }).code : codeForStatus(status);
  const messages = serverMessages(body).map((m) => redact(m, token));
  const error = new MetalApiError(code, messages.length > 0 ? messages : undefined, { httpStatus: status, request, retryAfterMs });
  const replay: Replay = status === 429 ? 'always' : TRANSIENT_SERVER_STATUSES.has(status) ? 'if-replay-safe' : 'never';
  return { error, replay };
}

export interface NetworkFacts {
  code: string | undefined;
  message: string;
  request: string;
  baseUrl: string;
  timeoutMs: number;
  token: string;
}

export function failureFromNetwork(facts: NetworkFacts): ClientFailure {
  const known = facts.code === undefined ? undefined : NETWORK_FAILURES[facts.code];
  const detail = known ? known.describe(facts.timeoutMs) : redact(facts.message, facts.token);
  const message = `cannot reach ${facts.baseUrl}: ${detail} (${facts.request})`;
  return { error: new MetalApiError('unavailable', [message], { request: facts.request }), replay: known?.replay ?? 'never' };
}
