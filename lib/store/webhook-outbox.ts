/**
 * The webhook outbox: deliveries are written in the transaction of the change they announce and claimed by the
 * webhook sender (lib/engine/webhooks.ts) under a lease held by its worker, fairly across projects.
 */
import type { Queryable } from './database';

export interface OutboxRow {
  id: number;
  project_id: string;
  body: unknown;
  attempts: number;
}

export async function enqueueWebhooks(tx: Queryable, items: { projectId: string; body: unknown }[], now: Date): Promise<void> {
  if (!items.length) return;
  await tx.query(
    `INSERT INTO webhook_outbox (project_id, body, run_at) SELECT (x->>'project_id')::uuid, x->'body', $2 FROM jsonb_array_elements($1::jsonb) x`,
    [JSON.stringify(items.map((i) => ({ project_id: i.projectId, body: i.body }))), now.toISOString()],
  );
}

/**
 * Claims up to `limit` due deliveries, at most `perProject` of each project and none of the projects in `busy`
 * (they already have their share in flight), oldest first. Free, expired, or held by a worker that is gone.
 */
export async function claimWebhooks(
  db: Queryable,
  o: { workerId: string; now: Date; leaseUntil: Date; limit: number; perProject: number; busy: string[] },
): Promise<OutboxRow[]> {
  const claimable = `(locked_until IS NULL OR locked_until < $1 OR NOT EXISTS (SELECT 1 FROM workers w WHERE w.id = o.locked_by))`;
  // The claimable test is repeated on the row being updated: a row another server claimed meanwhile is skipped.
  return db.query<OutboxRow>(
    `UPDATE webhook_outbox o SET locked_by = $2, locked_until = $3, attempts = o.attempts + 1
WHERE o.id IN (
  SELECT id FROM (
    SELECT id, run_at, row_number() OVER (PARTITION BY project_id ORDER BY run_at, id) AS turn FROM webhook_outbox o
    WHERE run_at <= $1 AND ${claimable} AND project_id <> ALL($6::uuid[])
  ) due WHERE turn <= $5 ORDER BY turn, run_at, id LIMIT $4)
  AND ${claimable}
RETURNING o.id, o.project_id, o.body, o.attempts`,
    [o.now.toISOString(), o.workerId, o.leaseUntil.toISOString(), o.limit, o.perProject, o.busy],
  );
}

export async function deleteWebhook(db: Queryable, id: number): Promise<void> {
  await db.query('DELETE FROM webhook_outbox WHERE id = $1', [id]);
}

export async function retryWebhook(db: Queryable, id: number, runAt: Date, error: string): Promise<void> {
  await db.query('UPDATE webhook_outbox SET run_at = $2, last_error = $3, locked_by = NULL, locked_until = NULL WHERE id = $1', [
    id,
    runAt.toISOString(),
    error,
  ]);
}

/** Deliveries waiting (due or backing off): the outbox depth. */
export async function outboxDepth(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_outbox');
  return row.n;
}

export async function projectWebhook(
  db: Queryable,
  projectId: string,
): Promise<{ webhook_url: string | null; webhook_secret: string | null } | undefined> {
  const [row] = await db.query<{ webhook_url: string | null; webhook_secret: string | null }>(
    'SELECT webhook_url, webhook_secret FROM projects WHERE id = $1',
    [projectId],
  );
  return row;
}
