/**
 * A data dir across upgrades: opening it migrates after an automatic backup (only when migrations are pending on a
 * store with a schema), a failing migration leaves it as it was, a newer one is refused; and the server holding it.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readBackup } from '../../lib/store/backup-file';
import { openDataDirStore, runningServer, storeDir } from '../../lib/store/data-dir';
import { lockDataDir } from '../../lib/store/data-dir-lock';
import { loadMigrations } from '../../lib/store/migrations';
import { removeTempDirs, tempDir } from '../support/cloud';

jest.setTimeout(120_000);

afterAll(() => removeTempDirs());

const extra = { version: 9999, name: '9999_test_extra', sql: 'CREATE TABLE test_extra (id int PRIMARY KEY)' };
const broken = { version: 10000, name: '10000_broken', sql: 'DROP TABLE organizations CASCADE;\nSELECT * FROM no_such_table' };

const backups = (dir: string) => (existsSync(join(dir, 'backups')) ? readdirSync(join(dir, 'backups')) : []);

it('backs up before pending migrations, leaves the store as it was when one fails, refuses a newer store', async () => {
  const dir = tempDir('metalforge-data-dir-');
  let db = await openDataDirStore(dir);
  expect(backups(dir)).toEqual([]); // a new store has nothing to back up
  await db.query(`INSERT INTO organizations (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'kept')`);
  await db.close();
  writeFileSync(join(dir, 'secret.key'), 'sealing key');

  db = await openDataDirStore(dir); // nothing pending: no backup
  await db.close();
  expect(backups(dir)).toEqual([]);

  await expect(openDataDirStore(dir, { migrations: [...loadMigrations(), extra, broken] })).rejects.toThrow(/no_such_table/);
  const [before] = backups(dir);
  expect(before).toMatch(/^before-9999-10000-.*\.mfbackup$/);
  const backup = readBackup(join(dir, 'backups', before));
  expect(backup.dump.tables.find((t) => t.name === 'organizations')?.data).toEqual([expect.stringContaining('"kept"')]);
  expect(Buffer.from(backup.files['secret.key'], 'base64').toString()).toBe('sealing key');

  // Nothing of the failed upgrade stayed: not the dropped table, not the migration before it.
  db = await openDataDirStore(dir);
  expect(await db.query('SELECT name FROM organizations')).toEqual([{ name: 'kept' }]);
  expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'test_extra'`)).toEqual([]);
  await db.close();

  db = await openDataDirStore(dir, { migrations: [...loadMigrations(), extra] });
  await db.close();
  expect(backups(dir)).toHaveLength(2);
  await expect(openDataDirStore(dir)).rejects.toThrow(/written by a newer metalforge: its schema is at version 9999/);
});

it('knows whether a live server holds the data dir', () => {
  const dir = tempDir('metalforge-data-dir-');
  expect(runningServer(dir)).toBeUndefined();
  const lock = lockDataDir(storeDir(dir));
  expect(runningServer(dir)).toMatchObject({ pid: process.pid });
  lock.announce('http://127.0.0.1:1');
  expect(runningServer(dir)).toMatchObject({ pid: process.pid, url: 'http://127.0.0.1:1' });
  lock.release();
  expect(runningServer(dir)).toBeUndefined();
  // A lock left by a process that is gone (pid beyond the kernel's maximum) does not count.
  writeFileSync(`${storeDir(dir)}.lock`, JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), started_at: '' }));
  expect(runningServer(dir)).toBeUndefined();
});
