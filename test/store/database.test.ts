/** The store on PGlite (worker thread) and, when available, PostgreSQL: transactions, errors, concurrency. */
import { openDatabase, type Database } from '../../lib/store/database';
import { availableBackends, freshPostgresUrl, stopPostgres } from '../support/cloud';

afterAll(async () => {
  await stopPostgres();
});

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
    await expect(db.query('INSERT INTO items (id, body) VALUES (1, $1)', ['again'])).rejects.toMatchObject({ code: '23505', message: expect.stringMatching(/duplicate key/) });
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
      Promise.all([tx.query('INSERT INTO items (id, body) VALUES (5, $1) RETURNING id', ['five']), tx.query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE id = 5')]),
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
  });
});
