import {
  clearMarket,
  clearPool,
  MIN_NOTICE_MS,
  poolKey,
  type PoolClearing,
  type SpotBid,
  type SpotDevice,
  type SpotPool,
} from '../../../lib/engine/spot/clearing';
import { seededRandom } from '../../../lib/core/random';

const now = new Date('2026-03-01T12:00:00Z');
const minutes = (n: number) => n * 60_000;
const ago = (ms: number) => new Date(now.getTime() - ms);
const POOL = poolKey('da', 'c3.small.x86');

const machines = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const poolOf = (free: number, price = 0.3, onDemandDemand = 0): SpotPool => ({
  pool: POOL,
  freeMachineIds: machines(free),
  onDemandDemand,
  price,
});

function bid(id: string, fields: Partial<SpotBid> = {}): SpotBid {
  return {
    id,
    requestId: `r-${id}`,
    pool: POOL,
    maxBidPrice: 0.5,
    devicesMin: 1,
    devicesMax: 1,
    alreadyFilled: 0,
    createdAt: ago(minutes(10)),
    persistent: false,
    endAt: null,
    ...fields,
  };
}

function device(id: string, fields: Partial<SpotDevice> = {}): SpotDevice {
  return { id, requestId: `r-${id}`, pool: POOL, bid: 0.5, locked: false, startedAt: ago(minutes(60)), ...fields };
}

const filled = (result: PoolClearing) => Object.fromEntries(result.fills.map((f) => [f.bidId, f.machineIds.length]));
const reclaimed = (result: PoolClearing) => result.reclaims.map((r) => `${r.deviceId}:${r.reason}`);

describe('fills', () => {
  it('fills devices_min all at once or not at all', () => {
    expect(filled(clearPool(poolOf(2), [bid('a', { devicesMin: 3, devicesMax: 4 })], [], now))).toEqual({});
    expect(filled(clearPool(poolOf(3), [bid('a', { devicesMin: 3, devicesMax: 4 })], [], now))).toEqual({ a: 3 });
  });

  it('passes over a bid whose minimum does not fit and fills lower bids that do', () => {
    const bids = [
      bid('big', { maxBidPrice: 0.9, devicesMin: 5, devicesMax: 5 }),
      bid('small', { maxBidPrice: 0.4, devicesMin: 2, devicesMax: 3 }),
    ];
    expect(filled(clearPool(poolOf(3), bids, [], now))).toEqual({ small: 3 });
  });

  it('fills partially between devices_min and devices_max, and counts devices already filled', () => {
    expect(filled(clearPool(poolOf(3), [bid('a', { devicesMin: 2, devicesMax: 5 })], [], now))).toEqual({ a: 3 });
    expect(filled(clearPool(poolOf(10), [bid('a', { devicesMin: 2, devicesMax: 5 })], [], now))).toEqual({ a: 5 });
    // Its minimum already met, one free machine is enough for a partial fill.
    expect(filled(clearPool(poolOf(1), [bid('a', { devicesMin: 3, devicesMax: 5, alreadyFilled: 3 })], [], now))).toEqual({ a: 1 });
    expect(filled(clearPool(poolOf(9), [bid('a', { devicesMin: 3, devicesMax: 5, alreadyFilled: 5 })], [], now))).toEqual({});
  });

  it('gives the last machine to the highest bid, whatever the order of arrival', () => {
    const bids = [
      bid('early-low', { maxBidPrice: 0.4, createdAt: ago(minutes(50)) }),
      bid('late-high', { maxBidPrice: 0.8, createdAt: ago(minutes(1)) }),
    ];
    expect(filled(clearPool(poolOf(1), bids, [], now))).toEqual({ 'late-high': 1 });
    expect(filled(clearPool(poolOf(1), [...bids].reverse(), [], now))).toEqual({ 'late-high': 1 });
  });

  it('breaks ties in price by creation time, then by id', () => {
    const bids = [
      bid('b', { createdAt: ago(minutes(5)) }),
      bid('a', { createdAt: ago(minutes(5)) }),
      bid('older', { createdAt: ago(minutes(6)) }),
    ];
    expect(filled(clearPool(poolOf(1), bids, [], now))).toEqual({ older: 1 });
    expect(filled(clearPool(poolOf(2), bids, [], now))).toEqual({ older: 1, a: 1 });
  });

  it('fills only bids at or above the price, and every fill pays the pool price, not its bid', () => {
    const bids = [bid('below', { maxBidPrice: 0.29 }), bid('equal', { maxBidPrice: 0.3 }), bid('above', { maxBidPrice: 2, devicesMax: 2 })];
    const result = clearPool(poolOf(10, 0.3), bids, [], now);
    expect(filled(result)).toEqual({ above: 2, equal: 1 });
    expect(result.price).toBe(0.3);
    expect(result.fills.map((f) => f.price)).toEqual([0.3, 0.3]);
    expect(result.openBids.find((b) => b.id === 'below')).toMatchObject({ alreadyFilled: 0 });
  });

  it('assigns distinct free machines in the pool order and carries the new counts into the open bids', () => {
    const result = clearPool(poolOf(5), [bid('a', { devicesMax: 2, maxBidPrice: 0.9 }), bid('b', { devicesMax: 2 })], [], now);
    expect(result.fills.map((f) => f.machineIds)).toEqual([
      ['m0', 'm1'],
      ['m2', 'm3'],
    ]);
    expect(result.openBids.map((b) => b.alreadyFilled)).toEqual([2, 2]);
  });
});

