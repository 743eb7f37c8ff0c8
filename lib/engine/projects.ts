/** Projects, their SSH keys and the event log queries. */
import { createHash } from 'node:crypto';
import { MetalError } from '../contract/errors';
import type { Event, Project, ProjectCreateInput, ProjectUpdateInput, SshKey, SshKeyCreateInput, SshKeyUpdateInput } from '../contract/schemas';
import type { Principal } from './accounts';
import { committing, type CommitWith, type EngineContext } from './context';
import { isUuid } from './devices';
import { Batcher } from '../store/batcher';
import { newId } from '../core/ids';
import { EventRow, presentEvent, presentProject, presentSshKey, ProjectRow, SshKeyRow } from './present';

export interface Page {
  page: number;
  perPage: number;
}

const limit = (p: Page) => `LIMIT ${p.perPage} OFFSET ${(p.page - 1) * p.perPage}`;

/** A project row with the ids of its devices (not deleted) and SSH keys, which its representation links to. */
const PROJECT_WITH_LINKS = `p.*,
  (SELECT coalesce(jsonb_agg(d.id ORDER BY d.created_at, d.id), '[]') FROM devices d WHERE d.project_id = p.id AND d.state <> 'deleted') AS device_ids,
  (SELECT coalesce(jsonb_agg(k.id ORDER BY k.created_at, k.id), '[]') FROM ssh_keys k WHERE k.project_id = p.id) AS ssh_key_ids`;

export class ProjectService {
  constructor(private readonly ctx: EngineContext) {}

  /** Creates a project; `commitWith` (an idempotent request's answer) commits with it. */
  async create(principal: Principal, input: ProjectCreateInput, commitWith?: CommitWith<Project>): Promise<Project> {
    if (principal.projectId) throw new MetalError('forbidden', 'a project API key cannot create projects (it reaches only its own project); use a user API key');
    if (input.organization_id && input.organization_id !== principal.organizationId) {
      throw new MetalError('forbidden', `organization_id: you are not a member of organization ${input.organization_id}`);
    }
    const id = newId();
    const now = this.ctx.clock.now().toISOString();
    return committing(this.ctx.db, commitWith, async (db) => {
      const [row] = await db.query<ProjectRow>(
        `INSERT INTO projects (id, name, organization_id, tags, customdata, backend_transfer_enabled, created_at, updated_at)
VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $7) RETURNING *`,
        [id, input.name, principal.organizationId, JSON.stringify(input.tags ?? []), JSON.stringify(input.customdata ?? {}), input.backend_transfer_enabled ?? false, now],
      );
      return presentProject(row);
    });
  }

  async get(principal: Principal, id: string): Promise<Project> {
    return presentProject(await this.row(principal, id, PROJECT_WITH_LINKS));
  }

  /** The project row, if this principal may see it (a project key only its own project). */
  async row(principal: Principal, id: string, columns = '*'): Promise<ProjectRow> {
    if (!isUuid(id) || (principal.projectId && principal.projectId !== id)) throw new MetalError('not_found', `project ${id} not found`);
    const [row] = await this.ctx.db.query<ProjectRow>(`SELECT ${columns} FROM projects p WHERE id = $1 AND organization_id = $2`, [id, principal.organizationId]);
    if (!row) throw new MetalError('not_found', `project ${id} not found`);
    return row;
  }

  /**
   * The version of a visible project's devices (bumped on every device change). Concurrent callers share one
   * query: each read still starts after its request arrived, so no change is missed.
   */
  async devicesVersion(principal: Principal, id: string): Promise<number> {
    if (!isUuid(id) || (principal.projectId && principal.projectId !== id)) throw new MetalError('not_found', `project ${id} not found`);
    const row = await this.versions.submit(id);
    if (!row || row.organization_id !== principal.organizationId) throw new MetalError('not_found', `project ${id} not found`);
    return row.devices_version;
  }

  /** Whether the principal may see the project (the cheap check of per-device routes; shares the batched query). */
  async isVisible(principal: Principal, id: string): Promise<boolean> {
    return this.devicesVersion(principal, id).then(
      () => true,
      () => false,
    );
  }

  private readonly versions = new Batcher<string, { organization_id: string; devices_version: number } | undefined>(async (ids) => {
    const rows = await this.ctx.db.query<{ id: string; organization_id: string; devices_version: number }>(
      'SELECT id, organization_id, devices_version FROM projects WHERE id = ANY($1::uuid[])',
      [[...new Set(ids)]],
    );
    return ids.map((id) => rows.find((r) => r.id === id));
  });

