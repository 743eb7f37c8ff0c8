/**
 * The backup file: gzip of newline-delimited JSON. The first line describes the backup (format, schema version,
 * time, each table's row count and checksum, and the data dir's own files such as the secret key that seals BMC
 * passwords); each further line is one row, `<table>\t<row as JSON>`, tables in load order.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { StoreDump } from './transfer';

const FORMAT = 'metalforge-backup';

export interface Backup {
  dump: StoreDump;
  /** Files of the data dir besides the database (name → base64 content). */
  files: Record<string, string>;
}

/** The dump as text: the form the server's backup endpoint answers with (no files). */
export function serializeDump(dump: StoreDump, files: Record<string, string> = {}): string {
  const header = {
    format: FORMAT,
    version: 1,
    schemaVersion: dump.schemaVersion,
    takenAt: dump.takenAt,
    files,
    tables: dump.tables.map(({ data: _, ...t }) => t),
  };
  const lines = [JSON.stringify(header)];
  for (const table of dump.tables) for (const row of table.data) lines.push(`${table.name}\t${row}`);
  return lines.join('\n') + '\n';
}

export function parseDump(text: string): Backup {
  const lines = text.split('\n');
  let header: { format?: string; schemaVersion: number; takenAt: string; files?: Record<string, string>; tables: StoreDump['tables'] };
  try {
    header = JSON.parse(lines[0]);
  } catch {
    header = { schemaVersion: 0, takenAt: '', tables: [] };
  }
  if (header.format !== FORMAT) throw new Error('this is not a metalforge backup (its first line is not a metalforge-backup header)');
  const tables = new Map(header.tables.map((t) => [t.name, { ...t, data: [] as string[] }]));
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    const table = tables.get(line.slice(0, tab));
    if (!table) throw new Error(`the backup has a row of table "${line.slice(0, tab)}" that its header does not list: the file is damaged`);
    table.data.push(line.slice(tab + 1));
  }
  return {
    dump: { schemaVersion: header.schemaVersion, takenAt: header.takenAt, tables: [...tables.values()] },
    files: header.files ?? {},
  };
}

/** Writes the backup next to `path` first and renames it into place once it is on disk: never half a backup. */
export function writeBackup(path: string, text: string): void {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w', 0o600);
  try {
    writeSync(fd, gzipSync(text));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
}

export function readBackup(path: string): Backup {
  let text: string;
  try {
    text = gunzipSync(readFileSync(path)).toString('utf8');
  } catch (err) {
    throw new Error(`cannot read the backup ${path}: ${(err as Error).message}`);
  }
  return parseDump(text);
}
