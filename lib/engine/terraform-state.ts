/**
 * Terraform state per project and name, as Terraform's http backend uses it: read, lock, write (holding the
 * lock), unlock; every version is kept with the key that wrote it and can be listed and restored. State
 * documents are secrets: no message here quotes them.
 */
import { createHash } from 'node:crypto';
import { MetalError } from '../contract/errors';
import { describeLock, StateLockedError, type TerraformLockInfo } from '../contract/terraform-state';
import { TerraformStateStore, type TerraformStateRow, type TerraformStateVersionRow } from '../store/terraform-state';
import type { AccountService, Principal } from './accounts';
import type { EngineContext } from './context';
import type { Page, ProjectService } from './projects';

export interface StateDocument {
  content: string;
  /** MD5 of the content, base64 (the Content-MD5 header). */
  md5: string;
}

export class TerraformStateService {
  private readonly store: TerraformStateStore;

  constructor(
    private readonly ctx: EngineContext,
    private readonly projects: ProjectService,
    private readonly accounts: AccountService,
  ) {
    this.store = new TerraformStateStore(ctx.db);
  }

  /** The latest version; not_found when the state has none (Terraform reads a 404 as "no state yet"). */
  async read(principal: Principal, projectId: string, name: string): Promise<StateDocument> {
    await this.projects.row(principal, projectId);
    const latest = await this.store.latest(projectId, name);
    if (!latest) throw noState(projectId, name);
    return latest;
  }

  async lock(principal: Principal, projectId: string, name: string, body: string | undefined): Promise<void> {
    await this.projects.row(principal, projectId);
    const lock = parseLockInfo(body, true)!;
    await this.store.change(projectId, name, { create: true, now: this.ctx.clock.now() }, async (found) => {
      const { state, write } = found!;
      const holder = heldLock(state);
      // Terraform retries a LOCK it may have sent already: the same ID again holds the lock.
      if (holder?.ID === lock.ID) return;
      if (holder)
        throw new StateLockedError(
          `state "${name}" is locked by ${describeLock(holder)}; wait for it, or if that run died, run terraform force-unlock ${holder.ID}`,
          holder,
        );
      await write.lock({ id: lock.ID, info: JSON.stringify(lock), keyId: principal.apiKeyId });
    });
  }

  /**
   * Releases the lock. Without lock info (`terraform force-unlock`, which sends none) any lock is released;
   * with it, only the lock of that ID.
   */
  async unlock(principal: Principal, projectId: string, name: string, body: string | undefined): Promise<void> {
    await this.projects.row(principal, projectId);
    const lock = parseLockInfo(body, false);
    await this.store.change(projectId, name, { create: false, now: this.ctx.clock.now() }, async (found) => {
      if (!found) throw noState(projectId, name);
      const holder = heldLock(found.state);
      if (!holder) return;
      if (lock && lock.ID !== holder.ID) {
        throw new StateLockedError(
          `ID: lock ${lock.ID} does not hold state "${name}"; it is locked by ${describeLock(holder)} (terraform force-unlock ${
            holder.ID
          } releases it)`,
          holder,
        );
      }
      await found.write.unlock();
    });
  }

  /** Writes a new version. While the state is locked, `lockId` must be the holder's (Terraform sends it as ?ID=). */
  async write(
    principal: Principal,
    projectId: string,
    name: string,
    content: string,
    options: { lockId?: string; md5?: string },
  ): Promise<number> {
    await this.projects.row(principal, projectId);
    const summary = parseState(content);
    const md5 = md5Of(content);
    if (options.md5 !== undefined && options.md5 !== md5) {
      throw new MetalError(
        'bad_request',
        'Content-MD5: does not match the body (the upload was altered or cut short); send the state again',
      );
    }
    const writtenBy = await this.writer(principal);
    return this.store.change(projectId, name, { create: true, now: this.ctx.clock.now() }, async (found) => {
      const { state, write } = found!;
      checkHolder(state, name, options.lockId);
      return write.addVersion({ content, md5, ...summary, ...writtenBy, restoredFrom: null });
    });
  }

  async versions(
    principal: Principal,
    projectId: string,
    name: string,
    page: Page,
  ): Promise<{ items: TerraformStateVersionRow[]; total: number }> {
    await this.known(principal, projectId, name);
    return this.store.versions(projectId, name, page);
  }

