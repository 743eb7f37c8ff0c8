/**
 * Provision N devices (default 10,000) through the HTTP API on the simulator at zero delay, until every device
 * is active; baseline: the same store's raw single-row commit rate, measured in the same run on the same kind
 * of database. Goal: devices/s ≥ 0.5 × raw commits/s (work is batched, not a commit per step). The clients run on
 * their own thread. On PGlite the same run is repeated with --no-durable-commits: devices/s with durable commits
 * against without them (goal ≥ 0.8, as group commit shares each WAL sync among many requests).
 *   npx tsx bench/provision.ts [devices] [--postgres [DATABASE_URL]]
 * With --postgres and no URL, a throwaway PostgreSQL cluster is started (initdb/pg_ctl on PATH) and removed.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createCloud } from '../lib/cloud';
import { openDatabase, type Queryable } from '../lib/store/database';
import { migrate } from '../lib/store/migrations';
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
 * Control: the rows a device's lifecycle writes in this schema, as bare batched SQL on a fresh store of the same
 * kind, with no HTTP, no engine logic and no simulator: create (machine, device, event, job), job claim, install
 * start, network boot (job done), phone-home. Batches of 64, statements of a transaction sent together. Roughly
 * the most an engine that writes these rows can reach on this store: it shows how far the goal is from the floor.
 */
async function floorDevicesPerSecond(url: string | undefined, dataDir: string, total: number): Promise<number> {
  const db = await openDatabase({ url, dataDir: url ? undefined : join(dataDir, 'floor') });
  await migrate(db);
  const [org, project, metro, facility, plan] = Array.from({ length: 5 }, () => randomUUID());
  await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'floor')`, [org]);
  await db.query(`INSERT INTO projects (id, name, organization_id) VALUES ($1, 'floor', $2)`, [project, org]);
  await db.query(`INSERT INTO metros (id, code, name, country, kind, latitude, longitude) VALUES ($1, 'fl', 'Floor', 'US', 'core', 0, 0)`, [
    metro,
  ]);
  await db.query(`INSERT INTO facilities (id, code, name, metro_id) VALUES ($1, 'fl1', 'Floor 1', $2)`, [facility, metro]);
  await db.query(`INSERT INTO plans (id, slug, name, category, specs, price_hour) VALUES ($1, 'floor.x86', 'Floor', 'compute', '{}', 1)`, [
    plan,
  ]);
  await db.query(
    `INSERT INTO machines (id, name, facility_id, plan_id, ordinal, macs, state, bmc_driver, bmc_address)
SELECT gen_random_uuid(), 'm' || g, $1, $2, g, '[]', 'available', 'sim', 'floor-' || g FROM generate_series(1, $3) g`,
    [facility, plan, total],
  );
  const events = (q: Queryable, ids: string[], type: string) =>
    q.query(
      `INSERT INTO events (id, type, body, project_id, device_id, to_state, created_at) SELECT gen_random_uuid(), $2, 'host: ' || $2, $3, d, 'state', now() FROM unnest($1::uuid[]) d`,
      [ids, type, project],
    );
  const update = (q: Queryable, ids: string[], state: string) =>
    q.query(`UPDATE devices SET state = $2, provisioning_percentage = 50, updated_at = now() WHERE id = ANY($1::uuid[])`, [ids, state]);
  const read = (q: Queryable, ids: string[]) =>
    q.query('SELECT id, state, project_id, hostname, install_generation FROM devices WHERE id = ANY($1::uuid[])', [ids]);
  const start = performance.now();
  for (let done = 0; done < total; done += 64) {
    const ids = Array.from({ length: Math.min(64, total - done) }, () => randomUUID());
    await db.transaction(async (tx) => {
      const machines = (
        await tx.query<{ id: string }>(
          `SELECT id FROM machines WHERE plan_id = $1 AND state = 'available' ORDER BY ordinal LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [plan, ids.length],
        )
      ).map((m) => m.id);
      await Promise.all([
        tx.query(
          `INSERT INTO devices (id, short_id, project_id, hostname, state, plan_id, metro_id, facility_id, operating_system_id, machine_id, root_password, deadline)
SELECT d, left(d::text, 8), $3, 'host', 'queued', $4, $5, $6, $4, m, 'sealed', now() FROM unnest($1::uuid[], $2::uuid[]) u(d, m)`,
          [ids, machines, project, plan, metro, facility],
        ),
        tx.query(
          `UPDATE machines SET state = 'allocated', device_id = u.d FROM unnest($1::uuid[], $2::uuid[]) u(m, d) WHERE machines.id = ANY($1::uuid[]) AND machines.id = u.m`,
          [machines, ids],
        ),
        events(tx, ids, 'created'),
        tx.query(
          `INSERT INTO jobs (kind, device_id, payload, run_at, max_attempts) SELECT 'provision', d, '{}', now(), 5 FROM unnest($1::uuid[]) d`,
          [ids],
        ),
      ]);
    });
    const jobs = await db.query<{ id: number }>(
      `UPDATE jobs SET locked_until = now() + interval '1 minute', attempts = attempts + 1
WHERE id IN (SELECT id FROM jobs WHERE run_at <= now() ORDER BY run_at, id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id`,
      [ids.length],
    );
    await db.transaction(async (tx) => {
      await read(tx, ids);
      await Promise.all([update(tx, ids, 'provisioning'), events(tx, ids, 'provision_started')]);
    });
    await db.transaction(async (tx) => {
      await read(tx, ids);
      await Promise.all([
        update(tx, ids, 'provisioning'),
        events(tx, ids, 'network_boot'),
        tx.query('DELETE FROM jobs WHERE id = ANY($1::bigint[])', [jobs.map((j) => j.id)]),
      ]);
    });
    await read(db, ids);
    await db.transaction(async (tx) => {
      await read(tx, ids);
      await Promise.all([update(tx, ids, 'active'), events(tx, ids, 'phone_home')]);
    });
  }
  const rate = total / ((performance.now() - start) / 1000);
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

