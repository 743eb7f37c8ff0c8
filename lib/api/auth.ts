/**
 * X-Auth-Token authentication (or basic auth with the token as password, as Terraform's http backend sends it),
 * read-only and project-scope guards, operator guard, and per-key rate limits.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MetalError } from '../contract/errors';
import type { Principal } from '../engine/accounts';
import type { Engine } from '../engine';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Routes that need no token (OpenAPI document, health). */
    public?: boolean;
    /** Routes only the operator's key may call. */
    operator?: boolean;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'LOCK', 'UNLOCK']);

export interface RateLimitOptions {
  /** Requests per key per window. @default 6000 */
  limit: number;
  /** @default 60 s */
  windowMs: number;
}

/** Fixed-window counters per API key, in memory (each replica limits its own share). */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly options: RateLimitOptions) {}

  hit(key: string, now = Date.now()): { limit: number; remaining: number; resetAt: number; allowed: boolean } {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.options.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 100_000) this.windows = new Map([[key, w]]);
    }
    w.count++;
    const resetAt = w.start + this.options.windowMs;
    return {
      limit: this.options.limit,
      remaining: Math.max(0, this.options.limit - w.count),
      resetAt,
      allowed: w.count <= this.options.limit,
    };
  }

  /** When `key` has used up its window: the time it resets; otherwise undefined. Counts nothing. */
  exhausted(key: string, now = Date.now()): number | undefined {
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.options.windowMs || w.count < this.options.limit) return undefined;
    return w.start + this.options.windowMs;
  }
}

/** Failed authentications per source address before it must wait for the window to end. */
export const DEFAULT_AUTH_FAILURES: RateLimitOptions = { limit: 20, windowMs: 60_000 };

const retryAfter = (reply: FastifyReply, resetAt: number) =>
  void reply.header('Retry-After', Math.max(1, Math.ceil((resetAt - Date.now()) / 1000)));

/**
 * `failures` counts failed authentications per source address: once a source has used up its window, it gets
 * 429 (with Retry-After) without its token being looked at, so guessing tokens is slow.
 */
export function authHook(engine: Engine, limiter: RateLimiter, failures: RateLimiter) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.routeOptions.config?.public) return;
    const blockedUntil = failures.exhausted(request.ip);
    if (blockedUntil !== undefined) {
      retryAfter(reply, blockedUntil);
      throw new MetalError(
        'rate_limited',
        'X-Auth-Token: too many failed authentications from this address; retry after the time in the Retry-After header',
      );
    }
    const principal = await engine.accounts.authenticate(requestToken(request)).catch((err: unknown) => {
      if (err instanceof MetalError && err.code === 'unauthorized') failures.hit(request.ip);
      throw err;
    });
    request.principal = principal;
    const rate = limiter.hit(principal.apiKeyId);
    void reply.header('X-RateLimit-Limit', rate.limit);
    void reply.header('X-RateLimit-Remaining', rate.remaining);
    void reply.header('X-RateLimit-Reset', Math.ceil(rate.resetAt / 1000));
    if (!rate.allowed) {
      retryAfter(reply, rate.resetAt);
      throw new MetalError('rate_limited');
    }
    if (principal.readOnly && WRITE_METHODS.has(request.method)) {
      throw new MetalError('forbidden', 'this API key is read-only; use a read-write key to make changes');
    }
    if (request.routeOptions.config?.operator && !principal.isOperator) {
      throw new MetalError('forbidden', "only the operator's API key may change the world (metros, facilities, plans, machines)");
    }
  };
}

/**
 * The token of X-Auth-Token (Metal's header), of `Authorization: Bearer` (what Prometheus and proxies send), or the
 * password of basic auth (what Terraform's http backend sends; the user name is ignored).
 */
function requestToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-auth-token'];
  const token = Array.isArray(header) ? header[0] : header;
  if (token) return token;
  const authorization = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(authorization);
  if (!basic) return undefined;
  const credentials = Buffer.from(basic[1], 'base64').toString('utf8');
  return credentials.slice(credentials.indexOf(':') + 1) || undefined;
}

/** A project key may touch only its own project and nothing user-wide (keys, user SSH keys). */
export function requireUserKey(principal: Principal, what: string): void {
  if (principal.projectId) throw new MetalError('forbidden', `a project API key cannot manage ${what}; use a user API key`);
}
