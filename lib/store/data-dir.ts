/**
 * The data directory of an embedded cloud: the PGlite store (pgdata/), the files that go with it (the secret key
 * sealing BMC passwords, the admin token), automatic backups (backups/). The store's lock (pgdata.lock, see
 * data-dir-lock.ts) names the server running on it and its API URL, which lets the CLI find that server.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockHolder, type LockHolder } from './data-dir-lock';
import { serializeDump, writeBackup } from './backup-file';
import { Database, openDatabase } from './database';
import { migrated, type Migration } from './migrations';
import { dumpStore } from './transfer';

/** Files of the data dir that a backup carries along with the database. */
const CARRIED_FILES = ['secret.key', 'admin-token'];

export const storeDir = (dataDir: string) => join(dataDir, 'pgdata');

export const hasStore = (dataDir: string) => existsSync(join(storeDir(dataDir), 'PG_VERSION'));

/** The server holding the data dir's store, if any, and where it serves its API. */
export const runningServer = (dataDir: string): LockHolder | undefined => lockHolder(storeDir(dataDir));

/** The carried files present in the data dir (name → base64). */
export function readCarriedFiles(dataDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of CARRIED_FILES) {
    const path = join(dataDir, name);
    if (existsSync(path)) files[name] = readFileSync(path).toString('base64');
  }
  return files;
}

export function writeCarriedFiles(dataDir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    if (CARRIED_FILES.includes(name)) writeFileSync(join(dataDir, name), Buffer.from(content, 'base64'), { mode: 0o600 });
  }
}

/** A full backup of the store (and the carried files) to `path`. */
export async function backupStore(db: Database, dataDir: string, path: string): Promise<void> {
  writeBackup(path, serializeDump(await dumpStore(db), readCarriedFiles(dataDir)));
}

/**
 * Opens the data dir's store and brings its schema up to date; before migrating a store that has data, it is
 * backed up to backups/before-<versions>-<time>.mfbackup, so an upgrade can always be undone.
 */
export async function openDataDirStore(dataDir: string, options: { durable?: boolean; migrations?: Migration[] } = {}): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const db = await openDatabase({ dataDir: storeDir(dataDir), durable: options.durable });
  return migrated(db, options.migrations, {
    beforeApplying: async (pending) => {
      const dir = join(dataDir, 'backups');
      mkdirSync(dir, { recursive: true });
      const versions = pending.map((m) => m.version).join('-');
      await backupStore(db, dataDir, join(dir, `before-${versions}-${new Date().toISOString().replace(/[:.]/g, '')}.mfbackup`));
    },
  });
}
