/**
 * PGlite on its own thread. PGlite runs PostgreSQL compiled to WebAssembly synchronously on the thread that calls
 * it; on the main thread every statement would stall HTTP handling, so the embedded store lives here and the main
 * thread sends it statements (lib/store/database.ts speaks this protocol).
 *
 * Plain CommonJS on purpose: a worker thread starts as bare Node in every runtime we use (tsx, jest, node), none
 * of which would compile TypeScript for it.
 *
 * Messages in:  { id, op: 'query', sql, params, tx? } | { op: 'begin', tx } | { id, op: 'end', tx, commit } | { id, op: 'close' }
 * Messages out: { id, data } (data: v8-serialized { rows } | { error: { message, code, detail, constraint } }) | { ready } | { failed }
 */
'use strict';
const { serialize } = require('node:v8');
const fs = require('node:fs');
const { join } = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require('@electric-sql/pglite');
const { NodeFS } = require('@electric-sql/pglite/nodefs');

/**
 * A data directory whose commits reach the disk. PGlite starts PostgreSQL with fsync off (-F), and the Node
 * filesystem it mounts (Emscripten's NODEFS) ignores fsync anyway. Here PostgreSQL keeps fsync on and every fsync
 * it asks for becomes a real one, so the usual protocol holds: the WAL is synced before COMMIT answers (one sync
 * per transaction, which group commit shares among many API requests), data files at checkpoints.
 * wal_sync_method=fsync because Emscripten's fdatasync() returns without reaching the filesystem.
 */
class DurableNodeFS extends NodeFS {
  async init(pg, options) {
    const init = await super.init(pg, options);
    init.emscriptenOpts.preRun.push((mod) => {
      mod.NODEFS.stream_ops.fsync = (stream) => {
        // A directory's entries need fsync; a file's data (and its size) need only fdatasync.
        if (mod.FS.isDir(stream.node.mode)) fs.fsyncSync(stream.nfd);
        else fs.fdatasyncSync(stream.nfd);
      };
    });
    return init;
  }
}

function openStore({ dataDir, durable }) {
  if (!dataDir) return new PGlite();
  if (!durable) return new PGlite(dataDir);
  const startParams = [...PGlite.defaultStartParams.filter((p) => p !== '-F'), '-c', 'wal_sync_method=fsync'];
  return new PGlite({ fs: new DurableNodeFS(dataDir), startParams });
}

/** PGlite's initdb writes a new data directory without syncing it: sync every file and directory once. */
function syncTree(path) {
  const fd = fs.openSync(path, 'r');
  try {
    if (fs.fstatSync(fd).isDirectory()) for (const name of fs.readdirSync(path)) syncTree(join(path, name));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Open transactions by id. The main thread picks the ids, so a transaction starts without a round trip and its
 * first statements can follow `begin` at once; they wait here until PGlite has the transaction open.
 */
const open = new Map();
const ROLLBACK = new Error('rolled back');

/**
 * Replies travel serialized: the main thread deserializes each one itself, so a value it cannot read back fails
 * only that statement (structured cloning would drop the message and leave the statement waiting forever).
 */
function reply(id, body) {
  let data;
  try {
    data = serialize(body);
  } catch (err) {
    data = serialize({ error: describe(err) });
  }
  parentPort.postMessage({ id, data });
}

function describe(err) {
  return {
    message: err && err.message ? err.message : String(err),
    code: err && err.code,
    detail: err && err.detail,
    constraint: err && err.constraint,
  };
}

function begin(db, tx) {
  const entry = { failed: undefined, endId: undefined, commit: false, result: undefined, last: undefined };
  entry.handle = new Promise((resolve, reject) => {
    entry.opened = resolve;
    entry.refused = reject;
  });
  entry.handle.catch(() => undefined);
  entry.ended = new Promise((resolve) => (entry.end = resolve));
  open.set(tx, entry);
  let started = false;
  db.transaction(async (handle) => {
    started = true;
    entry.opened(handle);
    await entry.ended;
    // PostgreSQL turns the COMMIT of a transaction with a failed statement into a silent ROLLBACK: roll back here
    // and report the failure, so a caller that sent statements without waiting for each never sees a false commit.
    if (!entry.commit || entry.failed) throw ROLLBACK;
  }).then(
    () => finish(tx, { rows: [] }),
    (err) => {
      if (!started) entry.refused(err);
      if (err !== ROLLBACK) finish(tx, { error: describe(err) });
      else finish(tx, entry.commit && entry.failed ? { error: describe(entry.failed) } : { rows: [] });
    },
  );
}

/** The outcome of a transaction, sent once the main thread has asked for its end. */
function finish(tx, body) {
  const entry = open.get(tx);
  entry.result = body;
  if (entry.endId === undefined) return;
  open.delete(tx);
  reply(entry.endId, body);
}

/** A statement of an open transaction: after the transaction's earlier statements, in the order sent. */
function runInTransaction(msg) {
  const entry = open.get(msg.tx);
  const done = (entry.last || Promise.resolve()).then(() => entry.handle).then((handle) => handle.query(msg.sql, msg.params));
  entry.last = done.then(
    () => undefined,
    (err) => {
      entry.failed = entry.failed || err;
    },
  );
  return done.then((result) => result.rows);
}

async function main() {
  const { dataDir, durable } = workerData;
  const created = dataDir && !fs.existsSync(join(dataDir, 'PG_VERSION'));
  const db = openStore(workerData);
  await db.waitReady;
  if (created && durable) syncTree(dataDir);
  parentPort.on('message', async (msg) => {
    try {
      switch (msg.op) {
        case 'query':
          reply(msg.id, { rows: msg.tx ? await runInTransaction(msg) : (await db.query(msg.sql, msg.params)).rows });
          break;
        case 'begin':
          begin(db, msg.tx);
          break;
        case 'end': {
          const entry = open.get(msg.tx);
          // Statements the caller did not wait for still run first.
          await entry.last;
          entry.endId = msg.id;
          entry.commit = msg.commit;
          if (entry.result) finish(msg.tx, entry.result);
          else entry.end();
          break;
        }
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
