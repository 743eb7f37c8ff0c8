import { Database, openDatabase } from '../../lib/store/database';
import { loadMigrations, migrate } from '../../lib/store/migrations';
import { describeWithPostgres, PgCluster, startPgCluster } from '../support/pg-cluster';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeTempDirs, tempDir } from '../support/cloud';

afterAll(() => removeTempDirs());

it('refuses two migration files with one number (the second would never run), and orders them by number', () => {
  const dir = tempDir('metalforge-migrations-');
  for (const name of ['2_b.sql', '10_c.sql', '1_a.sql']) writeFileSync(join(dir, name), 'SELECT 1');
  expect(loadMigrations(dir).map((m) => m.version)).toEqual([1, 2, 10]);
  writeFileSync(join(dir, '010_d.sql'), 'SELECT 1');
  expect(() => loadMigrations(dir)).toThrow(/two migrations are numbered 10 .*give each its own number/);
});

/** The same checks on each engine: all migrations apply once, a second run applies nothing and keeps the data. */
function migrationBehaviour(open: () => Promise<Database>) {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('applies every migration on an empty database and records it', async () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(versions.length).toBeGreaterThan(0);
    expect(await migrate(db)).toEqual(versions);
    const recorded = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(recorded.map((r) => r.version)).toEqual(versions);
    const tables = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['devices', 'machines', 'jobs', 'events', 'api_keys', 'idempotency_keys']),
    );
  });

  it('is idempotent: a second run applies nothing and leaves the data alone', async () => {
    await db.query(`INSERT INTO organizations (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'kept')`);
    expect(await migrate(db)).toEqual([]);
    const [org] = await db.query<{ name: string }>('SELECT name FROM organizations');
    expect(org.name).toBe('kept');
  });

  it('applies only migrations it has not seen', async () => {
    const extra = {
      version: 9999,
      name: '9999_test_extra',
      sql: 'CREATE TABLE test_extra (id int PRIMARY KEY);\nINSERT INTO test_extra VALUES (1)',
    };
    expect(await migrate(db, [...loadMigrations(), extra])).toEqual([9999]);
    expect(await migrate(db, [...loadMigrations(), extra])).toEqual([]);
    expect(await db.query('SELECT id FROM test_extra')).toEqual([{ id: 1 }]);
  });

  it('refuses a database written by a newer metalforge, naming both versions', async () => {
    const known = Math.max(...loadMigrations().map((m) => m.version));
    await expect(migrate(db)).rejects.toThrow(
      `written by a newer metalforge: its schema is at version 9999, this metalforge knows versions up to ${known}`,
    );
  });

  it('applies pending migrations all or nothing, after the hook that backs the store up', async () => {
    const extra = { version: 9999, name: '9999_test_extra', sql: 'CREATE TABLE test_extra (id int PRIMARY KEY)' };
    const good = { version: 10001, name: '10001_good', sql: 'CREATE TABLE good_part (id int)' };
    const broken = { version: 10002, name: '10002_broken', sql: 'SELECT * FROM no_such_table' };
    const seen: number[][] = [];
    const beforeApplying = async (pending: { version: number }[]) => void seen.push(pending.map((m) => m.version));
    await expect(migrate(db, [...loadMigrations(), extra, good, broken], { beforeApplying })).rejects.toThrow(/no_such_table/);
    expect(seen).toEqual([[10001, 10002]]);
    expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'good_part'`)).toEqual([]);
    expect(await db.query('SELECT version FROM schema_migrations WHERE version > 9999')).toEqual([]);
    expect(await migrate(db, [...loadMigrations(), extra], { beforeApplying })).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('rolls back a failing migration entirely and does not record it', async () => {
    const broken = { version: 10000, name: '10000_broken', sql: 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table' };
    await expect(migrate(db, [broken])).rejects.toThrow(/no_such_table/);
    expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`)).toEqual([]);
    expect(await db.query('SELECT 1 FROM schema_migrations WHERE version = 10000')).toEqual([]);
  });
}

describe('migrations on PGlite', () => {
  migrationBehaviour(() => openDatabase());
});

describeWithPostgres('migrations on PostgreSQL', () => {
  let cluster: PgCluster;
  let url: string;
  beforeAll(async () => {
    cluster = await startPgCluster();
    url = await cluster.createDatabase('migrations');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  describe('one starter', () => {
    migrationBehaviour(() => openDatabase({ url }));
  });

  it('concurrent starters on one server apply each migration exactly once', async () => {
    const fresh = await cluster.createDatabase('migrations_race');
    const dbs = await Promise.all([1, 2, 3].map(() => openDatabase({ url: fresh, poolSize: 2 })));
    try {
      const applied = await Promise.all(dbs.map((d) => migrate(d)));
      expect(applied.flat().sort((a, b) => a - b)).toEqual(loadMigrations().map((m) => m.version));
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
    }
  });
});
