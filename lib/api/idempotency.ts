/**
 * The HTTP face of idempotent creates (engine/idempotency.ts): the `Idempotency-Key` header in, the first answer
 * replayed out (with `Idempotent-Replayed: true`). The replay is the answer as the create committed it: a spot
 * market request before the clearing round that follows its create (GET shows its devices), an API key without
 * its token (shown once, stored only as a hash).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MetalError } from '../contract/errors';
import type { CommitWith } from '../engine/context';
import { sha256 } from '../core/ids';
import type { Engine } from '../engine';

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
  const requestHash = sha256(`${request.method} ${request.url} ${JSON.stringify(request.body ?? null)}`);
  const outcome = await engine.idempotency.run({ apiKeyId: request.principal.apiKeyId, key, requestHash }, status, create);
  if ('replayed' in outcome) {
    void reply.header('Idempotent-Replayed', 'true');
    void reply.status(outcome.replayed.status).send(outcome.replayed.body);
    return undefined;
  }
  void reply.status(status);
  return outcome.created;
}

function idempotencyKey(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) throw new MetalError('validation_failed', 'Idempotency-Key: use 1-128 letters, digits, or _ . : -');
  return key;
}
