/**
 * One SQL dialect (PostgreSQL) on two engines: PGlite (embedded, a data directory; the default) or a PostgreSQL
 * server when DATABASE_URL is set. Everything above this module sees only `Database`.
 */
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { Client, Pool, types as pgTypes } from 'pg';
import { lockDataDir } from './data-dir-lock';

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
  /** Readiness: resolves when the store answers a statement within `timeoutMs`, rejects with the reason otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  /**
   * Calls `onNotify` with the payload of every NOTIFY on `channel`, from any server on this database, until the
   * returned function is called. An empty payload means notifications may have been missed (the listening
   * connection was lost): drop whatever they would have invalidated. On PGlite (one server per data dir) nothing
   * else can notify, so this listens to nothing.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** PGlite: records in the data directory's lock where this server serves its API. */
  announce?(url: string): void;
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
  /** The PGlite worker script (tests wrap it in one that can be made to die). @default pglite-worker.js */
  workerScript?: string;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return options.url
    ? openPostgres(options.url, options.poolSize ?? 10)
    : openPglite(options.dataDir, options.workerScript ?? join(__dirname, 'pglite-worker.js'), options.durable ?? true);
}

/**
 * PGlite in a worker thread (pglite-worker.js): statements run there, off the thread that serves HTTP, and the
 * two use both cores. Transactions keep PGlite's semantics: one at a time, other statements wait for it.
 * The data directory is locked (one writer per directory). A worker that dies fails its pending statements with
 * a clear error and is started again on the same directory; an in-memory store cannot come back and stays failed.
 */
async function openPglite(dataDir: string | undefined, script: string, durable: boolean): Promise<Database> {
  const lock = dataDir ? lockDataDir(dataDir) : undefined;
  let closing = false;
  let failure: Error | undefined;
  const restart = (reason: Error) => {
    if (closing || failure) return;
    if (!dataDir) {
      failure = new Error(`the in-memory database stopped (${reason.message}); restart the server`);
      return;
    }
    current = startWorker(script, { dataDir, durable }, restart);
    // A worker that cannot open the directory again leaves the store failed, and ping() says why.
    current.catch((err: Error) => (failure ??= new Error(`the embedded database stopped and could not be reopened: ${err.message}`)));
  };
  let current: Promise<PgliteWorker>;
  try {
    current = startWorker(script, { dataDir, durable }, restart);
    await current;
  } catch (err) {
    lock?.release();
    throw err;
  }
  const worker = async () => {
    if (failure) throw failure;
    return current;
  };
  let nextTx = 1;
  return {
    kind: 'pglite',
    async query<R>(sql: string, params?: unknown[]) {
      return (await (await worker()).call({ op: 'query', sql, params })).rows as R[];
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      // The whole transaction stays on the worker it began on: if that one dies, its statements fail.
      const w = await worker();
      // No round trip to begin: the worker holds this transaction's statements until PGlite has it open, so the
      // worker does not sit idle inside a transaction waiting for this thread.
      const tx = nextTx++;
      w.send({ op: 'begin', tx });
      let result: T;
      try {
        result = await fn({
          query: async <R>(sql: string, params?: unknown[]) => (await w.call({ op: 'query', sql, params, tx })).rows as R[],
        });
      } catch (err) {
        await w.call({ op: 'end', tx, commit: false }).catch(() => undefined);
        throw err;
      }
      await w.call({ op: 'end', tx, commit: true });
      return result;
    },
    async ping(timeoutMs = PING_TIMEOUT_MS) {
      await withTimeout((async () => (await worker()).call({ op: 'query', sql: 'SELECT 1', params: [] }))(), timeoutMs);
    },
    // One server per data dir: nothing else can notify.
    listen: async () => async () => undefined,
    announce: (url) => lock?.announce(url),
    async close() {
      closing = true;
      failure ??= new Error('the embedded database is closed');
      try {
        const w = await current.catch(() => undefined);
        if (w && !w.failure) {
          await w.call({ op: 'close' });
          await w.terminate();
        }
      } finally {
        lock?.release();
      }
    },
  };
}

