/** Projects, their SSH keys and the event log: access checks here, rows from lib/store (lib/api presents them). */
import { createHash } from 'node:crypto';
import { MetalError } from '../contract/errors';
import type { ProjectCreateInput, ProjectUpdateInput, SshKeyCreateInput, SshKeyUpdateInput } from '../contract/schemas';
import type { Principal } from './accounts';
import { committing, type CommitWith, type EngineContext } from './context';
import { isUuid } from '../core/ids';
import { findEvent, listEvents, type EventRow, type EventScope } from '../store/events';
import type { Page } from '../store/paging';
import { countReservationsOfProject, lockManagementBlocksOfProject } from '../store/ip-pools';
import { releaseReservations } from './network/ipam';
import * as projects from '../store/projects';
import { newId } from '../core/ids';

export type { Page };

/** Whether the principal may reach project `id` at all: a project key reaches only its own project. */
const mayReach = (principal: Principal, id: string) => isUuid(id) && (!principal.projectId || principal.projectId === id);

/** Whether the principal may see the key: their own (not with a project key), or one of a project they may reach. */
const mayReachSshKey = (principal: Principal, key: projects.SshKeyRow) =>
  key.user_id === principal.userId
    ? !principal.projectId
    : !!key.project_id && (!principal.projectId || principal.projectId === key.project_id);

export class ProjectService {
  private readonly versions: (id: string) => Promise<projects.ProjectVersion | undefined>;

  constructor(private readonly ctx: EngineContext) {
    this.versions = projects.projectVersionReader(ctx.db);
  }

  /** Creates a project; `commitWith` (an idempotent request's answer) commits with it. */
  async create(
    principal: Principal,
    input: ProjectCreateInput,
    commitWith?: CommitWith<projects.ProjectRow>,
  ): Promise<projects.ProjectRow> {
    if (principal.projectId)
      throw new MetalError('forbidden', 'a project API key cannot create projects (it reaches only its own project); use a user API key');
    if (input.organization_id && input.organization_id !== principal.organizationId) {
      throw new MetalError('forbidden', `organization_id: you are not a member of organization ${input.organization_id}`);
    }
    const id = newId();
    const now = this.ctx.clock.now().toISOString();
    return committing(this.ctx.db, commitWith, (db) =>
      projects.insertProject(db, {
        id,
        name: input.name,
        organizationId: principal.organizationId,
        tags: input.tags ?? [],
        customdata: input.customdata ?? {},
        backendTransferEnabled: input.backend_transfer_enabled ?? false,
        now,
      }),
    );
  }

  /** The project with the links of its devices and SSH keys. */
  async get(principal: Principal, id: string): Promise<projects.ProjectRow> {
    return this.row(principal, id, true);
  }

  /** The project row, if this principal may see it (a project key only its own project); `withLinks` as findProject. */
  async row(principal: Principal, id: string, withLinks = false): Promise<projects.ProjectRow> {
    const row = mayReach(principal, id) ? await projects.findProject(this.ctx.db, id, principal.organizationId, withLinks) : undefined;
    if (!row) throw new MetalError('not_found', `project ${id} not found`);
    return row;
  }