describe('reclaims', () => {
  it('reclaims outbid devices, locked ones too, with a termination time at least 2 minutes ahead', () => {
    const devices = [device('cheap', { bid: 0.25 }), device('locked-cheap', { bid: 0.2, locked: true }), device('safe', { bid: 0.3 })];
    const result = clearPool(poolOf(0, 0.3), [], devices, now);
    expect(reclaimed(result)).toEqual(['cheap:outbid', 'locked-cheap:outbid']);
    expect(result.reclaims.map((r) => r.terminationTime.getTime() - now.getTime())).toEqual([MIN_NOTICE_MS, MIN_NOTICE_MS]);
  });

  it('raises a configured notice below 2 minutes to 2 minutes and keeps longer ones', () => {
    const devices = [device('d', { bid: 0.1 })];
    const notice = (noticeMs: number) =>
      clearPool(poolOf(0), [], devices, now, { noticeMs }).reclaims[0].terminationTime.getTime() - now.getTime();
    expect(notice(30_000)).toBe(minutes(2));
    expect(notice(0)).toBe(minutes(2));
    expect(notice(-5)).toBe(minutes(2));
    expect(notice(NaN)).toBe(minutes(2));
    expect(notice(minutes(10))).toBe(minutes(10));
  });

  it('does not reclaim a device already under notice again', () => {
    const devices = [device('noticed', { bid: 0.1, terminationTime: new Date(now.getTime() + 30_000) })];
    expect(clearPool(poolOf(0), [], devices, now).reclaims).toEqual([]);
  });

  it('reclaims spot devices for on-demand demand: unlocked first, lowest bid first, newest first, locked last', () => {
    const devices = [
      device('locked-low', { bid: 0.31, locked: true }),
      device('high', { bid: 0.9 }),
      device('low-old', { bid: 0.4, startedAt: ago(minutes(90)) }),
      device('low-new', { bid: 0.4, startedAt: ago(minutes(5)) }),
    ];
    const take = (demand: number) => reclaimed(clearPool(poolOf(1, 0.3, demand), [], devices, now));
    expect(take(1)).toEqual([]);
    expect(take(3)).toEqual(['low-new:on_demand', 'low-old:on_demand']);
    expect(take(4)).toEqual(['low-new:on_demand', 'low-old:on_demand', 'high:on_demand']);
    expect(take(5)).toEqual(['low-new:on_demand', 'low-old:on_demand', 'high:on_demand', 'locked-low:on_demand']);
    expect(take(9)).toHaveLength(4);
  });

  it('counts machines already on their way back (noticed or outbid) before reclaiming more for on-demand', () => {
    const devices = [
      device('noticed', { terminationTime: new Date(now.getTime() + 60_000) }),
      device('outbid', { bid: 0.1 }),
      device('a', { bid: 0.6 }),
      device('b', { bid: 0.7 }),
    ];
    expect(reclaimed(clearPool(poolOf(0, 0.3, 2), [], devices, now))).toEqual(['outbid:outbid']);
    expect(reclaimed(clearPool(poolOf(0, 0.3, 3), [], devices, now))).toEqual(['outbid:outbid', 'a:on_demand']);
  });

  it('leaves the first free machines to on-demand and gives spot only the rest', () => {
    const bids = [bid('a', { devicesMax: 10 })];
    expect(clearPool(poolOf(5, 0.3, 2), bids, [], now).fills.map((f) => f.machineIds)).toEqual([['m2', 'm3', 'm4']]);
    expect(clearPool(poolOf(5, 0.3, 5), bids, [], now).fills).toEqual([]);
  });
});