interface PgliteWorker {
  /** Set once the worker is gone; every later call fails with it. */
  failure?: Error;
  call(msg: Record<string, unknown>): Promise<WorkerReply>;
  send(msg: Record<string, unknown>): void;
  terminate(): Promise<number>;
}

/** Starts one worker; `onDeath` hears when it fails after it was ready (its pending statements have been failed). */
async function startWorker(
  script: string,
  workerData: { dataDir?: string; durable: boolean },
  onDeath: (err: Error) => void,
): Promise<PgliteWorker> {
  const worker = new Worker(script, { workerData });
  const pending = new Map<number, { resolve: (m: WorkerReply) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  // The thread keeps the process alive only while a statement is in flight, like a socket would.
  worker.unref();
  const handle: PgliteWorker = {
    call(msg) {
      if (handle.failure) return Promise.reject(handle.failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ ...msg, id });
      });
    },
    send(msg) {
      if (!handle.failure) worker.postMessage(msg);
    },
    terminate: () => worker.terminate(),
  };
  const die = (err: Error) => {
    if (handle.failure) return;
    handle.failure = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    void worker.terminate();
    onDeath(err);
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (m: { ready?: true; failed?: WorkerError }) => (m.ready ? resolve() : reject(databaseError(m.failed!))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the embedded database worker exited (code ${code}) while opening`)));
  });
  worker.on('message', (m: { id: number; data: Uint8Array }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (!pending.size) worker.unref();
    // Replies come serialized, so a value this thread cannot read back (a JSON document nested deeper than its
    // stack allows) fails its own statement instead of the whole channel.
    let reply: WorkerReply;
    try {
      reply = deserialize(m.data) as WorkerReply;
    } catch (err) {
      p.reject(
        new Error(`the database returned a value this server cannot read (${(err as Error).message}): a JSON value nested too deeply?`),
      );
      return;
    }
    if (reply.error) p.reject(databaseError(reply.error));
    else p.resolve(reply);
  });
  worker.on('messageerror', (err) =>
    die(
      new Error(
        `the embedded database worker sent an unreadable message (${err.message}); it is restarted and the statement was not answered, retry it`,
      ),
    ),
  );
  worker.on('error', (err) =>
    die(new Error(`the embedded database worker failed (${err.message}); it is restarted and the statement was not answered, retry it`)),
  );
  worker.on('exit', (code) =>
    die(new Error(`the embedded database worker exited (code ${code}); it is restarted and the statement was not answered, retry it`)),
  );
  return handle;
}

/** How long ping() waits for the store to answer. */
const PING_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
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
  const listeners = new Set<() => Promise<void>>();
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
            const run = previous
              .then(() => client.query(sql, params as unknown[]))
              .then(
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
    async ping(timeoutMs = PING_TIMEOUT_MS) {
      await withTimeout(pool.query('SELECT 1'), timeoutMs);
    },
    listen: (channel, onNotify) => listenPostgres(url, channel, onNotify, listeners),
    async close() {
      await Promise.all([...listeners].map((stop) => stop()));
      await pool.end();
    },
  };
}

/** A dedicated connection LISTENing on `channel`; reconnects (telling `onNotify` with '') when it is lost. */
async function listenPostgres(url: string, channel: string, onNotify: (payload: string) => void, listeners: Set<() => Promise<void>>) {
  let client: Client | undefined;
  let stopped = false;
  const connect = async (): Promise<void> => {
    const next = new Client({ connectionString: url });
    next.on('error', () => undefined); // 'end' follows and reconnects
    next.on('notification', (n) => n.channel === channel && onNotify(n.payload ?? ''));
    await next.connect();
    await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
    client = next;
    onNotify(''); // anything revoked while no connection listened
    next.on('end', () => {
      if (stopped) return;
      onNotify('');
      const retry = () => void connect().catch(() => !stopped && setTimeout(retry, RELISTEN_MS).unref());
      setTimeout(retry, RELISTEN_MS).unref();
    });
  };
  await connect();
  const stop = async () => {
    stopped = true;
    listeners.delete(stop);
    await client?.end().catch(() => undefined);
  };
  listeners.add(stop);
  return stop;
}

const RELISTEN_MS = 500;
