/**
 * One spot clearing round over 100,000 open bids in 50 metro × plan pools (with running devices, some outbid,
 * and on-demand demand), against sorting the same bids by price desc, time asc, in the same run.
 * Goal: ratio ≤ 3. Prints the median of several rounds for both.
 *   npx tsx bench/spot-clearing.ts [bids] [rounds]
 */
import { clearMarket, compareBids, poolKey, type SpotBid, type SpotDevice, type SpotPool } from '../lib/engine/spot/clearing';
import { seededRandom } from '../lib/core/random';
import { median, report } from './support';

const totalBids = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 9);
const metros = ['am', 'at', 'ch', 'da', 'dc', 'fr', 'ld', 'ny', 'sv', 'sy'];
const plans = ['c3.small.x86', 'c3.medium.x86', 'm3.small.x86', 'm3.large.x86', 'n3.xlarge.x86'];

function market() {
  const random = seededRandom(2026); // the same market every run
  const now = new Date('2026-03-01T12:00:00Z');
  const names = metros.flatMap((m) => plans.map((p) => poolKey(m, p)));
  const pools: SpotPool[] = names.map((pool, i) => ({
    pool,
    freeMachineIds: Array.from({ length: 400 }, (_, m) => `${pool}#${m}`),
    onDemandDemand: i % 7 === 0 ? 450 : i % 3,
    price: 0.3 + random() * 0.5,
  }));
  const bids: SpotBid[] = Array.from({ length: totalBids }, (_, i) => {
    const devicesMin = 1 + Math.floor(random() * 3);
    return {
      id: `bid-${i}`,
      requestId: `req-${i}`,
      pool: names[Math.floor(random() * names.length)],
      maxBidPrice: Math.round((0.2 + random()) * 100) / 100,
      devicesMin,
      devicesMax: devicesMin + Math.floor(random() * 4),
      alreadyFilled: 0,
      createdAt: new Date(now.getTime() - Math.floor(random() * 86_400_000)),
      persistent: random() < 0.5,
      endAt: random() < 0.05 ? new Date(now.getTime() - 1000) : null,
    };
  });
  const devices: SpotDevice[] = Array.from({ length: totalBids / 10 }, (_, i) => ({
    id: `dev-${i}`,
    requestId: `old-${i}`,
    pool: names[i % names.length],
    bid: Math.round((0.2 + random()) * 100) / 100,
    locked: random() < 0.1,
    startedAt: new Date(now.getTime() - Math.floor(random() * 86_400_000)),
    terminationTime: null,
  }));
  return { input: { pools, bids, devices }, now };
}

function time(task: () => unknown): number {
  const start = performance.now();
  task();
  return performance.now() - start;
}

function main() {
  const { input, now } = market();
  let fills = 0;
  let reclaims = 0;
  const clearing: number[] = [];
  const sorting: number[] = [];
  for (let round = -2; round < rounds; round++) {
    // Alternate so both see the same machine load; the first two rounds warm up the JIT.
    const c = time(() => {
      const result = clearMarket(input, now);
      fills = result.pools.reduce((n, p) => n + p.fills.length, 0);
      reclaims = result.pools.reduce((n, p) => n + p.reclaims.length, 0);
    });
    const s = time(() => [...input.bids].sort(compareBids));
    if (round >= 0) {
      clearing.push(c);
      sorting.push(s);
    }
  }
  const ratio = median(clearing) / median(sorting);
  report(`spot clearing: ${totalBids} bids, ${input.devices.length} running devices, ${input.pools.length} pools, ${rounds} rounds`, {
    'clearing round (median ms)': median(clearing).toFixed(1),
    'sort of all bids (median ms)': median(sorting).toFixed(1),
    'fills / reclaims per round': `${fills} / ${reclaims}`,
  });
  process.stdout.write(`ratio: ${ratio.toFixed(2)} (goal ≤ 3)\n`);
}

main();
