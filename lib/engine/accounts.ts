/**
 * Users, organizations and API keys. Tokens are random, shown once, and stored only as SHA-256 hashes.
 * A project key reaches only its project; a read-only key cannot write.
 */
import { MetalError } from '../contract/errors';
import type { ApiKey, ApiKeyCreateInput, Organization } from '../contract/schemas';
import { committing, type CommitWith, type EngineContext } from './context';
import { isUuid } from './devices';
import { newId, randomToken, sha256 } from '../core/ids';
import { BASE, href } from './present';

export interface Principal {
  apiKeyId: string;
  userId: string;
  organizationId: string;
  /** Set for project keys: the only project the key may touch. */
  projectId: string | null;
  readOnly: boolean;
  isOperator: boolean;
}

interface ApiKeyRow {
  id: string;
  token_prefix: string;
  description: string;
  user_id: string;
  project_id: string | null;
  read_only: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

const TOKEN_PREFIX = 'mf_';
/**
 * Successful lookups are cached briefly: auth runs on every request. A revocation NOTIFYs this channel with the
 * key's hash, and every server on the database drops it from its cache at once.
 */
const AUTH_CACHE_MS = 5000;
export const KEY_REVOKED_CHANNEL = 'metalforge_api_key_revoked';

export class AccountService {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  private unlisten?: () => Promise<void>;

  constructor(private readonly ctx: EngineContext) {}

  /** Listens for revocations made on any server (idempotent). */
  async watchRevocations(): Promise<void> {
    this.unlisten ??= await this.ctx.db.listen(KEY_REVOKED_CHANNEL, (hash) => (hash ? this.cache.delete(hash) : this.cache.clear()));
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
    const [row] = await this.ctx.db.query<{ id: string; user_id: string; organization_id: string; project_id: string | null; read_only: boolean; is_operator: boolean }>(
      `SELECT k.id, k.user_id, u.organization_id, k.project_id, k.read_only, u.is_operator
FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.token_hash = $1`,
      [hash],
    );
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
    const [existing] = await this.ctx.db.query<{ id: string }>('SELECT id FROM users WHERE is_operator ORDER BY created_at LIMIT 1');
    if (existing) {
      if (token) await this.ensureKey(existing.id, token);
      return undefined;
    }
    const orgId = newId();
    const userId = newId();
    const admin = token ?? TOKEN_PREFIX + randomToken();
    await this.ctx.db.transaction(async (tx) => {
      await tx.query('INSERT INTO organizations (id, name) VALUES ($1, $2)', [orgId, 'metalforge']);
      await tx.query('INSERT INTO users (id, email, full_name, organization_id, is_operator) VALUES ($1, $2, $3, $4, true)', [userId, 'admin@metalforge.local', 'metalforge operator', orgId]);
      await tx.query('INSERT INTO api_keys (id, token_hash, token_prefix, description, user_id) VALUES ($1, $2, $3, $4, $5)', [newId(), sha256(admin), admin.slice(0, 7), 'admin key created at first start', userId]);
    });
    return admin;
  }

  private async ensureKey(userId: string, token: string): Promise<void> {
    await this.ctx.db.query(
      `INSERT INTO api_keys (id, token_hash, token_prefix, description, user_id) VALUES ($1, $2, $3, 'admin key from METALFORGE_ADMIN_TOKEN', $4)
ON CONFLICT (token_hash) DO NOTHING`,
      [newId(), sha256(token), token.slice(0, 7), userId],
    );
  }

