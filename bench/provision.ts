/**
 * Provision N devices (default 10,000) through the HTTP API on the simulator at zero delay, until every device
 * is active; baseline: the same store's raw single-row commit rate, measured in the same run on the same kind
 * of database. Goal: devices/s ≥ 0.5 × raw commits/s (work is batched, not a commit per step).
 *   npx tsx bench/provision.ts [devices] [--postgres [DATABASE_URL]]
 * With --postgres and no URL, a throwaway PostgreSQL cluster is started (initdb/pg_ctl on PATH) and removed.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { createCloud } from '../lib/cloud';
import { openDatabase } from '../lib/store/database';
import { startPgCluster } from '../test/support/pg-cluster';
import { bulkCatalog, pool, report, tempDir } from './support';

const total = Number(process.argv[2] ?? 10_000);
const postgresFlag = process.argv.indexOf('--postgres');
let databaseUrl = postgresFlag >= 0 ? process.argv[postgresFlag + 1] : undefined;

async function rawCommitsPerSecond(dataDir: string): Promise<number> {
  const db = await openDatabase({ url: databaseUrl, dataDir: databaseUrl ? undefined : join(dataDir, 'raw') });
  await db.query('DROP TABLE IF EXISTS bench_commits');
  await db.query('CREATE TABLE bench_commits (id bigserial PRIMARY KEY, body text NOT NULL)');
  const n = 3000;
  const start = performance.now();
  for (let i = 0; i < n; i++) await db.query('INSERT INTO bench_commits (body) VALUES ($1)', [`row ${i}`]);
  const rate = n / ((performance.now() - start) / 1000);
  await db.query('DROP TABLE bench_commits');
  await db.close();
  return rate;
}

/** POST with a keep-alive agent; resolves with the status. */
function post(url: URL, token: string, body: string, agent: import('node:http').Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-auth-token': token, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const tmp = tempDir('bench-provision');
  const cluster = postgresFlag >= 0 && !databaseUrl ? await startPgCluster({ durable: true }) : undefined;
  if (cluster) databaseUrl = await cluster.createDatabase('bench');
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
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const target = new URL(`${url}/metal/v1/projects/${project.id}/devices`);
    let failures = 0;
    const start = performance.now();
    await pool(total, 64, async (i) => {
      const status = await post(target, token, JSON.stringify({ hostname: `node-${i}`, plan: 'c3.small.x86', metro: 'da', operating_system: 'ubuntu_22_04' }), agent);
      if (status !== 201) failures++;
    });
    const accepted = performance.now();
    let counts: Record<string, number> = {};
    for (;;) {
      counts = await cloud.engine.devices.countByState();
      if ((counts.active ?? 0) + (counts.failed ?? 0) >= total - failures) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - start) / 1000;
    const perSecond = (total - failures) / seconds;
    agent.destroy();
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
