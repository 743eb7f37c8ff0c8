/**
 * Idempotent creates: a POST with an `Idempotency-Key` header is carried out once; a retry with the same key
 * (same API key) gets the first response replayed; the same key with a different body is a 422; a retry that
 * arrives while the first is still running gets a 409 to retry later, unless the server running the first has
 * died (its worker heartbeat stopped): then the retry runs it. Failed requests free their key.
 *
 * Exactly once: every create writes the key's answer in its own transaction (`commitWith`), so a create that
 * committed is replayed after any crash and never runs twice. The replay is the answer as the create committed it:
 * a spot market request before the clearing round that follows its create (GET shows its devices), an API key
 * without its token (shown once, stored only as a hash).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MetalError } from '../contract/errors';
import type { CommitWith } from '../engine/context';
import { sha256 } from '../core/ids';
import type { Engine } from '../engine';
import { claimKey, findKey, IdempotencyClaim, recordAnswer, releaseKey, takeOverKey } from '../store/idempotency';

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * Runs `create` at most once per Idempotency-Key; without the header it simply runs it. `create` must pass
 * `commitWith` to the engine call, which commits it with the create.
 */
export async function idempotent<T>(
  engine: Engine,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  create: (commitWith?: CommitWith<T>) => Promise<T>,
): Promise<T | undefined> {
  const key = idempotencyKey(request);
  if (!key) {
    void reply.status(status);
    return create();
  }
  const { db } = engine.ctx;
  const claim: IdempotencyClaim = {
    apiKeyId: request.principal.apiKeyId,
    key,
    requestHash: sha256(`${request.method} ${request.url} ${JSON.stringify(request.body ?? null)}`),
    workerId: engine.jobs.workerId,
  };
  if (!(await claimKey(db, claim))) {
    const row = await findKey(db, claim.apiKeyId, key);
    if (!row) throw new MetalError('conflict', 'Idempotency-Key: the first request with this key has just failed; retry now');
    if (row.request_hash !== claim.requestHash) throw new MetalError('validation_failed', 'Idempotency-Key: this key was already used for a different request; use a new key for a new request');
    if (row.status !== 0) {
      void reply.header('Idempotent-Replayed', 'true');
      void reply.status(row.status).send(row.response);
      return undefined;
    }
    if (!(await takeOverKey(db, claim))) throw new MetalError('conflict', 'Idempotency-Key: the first request with this key is still running; retry in a moment');
  }
  try {
    const result = await create((tx, created) => recordAnswer(tx, claim, status, created));
    void reply.status(status);
    return result;
  } catch (err) {
    await releaseKey(db, claim);
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
