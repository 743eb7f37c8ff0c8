/**
 * PGlite on its own thread. PGlite runs PostgreSQL compiled to WebAssembly synchronously on the thread that calls
 * it; on the main thread every statement would stall HTTP handling, so the embedded store lives here and the main
 * thread sends it statements (lib/store/database.ts speaks this protocol).
 *
 * Plain CommonJS on purpose: a worker thread starts as bare Node in every runtime we use (tsx, jest, node), none
 * of which would compile TypeScript for it.
 *
 * Messages in:  { id, op: 'query', sql, params, tx? } | { id, op: 'begin' } | { id, op: 'end', tx, commit } | { id, op: 'close' }
 * Messages out: { id, rows } | { id, tx } | { id, error: { message, code, detail, constraint } } | { ready } | { failed }
 */
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require('@electric-sql/pglite');

/** Open transactions by id: each is a PGlite transaction callback parked until the main thread ends it. */
const open = new Map();
let nextTx = 1;

function reply(id, body) {
  parentPort.postMessage({ id, ...body });
}

function describe(err) {
  return { message: err && err.message ? err.message : String(err), code: err && err.code, detail: err && err.detail, constraint: err && err.constraint };
}

function begin(db, id) {
  const tx = nextTx++;
  let end;
  const ended = new Promise((resolve) => (end = resolve));
  db.transaction(async (handle) => {
    open.set(tx, { handle, end });
    reply(id, { tx });
    const { commit, id: endId } = await ended;
    open.set(tx, { endId });
    // PGlite rolls back when the callback throws.
    if (!commit) throw Object.assign(new Error('rolled back'), { rollback: true });
  }).then(
    () => reply(open.get(tx).endId, { rows: [] }),
    (err) => {
      const entry = open.get(tx);
      if (entry && entry.endId !== undefined) reply(entry.endId, err.rollback ? { rows: [] } : { error: describe(err) });
      else reply(id, { error: describe(err) });
    },
  ).finally(() => open.delete(tx));
}

async function main() {
  const db = workerData.dataDir ? new PGlite(workerData.dataDir) : new PGlite();
  await db.waitReady;
  parentPort.on('message', async (msg) => {
    try {
      switch (msg.op) {
        case 'query': {
          const target = msg.tx ? open.get(msg.tx).handle : db;
          reply(msg.id, { rows: (await target.query(msg.sql, msg.params)).rows });
          break;
        }
        case 'begin':
          begin(db, msg.id);
          break;
        case 'end':
          open.get(msg.tx).end({ commit: msg.commit, id: msg.id });
          break;
        case 'close':
          if (!db.closed) await db.close();
          reply(msg.id, { rows: [] });
          break;
      }
    } catch (err) {
      reply(msg.id, { error: describe(err) });
    }
  });
  parentPort.postMessage({ ready: true });
}

main().catch((err) => parentPort.postMessage({ failed: describe(err) }));
