/**
 * Users, organizations and API keys. Tokens are random, shown once, and stored only as SHA-256 hashes.
 * A project key reaches only its project; a read-only key cannot write.
 */
import { MetalError } from '../contract/errors';
import type { ApiKeyCreateInput } from '../contract/schemas';
import { committing, type CommitWith, type EngineContext } from './context';
import { isUuid } from '../core/ids';
import { newId, randomToken, sha256 } from '../core/ids';
import * as accounts from '../store/accounts';

export interface Principal {
  apiKeyId: string;
  userId: string;
  organizationId: string;
  /** Set for project keys: the only project the key may touch. */
  projectId: string | null;
  readOnly: boolean;
  isOperator: boolean;
}

/** A key just created: its row, and its token, which exists only in this answer. */
export type CreatedApiKey = accounts.ApiKeyRow & { token: string };

const TOKEN_PREFIX = 'mf_';
/**
 * Successful lookups are cached briefly: auth runs on every request. Every server on the database hears of a
 * revocation (accounts.revokedKeys) and drops the key from its cache at once.
 */
const AUTH_CACHE_MS = 5000;

export class AccountService {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  private unlisten?: () => Promise<void>;

  constructor(private readonly ctx: EngineContext) {}

  /** Listens for revocations made on any server (idempotent). */
  async watchRevocations(): Promise<void> {
    this.unlisten ??= await accounts.revokedKeys(this.ctx.db, (hash) => (hash ? this.cache.delete(hash) : this.cache.clear()));
  }

  async stopWatching(): Promise<void> {
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
  }

  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new MetalError('unauthorized');
    const hash = sha256(token);
    const now = this.ctx.clock.now().getTime();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    const row = await accounts.findKeyHolder(this.ctx.db, hash);
    if (!row) throw new MetalError('unauthorized');
    const principal: Principal = {
      apiKeyId: row.id,
      userId: row.user_id,
      organizationId: row.organization_id,
      projectId: row.project_id,
      readOnly: row.read_only,
      isOperator: row.is_operator && !row.project_id,
    };
    this.cache.set(hash, { principal, until: now + AUTH_CACHE_MS });
    return principal;
  }

  /**
   * Creates the first organization, operator user and admin key when the database is empty.
   * Returns the admin token when one was created (or when `token` asks for a specific one).
   */
  async bootstrap(token?: string): Promise<string | undefined> {
    const existing = await accounts.firstOperator(this.ctx.db);
    if (existing) {
      if (token) await this.ensureKey(existing.id, token);
      return undefined;
    }
    const orgId = newId();
    const userId = newId();
    const admin = token ?? TOKEN_PREFIX + randomToken();
    await this.ctx.db.transaction(async (tx) => {
      await accounts.insertOrganization(tx, { id: orgId, name: 'metalforge' });
      await accounts.insertUser(tx, {
        id: userId,
        email: 'admin@metalforge.local',
        fullName: 'metalforge operator',
        organizationId: orgId,
        isOperator: true,
      });
      await accounts.insertApiKey(tx, newKey(admin, userId, { description: 'admin key created at first start' }));
    });
    return admin;
  }

  private async ensureKey(userId: string, token: string): Promise<void> {
    await accounts.insertApiKey(this.ctx.db, newKey(token, userId, { description: 'admin key from METALFORGE_ADMIN_TOKEN' }), true);
  }

  /**
   * Creates a key; its token is in the answer only. `commitWith` (an idempotent request's answer) commits with the
   * key and gets its row, without the token, so the token is never stored.
   */
  async createKey(
    principal: Principal,
    input: ApiKeyCreateInput,
    projectId: string | null,
    commitWith?: CommitWith<accounts.ApiKeyRow>,
  ): Promise<CreatedApiKey> {
    const token = TOKEN_PREFIX + randomToken();
    const now = this.ctx.clock.now().toISOString();
    const row = await committing(this.ctx.db, commitWith, (db) =>
      accounts.insertApiKey(
        db,
        newKey(token, principal.userId, { description: input.description ?? '', projectId, readOnly: input.read_only ?? false, now }),
      ),
    );
    return { ...row, token };
  }

  async listKeys(principal: Principal, projectId: string | null): Promise<accounts.ApiKeyRow[]> {
    return accounts.listApiKeys(this.ctx.db, projectId ? { projectId } : { userId: principal.userId });
  }

  async getKey(id: string): Promise<accounts.ApiKeyRow> {
    const row = isUuid(id) ? await accounts.findApiKey(this.ctx.db, id) : undefined;
    if (!row) throw new MetalError('not_found', `api key ${id} not found`);
    return row;
  }

  async deleteKey(id: string): Promise<void> {
    for (const hash of await accounts.deleteApiKey(this.ctx.db, id)) this.cache.delete(hash);
  }

  /** The calling user (its organization is the principal's). */
  async user(principal: Principal): Promise<accounts.UserRow> {
    if (principal.projectId) throw new MetalError('forbidden', 'a project API key cannot read the user (name, email); use a user API key');
    return (await accounts.findUser(this.ctx.db, principal.userId))!;
  }

  /** The caller's organization (each user has one); a project key sees only its own project in it. */
  async organization(principal: Principal): Promise<accounts.OrganizationRow> {
    const row = (await accounts.findOrganization(this.ctx.db, principal.organizationId))!;
    return { ...row, project_ids: (row.project_ids ?? []).filter((id) => !principal.projectId || id === principal.projectId) };
  }
}

/** A key to store for `token` (only its hash and prefix are kept); a user key unless `projectId` is given. */
function newKey(
  token: string,
  userId: string,
  o: { description: string; projectId?: string | null; readOnly?: boolean; now?: string },
): accounts.NewApiKey {
  return {
    id: newId(),
    tokenHash: sha256(token),
    tokenPrefix: token.slice(0, 7),
    userId,
    description: o.description,
    projectId: o.projectId ?? null,
    readOnly: o.readOnly ?? false,
    now: o.now,
  };
}
