/** Projects and SSH keys (a project's, or a user's own). */
import { Batcher } from './batcher';
import type { Queryable } from './database';
import { limitClause, type Page } from './paging';

export interface ProjectRow {
  id: string;
  name: string;
  organization_id: string;
  tags: string[];
  customdata: Record<string, unknown>;
  backend_transfer_enabled: boolean;
  devices_version: number;
  created_at: Date | string;
  updated_at: Date | string;
  /** The project's devices (not deleted) and SSH keys; absent on a row just created (it has none). */
  device_ids?: string[];
  ssh_key_ids?: string[];
}

export interface SshKeyRow {
  id: string;
  label: string;
  key: string;
  fingerprint: string;
  tags: string[];
  user_id: string | null;
  project_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** A project row with the ids of its devices (not deleted) and SSH keys, which its representation links to. */
const PROJECT_WITH_LINKS = `p.*,
  (SELECT coalesce(jsonb_agg(d.id ORDER BY d.created_at, d.id), '[]') FROM devices d WHERE d.project_id = p.id AND d.state <> 'deleted') AS device_ids,
  (SELECT coalesce(jsonb_agg(k.id ORDER BY k.created_at, k.id), '[]') FROM ssh_keys k WHERE k.project_id = p.id) AS ssh_key_ids`;

export interface NewProject {
  id: string;
  name: string;
  organizationId: string;
  tags: string[];
  customdata: Record<string, unknown>;
  backendTransferEnabled: boolean;
  now: string;
}

export async function insertProject(db: Queryable, p: NewProject): Promise<ProjectRow> {
  const [row] = await db.query<ProjectRow>(
    `INSERT INTO projects (id, name, organization_id, tags, customdata, backend_transfer_enabled, created_at, updated_at)
VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $7) RETURNING *`,
    [p.id, p.name, p.organizationId, JSON.stringify(p.tags), JSON.stringify(p.customdata), p.backendTransferEnabled, p.now],
  );
  return row;
}

/** The organization's project; `withLinks` adds its device and SSH key ids. */
export async function findProject(db: Queryable, id: string, organizationId: string, withLinks = false): Promise<ProjectRow | undefined> {
  const [row] = await db.query<ProjectRow>(
    `SELECT ${withLinks ? PROJECT_WITH_LINKS : '*'} FROM projects p WHERE id = $1 AND organization_id = $2`,
    [id, organizationId],
  );
  return row;
}

/** Which projects a listing covers: an organization's, or only one of them (a project key's). */
export interface ProjectScope {
  organizationId: string;
  projectId: string | null;
}

/** A page of the scope's projects with their links, oldest first, and how many there are in all. */
export async function listProjects(db: Queryable, scope: ProjectScope, page: Page): Promise<{ rows: ProjectRow[]; total: number }> {
  const params = scope.projectId ? [scope.organizationId, scope.projectId] : [scope.organizationId];
  const where = scope.projectId ? 'organization_id = $1 AND id = $2' : 'organization_id = $1';
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM projects WHERE ${where}`, params);
  const rows = await db.query<ProjectRow>(
    `SELECT ${PROJECT_WITH_LINKS} FROM projects p WHERE ${where} ORDER BY created_at, id ${limitClause(page)}`,
    params,
  );
  return { rows, total };
}

export interface ProjectVersion {
  organization_id: string;
  devices_version: number;
}

/**
 * Reads projects' device versions (bumped on every device change); concurrent reads share one query. Each read
 * still starts after it was asked for, so it misses no change made before.
 */
export function projectVersionReader(db: Queryable): (id: string) => Promise<ProjectVersion | undefined> {
  const batcher = new Batcher<string, ProjectVersion | undefined>(async (ids) => {
    const rows = await db.query<ProjectVersion & { id: string }>(
      'SELECT id, organization_id, devices_version FROM projects WHERE id = ANY($1::uuid[])',
      [[...new Set(ids)]],
    );
    return ids.map((id) => rows.find((r) => r.id === id));
  });
  return (id) => batcher.submit(id);
}

/** Changes to a project; absent fields stay as they are. */
export interface ProjectChanges {
  name?: string;
  tags?: string[];
  customdata?: Record<string, unknown>;
  backendTransferEnabled?: boolean;
}

/** Updates the project and returns it with its links. */
export async function updateProject(db: Queryable, id: string, c: ProjectChanges, now: string): Promise<ProjectRow> {
  const [row] = await db.query<ProjectRow>(
    `UPDATE projects p SET name = coalesce($2, name), tags = coalesce($3::jsonb, tags), customdata = coalesce($4::jsonb, customdata),
  backend_transfer_enabled = coalesce($5, backend_transfer_enabled), updated_at = $6 WHERE id = $1 RETURNING ${PROJECT_WITH_LINKS}`,
    [
      id,
      c.name ?? null,
      c.tags ? JSON.stringify(c.tags) : null,
      c.customdata ? JSON.stringify(c.customdata) : null,
      c.backendTransferEnabled ?? null,
      now,
    ],
  );
  return row;
}

/**
 * Locks the project row until the transaction ends, and counts its devices that are not deleted. The lock waits
 * for device creates in flight (they hold FOR KEY SHARE on the project) and keeps new ones out.
 */
export async function lockProjectDevices(tx: Queryable, id: string): Promise<number> {
  await tx.query('SELECT id FROM projects WHERE id = $1 FOR UPDATE', [id]);
  const [{ n }] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM devices WHERE project_id = $1 AND state <> 'deleted'`, [
    id,
  ]);
  return n;
}

