/**
 * One SQL dialect (PostgreSQL) on two engines: PGlite (embedded, a data directory; the default) or a PostgreSQL
 * server when DATABASE_URL is set. Everything above this module sees only `Database`.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Pool, types as pgTypes } from 'pg';

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws or when any of its
   * statements failed (even one whose error `fn` caught). Statements may be sent without waiting for each other;
   * they run in the order sent.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when set, PGlite is not used. */
  url?: string;
  /** PGlite data directory; omitted = in memory (tests). */
  dataDir?: string;
  /**
   * PGlite: a commit is acknowledged only once it is on stable storage (the WAL is synced). false = acknowledged
   * from the page cache: faster, but a power loss or kernel crash loses recent commits (throwaway clouds only).
   * On PostgreSQL the server's own settings (fsync, synchronous_commit) decide. @default true
   */
  durable?: boolean;
  /** Pool size for PostgreSQL. @default 10 */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return options.url ? openPostgres(options.url, options.poolSize ?? 10) : openPglite(options.dataDir, options.durable ?? true);
}

/**
 * PGlite in a worker thread (pglite-worker.js): statements run there, off the thread that serves HTTP, and the
 * two use both cores. Transactions keep PGlite's semantics: one at a time, other statements wait for it.
 */
async function openPglite(dataDir: string | undefined, durable: boolean): Promise<Database> {
  const worker = new Worker(join(__dirname, 'pglite-worker.js'), { workerData: { dataDir, durable } });
  const pending = new Map<number, { resolve: (m: WorkerReply) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  // The thread keeps the process alive only while a statement is in flight, like a socket would.
  worker.unref();
  const fail = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (m: { ready?: true; failed?: WorkerError }) => (m.ready ? resolve() : reject(databaseError(m.failed!))));
    worker.once('error', reject);
  });
  worker.on('message', (m: WorkerReply & { id: number }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (!pending.size) worker.unref();
    if (m.error) p.reject(databaseError(m.error));
    else p.resolve(m);
  });
  worker.on('error', (err) => fail(new Error(`the embedded database stopped: ${err.message}`)));
  worker.on('exit', () => fail(new Error('the embedded database is closed')));
  const call = (msg: Record<string, unknown>): Promise<WorkerReply> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...msg, id });
    });
  };
  const query = async <R>(sql: string, params?: unknown[], tx?: number) => (await call({ op: 'query', sql, params, tx })).rows as R[];
  let nextTx = 1;
  return {
    kind: 'pglite',
    query: (sql, params) => query(sql, params),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      if (failure) throw failure;
      // No round trip to begin: the worker holds this transaction's statements until PGlite has it open, so the
      // worker does not sit idle inside a transaction waiting for this thread.
      const tx = nextTx++;
      worker.postMessage({ op: 'begin', tx });
      let result: T;
      try {
        result = await fn({ query: (sql, params) => query(sql, params, tx) });
      } catch (err) {
        await call({ op: 'end', tx, commit: false }).catch(() => undefined);
        throw err;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    async close() {
      if (failure) return;
      await call({ op: 'close' });
      await worker.terminate();
    },
  };
}

interface WorkerError {
  message: string;
  code?: string;
  detail?: string;
  constraint?: string;
}

interface WorkerReply {
  rows?: unknown[];
  error?: WorkerError;
}

/** A database error from the worker, with PostgreSQL's SQLSTATE (err.code) and details as pg and PGlite give them. */
function databaseError(e: WorkerError): Error {
  return Object.assign(new Error(e.message), { code: e.code, detail: e.detail, constraint: e.constraint });
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
      let failed: unknown;
      // Statements sent without waiting are queued here, in order: pg's own queueing of them is deprecated.
      let previous: Promise<unknown> = Promise.resolve();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query<R>(sql: string, params?: unknown[]) {
            const run = previous.then(() => client.query(sql, params as unknown[])).then(
              (r) => r.rows as R[],
              (err: unknown) => {
                failed ??= err;
                throw err;
              },
            );
            previous = run.catch(() => undefined);
            return run;
          },
        });
        // Statements the caller did not wait for still run first. PostgreSQL answers COMMIT after a failed
        // statement with a silent ROLLBACK: report the failure instead.
        await previous;
        if (failed) throw failed;
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await previous;
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
