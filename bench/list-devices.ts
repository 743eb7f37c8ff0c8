/**
 * GET of a 100-device page under 50 concurrent connections (keep-alive), against a bare fastify route that
 * returns the same JSON body, in the same run. Goal: ratio ≥ 0.5. Prints requests/s and p99 for both.
 *   npx tsx bench/list-devices.ts [requests]
 */
import Fastify from 'fastify';
import { Agent, request } from 'node:http';
import { createCloud } from '../lib/cloud';
import { bulkCatalog, percentile, pool, report, tempDir } from './support';

const total = Number(process.argv[2] ?? 5000);
const concurrency = 50;

function get(url: string, headers: Record<string, string>, agent: Agent): Promise<{ status: number; ms: number; bytes: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start, bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function load(url: string, headers: Record<string, string>) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  await pool(200, concurrency, async () => void (await get(url, headers, agent))); // warm-up
  const start = performance.now();
  await pool(total, concurrency, async () => {
    const r = await get(url, headers, agent);
    if (r.status !== 200) errors++;
    bytes = r.bytes;
    latencies.push(r.ms);
  });
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, bytes };
}

async function main() {
  const tmp = tempDir('bench-list');
  const cloud = await createCloud({
    catalog: bulkCatalog(tmp.dir, 120),
    simScale: 0,
    bootPath: 'in-process',
    port: 0,
    rateLimit: { limit: 10_000_000 },
  });
  const url = await cloud.listen();
  const principal = await cloud.engine.accounts.authenticate(cloud.adminToken);
  const project = await cloud.engine.projects.create(principal, { name: 'bench' });
  await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      cloud.engine.devices.create(principal, project.id, {
        hostname: `web-${i}`,
        plan: 'c3.small.x86',
        metro: 'da',
        operating_system: 'ubuntu_22_04',
      }),
    ),
  );
  while (((await cloud.engine.devices.countByState()).active ?? 0) < 100) await new Promise((r) => setTimeout(r, 50));
  const pageUrl = `${url}/metal/v1/projects/${project.id}/devices?per_page=100`;
  const headers = { 'x-auth-token': cloud.adminToken };
  const body = await (await fetch(pageUrl, { headers })).text();

  const bare = Fastify();
  bare.get('/devices', async (_req, reply) => reply.type('application/json').send(body));
  const bareUrl = `${await bare.listen({ port: 0, host: '127.0.0.1' })}/devices`;

  const api = await load(pageUrl, headers);
  const baseline = await load(bareUrl, {});
  await bare.close();
  await cloud.close();
  tmp.remove();
  report(`GET a 100-device page, ${concurrency} concurrent connections, ${total} requests (${(api.bytes / 1024).toFixed(0)} KiB each)`, {
    'metalforge requests/s': api.rps.toFixed(0),
    'metalforge p50 / p99': `${api.p50.toFixed(1)} / ${api.p99.toFixed(1)} ms`,
    'bare fastify requests/s': baseline.rps.toFixed(0),
    'bare p50 / p99': `${baseline.p50.toFixed(1)} / ${baseline.p99.toFixed(1)} ms`,
    errors: api.errors + baseline.errors,
    ratio: `${(api.rps / baseline.rps).toFixed(2)} (goal ≥ 0.5)`,
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
