/**
 * Idempotency keys: (API key, Idempotency-Key) → the first answer. A key is claimed (status 0) by the worker
 * running its first request; that request's create writes the final answer in its own transaction, so a create
 * that committed always has its answer recorded, whatever crashes next.
 */
import type { Queryable } from './database';

export interface IdempotencyClaim {
  apiKeyId: string;
  key: string;
  requestHash: string;
  /** The worker (server) running the request. */
  workerId: string;
}

export interface IdempotencyRecord {
  request_hash: string;
  /** 0 while the first request runs. */
  status: number;
  response: unknown;
}

/** How long a claim without a worker (from before workers were tracked) holds before a retry may take it over. */
const LEGACY_CLAIM_LEASE_MS = 60_000;

/** Claims the key for this request; false when it is already claimed or answered. */
export async function claimKey(db: Queryable, c: IdempotencyClaim): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO idempotency_keys (api_key_id, key, request_hash, status, response, worker_id) VALUES ($1, $2, $3, 0, 'null', $4)
ON CONFLICT DO NOTHING RETURNING key`,
    [c.apiKeyId, c.key, c.requestHash, c.workerId],
  );
  return rows.length > 0;
}

export async function findKey(db: Queryable, apiKeyId: string, key: string): Promise<IdempotencyRecord | undefined> {
  const [row] = await db.query<IdempotencyRecord>(
    'SELECT request_hash, status, response FROM idempotency_keys WHERE api_key_id = $1 AND key = $2',
    [apiKeyId, key],
  );
  return row;
}

/** Takes over a claim whose worker is gone (its server died mid-request); false while that worker lives. */
export async function takeOverKey(db: Queryable, c: IdempotencyClaim): Promise<boolean> {
  const rows = await db.query(
    `UPDATE idempotency_keys k SET worker_id = $3, created_at = now() WHERE api_key_id = $1 AND key = $2 AND status = 0
  AND (CASE WHEN worker_id IS NULL THEN created_at < now() - $4 * interval '1 millisecond'
    ELSE NOT EXISTS (SELECT 1 FROM workers w WHERE w.id = k.worker_id) END)
RETURNING key`,
    [c.apiKeyId, c.key, c.workerId, LEGACY_CLAIM_LEASE_MS],
  );
  return rows.length > 0;
}

/**
 * Records the answer; called inside the create's transaction so the two commit together. False when this worker
 * no longer holds the claim (another server took it over while this one stalled): the caller must roll back.
 */
export async function recordAnswer(tx: Queryable, c: IdempotencyClaim, status: number, response: unknown): Promise<boolean> {
  const rows = await tx.query(
    'UPDATE idempotency_keys SET status = $3, response = $4::jsonb WHERE api_key_id = $1 AND key = $2 AND status = 0 AND worker_id = $5 RETURNING key',
    [c.apiKeyId, c.key, status, JSON.stringify(response), c.workerId],
  );
  return rows.length > 0;
}

/** Frees a claim whose request failed, so a corrected retry may use the key. */
export async function releaseKey(db: Queryable, c: IdempotencyClaim): Promise<void> {
  // Only this worker's own claim: one another server took over is that server's to answer.
  await db.query('DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND status = 0 AND worker_id = $3', [
    c.apiKeyId,
    c.key,
    c.workerId,
  ]);
}