describe('persistent and one-time requests', () => {
  it('a persistent request re-enters with the remainder its outbid devices left, and refills when the price allows', () => {
    const request = bid('p', { persistent: true, maxBidPrice: 0.4, devicesMin: 2, devicesMax: 3, alreadyFilled: 3 });
    const devices = ['d1', 'd2', 'd3'].map((id) => device(id, { requestId: request.requestId, bid: 0.4 }));
    const spike = clearPool(poolOf(0, 0.45), [request], devices, now);
    expect(reclaimed(spike)).toEqual(['d1:outbid', 'd2:outbid', 'd3:outbid']);
    expect(spike.openBids).toEqual([{ ...request, alreadyFilled: 0 }]);

    // Still above the bid: nothing, even with machines free.
    expect(clearPool(poolOf(5, 0.45), spike.openBids, [], now).fills).toEqual([]);
    // Back under the bid: the minimum must fit at once, then it refills to devices_max.
    expect(clearPool(poolOf(1, 0.35), spike.openBids, [], now).fills).toEqual([]);
    const refill = clearPool(poolOf(5, 0.35), spike.openBids, [], now);
    expect(filled(refill)).toEqual({ p: 3 });
    expect(refill.openBids[0].alreadyFilled).toBe(3);
  });

  it('a persistent request also refills devices taken back for on-demand', () => {
    const request = bid('p', { persistent: true, devicesMax: 2, alreadyFilled: 2 });
    const devices = ['d1', 'd2'].map((id) => device(id, { requestId: request.requestId }));
    const squeeze = clearPool(poolOf(0, 0.3, 1), [request], devices, now);
    expect(reclaimed(squeeze)).toHaveLength(1);
    expect(squeeze.openBids[0].alreadyFilled).toBe(1);
    expect(filled(clearPool(poolOf(1), squeeze.openBids, [], now))).toEqual({ p: 1 });
  });

  it('a one-time request does not replace reclaimed devices', () => {
    const request = bid('o', { maxBidPrice: 0.4, devicesMax: 2, alreadyFilled: 2 });
    const devices = ['d1', 'd2'].map((id) => device(id, { requestId: request.requestId, bid: 0.4 }));
    const spike = clearPool(poolOf(0, 0.45), [request], devices, now);
    expect(reclaimed(spike)).toHaveLength(2);
    expect(spike.openBids).toEqual([request]);
    expect(clearPool(poolOf(5, 0.3), spike.openBids, [], now).fills).toEqual([]);
  });

  it('closes a request whose end_at has passed and reclaims its devices with notice, locked or not', () => {
    const ending = bid('e', { maxBidPrice: 5, devicesMax: 3, alreadyFilled: 1, endAt: now, persistent: true });
    const running = bid('r', { endAt: new Date(now.getTime() + 1000) });
    const devices = [device('d1', { requestId: ending.requestId, bid: 5, locked: true }), device('d2', { requestId: running.requestId })];
    const result = clearPool(poolOf(5), [ending, running], devices, now);
    expect(result.closed).toEqual([{ bidId: 'e', requestId: ending.requestId, pool: POOL, reason: 'end_at' }]);
    expect(reclaimed(result)).toEqual(['d1:end_at']);
    expect(result.reclaims[0].terminationTime.getTime()).toBe(now.getTime() + MIN_NOTICE_MS);
    expect(filled(result)).toEqual({ r: 1 });
    expect(result.openBids.map((b) => b.id)).toEqual(['r']);
  });
});

