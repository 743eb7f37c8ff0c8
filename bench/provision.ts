/**
 * Provision N devices (default 10,000) through the HTTP API on the simulator at zero delay, until every device
 * is active; baseline: the same store's raw single-row commit rate, measured in the same run on the same kind
 * of database. Goal: devices/s ≥ 0.5 × raw commits/s (work is batched, not a commit per step). The clients run on
 * their own thread.
 *   npx tsx bench/provision.ts [devices] [--postgres [DATABASE_URL]]
 * With --postgres and no URL, a throwaway PostgreSQL cluster is started (initdb/pg_ctl on PATH) and removed.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createCloud } from '../lib/cloud';
import { openDatabase } from '../lib/store/database';
import { startPgCluster } from '../test/support/pg-cluster';
import { bulkCatalog, report, tempDir } from './support';

const total = Number(process.argv[2] ?? 10_000);
const postgresFlag = process.argv.indexOf('--postgres');
let databaseUrl = postgresFlag >= 0 ? process.argv[postgresFlag + 1] : undefined;

async function rawCommitsPerSecond(dataDir: string): Promise<number> {
  const db = await openDatabase({ url: databaseUrl, dataDir: databaseUrl ? undefined : join(dataDir, 'raw') });
  await db.query('DROP TABLE IF EXISTS bench_commits');
  await db.query('CREATE TABLE bench_commits (id bigserial PRIMARY KEY, body text NOT NULL)');
  // Warmed up first, as the cloud's store is by seeding its catalog: PGlite's first statements compile WebAssembly.
  for (let i = 0; i < 500; i++) await db.query('INSERT INTO bench_commits (body) VALUES ($1)', [`warm-up ${i}`]);
  const n = 3000;
  const start = performance.now();
  for (let i = 0; i < n; i++) await db.query('INSERT INTO bench_commits (body) VALUES ($1)', [`row ${i}`]);
  const rate = n / ((performance.now() - start) / 1000);
  await db.query('DROP TABLE bench_commits');
  await db.close();
  return rate;
}

/**
 * The API clients: a load generator on its own thread, as clients are not in the server's process. It POSTs
 * `total` creates with `concurrency` keep-alive connections and reports how many were not 201. Plain JavaScript:
 * a worker thread runs bare Node.
 */
const LOAD_GENERATOR = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, token, total, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const post = (body) => new Promise((resolve, reject) => {
  const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-auth-token': token, 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  req.on('error', reject);
  req.end(body);
});
let next = 0, failures = 0;
Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < total) {
    const i = next++;
    const status = await post(JSON.stringify({ hostname: 'node-' + i, plan: 'c3.small.x86', metro: 'da', operating_system: 'ubuntu_22_04' }));
    if (status !== 201) failures++;
  }
})).then(() => { agent.destroy(); parentPort.postMessage({ failures }); });
`;

function createDevices(url: URL, token: string, total: number, concurrency: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_GENERATOR, { eval: true, workerData: { url: url.href, token, total, concurrency } });
    worker.once('message', (m: { failures: number }) => resolve(m.failures));
    worker.once('error', reject);
  });
}

async function main() {
  const tmp = tempDir('bench-provision');
  const cluster = postgresFlag >= 0 && !databaseUrl ? await startPgCluster({ durable: true }) : undefined;
  // A PostgreSQL on the same machine is reached over its Unix socket, as a local server usually is.
  if (cluster) databaseUrl = await cluster.createDatabase('bench', { socket: true });
  try {
    const raw = await rawCommitsPerSecond(tmp.dir);
    const cloud = await createCloud({
      dataDir: join(tmp.dir, 'cloud'),
      databaseUrl,
      catalog: bulkCatalog(tmp.dir, total),
      simScale: 0,
      bootPath: 'in-process',
      port: 0,
      rateLimit: { limit: 10_000_000 },
      engine: { pollMs: 5 },
    });
    const url = await cloud.listen();
    const token = cloud.adminToken;
    const project = await cloud.engine.projects.create(await cloud.engine.accounts.authenticate(token), { name: 'bench' });
    const target = new URL(`${url}/metal/v1/projects/${project.id}/devices`);
    const start = performance.now();
    const failures = await createDevices(target, token, total, 64);
    const accepted = performance.now();
    let counts: Record<string, number> = {};
    for (;;) {
      counts = await cloud.engine.devices.countByState();
      if ((counts.active ?? 0) + (counts.failed ?? 0) >= total - failures) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - start) / 1000;
    const perSecond = (total - failures) / seconds;
    await cloud.close();
    report(`provision ${total} devices through the HTTP API (${databaseUrl ? 'PostgreSQL' : 'PGlite'}, simulator at zero delay)`, {
      'raw single-row commits/s': raw.toFixed(0),
      'creates accepted in': `${((accepted - start) / 1000).toFixed(2)} s`,
      'all active in': `${seconds.toFixed(2)} s`,
      'devices/s (to active)': perSecond.toFixed(0),
      'failed creates': failures,
      'final states': JSON.stringify(counts),
      ratio: `${(perSecond / raw).toFixed(2)} (goal ≥ 0.5)`,
    });
  } finally {
    await cluster?.stop();
    tmp.remove();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
