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
    return { limit: this.options.limit, remaining: Math.max(0, this.options.limit - w.count), resetAt, allowed: w.count <= this.options.limit };
  }
}

export function authHook(engine: Engine, limiter: RateLimiter) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.routeOptions.config?.public) return;
    const principal = await engine.accounts.authenticate(requestToken(request));
    request.principal = principal;
    const rate = limiter.hit(principal.apiKeyId);
    void reply.header('X-RateLimit-Limit', rate.limit);
    void reply.header('X-RateLimit-Remaining', rate.remaining);
    void reply.header('X-RateLimit-Reset', Math.ceil(rate.resetAt / 1000));
    if (!rate.allowed) {
      void reply.header('Retry-After', Math.max(1, Math.ceil((rate.resetAt - Date.now()) / 1000)));
      throw new MetalError('rate_limited');
    }
    if (principal.readOnly && WRITE_METHODS.has(request.method)) {
      throw new MetalError('forbidden', 'this API key is read-only; use a read-write key to make changes');
    }
    if (request.routeOptions.config?.operator && !principal.isOperator) {
      throw new MetalError('forbidden', 'only the operator\'s API key may change the world (metros, facilities, plans, machines)');
    }
  };
}

/** The X-Auth-Token header, else the password of basic auth (the user name is ignored). */
function requestToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-auth-token'];
  if (header) return Array.isArray(header) ? header[0] : header;
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!basic) return undefined;
  const credentials = Buffer.from(basic[1], 'base64').toString('utf8');
  return credentials.slice(credentials.indexOf(':') + 1) || undefined;
}

/** A project key may touch only its own project and nothing user-wide (keys, user SSH keys). */
export function requireUserKey(principal: Principal, what: string): void {
  if (principal.projectId) throw new MetalError('forbidden', `a project API key cannot manage ${what}; use a user API key`);
}
