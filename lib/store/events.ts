/** The event log as projects and devices read it. */
import type { Queryable } from './database';
import { limitClause, type Page } from './paging';

export interface EventRow {
  id: string;
  type: string;
  body: string;
  state: string;
  project_id: string | null;
  device_id: string | null;
  created_at: Date | string;
}

/** Whose events: one device's, one project's, or those of every project of an organization. */
export type EventScope = { deviceId: string } | { projectId: string } | { organizationId: string };

/** A page of the scope's events, newest first, and how many there are in all. */
export async function listEvents(db: Queryable, scope: EventScope, page: Page): Promise<{ rows: EventRow[]; total: number }> {
  const [where, params] =
    'deviceId' in scope
      ? ['device_id = $1', [scope.deviceId]]
      : 'projectId' in scope
        ? ['project_id = $1', [scope.projectId]]
        : ['project_id IN (SELECT id FROM projects WHERE organization_id = $1)', [scope.organizationId]];
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM events WHERE ${where}`, params);
  const rows = await db.query<EventRow>(`SELECT * FROM events WHERE ${where} ORDER BY seq DESC ${limitClause(page)}`, params);
  return { rows, total };
}

export async function findEvent(db: Queryable, id: string): Promise<EventRow | undefined> {
  const [row] = await db.query<EventRow>('SELECT * FROM events WHERE id = $1', [id]);
  return row;
}

/** An event log row; `state` defaults to done. */
export type NewEvent = Record<string, unknown> & { id: string; type: string; body: string };

/** The statement that inserts events given as a JSON array (`events`), at `at`: alone or after other writes. */
export const EVENT_INSERT = (
  events: string,
  at: string,
) => `INSERT INTO events (id, type, body, state, project_id, device_id, from_state, transition, to_state, created_at)
SELECT (x->>'id')::uuid, x->>'type', x->>'body', coalesce(x->>'state', 'done'), (x->>'project_id')::uuid, (x->>'device_id')::uuid,
  x->>'from_state', x->>'transition', x->>'to_state', ${at}
FROM jsonb_array_elements(${events}::jsonb) x`;

/** Multi-row insert into the event log. */
export async function insertEvents(tx: Queryable, events: NewEvent[], now: Date): Promise<void> {
  if (!events.length) return;
  await tx.query(EVENT_INSERT('$1', '$2'), [JSON.stringify(events), now.toISOString()]);
}