  /**
   * Creates a key; its token is in the answer only. `commitWith` (an idempotent request's answer) commits with the
   * key and gets it without the token, so the token is never stored.
   */
  async createKey(principal: Principal, input: ApiKeyCreateInput, projectId: string | null, commitWith?: CommitWith<ApiKey>): Promise<ApiKey> {
    const token = TOKEN_PREFIX + randomToken();
    const now = this.ctx.clock.now().toISOString();
    const key = await committing(this.ctx.db, commitWith, async (db) => {
      const [row] = await db.query<ApiKeyRow>(
        'INSERT INTO api_keys (id, token_hash, token_prefix, description, user_id, project_id, read_only, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8) RETURNING *',
        [newId(), sha256(token), token.slice(0, 7), input.description ?? '', principal.userId, projectId, input.read_only ?? false, now],
      );
      return presentKey(row);
    });
    return { ...key, token };
  }

  async listKeys(principal: Principal, projectId: string | null): Promise<ApiKey[]> {
    const rows = projectId
      ? await this.ctx.db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE project_id = $1 ORDER BY created_at', [projectId])
      : await this.ctx.db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE user_id = $1 AND project_id IS NULL ORDER BY created_at', [principal.userId]);
    return rows.map(presentKey);
  }

  async getKey(id: string): Promise<ApiKey & { projectId: string | null; userId: string }> {
    if (!isUuid(id)) throw new MetalError('not_found', `api key ${id} not found`);
    const [row] = await this.ctx.db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
    if (!row) throw new MetalError('not_found', `api key ${id} not found`);
    return { ...presentKey(row), projectId: row.project_id, userId: row.user_id };
  }

  async deleteKey(id: string): Promise<void> {
    const gone = await this.ctx.db.query<{ token_hash: string }>(
      `WITH gone AS (DELETE FROM api_keys WHERE id = $1 RETURNING token_hash) SELECT token_hash, pg_notify($2, token_hash) FROM gone`,
      [id, KEY_REVOKED_CHANNEL],
    );
    for (const { token_hash } of gone) this.cache.delete(token_hash);
  }

  async user(principal: Principal) {
    if (principal.projectId) throw new MetalError('forbidden', 'a project API key cannot read the user (name, email); use a user API key');
    const [row] = await this.ctx.db.query<{ id: string; email: string; full_name: string; created_at: Date }>('SELECT id, email, full_name, created_at FROM users WHERE id = $1', [principal.userId]);
    return { id: row.id, email: row.email, full_name: row.full_name, created_at: new Date(row.created_at).toISOString(), href: `${BASE}/users/${row.id}`, default_organization_id: principal.organizationId };
  }

  /** The caller's organization (each user has one); a project key sees only its own project in it. */
  async organization(principal: Principal): Promise<Organization> {
    type Row = { id: string; name: string; created_at: Date; project_ids: string[] | null; user_ids: string[] | null };
    const [row] = await this.ctx.db.query<Row>(
      `SELECT o.id, o.name, o.created_at,
  (SELECT array_agg(p.id ORDER BY p.created_at) FROM projects p WHERE p.organization_id = o.id) AS project_ids,
  (SELECT array_agg(u.id ORDER BY u.created_at) FROM users u WHERE u.organization_id = o.id) AS user_ids
FROM organizations o WHERE o.id = $1`,
      [principal.organizationId],
    );
    const projectIds = (row.project_ids ?? []).filter((id) => !principal.projectId || id === principal.projectId);
    const created = new Date(row.created_at).toISOString();
    return {
      id: row.id,
      name: row.name,
      description: '',
      customdata: {},
      created_at: created,
      updated_at: created,
      href: `${BASE}/organizations/${row.id}`,
      projects: projectIds.map((id) => href(`/projects/${id}`)),
      members: (row.user_ids ?? []).map((id) => href(`/users/${id}`)),
      memberships: [],
    };
  }
}

function presentKey(row: ApiKeyRow): ApiKey {
  const key: ApiKey = {
    id: row.id,
    description: row.description,
    read_only: row.read_only,
    token_prefix: row.token_prefix,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    href: `${BASE}/api-keys/${row.id}`,
    project: row.project_id ? href(`/projects/${row.project_id}`) : null,
    user: row.project_id ? null : href(`/users/${row.user_id}`),
  };
  return key;
}