describe('market', () => {
  const other = poolKey('sv', 'm3.large.x86');

  it('clears each pool with its own machines and price, in the order the pools are given', () => {
    const pools: SpotPool[] = [
      { pool: other, freeMachineIds: ['s1', 's2'], onDemandDemand: 0, price: 1.2 },
      { pool: POOL, freeMachineIds: ['d1'], onDemandDemand: 0, price: 0.3 },
    ];
    const bids = [
      bid('x', { pool: other, maxBidPrice: 1.0, devicesMax: 2 }),
      bid('y', { pool: other, maxBidPrice: 1.5 }),
      bid('z', { devicesMax: 3 }),
    ];
    const result = clearMarket({ pools, bids, devices: [device('dd', { pool: other, bid: 1.0 })] }, now);
    expect(result.pools.map((p) => p.pool)).toEqual([other, POOL]);
    expect(result.pools[0].fills.map((f) => [f.bidId, f.machineIds])).toEqual([['y', ['s1']]]);
    expect(reclaimed(result.pools[0])).toEqual(['dd:outbid']);
    expect(result.pools[1].fills.map((f) => [f.bidId, f.machineIds])).toEqual([['z', ['d1']]]);
  });

  it('rejects input that would make the round ambiguous', () => {
    const pools = [poolOf(1)];
    expect(() => clearMarket({ pools, bids: [bid('x', { pool: other })], devices: [] }, now)).toThrow(/no pool state/);
    expect(() => clearMarket({ pools: [...pools, poolOf(2)], bids: [], devices: [] }, now)).toThrow(/listed twice/);
    expect(() => clearPool(poolOf(2), [bid('a'), bid('b', { requestId: 'r-a' })], [], now)).toThrow(/more than one bid/);
    expect(() => clearPool({ ...poolOf(0), freeMachineIds: ['m', 'm'] }, [], [], now)).toThrow(/free machine twice/);
    expect(() => clearPool(poolOf(1), [], [device('d', { pool: other })], now)).toThrow(/belongs to pool/);
  });
});