  async list(principal: Principal, page: Page): Promise<{ items: Project[]; total: number }> {
    const params = principal.projectId ? [principal.organizationId, principal.projectId] : [principal.organizationId];
    const where = principal.projectId ? 'organization_id = $1 AND id = $2' : 'organization_id = $1';
    const [{ total }] = await this.ctx.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM projects WHERE ${where}`, params);
    const rows = await this.ctx.db.query<ProjectRow>(`SELECT ${PROJECT_WITH_LINKS} FROM projects p WHERE ${where} ORDER BY created_at, id ${limit(page)}`, params);
    return { items: rows.map(presentProject), total };
  }

  async update(principal: Principal, id: string, input: ProjectUpdateInput): Promise<Project> {
    await this.row(principal, id);
    const [row] = await this.ctx.db.query<ProjectRow>(
      `UPDATE projects p SET name = coalesce($2, name), tags = coalesce($3::jsonb, tags), customdata = coalesce($4::jsonb, customdata),
  backend_transfer_enabled = coalesce($5, backend_transfer_enabled), updated_at = $6 WHERE id = $1 RETURNING ${PROJECT_WITH_LINKS}`,
      [id, input.name ?? null, input.tags ? JSON.stringify(input.tags) : null, input.customdata ? JSON.stringify(input.customdata) : null, input.backend_transfer_enabled ?? null, this.ctx.clock.now().toISOString()],
    );
    return presentProject(row);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.row(principal, id);
    await this.ctx.db.transaction(async (tx) => {
      // The row lock waits for creates in flight (they hold FOR KEY SHARE on the project) and keeps new ones out.
      await tx.query('SELECT id FROM projects WHERE id = $1 FOR UPDATE', [id]);
      const [{ n }] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM devices WHERE project_id = $1 AND state <> 'deleted'`, [id]);
      if (n > 0) throw new MetalError('conflict', `project ${id} still has ${n} device(s); delete them first`);
      await tx.query('DELETE FROM devices WHERE project_id = $1', [id]);
      await tx.query('DELETE FROM projects WHERE id = $1', [id]);
    });
  }

  // ------------------------------------------------------------------ ssh keys

  /** Creates an SSH key; `commitWith` (an idempotent request's answer) commits with it. */
  async createSshKey(principal: Principal, input: SshKeyCreateInput, projectId: string | null, commitWith?: CommitWith<SshKey>): Promise<SshKey> {
    const now = this.ctx.clock.now().toISOString();
    return committing(this.ctx.db, commitWith, async (db) => {
      const [row] = await db.query<SshKeyRow>(
        `INSERT INTO ssh_keys (id, label, key, fingerprint, tags, user_id, project_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $8) RETURNING *`,
        [newId(), input.label, input.key.trim(), fingerprint(input.key), JSON.stringify(input.tags ?? []), projectId ? null : principal.userId, projectId, now],
      );
      return presentSshKey(row);
    });
  }

  async listSshKeys(principal: Principal, projectId: string | null): Promise<SshKey[]> {
    const rows = projectId
      ? await this.ctx.db.query<SshKeyRow>('SELECT * FROM ssh_keys WHERE project_id = $1 ORDER BY created_at', [projectId])
      : await this.ctx.db.query<SshKeyRow>('SELECT * FROM ssh_keys WHERE user_id = $1 ORDER BY created_at', [principal.userId]);
    return rows.map(presentSshKey);
  }

  /** Keys by id (for `include=ssh_keys`; callers pass ids from objects the principal may already see). */
  async sshKeysById(ids: string[]): Promise<SshKey[]> {
    const valid = [...new Set(ids)].filter(isUuid);
    if (!valid.length) return [];
    return (await this.ctx.db.query<SshKeyRow>('SELECT * FROM ssh_keys WHERE id = ANY($1::uuid[])', [valid])).map(presentSshKey);
  }

  async sshKeyRow(principal: Principal, id: string): Promise<SshKeyRow> {
    if (!isUuid(id)) throw new MetalError('not_found', `ssh key ${id} not found`);
    const [row] = await this.ctx.db.query<SshKeyRow>('SELECT * FROM ssh_keys WHERE id = $1', [id]);
    const visible = row && (row.user_id === principal.userId ? !principal.projectId : row.project_id && (!principal.projectId || principal.projectId === row.project_id));
    if (!row || !visible) throw new MetalError('not_found', `ssh key ${id} not found`);
    if (row.project_id) await this.row(principal, row.project_id);
    return row;
  }

  async updateSshKey(principal: Principal, id: string, input: SshKeyUpdateInput): Promise<SshKey> {
    await this.sshKeyRow(principal, id);
    const [row] = await this.ctx.db.query<SshKeyRow>(
      `UPDATE ssh_keys SET label = coalesce($2, label), key = coalesce($3, key), fingerprint = coalesce($4, fingerprint), tags = coalesce($5::jsonb, tags), updated_at = $6
WHERE id = $1 RETURNING *`,
      [id, input.label ?? null, input.key?.trim() ?? null, input.key ? fingerprint(input.key) : null, input.tags ? JSON.stringify(input.tags) : null, this.ctx.clock.now().toISOString()],
    );
    return presentSshKey(row);
  }

  async deleteSshKey(principal: Principal, id: string): Promise<void> {
    await this.sshKeyRow(principal, id);
    await this.ctx.db.query('DELETE FROM ssh_keys WHERE id = $1', [id]);
  }

  // ------------------------------------------------------------------ events

  async events(scope: { projectId?: string; deviceId?: string; organizationId?: string }, page: Page): Promise<{ items: Event[]; total: number }> {
    let where: string;
    let params: unknown[];
    if (scope.deviceId) [where, params] = ['device_id = $1', [scope.deviceId]];
    else if (scope.projectId) [where, params] = ['project_id = $1', [scope.projectId]];
    else [where, params] = ['project_id IN (SELECT id FROM projects WHERE organization_id = $1)', [scope.organizationId]];
    const [{ total }] = await this.ctx.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM events WHERE ${where}`, params);
    const rows = await this.ctx.db.query<EventRow>(`SELECT * FROM events WHERE ${where} ORDER BY seq DESC ${limit(page)}`, params);
    return { items: rows.map(presentEvent), total };
  }

  /** One event of a project the caller may see. */
  async event(principal: Principal, id: string): Promise<Event> {
    const [row] = isUuid(id) ? await this.ctx.db.query<EventRow>('SELECT * FROM events WHERE id = $1', [id]) : [];
    if (!row?.project_id || !(await this.isVisible(principal, row.project_id))) throw new MetalError('not_found', `event ${id} not found`);
    return presentEvent(row);
  }
}

/** OpenSSH-style SHA256 fingerprint of a public key. */
export function fingerprint(key: string): string {
  const blob = Buffer.from(key.trim().split(/\s+/)[1] ?? '', 'base64');
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}
