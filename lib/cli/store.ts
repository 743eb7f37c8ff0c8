/**
 * The store across its life: `backup` (also of a running server, through its operator API), `restore` into an
 * empty data dir, `store migrate` from the embedded store to PostgreSQL, `store sql` against a stopped store.
 */
import { Command, Option } from 'commander';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDump, readBackup, serializeDump, writeBackup } from '../store/backup-file';
import { Database, openDatabase } from '../store/database';
import { hasStore, openDataDirStore, readCarriedFiles, runningServer, storeDir, writeCarriedFiles } from '../store/data-dir';
import { loadMigrations, migrated, splitStatements } from '../store/migrations';
import { dumpStore, loadStore, releaseJobLeases, tablesInOrder, type TableSummary } from '../store/transfer';

const out = (lines: string[]) => process.stdout.write(lines.join('\n') + '\n');

/** The stopped store of a data dir, opened as it is (no migrations); refused while a server holds it. */
async function openStopped(dataDir: string, purpose: string): Promise<Database> {
  const server = runningServer(dataDir);
  if (server) throw new Error(`a metalforge server (pid ${server.pid} on ${server.host}) holds ${dataDir}: stop it before ${purpose}`);
  if (!hasStore(dataDir)) throw new Error(`${dataDir} holds no embedded store (no ${join(storeDir(dataDir), 'PG_VERSION')})`);
  return openDatabase({ dataDir: storeDir(dataDir) });
}

async function backup(flags: { dataDir: string; to: string; adminToken?: string }): Promise<void> {
  const dataDir = resolve(flags.dataDir);
  const server = runningServer(dataDir);
  let text: string;
  if (server?.url) {
    // The running server holds the store: it takes the backup from one snapshot while it keeps serving.
    const tokenFile = join(dataDir, 'admin-token');
    const token = flags.adminToken ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
    if (!token)
      throw new Error(
        `the server on ${dataDir} runs with an admin token given at its start: pass it with --admin-token (or METALFORGE_ADMIN_TOKEN)`,
      );
    const res = await fetch(`${server.url}/metal/v1/operator/backup`, { headers: { 'x-auth-token': token } });
    if (!res.ok) throw new Error(`the server at ${server.url} refused the backup: ${res.status} ${await res.text()}`);
    text = await res.text();
  } else {
    const db = await openStopped(dataDir, 'backing it up');
    try {
      text = serializeDump(await dumpStore(db));
    } finally {
      await db.close();
    }
  }
  const { dump } = parseDump(text);
  writeBackup(resolve(flags.to), serializeDump(dump, readCarriedFiles(dataDir)));
  const rows = dump.tables.reduce((n, t) => n + t.rows, 0);
  out([
    `backed up ${rows} rows in ${dump.tables.length} tables (schema version ${dump.schemaVersion}, as of ${dump.takenAt}${server ? ', from the running server' : ''}) to ${resolve(flags.to)}`,
  ]);
}

async function restore(flags: { from: string; dataDir: string }): Promise<void> {
  const dataDir = resolve(flags.dataDir);
  if (existsSync(dataDir) && readdirSync(dataDir).length)
    throw new Error(`${dataDir} is not empty: restore only into an empty or new directory`);
  const { dump, files } = readBackup(resolve(flags.from));
  const known = loadMigrations();
  if (dump.schemaVersion > Math.max(...known.map((m) => m.version))) {
    throw new Error(`the backup was taken by a newer metalforge (schema version ${dump.schemaVersion}): restore it with that version`);
  }
  mkdirSync(dataDir, { recursive: true });
  // The schema as it was at the backup; a server started on the restored dir migrates it further (after a backup).
  const db = await migrated(
    await openDatabase({ dataDir: storeDir(dataDir) }),
    known.filter((m) => m.version <= dump.schemaVersion),
  );
  try {
    const tables = await loadStore(db, dump);
    writeCarriedFiles(dataDir, files);
    out([`restored the backup of ${dump.takenAt} into ${dataDir}:`, ...tableLines(tables)]);
  } finally {
    await db.close();
  }
}