  /**
   * The version of a visible project's devices (bumped on every device change). Concurrent callers share one
   * query: each read still starts after its request arrived, so no change is missed.
   */
  async devicesVersion(principal: Principal, id: string): Promise<number> {
    if (!mayReach(principal, id)) throw new MetalError('not_found', `project ${id} not found`);
    const row = await this.versions(id);
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

  async list(principal: Principal, page: Page): Promise<{ items: projects.ProjectRow[]; total: number }> {
    const { rows, total } = await projects.listProjects(this.ctx.db, principal, page);
    return { items: rows, total };
  }

  async update(principal: Principal, id: string, input: ProjectUpdateInput): Promise<projects.ProjectRow> {
    await this.row(principal, id);
    return projects.updateProject(
      this.ctx.db,
      id,
      { name: input.name, tags: input.tags, customdata: input.customdata, backendTransferEnabled: input.backend_transfer_enabled },
      this.ctx.clock.now().toISOString(),
    );
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.row(principal, id);
    await this.ctx.db.transaction(async (tx) => {
      const n = await projects.lockProjectDevices(tx, id);
      if (n > 0) throw new MetalError('conflict', `project ${id} still has ${n} device(s); delete them first`);
      const blocks = await countReservationsOfProject(tx, id);
      if (blocks > 0)
        throw new MetalError('conflict', `project ${id} still has ${blocks} IP reservation(s); delete them first (DELETE /ips/{id})`);
      // Its devices' management blocks go back to the pools with it.
      await releaseReservations(tx, await lockManagementBlocksOfProject(tx, id), this.ctx.clock.now());
      await projects.deleteProject(tx, id);
    });
  }

  // ------------------------------------------------------------------ ssh keys

  /** Creates an SSH key; `commitWith` (an idempotent request's answer) commits with it. */
  async createSshKey(
    principal: Principal,
    input: SshKeyCreateInput,
    projectId: string | null,
    commitWith?: CommitWith<projects.SshKeyRow>,
  ): Promise<projects.SshKeyRow> {
    const now = this.ctx.clock.now().toISOString();
    return committing(this.ctx.db, commitWith, (db) =>
      projects.insertSshKey(db, {
        id: newId(),
        label: input.label,
        key: input.key.trim(),
        fingerprint: fingerprint(input.key),
        tags: input.tags ?? [],
        userId: projectId ? null : principal.userId,
        projectId,
        now,
      }),
    );
  }

  async listSshKeys(principal: Principal, projectId: string | null): Promise<projects.SshKeyRow[]> {
    return projects.listSshKeys(this.ctx.db, projectId ? { projectId } : { userId: principal.userId });
  }

  /** Keys by id (for `include=ssh_keys`; callers pass ids from objects the principal may already see). */
  async sshKeysById(ids: string[]): Promise<projects.SshKeyRow[]> {
    const valid = [...new Set(ids)].filter(isUuid);
    if (!valid.length) return [];
    return projects.sshKeysById(this.ctx.db, valid);
  }

  async sshKeyRow(principal: Principal, id: string): Promise<projects.SshKeyRow> {
    const row = isUuid(id) ? await projects.findSshKey(this.ctx.db, id) : undefined;
    if (!row || !mayReachSshKey(principal, row)) throw new MetalError('not_found', `ssh key ${id} not found`);
    if (row.project_id) await this.row(principal, row.project_id);
    return row;
  }

  async updateSshKey(principal: Principal, id: string, input: SshKeyUpdateInput): Promise<projects.SshKeyRow> {
    await this.sshKeyRow(principal, id);
    return projects.updateSshKey(
      this.ctx.db,
      id,
      { label: input.label, key: input.key?.trim(), fingerprint: input.key ? fingerprint(input.key) : undefined, tags: input.tags },
      this.ctx.clock.now().toISOString(),
    );
  }

  async deleteSshKey(principal: Principal, id: string): Promise<void> {
    await this.sshKeyRow(principal, id);
    await projects.deleteSshKey(this.ctx.db, id);
  }

  // ------------------------------------------------------------------ events

  async events(scope: EventScope, page: Page): Promise<{ items: EventRow[]; total: number }> {
    const { rows, total } = await listEvents(this.ctx.db, scope, page);
    return { items: rows, total };
  }

  /** One event of a project the caller may see. */
  async event(principal: Principal, id: string): Promise<EventRow> {
    const row = isUuid(id) ? await findEvent(this.ctx.db, id) : undefined;
    if (!row?.project_id || !(await this.isVisible(principal, row.project_id))) throw new MetalError('not_found', `event ${id} not found`);
    return row;
  }
}

/** OpenSSH-style SHA256 fingerprint of a public key. */
export function fingerprint(key: string): string {
  const blob = Buffer.from(key.trim().split(/\s+/)[1] ?? '', 'base64');
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}
