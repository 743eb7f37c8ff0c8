/**
 * Address allocation throughput: N single-address reservations from one /12 pool with C in flight, against the
 * store's raw commit rate in the same run (one-row transactions at the same concurrency, up to 10,000 of them, on
 * a fresh store of the same kind). An allocation is one transaction that locks its pool, reads one free block and
 * writes a few rows, so the ratio shows what the allocator costs beyond a commit. Also: the heap and the store
 * growth per 10,000 allocations.
 *
 *   npx tsx bench/ipam.ts [allocations=100000] [concurrency=50]
 */
import { createCloud, type Cloud } from '../lib/cloud';
import { newId } from '../lib/core/ids';
import { pool, report, tempDir } from './support';

const TOTAL = Number(process.argv[2] ?? 100_000);
const CONCURRENCY = Number(process.argv[3] ?? 50);

async function freshCloud(dir: string): Promise<Cloud> {
  return createCloud({ dataDir: dir, simScale: 0, bootPath: 'in-process', port: 0, startWorkers: false });
}

const storeBytes = async (cloud: Cloud) =>
  Number(
    (
      await cloud.engine.ctx.db.query<{ bytes: string }>(
        "SELECT (pg_total_relation_size('ip_reservations') + pg_total_relation_size('ip_free_blocks'))::text AS bytes",
      )
    )[0].bytes,
  );

async function main(): Promise<void> {
  const controlDir = tempDir('ipam-control');
  const control = await freshCloud(controlDir.dir);
  const db = control.engine.ctx.db;
  await db.query('CREATE TABLE bench_commits (id uuid PRIMARY KEY, n integer NOT NULL)');
  // A rate: 10,000 commits measure it as well as 100,000 (at ~200 durable commits/s the full count would take minutes).
  const controlCommits = Math.min(TOTAL, 10_000);
  let started = performance.now();
  await pool(controlCommits, CONCURRENCY, (i) =>
    db.transaction(async (tx) => void (await tx.query('INSERT INTO bench_commits VALUES ($1, $2)', [newId(), i]))),
  );
  const controlRate = controlCommits / ((performance.now() - started) / 1000);
  await control.close();
  controlDir.remove();

  const dir = tempDir('ipam');
  const cloud = await createCloud({ dataDir: dir.dir, simScale: 0, bootPath: 'in-process', port: 0, startWorkers: false });
  const ipam = cloud.engine.ipam;
  const principal = await cloud.engine.accounts.authenticate(cloud.adminToken);
  const project = await cloud.engine.projects.create(principal, { name: 'ipam-bench' });
  // A metro of its own, so its one pool is the /12 (the default catalog's metros have theirs).
  await cloud.engine.operator.createMetro({ code: 'zb', name: 'Bench', country: 'US', kind: 'edge', latitude: 0, longitude: 0 });
  await ipam.enrolPool({ type: 'public_ipv4', metro: 'zb', network: '100.112.0.0/12' });
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const bytesBefore = await storeBytes(cloud);
  started = performance.now();
  await pool(
    TOTAL,
    CONCURRENCY,
    async () => void (await ipam.reserve(principal, project.id, { type: 'public_ipv4', metro: 'zb', quantity: 1 })),
  );
  const rate = TOTAL / ((performance.now() - started) / 1000);
  global.gc?.();
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  const storeGrowth = (await storeBytes(cloud)) - bytesBefore;
  const held = (await ipam.pools()).find((p) => p.network === '100.112.0.0/12')!;
  await cloud.close();
  dir.remove();

  const per10k = (bytes: number) => `${(((bytes / TOTAL) * 10_000) / 1024).toFixed(0)} KiB`;
  report(`IP allocation: ${TOTAL} single addresses from a /12, ${CONCURRENCY} in flight (embedded store, durable commits)`, {
    'raw commits/s (control)': controlRate.toFixed(0),
    'allocations/s': rate.toFixed(0),
    'addresses held at the end': String(held.allocated),
    'heap growth per 10,000': per10k(heapGrowth),
    'store growth per 10,000': per10k(storeGrowth),
    'ratio (allocations / commits)': (rate / controlRate).toFixed(2),
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
