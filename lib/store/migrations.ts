/**
 * Versioned migrations (migrations/NNN_name.sql), applied in order at start, all pending ones in one transaction,
 * and recorded in schema_migrations. On PostgreSQL an advisory lock keeps concurrent starters from racing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Queryable } from './database';

const MIGRATIONS_DIR = join(__dirname, 'migrations');
const LOCK_ID = 7_245_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((f) => ({ version: Number(f.split('_')[0]), name: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  // Two files with one number: the second would be taken as applied and silently never run.
  const twice = migrations.find((m, i) => i > 0 && migrations[i - 1].version === m.version);
  if (twice) throw new Error(`two migrations are numbered ${twice.version} in ${dir}: give each its own number`);
  return migrations;
}

export interface MigrateOptions {
  /** Runs before pending migrations are applied to a store that already has a schema (e.g. to back it up). */
  beforeApplying?: (pending: Migration[]) => Promise<void>;
}

/**
 * Applies pending migrations, all in one transaction (an upgrade applies completely or not at all); returns the
 * versions applied now. Refuses a store whose schema is newer than this build's migrations.
 */
export async function migrate(db: Database, migrations = loadMigrations(), options: MigrateOptions = {}): Promise<number[]> {
  // CREATE TABLE IF NOT EXISTS itself races between concurrent starters (duplicate pg_type row): take the lock first.
  await db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
  });
  const applied = async (q: Queryable) =>
    new Set((await q.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
  const before = await applied(db);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const newest = Math.max(0, ...before);
  if (newest > known) {
    throw new Error(
      `this database was written by a newer metalforge: its schema is at version ${newest}, this metalforge knows versions up to ${known}; ` +
        'run that newer metalforge (or restore a backup taken before the upgrade)',
    );
  }
  const pending = migrations.filter((m) => !before.has(m.version));
  if (!pending.length) return [];
  if (before.size) await options.beforeApplying?.(pending);
  return db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    // Another starter may have applied some meanwhile.
    const done = await applied(tx);
    const now: number[] = [];
    for (const m of migrations.filter((m) => !done.has(m.version))) {
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      now.push(m.version);
    }
    return now;
  });
}

/** `db` with its schema brought up to date; closed when migrating fails. */
export async function migrated(db: Database, migrations?: Migration[], options?: MigrateOptions): Promise<Database> {
  try {
    await migrate(db, migrations, options);
    return db;
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** Splits a migration file into statements at semicolons outside $$-quoted bodies; drops -- comments. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let quoted = false;
  for (const line of sql.split('\n')) {
    const text = quoted ? line : line.replace(/--.*$/, '');
    for (const part of text.split(/(\$\$|;)/)) {
      if (part === '$$') quoted = !quoted;
      if (part === ';' && !quoted) {
        if (current.trim()) statements.push(current.trim());
        current = '';
      } else current += part;
    }
    current += '\n';
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
