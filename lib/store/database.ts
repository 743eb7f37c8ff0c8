/**
 * One SQL dialect (PostgreSQL) on two engines: PGlite (embedded, a data directory; the default) or a PostgreSQL
 * server when DATABASE_URL is set. Everything above this module sees only `Database`.
 */
import { PGlite } from '@electric-sql/pglite';
import { Pool, types as pgTypes } from 'pg';

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when set, PGlite is not used. */
  url?: string;
  /** PGlite data directory; omitted = in memory (tests). */
  dataDir?: string;
  /** Pool size for PostgreSQL. @default 10 */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return options.url ? openPostgres(options.url, options.poolSize ?? 10) : openPglite(options.dataDir);
}

async function openPglite(dataDir?: string): Promise<Database> {
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  return {
    kind: 'pglite',
    async query<R>(sql: string, params?: unknown[]) {
      return (await db.query<R>(sql, params)).rows;
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return db.transaction((tx) =>
        fn({
          async query<R>(sql: string, params?: unknown[]) {
            return (await tx.query<R>(sql, params)).rows;
          },
        }),
      );
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}

// int8 (bigint) and numeric columns come back as JS numbers, as PGlite returns them.
pgTypes.setTypeParser(20, (v) => Number(v));
pgTypes.setTypeParser(1700, (v) => Number(v));

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new Pool({ connectionString: url, max: poolSize });
  // An idle connection dropped by the server (restart, failover) is emitted here; unhandled it would crash the
  // process. The pool has already discarded it and the next query opens a new one.
  pool.on('error', () => undefined);
  // Fail fast with a clear message when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  return {
    kind: 'postgres',
    async query<R>(sql: string, params?: unknown[]) {
      return (await pool.query(sql, params as unknown[])).rows as R[];
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          async query<R>(sql: string, params?: unknown[]) {
            return (await client.query(sql, params as unknown[])).rows as R[];
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
