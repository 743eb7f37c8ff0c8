/** The store on PGlite (worker thread) and, when available, PostgreSQL: transactions, errors, concurrency. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Batcher } from '../../lib/store/batcher';
import { openDatabase, type Database } from '../../lib/store/database';
import { availableBackends, freshPostgresUrl, removeTempDirs, stopPostgres, tempDir } from '../support/cloud';

afterAll(async () => {
  await stopPostgres();
  removeTempDirs();
});

/** A JSON array nested `depth` levels: PGlite stores it, but reading it back overflows a thread's stack. */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe.each(availableBackends())('database on %s', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase(backend === 'postgres' ? { url: await freshPostgresUrl() } : {});
    await db.query('CREATE TABLE items (id int PRIMARY KEY, body text NOT NULL, at timestamptz, doc jsonb)');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('returns rows with PostgreSQL types as JavaScript values', async () => {
    await db.query('INSERT INTO items VALUES ($1, $2, $3, $4::jsonb)', [1, 'one', '2026-01-02T03:04:05Z', JSON.stringify({ a: [1, 2] })]);
    const [row] = await db.query<{ id: number; body: string; at: Date; doc: unknown }>('SELECT * FROM items WHERE id = 1');
    expect(row).toEqual({ id: 1, body: 'one', at: new Date('2026-01-02T03:04:05Z'), doc: { a: [1, 2] } });
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO items (id, body) VALUES (2, $1)', ['two']);
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM items'))[0].n;
    });
    expect(result).toBe(2);
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO items (id, body) VALUES (3, $1)', ['three']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await db.query('SELECT id FROM items ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('keeps PostgreSQL error codes (SQLSTATE) and messages', async () => {
    await expect(db.query('INSERT INTO items (id, body) VALUES (1, $1)', ['again'])).rejects.toMatchObject({
      code: '23505',
      message: expect.stringMatching(/duplicate key/),
    });
    await expect(db.query('SELECT nope FROM items')).rejects.toMatchObject({ code: '42703' });
    // A failed statement inside a transaction fails the transaction, and nothing of it is kept.
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO items (id, body) VALUES (4, $1)', ['four']);
        await tx.query('INSERT INTO items (id, body) VALUES (1, $1)', ['dup']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.query('SELECT id FROM items WHERE id = 4')).toEqual([]);
  });

  it('runs statements sent without waiting in order, and fails the transaction when one of them failed', async () => {
    const [first, second] = await db.transaction((tx) =>
      Promise.all([
        tx.query('INSERT INTO items (id, body) VALUES (5, $1) RETURNING id', ['five']),
        tx.query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE id = 5'),
      ]),
    );
    expect(first).toEqual([{ id: 5 }]);
    expect(second).toEqual([{ n: 1 }]);
    // The caller swallows the duplicate-key error; the transaction must still not report a commit.
    await expect(
      db.transaction(async (tx) => {
        const [, swallowed] = await Promise.all([
          tx.query('INSERT INTO items (id, body) VALUES (6, $1)', ['six']),
          tx.query('INSERT INTO items (id, body) VALUES (1, $1)', ['dup']).catch((err: { code: string }) => err.code),
        ]);
        return swallowed;
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.query('SELECT id FROM items WHERE id = 6')).toEqual([]);
    // A statement the caller never waited for still runs before the commit.
    await db.transaction(async (tx) => {
      void tx.query('INSERT INTO items (id, body) VALUES (7, $1)', ['seven']);
    });
    expect(await db.query('SELECT id FROM items WHERE id = 7')).toEqual([{ id: 7 }]);
  });

  it('answers ping while it serves statements', async () => {
    await expect(db.ping()).resolves.toBeUndefined();
  });

  it('fails a statement whose value cannot be read back, and keeps answering the others', async () => {
    await db.query('INSERT INTO items (id, body, doc) VALUES (20, $1, $2::jsonb)', ['deep', nested(3500)]);
    // A row batcher over the store (as the device reader is): the poisoned row fails its batch, it does not hang it.
    const reader = new Batcher<number, unknown>(async (ids) => {
      const rows = await db.query<{ id: number; doc: unknown }>('SELECT id, doc FROM items WHERE id = ANY($1::int[])', [ids]);
      return ids.map((id) => rows.find((r) => r.id === id)?.doc);
    });
    // pg parses JSON without recursion; the PGlite worker's replies are read back with a thread's stack.
    if (backend === 'pglite') {
      await expect(reader.submit(20)).rejects.toThrow(/cannot read.*nested too deeply/);
      await expect(db.transaction((tx) => tx.query('SELECT doc FROM items WHERE id = 20'))).rejects.toThrow(/cannot read/);
    } else {
      await expect(reader.submit(20)).resolves.toBeDefined();
    }
    expect(await reader.submit(1)).toEqual({ a: [1, 2] });
    expect(await db.query('SELECT count(*)::int AS n FROM items WHERE id = 20')).toEqual([{ n: 1 }]);
    await db.query('DELETE FROM items WHERE id = 20');
    await expect(db.ping()).resolves.toBeUndefined();
  });

  it('runs concurrent transactions without losing an update', async () => {
    await db.query('INSERT INTO items (id, body) VALUES (10, $1)', ['0']);
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction(async (tx) => {
          const [{ body }] = await tx.query<{ body: string }>('SELECT body FROM items WHERE id = 10 FOR UPDATE');
          await tx.query('UPDATE items SET body = $1 WHERE id = 10', [String(Number(body) + 1)]);
        }),
      ),
    );
    expect(await db.query('SELECT body FROM items WHERE id = 10')).toEqual([{ body: '20' }]);
  });
});

