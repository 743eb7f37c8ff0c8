/**
 * The data directory of an embedded cloud: the PGlite store (pgdata/), the files that go with it (the secret key
 * sealing BMC passwords, the admin token), automatic backups (backups/), and the record of the server running on
 * it (metalforge.lock: {pid, host, startedAt, url}), which lets the CLI find that server or refuse to touch a
 * store it holds.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { serializeDump, writeBackup } from './backup-file';
import { Database, openDatabase } from './database';
import { migrated, type Migration } from './migrations';
import { dumpStore } from './transfer';

/** Files of the data dir that a backup carries along with the database. */
const CARRIED_FILES = ['secret.key', 'admin-token'];
const SERVER_RECORD = 'metalforge.lock';

export const storeDir = (dataDir: string) => join(dataDir, 'pgdata');

export const hasStore = (dataDir: string) => existsSync(join(storeDir(dataDir), 'PG_VERSION'));

export interface ServerRecord {
  pid: number;
  host: string;
  startedAt: string;
  url?: string;
}

/** Records that this process serves the data dir; returns the function that removes the record. */
export function recordServer(dataDir: string, url: string): () => void {
  const path = join(dataDir, SERVER_RECORD);
  const record: ServerRecord = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), url };
  writeFileSync(path, JSON.stringify(record) + '\n');
  return () => rmSync(path, { force: true });
}

/** The server running on the data dir, if any (a record left by a process that is gone does not count). */
export function runningServer(dataDir: string): ServerRecord | undefined {
  let record: ServerRecord;
  try {
    record = JSON.parse(readFileSync(join(dataDir, SERVER_RECORD), 'utf8'));
  } catch {
    return undefined;
  }
  // A server on another host sharing this directory cannot be checked: assume it runs.
  if (record.host !== hostname()) return record;
  try {
    process.kill(record.pid, 0);
    return record;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? record : undefined;
  }
}

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
