/** The real PGlite worker, made to exit when it is sent `SELECT 'die'` (tests of a worker that dies). */
'use strict';
const { parentPort } = require('node:worker_threads');

parentPort.on('message', (msg) => {
  if (msg.sql === "SELECT 'die'") process.exit(3);
});
require('../../../lib/store/pglite-worker.js');
