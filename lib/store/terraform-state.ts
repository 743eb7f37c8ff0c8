/**
 * Terraform state repository: per project and state name, the current lock and every version written. A change
 * (lock, unlock, new version) runs on the state's row locked FOR UPDATE inside one transaction, so concurrent
 * writers queue on that row and a failure leaves nothing half-written.
 */
import type { Database, Queryable } from './database';

export interface TerraformStateRow {
  project_id: string;
  name: string;
  latest_version: number;
  lock_id: string | null;
  lock_info: string | null;
  locked_by_key_id: string | null;
  locked_at: Date | string | null;
}

/** A version without its content (what lists show). */
export interface TerraformStateVersionRow {
  version: number;
  serial: number | null;
  lineage: string | null;
  size_bytes: number;
  md5: string;
  written_by_key_id: string;
  written_by: string;
  restored_from: number | null;
  created_at: Date | string;
}

export interface NewStateVersion {
  content: string;
  serial: number | null;
  lineage: string | null;
  md5: string;
  writtenByKeyId: string;
  writtenBy: string;
  restoredFrom: number | null;
}

export interface StateLock {
  id: string;
  info: string;
  keyId: string;
}

/** The writes allowed on a state's locked row. */
export interface TerraformStateWriter {
  lock(lock: StateLock): Promise<void>;
  unlock(): Promise<void>;
  /** Appends the next version and makes it the latest; returns its number. */
  addVersion(version: NewStateVersion): Promise<number>;
  /** Content of one version of this state. */
  content(version: number): Promise<string | undefined>;
}

const VERSION_COLUMNS = 'version, serial, lineage, size_bytes, md5, written_by_key_id, written_by, restored_from, created_at';

export class TerraformStateStore {
  constructor(private readonly db: Database) {}

  async state(projectId: string, name: string): Promise<TerraformStateRow | undefined> {
    const [row] = await this.db.query<TerraformStateRow>('SELECT * FROM terraform_states WHERE project_id = $1 AND name = $2', [
      projectId,
      name,
    ]);
    return row;
  }

  /** The latest version's content, or undefined when the state has none. */
  async latest(projectId: string, name: string): Promise<{ version: number; content: string; md5: string } | undefined> {
    const [row] = await this.db.query<{ version: number; content: string; md5: string }>(
      `SELECT v.version, v.content, v.md5 FROM terraform_states s
JOIN terraform_state_versions v ON v.project_id = s.project_id AND v.name = s.name AND v.version = s.latest_version
WHERE s.project_id = $1 AND s.name = $2`,
      [projectId, name],
    );
    return row;
  }

  async version(projectId: string, name: string, version: number): Promise<(TerraformStateVersionRow & { content: string }) | undefined> {
    const [row] = await this.db.query<TerraformStateVersionRow & { content: string }>(
      `SELECT ${VERSION_COLUMNS}, content FROM terraform_state_versions WHERE project_id = $1 AND name = $2 AND version = $3`,
      [projectId, name, version],
    );
    return row;
  }

  /** Versions newest first, one page. */
  async versions(
    projectId: string,
    name: string,
    page: { page: number; perPage: number },
  ): Promise<{ items: TerraformStateVersionRow[]; total: number }> {
    const [{ total }] = await this.db.query<{ total: number }>(
      'SELECT count(*)::int AS total FROM terraform_state_versions WHERE project_id = $1 AND name = $2',
      [projectId, name],
    );
    const items = await this.db.query<TerraformStateVersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM terraform_state_versions WHERE project_id = $1 AND name = $2 ORDER BY version DESC LIMIT $3 OFFSET $4`,
      [projectId, name, page.perPage, (page.page - 1) * page.perPage],
    );
    return { items, total };
  }

  /**
   * Runs `fn` in one transaction on the state's row locked FOR UPDATE. With `create`, a missing state is created
   * first (empty, unlocked); without it `fn` gets undefined for a missing state.
   */
  async change<T>(
    projectId: string,
    name: string,
    options: { create: boolean; now: Date },
    fn: (found: { state: TerraformStateRow; write: TerraformStateWriter } | undefined) => Promise<T>,
  ): Promise<T> {
    const now = options.now.toISOString();
    return this.db.transaction(async (tx) => {
      if (options.create) {
        await tx.query(
          'INSERT INTO terraform_states (project_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT DO NOTHING',
          [projectId, name, now],
        );
      }
      const [state] = await tx.query<TerraformStateRow>('SELECT * FROM terraform_states WHERE project_id = $1 AND name = $2 FOR UPDATE', [
        projectId,
        name,
      ]);
      return fn(state && { state, write: writer(tx, state, now) });
    });
  }
}

function writer(tx: Queryable, state: TerraformStateRow, now: string): TerraformStateWriter {
  const key = [state.project_id, state.name];
  return {
    async lock(lock) {
      await tx.query(
        'UPDATE terraform_states SET lock_id = $3, lock_info = $4, locked_by_key_id = $5, locked_at = $6, updated_at = $6 WHERE project_id = $1 AND name = $2',
        [...key, lock.id, lock.info, lock.keyId, now],
      );
    },
    async unlock() {
      await tx.query(
        'UPDATE terraform_states SET lock_id = NULL, lock_info = NULL, locked_by_key_id = NULL, locked_at = NULL, updated_at = $3 WHERE project_id = $1 AND name = $2',
        [...key, now],
      );
    },
    async addVersion(v) {
      const version = state.latest_version + 1;
      // Both statements are sent together; the transaction commits only when both succeeded.
      await Promise.all([
        tx.query(
          `INSERT INTO terraform_state_versions (project_id, name, version, content, serial, lineage, size_bytes, md5, written_by_key_id, written_by, restored_from, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [
            ...key,
            version,
            v.content,
            v.serial,
            v.lineage,
            Buffer.byteLength(v.content),
            v.md5,
            v.writtenByKeyId,
            v.writtenBy,
            v.restoredFrom,
            now,
          ],
        ),
        tx.query('UPDATE terraform_states SET latest_version = $3, updated_at = $4 WHERE project_id = $1 AND name = $2', [
          ...key,
          version,
          now,
        ]),
      ]);
      state.latest_version = version;
      return version;
    },
    async content(version) {
      const [row] = await tx.query<{ content: string }>(
        'SELECT content FROM terraform_state_versions WHERE project_id = $1 AND name = $2 AND version = $3',
        [...key, version],
      );
      return row?.content;
    },
  };
}
