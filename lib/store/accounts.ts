/** Organizations, users and API keys (stored by token hash only). */
import type { Database, Queryable } from './database';

export interface ApiKeyRow {
  id: string;
  token_prefix: string;
  description: string;
  user_id: string;
  project_id: string | null;
  read_only: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

/** What a token reaches: its key, the key's user and that user's organization. */
export interface KeyHolderRow {
  id: string;
  user_id: string;
  organization_id: string;
  project_id: string | null;
  read_only: boolean;
  is_operator: boolean;
}

export interface UserRow {
  id: string;
  email: string;
  full_name: string;
  created_at: Date;
}

/** An organization with the ids of its projects and users, oldest first (null when it has none). */
export interface OrganizationRow {
  id: string;
  name: string;
  created_at: Date;
  project_ids: string[] | null;
  user_ids: string[] | null;
}

/** A revocation NOTIFYs this channel with the key's token hash, so every server on the database hears of it. */
const KEY_REVOKED_CHANNEL = 'metalforge_api_key_revoked';

export async function findKeyHolder(db: Queryable, tokenHash: string): Promise<KeyHolderRow | undefined> {
  const [row] = await db.query<KeyHolderRow>(
    `SELECT k.id, k.user_id, u.organization_id, k.project_id, k.read_only, u.is_operator
FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.token_hash = $1`,
    [tokenHash],
  );
  return row;
}

/** The first operator user, if there is one. */
export async function firstOperator(db: Queryable): Promise<{ id: string } | undefined> {
  const [row] = await db.query<{ id: string }>('SELECT id FROM users WHERE is_operator ORDER BY created_at LIMIT 1');
  return row;
}

export async function insertOrganization(db: Queryable, o: { id: string; name: string }): Promise<void> {
  await db.query('INSERT INTO organizations (id, name) VALUES ($1, $2)', [o.id, o.name]);
}

export async function insertUser(
  db: Queryable,
  u: { id: string; email: string; fullName: string; organizationId: string; isOperator: boolean },
): Promise<void> {
  await db.query('INSERT INTO users (id, email, full_name, organization_id, is_operator) VALUES ($1, $2, $3, $4, $5)', [
    u.id,
    u.email,
    u.fullName,
    u.organizationId,
    u.isOperator,
  ]);
}

export async function findUser(db: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>('SELECT id, email, full_name, created_at FROM users WHERE id = $1', [id]);
  return row;
}

export async function findOrganization(db: Queryable, id: string): Promise<OrganizationRow | undefined> {
  const [row] = await db.query<OrganizationRow>(
    `SELECT o.id, o.name, o.created_at,
  (SELECT array_agg(p.id ORDER BY p.created_at) FROM projects p WHERE p.organization_id = o.id) AS project_ids,
  (SELECT array_agg(u.id ORDER BY u.created_at) FROM users u WHERE u.organization_id = o.id) AS user_ids
FROM organizations o WHERE o.id = $1`,
    [id],
  );
  return row;
}

export interface NewApiKey {
  id: string;
  tokenHash: string;
  tokenPrefix: string;
  description: string;
  userId: string;
  projectId: string | null;
  readOnly: boolean;
  /** Omitted: the database's time. */
  now?: string;
}

/** Adds a key and returns it; with `ifAbsent`, a key with the same token is left as it is (and none returned). */
export async function insertApiKey(db: Queryable, k: NewApiKey): Promise<ApiKeyRow>;
export async function insertApiKey(db: Queryable, k: NewApiKey, ifAbsent: true): Promise<ApiKeyRow | undefined>;
export async function insertApiKey(db: Queryable, k: NewApiKey, ifAbsent = false): Promise<ApiKeyRow | undefined> {
  const [row] = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, token_hash, token_prefix, description, user_id, project_id, read_only, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8::timestamptz, now()), coalesce($8::timestamptz, now()))${ifAbsent ? ' ON CONFLICT (token_hash) DO NOTHING' : ''} RETURNING *`,
    [k.id, k.tokenHash, k.tokenPrefix, k.description, k.userId, k.projectId, k.readOnly, k.now ?? null],
  );
  return row;
}

/** A project's keys, or a user's own (those not bound to a project), oldest first. */
export async function listApiKeys(db: Queryable, owner: { projectId: string } | { userId: string }): Promise<ApiKeyRow[]> {
  return 'projectId' in owner
    ? db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE project_id = $1 ORDER BY created_at', [owner.projectId])
    : db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE user_id = $1 AND project_id IS NULL ORDER BY created_at', [owner.userId]);
}

export async function findApiKey(db: Queryable, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
  return row;
}

/** Deletes the key and tells every server (revokedKeys); returns the token hash it had (none when it was gone). */
export async function deleteApiKey(db: Queryable, id: string): Promise<string[]> {
  const gone = await db.query<{ token_hash: string }>(
    `WITH gone AS (DELETE FROM api_keys WHERE id = $1 RETURNING token_hash) SELECT token_hash, pg_notify($2, token_hash) FROM gone`,
    [id, KEY_REVOKED_CHANNEL],
  );
  return gone.map((g) => g.token_hash);
}

/**
 * Calls `onRevoked` with the token hash of every key deleted on any server, until the returned function is
 * called; with '' when revocations may have been missed (see Database.listen).
 */
export function revokedKeys(db: Database, onRevoked: (tokenHash: string) => void): Promise<() => Promise<void>> {
  return db.listen(KEY_REVOKED_CHANNEL, onRevoked);
}