/** Deletes the project with the rows of its deleted devices. */
export async function deleteProject(tx: Queryable, id: string): Promise<void> {
  await tx.query('DELETE FROM devices WHERE project_id = $1', [id]);
  await tx.query('DELETE FROM projects WHERE id = $1', [id]);
}

// ------------------------------------------------------------------ ssh keys

export interface NewSshKey {
  id: string;
  label: string;
  key: string;
  fingerprint: string;
  tags: string[];
  /** Exactly one owner: a user (their own key) or a project. */
  userId: string | null;
  projectId: string | null;
  now: string;
}

export async function insertSshKey(db: Queryable, k: NewSshKey): Promise<SshKeyRow> {
  const [row] = await db.query<SshKeyRow>(
    `INSERT INTO ssh_keys (id, label, key, fingerprint, tags, user_id, project_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $8) RETURNING *`,
    [k.id, k.label, k.key, k.fingerprint, JSON.stringify(k.tags), k.userId, k.projectId, k.now],
  );
  return row;
}

/** A project's keys, or a user's own, oldest first. */
export async function listSshKeys(db: Queryable, owner: { projectId: string } | { userId: string }): Promise<SshKeyRow[]> {
  return 'projectId' in owner
    ? db.query<SshKeyRow>('SELECT * FROM ssh_keys WHERE project_id = $1 ORDER BY created_at', [owner.projectId])
    : db.query<SshKeyRow>('SELECT * FROM ssh_keys WHERE user_id = $1 ORDER BY created_at', [owner.userId]);
}

export async function sshKeysById(db: Queryable, ids: string[]): Promise<SshKeyRow[]> {
  return db.query<SshKeyRow>('SELECT * FROM ssh_keys WHERE id = ANY($1::uuid[])', [ids]);
}

export async function findSshKey(db: Queryable, id: string): Promise<SshKeyRow | undefined> {
  const [row] = await db.query<SshKeyRow>('SELECT * FROM ssh_keys WHERE id = $1', [id]);
  return row;
}

/** Changes to a key; absent fields stay as they are. */
export interface SshKeyChanges {
  label?: string;
  key?: string;
  fingerprint?: string;
  tags?: string[];
}

export async function updateSshKey(db: Queryable, id: string, c: SshKeyChanges, now: string): Promise<SshKeyRow> {
  const [row] = await db.query<SshKeyRow>(
    `UPDATE ssh_keys SET label = coalesce($2, label), key = coalesce($3, key), fingerprint = coalesce($4, fingerprint), tags = coalesce($5::jsonb, tags), updated_at = $6
WHERE id = $1 RETURNING *`,
    [id, c.label ?? null, c.key ?? null, c.fingerprint ?? null, c.tags ? JSON.stringify(c.tags) : null, now],
  );
  return row;
}

export async function deleteSshKey(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM ssh_keys WHERE id = $1', [id]);
}

// ------------------------------------------------------------------ what the spot market reads and writes on projects

export async function projectInOrganization(db: Queryable, projectId: string, organizationId: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM projects WHERE id = $1 AND organization_id = $2', [projectId, organizationId])).length > 0;
}

export async function projectsWithWebhook(tx: Queryable, projectIds: string[]): Promise<Set<string>> {
  const rows = await tx.query<{ id: string }>('SELECT id FROM projects WHERE id = ANY($1::uuid[]) AND webhook_url IS NOT NULL', [
    projectIds,
  ]);
  return new Set(rows.map((p) => p.id));
}

export async function setProjectWebhook(db: Queryable, projectId: string, url: string, sealedSecret: string, now: Date): Promise<void> {
  await db.query('UPDATE projects SET webhook_url = $2, webhook_secret = $3, updated_at = $4 WHERE id = $1', [
    projectId,
    url,
    sealedSecret,
    now.toISOString(),
  ]);
}

export function projectSshKeys(tx: Queryable, projectIds: string[]): Promise<{ id: string; project_id: string }[]> {
  return tx.query('SELECT id, project_id FROM ssh_keys WHERE project_id = ANY($1::uuid[])', [projectIds]);
}

// ------------------------------------------------------------------ what creating devices checks

export interface ProjectOrganization {
  id: string;
  organization_id: string;
}

/** An SSH key and whom it belongs to: a project or a user. */
export interface SshKeyOwner {
  id: string;
  project_id: string | null;
  user_id: string | null;
}

/**
 * The organization of each project, and the SSH keys of those projects and of the users: what creating devices
 * checks. The projects are locked (FOR KEY SHARE) from the check on: a project deleted after it waits for the
 * batch, so the batch never fails at its insert because of another tenant's project.
 */
export function projectsAndKeys(tx: Queryable, projectIds: string[], userIds: string[]): Promise<[ProjectOrganization[], SshKeyOwner[]]> {
  return Promise.all([
    tx.query<ProjectOrganization>('SELECT id, organization_id FROM projects WHERE id = ANY($1::uuid[]) FOR KEY SHARE', [projectIds]),
    tx.query<SshKeyOwner>('SELECT id, project_id, user_id FROM ssh_keys WHERE project_id = ANY($1::uuid[]) OR user_id = ANY($2::uuid[])', [
      projectIds,
      userIds,
    ]),
  ]);
}