async function migrateToPostgres(flags: { fromDataDir: string; to: string }): Promise<void> {
  const dataDir = resolve(flags.fromDataDir);
  const server = runningServer(dataDir);
  if (server) throw new Error(`a metalforge server (pid ${server.pid} on ${server.host}) holds ${dataDir}: stop it first, then migrate`);
  if (!hasStore(dataDir)) throw new Error(`${dataDir} holds no embedded store`);
  const target = await openDatabase({ url: flags.to, poolSize: 2 });
  try {
    const existing = await tablesInOrder(target);
    if (existing.length)
      throw new Error(
        `the target database is not empty (it has tables ${existing.slice(0, 5).join(', ')}${existing.length > 5 ? ', ...' : ''}): migrate only into an empty database`,
      );
    const source = await openDataDirStore(dataDir);
    try {
      await migrated(target);
      const tables = await loadStore(target, await dumpStore(source));
      // The embedded server that leased jobs is stopped: the servers on PostgreSQL may claim them at once.
      await releaseJobLeases(target);
      out([
        `moved the embedded store of ${dataDir} into PostgreSQL; every table arrived with the same rows and checksum:`,
        ...tableLines(tables),
        '',
        'start servers on it with the same secret key (it seals the BMC passwords) and admin token:',
        `  METALFORGE_SECRET_KEY=$(cat ${join(dataDir, 'secret.key')}) metalforge server --database-url <url> --admin-token <token>`,
      ]);
    } finally {
      await source.close();
    }
  } finally {
    await target.close();
  }
}

function tableLines(tables: TableSummary[]): string[] {
  const width = Math.max(...tables.map((t) => t.name.length));
  return tables.map((t) => `  ${t.name.padEnd(width)}  ${String(t.rows).padStart(8)} rows  md5 ${t.checksum}`);
}

async function sql(statements: string[], flags: { dataDir: string }): Promise<void> {
  const text = statements.length ? statements.join(' ') : readFileSync(0, 'utf8');
  const db = await openStopped(resolve(flags.dataDir), 'running SQL on it');
  try {
    for (const statement of splitStatements(text)) out(formatRows(await db.query(statement)));
  } finally {
    await db.close();
  }
}

/** Rows as an aligned text table, psql style. */
export function formatRows(rows: Record<string, unknown>[]): string[] {
  if (!rows.length) return ['(0 rows)'];
  const columns = Object.keys(rows[0]);
  const cell = (v: unknown) =>
    v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) =>
    ' ' +
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [
    line(columns),
    '-' + widths.map((w) => '-'.repeat(w)).join('-+-') + '-',
    ...cells.map(line),
    `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  ];
}

export function registerStoreCommands(program: Command): void {
  const dataDir = () =>
    new Option('--data-dir <dir>', 'the data dir of the embedded store').env('METALFORGE_DATA_DIR').default('.metalforge/data');
  program
    .command('backup')
    .description('back up an embedded store, also while its server runs (no stop needed), to a file')
    .addOption(dataDir())
    .requiredOption('--to <file>', 'backup file to write')
    .addOption(
      new Option('--admin-token <token>', "the running server's operator token (default: <data-dir>/admin-token)").env(
        'METALFORGE_ADMIN_TOKEN',
      ),
    )
    .action(backup);
  program
    .command('restore')
    .description('restore a backup into an empty data dir')
    .requiredOption('--from <file>', 'backup file')
    .addOption(dataDir().makeOptionMandatory())
    .action(restore);
  const store = program.command('store').description('the embedded store: move it to PostgreSQL, look inside');
  store
    .command('migrate')
    .description('move a stopped embedded store into an empty PostgreSQL database, checking every table')
    .requiredOption('--from-data-dir <dir>', 'data dir of the embedded store')
    .requiredOption('--to <url>', 'postgres:// connection string of an empty database')
    .action(migrateToPostgres);
  store
    .command('sql [statements...]')
    .alias('psql')
    .description('run SQL (arguments, or stdin) against a stopped embedded store and print the rows')
    .addOption(dataDir())
    .action(sql);
}
