import {
  defaultPriceHistoryConfig,
  defaultSpotPriceConfig as config,
  nextSpotPrice,
  PriceHistory,
  spotPriceFloor,
  targetSpotPrice,
  utilisation,
  type SpotPrice,
} from '../../../lib/engine/spot/price';
import { seededRandom } from '../../../lib/core/random';

const D = 1.5; // on-demand price per hour
const F = spotPriceFloor(D);
const t0 = new Date('2026-03-01T00:00:00Z');
const step = config.stepMs;
const at = (ms: number) => new Date(t0.getTime() + ms);
const pool = (allocated: number, total = 100, onDemandPrice = D) => ({ onDemandPrice, load: { allocated, total } });

describe('target spot price', () => {
  it('is the floor (20 % of on-demand) up to the low knee and on-demand from the high knee, never beyond either', () => {
    expect(F).toBeCloseTo(0.3);
    for (const u of [0, 0.25, config.lowUtilisation]) expect(targetSpotPrice(D, u)).toBeCloseTo(F, 12);
    for (const u of [config.highUtilisation, 0.99, 1]) expect(targetSpotPrice(D, u)).toBeCloseTo(D, 12);
    const middle = (config.lowUtilisation + config.highUtilisation) / 2;
    expect(targetSpotPrice(D, middle)).toBeCloseTo((F + D) / 2, 12);
  });

  it('is monotone in utilisation and stays within [floor, on-demand]', () => {
    const prices = Array.from({ length: 1001 }, (_, i) => targetSpotPrice(D, i / 1000));
    expect(prices.filter((p, i) => i > 0 && p < prices[i - 1])).toEqual([]);
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(F - 1e-12);
    expect(Math.max(...prices)).toBeLessThanOrEqual(D + 1e-12);
  });

  it('treats a pool without machines as full, so capacity is never signalled by a price above on-demand', () => {
    expect(utilisation({ allocated: 0, total: 0 })).toBe(1);
    expect(nextSpotPrice(pool(0, 0), null, t0).price).toBeCloseTo(D, 12);
    expect(utilisation({ allocated: 120, total: 100 })).toBe(1);
  });
});

describe('next spot price', () => {
  it('starts at the target when the pool has no previous price', () => {
    expect(nextSpotPrice(pool(80), null, t0)).toEqual({ price: targetSpotPrice(D, 0.8), at: t0 });
  });

  it('does not move within a step and keeps the step grid anchored at the previous price', () => {
    const previous: SpotPrice = { price: 0.5, at: t0 };
    expect(nextSpotPrice(pool(100), previous, at(step - 1))).toEqual(previous);
    const moved = nextSpotPrice(pool(100), previous, at(2 * step + 7_000));
    expect(moved.at).toEqual(at(2 * step));
    expect(moved.price).toBeCloseTo(0.5 * 1.1 * 1.1, 12);
  });

  it('moves at most maxStepChange per step, up and down, and reaches the target exactly', () => {
    const rising = nextSpotPrice(pool(100), { price: F, at: t0 }, at(step));
    expect(rising.price).toBeCloseTo(F * (1 + config.maxStepChange), 12);
    const falling = nextSpotPrice(pool(0), { price: D, at: t0 }, at(step));
    expect(falling.price).toBeCloseTo(D * (1 - config.maxStepChange), 12);
    const settled = nextSpotPrice(pool(0), { price: D, at: t0 }, at(100 * step));
    expect(settled.price).toBe(targetSpotPrice(D, 0));
  });

  it('gives the same price for k single steps as for one call k steps later (constant load)', () => {
    for (const allocated of [0, 40, 70, 90, 100]) {
      let stepwise: SpotPrice = { price: 0.9, at: t0 };
      for (let k = 1; k <= 12; k++) stepwise = nextSpotPrice(pool(allocated), stepwise, at(k * step));
      const direct = nextSpotPrice(pool(allocated), { price: 0.9, at: t0 }, at(12 * step));
      expect(direct.at).toEqual(stepwise.at);
      expect(direct.price).toBeCloseTo(stepwise.price, 12);
    }
  });

  it('keeps to the band when the on-demand price changes under it', () => {
    const lowered = nextSpotPrice(pool(100, 100, 1.0), { price: 1.4, at: t0 }, at(step));
    expect(lowered.price).toBe(1.0);
    const raised = nextSpotPrice(pool(0, 100, 4.0), { price: 0.3, at: t0 }, at(step));
    expect(raised.price).toBeCloseTo(0.8, 12);
  });

  it('holds its properties over random inputs: band, smoothing bound, monotone in utilisation, deterministic', () => {
    const random = seededRandom(7);
    const violations: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const onDemand = 0.05 + random() * 10;
      const total = 1 + Math.floor(random() * 200);
      const floor = spotPriceFloor(onDemand);
      const previous: SpotPrice = { price: floor + random() * (onDemand - floor), at: t0 };
      const now = at(Math.floor(random() * 10 * step));
      const steps = Math.floor((now.getTime() - t0.getTime()) / step);
      const low = Math.max(floor, previous.price * (1 - config.maxStepChange) ** steps) * (1 - 1e-12);
      const high = Math.min(onDemand, previous.price * (1 + config.maxStepChange) ** steps) * (1 + 1e-12);
      let last = -Infinity;
      for (let allocated = 0; allocated <= total; allocated += Math.max(1, Math.floor(total / 17))) {
        const next = nextSpotPrice(pool(allocated, total, onDemand), previous, now);
        const again = nextSpotPrice(pool(allocated, total, onDemand), { ...previous }, new Date(now));
        const problem =
          next.price !== again.price || next.at.getTime() !== again.at.getTime()
            ? 'not deterministic'
            : next.price < low
              ? `below ${low}`
              : next.price > high
                ? `above ${high}`
                : next.price < last
                  ? `falls from ${last} as utilisation rises`
                  : null;
        if (problem) violations.push(`case ${i}, ${allocated}/${total}: ${next.price} ${problem}`);
        last = next.price;
      }
    }
    expect(violations).toEqual([]);
  });
});