/** Creates `total` devices through the API on a fresh cloud and waits until all are active. */
async function provision(dir: string, name: string, durableCommits: boolean) {
  const cloud = await createCloud({
    dataDir: join(dir, name),
    databaseUrl,
    catalog: bulkCatalog(dir, total),
    simScale: 0,
    bootPath: 'in-process',
    port: 0,
    rateLimit: { limit: 10_000_000 },
    engine: { pollMs: 5 },
    durableCommits,
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
  return { perSecond, failures, counts, seconds, acceptedSeconds: (accepted - start) / 1000 };
}

async function main() {
  const tmp = tempDir('bench-provision');
  const cluster = postgresFlag >= 0 && !databaseUrl ? await startPgCluster({ durable: true }) : undefined;
  // A PostgreSQL on the same machine is reached over its Unix socket, as a local server usually is.
  if (cluster) databaseUrl = await cluster.createDatabase('bench', { socket: true });
  try {
    const raw = await rawCommitsPerSecond(tmp.dir);
    // The control needs a database of its own: a throwaway cluster gets one; a given DATABASE_URL is left alone.
    const floorUrl = cluster ? await cluster.createDatabase('bench_floor', { socket: true }) : undefined;
    const floor = !databaseUrl || floorUrl ? await floorDevicesPerSecond(floorUrl, tmp.dir, Math.min(total, 5000)) : undefined;
    const durable = await provision(tmp.dir, 'durable', true);
    // The same run with commits acknowledged from the page cache: what durable commits cost (PGlite only).
    const unsafe = databaseUrl ? undefined : await provision(tmp.dir, 'unsafe', false);
    const { perSecond, failures, counts } = durable;
    report(`provision ${total} devices through the HTTP API (${databaseUrl ? 'PostgreSQL' : 'PGlite'}, simulator at zero delay)`, {
      'raw single-row commits/s': raw.toFixed(0),
      'creates accepted in': `${durable.acceptedSeconds.toFixed(2)} s`,
      'all active in': `${durable.seconds.toFixed(2)} s`,
      'devices/s (to active)': perSecond.toFixed(0),
      'failed creates': failures,
      'final states': JSON.stringify(counts),
      'control: bare lifecycle SQL, devices/s':
        floor === undefined
          ? 'skipped (needs a database of its own: run --postgres without a URL)'
          : `${floor.toFixed(0)} (ratio ${(floor / raw).toFixed(2)})`,
      ratio: `${(perSecond / raw).toFixed(2)} (goal ≥ 0.5)`,
      ...(unsafe && {
        'devices/s, no durable commits': unsafe.perSecond.toFixed(0),
        'durable / not durable': `${(perSecond / unsafe.perSecond).toFixed(2)} (goal ≥ 0.8: group commit shares each WAL sync)`,
      }),
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
