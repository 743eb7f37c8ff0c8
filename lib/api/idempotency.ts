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
 * Runs `create` at most once per Idempotency-Key and answers with what it created, `present`ed; without the header
 * it simply runs it. `create` must pass `commitWith` to the engine call, which calls it in the create's transaction
 * with what it created: the answer recorded for the key is that, presented, so a replay is the first answer to the
 * byte.
 */
export async function idempotent<R, B>(
  engine: Engine,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  present: (created: R) => B,
  create: (commitWith?: CommitWith<R>) => Promise<R>,
): Promise<B | undefined> {
  const key = idempotencyKey(request);
  if (!key) {
    void reply.status(status);
    return present(await create());
  }
  const requestHash = sha256(`${request.method} ${request.url} ${JSON.stringify(request.body ?? null)}`);
  const outcome = await engine.idempotency.run<B>({ apiKeyId: request.principal.apiKeyId, key, requestHash }, status, async (record) => {
    let recorded: { created: R; body: B } | undefined;
    const created = await create(async (tx, committed) => {
      recorded = { created: committed, body: present(committed) };
      await record(tx, recorded.body);
    });
    // The engine answers with what it committed, or with more (an API key's token, a spot request after its round).
    return recorded?.created === created ? recorded.body : present(created);
  });
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