describe('price history', () => {
  const minute = 60_000;
  const sampleEvery = defaultPriceHistoryConfig.sampleEveryMs;

  it('records on change and at least every sampling interval, not on every unchanged tick', () => {
    const history = new PriceHistory();
    expect(history.record(t0, 0.3)).toBe(true);
    expect(history.record(at(minute), 0.3)).toBe(false);
    expect(history.record(at(2 * minute), 0.33)).toBe(true);
    expect(history.record(at(2 * minute + sampleEvery - 1000), 0.33)).toBe(false);
    expect(history.record(at(2 * minute + sampleEvery), 0.33)).toBe(true);
    const s = (ms: number) => at(ms).getTime() / 1000;
    expect(history.toJSON()).toEqual([
      [s(0), 0.3],
      [s(2 * minute), 0.33],
      [s(2 * minute + sampleEvery), 0.33],
    ]);
  });

  it('keeps one datapoint per second: a later change within the second replaces the earlier one', () => {
    const history = new PriceHistory();
    history.record(t0, 0.3);
    expect(history.record(at(400), 0.4)).toBe(true);
    expect(history.record(at(900), 0.4)).toBe(false);
    expect(history.toJSON()).toEqual([[t0.getTime() / 1000, 0.4]]);
  });

  it('prunes datapoints older than 90 days and keeps the one exactly at the cutoff', () => {
    const day = 24 * 3600_000;
    const history = new PriceHistory([
      [at(91 * day).getTime() / 1000, 1],
      [t0.getTime() / 1000, 0.5],
      [at(day).getTime() / 1000, 0.6],
    ]);
    expect(history.toJSON().map(([, p]) => p)).toEqual([0.5, 0.6, 1]);
    expect(history.prune(at(91 * day))).toBe(1);
    expect(history.toJSON().map(([, p]) => p)).toEqual([0.6, 1]);
    expect(history.prune(at(91 * day + 1000))).toBe(1);
    expect(history.toJSON().map(([, p]) => p)).toEqual([1]);
  });

  it('stays bounded to 90 days over a long run and answers range queries', () => {
    const day = 24 * 3600_000;
    const history = new PriceHistory();
    const random = seededRandom(3);
    let price = 0.3;
    for (let t = 0; t <= 120 * day; t += 5 * minute) {
      if (random() < 0.3) price = 0.3 + Math.round(random() * 100) / 100;
      history.record(at(t), price);
    }
    const now = at(120 * day);
    const points = history.toJSON();
    expect(points[0][0]).toBeGreaterThanOrEqual((now.getTime() - 90 * day) / 1000);
    expect(points[0][0]).toBeLessThan((now.getTime() - 90 * day) / 1000 + sampleEvery / 1000);
    const gaps = points.slice(1).map(([t], i) => t - points[i][0]);
    expect(Math.min(...gaps)).toBeGreaterThan(0);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(sampleEvery / 1000);
    const from = at(100 * day);
    const until = at(101 * day);
    expect(history.between(from, until)).toEqual(points.filter(([t]) => t >= from.getTime() / 1000 && t <= until.getTime() / 1000));
    expect(history.length).toBe(points.length);
  });
});
