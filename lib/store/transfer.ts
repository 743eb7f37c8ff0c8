/**
 * Whole-store copies, table by table, in the one SQL dialect both engines speak: the logical backup (`metalforge
 * backup`), its restore, the automatic backup before migrations, and the move from the embedded store to
 * PostgreSQL (`metalforge store migrate`). Rows travel as PostgreSQL's own JSON text (row_to_json), so every
 * column type comes back exactly as it went out, and each table carries a row count and a checksum that the
 * receiving side recomputes.
 */
import type { Database, Queryable } from './database';

export interface TableSummary {
  name: string;
  rows: number;
  /** md5 over the table's rows as JSON text, sorted. */
  checksum: string;
}

export interface StoreDump {
  /** The highest migration applied to the dumped store. */
  schemaVersion: number;
  takenAt: string;
  tables: (TableSummary & { data: string[] })[];
}

/** Rows go into the receiving store this many at a time. */
const LOAD_CHUNK = 1000;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The store's tables, each after the tables its foreign keys point to (so rows load in this order). */
export async function tablesInOrder(q: Queryable): Promise<string[]> {
  const tables = (
    await q.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
  ).map((t) => t.name);
  const references = await q.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const r of references) if (r.child === table && r.parent !== table) visit(r.parent, path);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

/** The highest migration applied, or 0 for a store without one. */
export async function schemaVersion(q: Queryable): Promise<number> {
  const [table] = await q.query<{ present: boolean }>(`SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present`);
  if (!table.present) return 0;
  const [row] = await q.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  return row.version ?? 0;
}

/** Rows as JSON text and times in UTC, so both engines write the same text for the same row. */
async function utc(q: Queryable): Promise<void> {
  await q.query(`SET LOCAL TimeZone = 'UTC'`);
}

async function summarize(q: Queryable, table: string): Promise<TableSummary> {
  const [row] = await q.query<{ rows: number; checksum: string }>(
    `SELECT count(*)::int AS rows, md5(coalesce(string_agg(r, E'\\n' ORDER BY r COLLATE "C"), '')) AS checksum FROM (SELECT row_to_json(t)::text AS r FROM ${quote(table)} t) s`,
  );
  return { name: table, ...row };
}

/** Every table of the store, read in one transaction: a consistent snapshot while the store keeps serving. */
export async function dumpStore(db: Database): Promise<StoreDump> {
  return db.transaction(async (tx) => {
    // One snapshot for every table (PostgreSQL); PGlite runs nothing else while this transaction is open.
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await utc(tx);
    const takenAt = (await tx.query<{ now: string }>(`SELECT to_json(now())#>>'{}' AS now`))[0].now;
    const version = await schemaVersion(tx);
    const tables: StoreDump['tables'] = [];
    for (const name of await tablesInOrder(tx)) {
      const data = (await tx.query<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM ${quote(name)} t`)).map((row) => row.r);
      tables.push({ ...(await summarize(tx, name)), data });
    }
    return { schemaVersion: version, takenAt, tables };
  });
}

/** Tables of an empty store hold no rows (a store only migrated counts as empty); the first one with rows, if any. */
export async function firstTableWithRows(db: Database): Promise<string | undefined> {
  for (const table of await tablesInOrder(db)) {
    if (table === 'schema_migrations') continue;
    const [row] = await db.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${quote(table)}) AS any`);
    if (row.any) return table;
  }
  return undefined;
}

/**
 * Loads a dump into a store whose schema is at the dump's version and whose tables are empty, in one transaction,
 * checking each table's row count and checksum against the dump's as it loads. Sequences continue after the loaded rows.
 */
export async function loadStore(db: Database, dump: StoreDump): Promise<TableSummary[]> {
  return db.transaction(async (tx) => {
    await utc(tx);
    const known = new Set(await tablesInOrder(tx));
    const missing = dump.tables.filter((t) => !known.has(t.name)).map((t) => t.name);
    if (missing.length) throw new Error(`the receiving store has no table ${missing.join(', ')}: its schema does not match the dump's`);
    const loaded: TableSummary[] = [];
    for (const table of dump.tables) {
      // The receiving store's migrations wrote their own rows here already.
      if (table.name === 'schema_migrations') await tx.query('DELETE FROM schema_migrations');
      // Rows arrive as they were: triggers (e.g. the devices version counters) must not change them on the way.
      await tx.query(`ALTER TABLE ${quote(table.name)} DISABLE TRIGGER USER`);
      for (let i = 0; i < table.data.length; i += LOAD_CHUNK) {
        const rows = `[${table.data.slice(i, i + LOAD_CHUNK).join(',')}]`;
        await tx.query(`INSERT INTO ${quote(table.name)} SELECT * FROM json_populate_recordset(NULL::${quote(table.name)}, $1::json)`, [
          rows,
        ]);
      }
      await tx.query(`ALTER TABLE ${quote(table.name)} ENABLE TRIGGER USER`);
      // Checked before the next table loads, so a damaged table is named as such, not as the next one's broken reference.
      const summary = await summarize(tx, table.name);
      if (summary.rows !== table.rows || summary.checksum !== table.checksum) {
        throw new Error(
          `table ${table.name} did not arrive intact: ${summary.rows} rows (checksum ${summary.checksum}), expected ${table.rows} (${table.checksum})`,
        );
      }
      loaded.push(summary);
    }
    const serials = await tx.query<{ table: string; column: string }>(
      `SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'`,
    );
    for (const { table, column } of serials) {
      await tx.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${quote(column)}), 0) + 1, false) FROM ${quote(table)}`, [
        quote(table),
        column,
      ]);
    }
    return loaded;
  });
}

/** Jobs leased by a server that is no longer running become claimable at once. */
export async function releaseJobLeases(q: Queryable): Promise<void> {
  await q.query('UPDATE jobs SET locked_until = NULL WHERE locked_until IS NOT NULL');
}
