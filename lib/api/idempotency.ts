/**
 * Idempotent creates: a POST with an `Idempotency-Key` header is carried out once; a retry with the same key
 * (same API key) gets the first response replayed; the same key with a different body is a 422; a retry that
 * arrives while the first is still running gets a 409 to retry later (unless the first has held its claim longer than
 * a lease: then its server died mid-request and the retry runs it). Failed requests free their key.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MetalError } from '../contract/errors';
import { sha256 } from '../engine/ids';
import type { Database } from '../store/database';

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
/** How long a first request may run before a retry with its key may assume it died with its server. */
const CLAIM_LEASE_MS = 60_000;

/** Runs `create` at most once per Idempotency-Key; without the header it simply runs it. */
export async function idempotent<T>(db: Database, request: FastifyRequest, reply: FastifyReply, status: number, create: () => Promise<T>): Promise<T | undefined> {
  const key = idempotencyKey(request);
  if (!key) {
    void reply.status(status);
    return create();
  }
  const apiKeyId = request.principal.apiKeyId;
  const hash = sha256(`${request.method} ${request.url} ${JSON.stringify(request.body ?? null)}`);
  const claimed = await db.query('INSERT INTO idempotency_keys (api_key_id, key, request_hash, status, response) VALUES ($1, $2, $3, 0, \'null\') ON CONFLICT DO NOTHING RETURNING key', [apiKeyId, key, hash]);
  if (!claimed.length) {
    const [row] = await db.query<{ request_hash: string; status: number; response: unknown }>('SELECT request_hash, status, response FROM idempotency_keys WHERE api_key_id = $1 AND key = $2', [apiKeyId, key]);
    if (row.request_hash !== hash) throw new MetalError('validation_failed', 'Idempotency-Key: this key was already used for a different request; use a new key for a new request');
    if (row.status !== 0) {
      void reply.header('Idempotent-Replayed', 'true');
      void reply.status(row.status).send(row.response);
      return undefined;
    }
    // A claim older than the lease was left by a server that died mid-request: this retry takes it over.
    const taken = await db.query(
      `UPDATE idempotency_keys SET created_at = now() WHERE api_key_id = $1 AND key = $2 AND status = 0 AND created_at < now() - $3 * interval '1 millisecond' RETURNING key`,
      [apiKeyId, key, CLAIM_LEASE_MS],
    );
    if (!taken.length) throw new MetalError('conflict', 'Idempotency-Key: the first request with this key is still running; retry in a moment');
  }
  try {
    const result = await create();
    await db.query('UPDATE idempotency_keys SET status = $3, response = $4::jsonb WHERE api_key_id = $1 AND key = $2', [apiKeyId, key, status, JSON.stringify(result)]);
    void reply.status(status);
    return result;
  } catch (err) {
    await db.query('DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2', [apiKeyId, key]);
    throw err;
  }
}

function idempotencyKey(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) throw new MetalError('validation_failed', 'Idempotency-Key: use 1-128 letters, digits, or _ . : -');
  return key;
}