  /** One version's document. */
  async version(principal: Principal, projectId: string, name: string, version: number): Promise<StateDocument> {
    await this.known(principal, projectId, name);
    const row = await this.store.version(projectId, name, version);
    if (!row) throw noVersion(name, version);
    return row;
  }

  /** Writes version `version`'s document again as the newest version. */
  async restore(
    principal: Principal,
    projectId: string,
    name: string,
    version: number,
    lockId?: string,
  ): Promise<TerraformStateVersionRow> {
    await this.known(principal, projectId, name);
    const writtenBy = await this.writer(principal);
    const written = await this.store.change(projectId, name, { create: false, now: this.ctx.clock.now() }, async (found) => {
      const { state, write } = found!;
      checkHolder(state, name, lockId);
      const content = await write.content(version);
      if (content === undefined) throw noVersion(name, version);
      return write.addVersion({ content, md5: md5Of(content), ...parseState(content), ...writtenBy, restoredFrom: version });
    });
    return (await this.store.version(projectId, name, written))!;
  }

  private async known(principal: Principal, projectId: string, name: string): Promise<TerraformStateRow> {
    await this.projects.row(principal, projectId);
    const state = await this.store.state(projectId, name);
    if (!state) throw noState(projectId, name);
    return state;
  }

  private async writer(principal: Principal): Promise<{ writtenByKeyId: string; writtenBy: string }> {
    const key = await this.accounts.getKey(principal.apiKeyId);
    return { writtenByKeyId: key.id, writtenBy: key.description };
  }
}

function heldLock(state: TerraformStateRow): TerraformLockInfo | undefined {
  return state.lock_id === null ? undefined : (JSON.parse(state.lock_info!) as TerraformLockInfo);
}

function checkHolder(state: TerraformStateRow, name: string, lockId: string | undefined): void {
  const holder = heldLock(state);
  if (!holder || holder.ID === lockId) return;
  const sent = lockId ? `query parameter ID: lock ${lockId} does not hold it` : 'send the lock ID as the ID query parameter';
  throw new StateLockedError(`state "${name}" is locked by ${describeLock(holder)}; ${sent}`, holder);
}

/** Lock info from a LOCK/UNLOCK body; undefined for an empty body when it may be empty. */
function parseLockInfo(body: string | undefined, required: boolean): TerraformLockInfo | undefined {
  if (!body?.trim()) {
    if (!required) return undefined;
    throw new MetalError(
      'bad_request',
      'body: send the lock info as JSON, e.g. {"ID":"<uuid>","Operation":"OperationTypeApply","Who":"ci@runner"}',
    );
  }
  const info = parseJson(body, 'lock info');
  if (!info || typeof info !== 'object' || Array.isArray(info))
    throw new MetalError('bad_request', 'body: the lock info must be a JSON object with an ID');
  const id = (info as { ID?: unknown }).ID;
  if (typeof id !== 'string' || !id.trim() || id.length > 256) {
    throw new MetalError('validation_failed', 'ID: is required in the lock info, a non-empty string of at most 256 characters');
  }
  return info as TerraformLockInfo;
}

/** Serial and lineage of a state document; refuses anything but a JSON object (without quoting it). */
function parseState(content: string): { serial: number | null; lineage: string | null } {
  const state = parseJson(content, 'Terraform state');
  if (!state || typeof state !== 'object' || Array.isArray(state)) {
    throw new MetalError('bad_request', 'body: a Terraform state must be a JSON object (what terraform state pull prints)');
  }
  const { serial, lineage } = state as { serial?: unknown; lineage?: unknown };
  return { serial: Number.isSafeInteger(serial) ? (serial as number) : null, lineage: typeof lineage === 'string' ? lineage : null };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error: secret material stays out of the answer and logs.
    throw new MetalError('bad_request', `body: is not valid JSON; send the ${what} as a JSON document`);
  }
}

const md5Of = (content: string): string => createHash('md5').update(content).digest('base64');

function noState(projectId: string, name: string): MetalError {
  return new MetalError(
    'not_found',
    `terraform state "${name}" not found in project ${projectId}; terraform creates it on its first apply`,
  );
}

function noVersion(name: string, version: number): MetalError {
  return new MetalError('not_found', `version: terraform state "${name}" has no version ${version}; list them at .../versions`);
}