describe('database on pglite, closed', () => {
  it('refuses statements after close with a clear error', async () => {
    const db = await openDatabase({});
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow(/embedded database is closed/);
    await expect(db.ping()).rejects.toThrow(/embedded database is closed/);
  });
});

describe('database on pglite, worker failures', () => {
  const dyingWorker = join(__dirname, 'support', 'dying-pglite-worker.js');

  it('fails the pending statements of a worker that dies, then answers again on the same data dir', async () => {
    const dataDir = join(tempDir('metalforge-db-'), 'pgdata');
    const db = await openDatabase({ dataDir, workerScript: dyingWorker });
    try {
      await db.query('CREATE TABLE kept (id int PRIMARY KEY)');
      await db.query('INSERT INTO kept VALUES (1)');
      const inFlight = db.transaction(async (tx) => {
        await tx.query('INSERT INTO kept VALUES (2)');
        await tx.query("SELECT 'die'");
      });
      await expect(inFlight).rejects.toThrow(/embedded database worker exited.*retry it/);
      // The worker is started again: committed rows are there, the interrupted transaction is not.
      expect(await db.query('SELECT id FROM kept ORDER BY id')).toEqual([{ id: 1 }]);
      await expect(db.ping()).resolves.toBeUndefined();
    } finally {
      await db.close();
    }
  });

  it('stays failed, and says so, when an in-memory worker dies', async () => {
    const db = await openDatabase({ workerScript: dyingWorker });
    await expect(db.query("SELECT 'die'")).rejects.toThrow(/worker exited/);
    await expect(db.ping()).rejects.toThrow(/in-memory database stopped/);
    await expect(db.query('SELECT 1')).rejects.toThrow(/in-memory database stopped/);
    await db.close();
  });
});

describe('database on pglite, one writer per data dir', () => {
  it('refuses a second opener of a data dir, naming the holder, and lets it in once the first closes', async () => {
    const dataDir = join(tempDir('metalforge-db-'), 'pgdata');
    const first = await openDatabase({ dataDir });
    await first.query('CREATE TABLE t (id int)');
    const refused = openDatabase({ dataDir });
    await expect(refused).rejects.toThrow(`in use by another metalforge server (pid ${process.pid} on ${hostname()}`);
    await first.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const second = await openDatabase({ dataDir });
    expect(await second.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 0 }]);
    await second.close();
  });

  it('takes over the lock of a holder that is gone (kill -9)', async () => {
    const dataDir = join(tempDir('metalforge-db-'), 'pgdata');
    // A pid that no longer names a process: a child that has exited.
    const gone = spawnSync(process.execPath, ['-e', 'process.pid'], { stdio: 'ignore' }).pid;
    writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: gone, host: hostname(), started_at: '2026-01-01T00:00:00.000Z' }));
    const db = await openDatabase({ dataDir });
    expect(JSON.parse(readFileSync(`${dataDir}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await db.close();
  });

  it('counts a holder on another host as alive', async () => {
    const dataDir = join(tempDir('metalforge-db-'), 'pgdata');
    writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: 1, host: 'elsewhere.example', started_at: '2026-01-01T00:00:00.000Z' }));
    await expect(openDatabase({ dataDir })).rejects.toThrow(/pid 1 on elsewhere\.example, started 2026-01-01T00:00:00\.000Z/);
  });
});