describe('properties over random markets', () => {
  const poolNames = ['da', 'ny', 'sv'].flatMap((metro) => ['c3.small.x86', 'm3.large.x86'].map((plan) => poolKey(metro, plan)));

  function randomMarket(random: () => number) {
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
    const pools: SpotPool[] = poolNames.map((pool) => ({
      pool,
      freeMachineIds: machines(Math.floor(random() * 12), `${pool}#`),
      onDemandDemand: random() < 0.3 ? Math.floor(random() * 6) : 0,
      price: Math.round((0.1 + random()) * 100) / 100,
    }));
    const bids: SpotBid[] = Array.from({ length: Math.floor(random() * 60) }, (_, i) => {
      const devicesMin = 1 + Math.floor(random() * 4);
      const devicesMax = devicesMin + Math.floor(random() * 4);
      return bid(`b${i}`, {
        pool: pick(poolNames),
        maxBidPrice: Math.round((0.1 + random()) * 10) / 10, // coarse, so ties are common
        devicesMin,
        devicesMax,
        alreadyFilled: Math.floor(random() * (devicesMax + 1)),
        createdAt: ago(minutes(Math.floor(random() * 5))),
        persistent: random() < 0.5,
        endAt: random() < 0.2 ? ago(minutes(Math.floor(random() * 3) - 1)) : null,
      });
    });
    const devices: SpotDevice[] = Array.from({ length: Math.floor(random() * 30) }, (_, i) => {
      const owner = bids.length && random() < 0.8 ? pick(bids) : undefined;
      return device(`d${i}`, {
        pool: owner?.pool ?? pick(poolNames),
        requestId: owner?.requestId ?? `gone-${i}`,
        bid: owner?.maxBidPrice ?? 0.5,
        locked: random() < 0.2,
        startedAt: ago(minutes(Math.floor(random() * 100))),
        terminationTime: random() < 0.1 ? new Date(now.getTime() + 30_000) : null,
      });
    });
    return { pools, bids, devices };
  }

  it('never assigns a machine twice or beyond the free ones, and keeps every fill rule (300 random markets)', () => {
    const random = seededRandom(42);
    const violations: string[] = [];
    for (let round = 0; round < 300; round++) {
      const market = randomMarket(random);
      const result = clearMarket(market, now);
      const assigned = new Set<string>();
      for (const [i, pool] of result.pools.entries()) {
        const input = market.pools[i];
        const bidsById = new Map(market.bids.filter((b) => b.pool === pool.pool).map((b) => [b.id, b]));
        const spare = Math.max(0, input.freeMachineIds.length - input.onDemandDemand);
        const given = pool.fills.reduce((n, f) => n + f.machineIds.length, 0);
        const fail = (why: string) => violations.push(`round ${round}, ${pool.pool}: ${why}`);
        if (given > spare) fail(`gave ${given} machines, ${spare} were spare`);
        for (const fill of pool.fills) {
          const b = bidsById.get(fill.bidId)!;
          for (const m of fill.machineIds) {
            if (assigned.has(m)) fail(`machine ${m} assigned twice`);
            if (!input.freeMachineIds.includes(m)) fail(`machine ${m} was not free`);
            assigned.add(m);
          }
          if (fill.price !== input.price || fill.price > b.maxBidPrice) fail(`fill ${b.id} pays ${fill.price}`);
          if (b.alreadyFilled + fill.machineIds.length < b.devicesMin) fail(`fill ${b.id} below devices_min`);
          if (b.alreadyFilled + fill.machineIds.length > b.devicesMax) fail(`fill ${b.id} above devices_max`);
        }
        // A bid that could take what is left over would have been filled when its turn came.
        const leftover = spare - given;
        const fillCount = new Map(pool.fills.map((f) => [f.bidId, f.machineIds.length]));
        for (const b of bidsById.values()) {
          const open = !(b.endAt && b.endAt <= now) && b.maxBidPrice >= input.price && b.alreadyFilled < b.devicesMax;
          const count = fillCount.get(b.id) ?? 0;
          if (open && count === 0 && Math.max(1, b.devicesMin - b.alreadyFilled) <= leftover)
            fail(`bid ${b.id} left out with ${leftover} machines over`);
          if (count > 0 && count < b.devicesMax - b.alreadyFilled && leftover > 0)
            fail(`bid ${b.id} partial with ${leftover} machines over`);
          if (!open && count > 0) fail(`bid ${b.id} filled though not open`);
        }
        const ids = pool.reclaims.map((r) => r.deviceId);
        if (new Set(ids).size !== ids.length) fail('a device reclaimed twice');
        if (pool.reclaims.some((r) => r.terminationTime.getTime() - now.getTime() < MIN_NOTICE_MS)) fail('notice under 2 minutes');
      }
      // Deterministic, whatever order the bids and devices arrive in.
      const shuffled = { ...market, bids: [...market.bids].reverse(), devices: [...market.devices].reverse() };
      const again = clearMarket(shuffled, now);
      const summary = (r: typeof result) => r.pools.map((p) => [p.fills, p.reclaims, p.closed.map((c) => c.bidId).sort()]);
      if (JSON.stringify(summary(again)) !== JSON.stringify(summary(result))) violations.push(`round ${round}: order-dependent`);
    }
    expect(violations).toEqual([]);
  });

  it('requests racing over many rounds never share a machine (fills become devices, reclaims free machines)', () => {
    const random = seededRandom(9);
    const all = machines(8);
    const holder = new Map<string, string>(); // machine → device
    let devices: (SpotDevice & { machine: string })[] = [];
    let bids: SpotBid[] = Array.from({ length: 12 }, (_, i) => {
      const devicesMin = 1 + Math.floor(random() * 3);
      return bid(`b${i}`, {
        maxBidPrice: 0.2 + Math.floor(random() * 8) / 10,
        devicesMin,
        devicesMax: devicesMin + Math.floor(random() * 3),
        persistent: i % 2 === 0,
      });
    });
    let clock = now.getTime();
    const violations: string[] = [];
    for (let round = 0; round < 200; round++) {
      clock += minutes(1);
      for (const d of devices.filter((d) => d.terminationTime && d.terminationTime.getTime() <= clock)) holder.delete(d.machine);
      devices = devices.filter((d) => !(d.terminationTime && d.terminationTime.getTime() <= clock));
      const free = all.filter((m) => !holder.has(m));
      const pool: SpotPool = {
        pool: POOL,
        freeMachineIds: free,
        onDemandDemand: random() < 0.1 ? 2 : 0,
        price: 0.2 + Math.floor(random() * 8) / 10,
      };
      const result = clearPool(pool, bids, devices, new Date(clock));
      for (const r of result.reclaims) {
        const d = devices.find((x) => x.id === r.deviceId)!;
        d.terminationTime = r.terminationTime;
      }
      for (const fill of result.fills) {
        for (const machine of fill.machineIds) {
          if (holder.has(machine))
            violations.push(`round ${round}: ${machine} given to ${fill.bidId} while ${holder.get(machine)} holds it`);
          const id = `${fill.bidId}@${round}:${machine}`;
          holder.set(machine, id);
          const b = bids.find((x) => x.id === fill.bidId)!;
          devices.push({ ...device(id, { requestId: b.requestId, bid: b.maxBidPrice, startedAt: new Date(clock) }), machine });
        }
      }
      bids = result.openBids;
      if (holder.size > all.length) violations.push(`round ${round}: ${holder.size} devices on ${all.length} machines`);
    }
    expect(violations).toEqual([]);
    expect(holder.size).toBeGreaterThan(0);
  });
});
