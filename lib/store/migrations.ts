/**
 * Versioned migrations (migrations/NNN_name.sql), applied in order at start inside one transaction each and
 * recorded in schema_migrations. On PostgreSQL an advisory lock keeps concurrent starters from racing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './database';

const MIGRATIONS_DIR = join(__dirname, 'migrations');
const LOCK_ID = 7_245_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.split('_')[0]), name: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

/** Applies pending migrations; returns the versions applied now. */
export async function migrate(db: Database, migrations = loadMigrations()): Promise<number[]> {
  // CREATE TABLE IF NOT EXISTS itself races between concurrent starters (duplicate pg_type row): take the lock first.
  await db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
      const rows = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (rows.length) return false;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
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
