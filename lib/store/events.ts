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
