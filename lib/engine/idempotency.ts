/**
 * Idempotent creates: a create with an idempotency key is carried out once; a retry with the same key (same API
 * key) gets the first answer replayed; the same key with a different request is refused; a retry that arrives
 * while the first is still running is told to retry later, unless the server running the first has died (its
 * worker heartbeat stopped): then the retry runs it. Failed creates free their key.
 *
 * Exactly once: every create writes the key's answer in its own transaction (`commitWith`), so a create that
 * committed is replayed after any crash and never runs twice; and only while this server still holds the key, so
 * a server that stalled long enough for a retry to take its key over rolls its own create back.
 */
import { MetalError } from '../contract/errors';
import type { CommitWith, EngineContext } from './context';
import { claimKey, findKey, type IdempotencyClaim, recordAnswer, releaseKey, takeOverKey } from '../store/idempotency';

export interface IdempotentRequest {
  apiKeyId: string;
  key: string;
  /** A hash of what was asked (method, path, body): a key names one request. */
  requestHash: string;
}

export type IdempotentOutcome<T> = { created: T } | { replayed: { status: number; body: unknown } };

export class IdempotencyService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly workerId: string,
  ) {}

  /** Runs `create` at most once per key; `create` must pass `commitWith` to the engine call that creates. */
  async run<T>(
    request: IdempotentRequest,
    status: number,
    create: (commitWith: CommitWith<T>) => Promise<T>,
  ): Promise<IdempotentOutcome<T>> {
    const { db } = this.ctx;
    const claim: IdempotencyClaim = { ...request, workerId: this.workerId };
    if (!(await claimKey(db, claim))) {
      const row = await findKey(db, claim.apiKeyId, claim.key);
      if (!row) throw new MetalError('conflict', 'Idempotency-Key: the first request with this key has just failed; retry now');
      if (row.request_hash !== claim.requestHash)
        throw new MetalError(
          'validation_failed',
          'Idempotency-Key: this key was already used for a different request; use a new key for a new request',
        );
      if (row.status !== 0) return { replayed: { status: row.status, body: row.response } };
      if (!(await takeOverKey(db, claim)))
        throw new MetalError('conflict', 'Idempotency-Key: the first request with this key is still running; retry in a moment');
    }
    try {
      return {
        created: await create(async (tx, created) => {
          if (!(await recordAnswer(tx, claim, status, created))) {
            throw new MetalError(
              'conflict',
              'Idempotency-Key: another server took this request over while this one stalled; retry to get its answer',
            );
          }
        }),
      };
    } catch (err) {
      await releaseKey(db, claim);
      throw err;
    }
  }
}
