/**
 * The spot price of one pool (metro × plan) and its price history. Pure: no database, no clock reads — the
 * caller passes the pool's load, the previous price and the time.
 *
 * Price formula. D = the plan's on-demand price in the metro, F = floorFraction · D, u = allocated / total
 * (allocated counts on-demand and spot devices, including those under a termination notice; a pool with no
 * machines has u = 1). The target price is piecewise-linear in u:
 *
 *     target(u) = F + (D − F) · clamp((u − uLow) / (uHigh − uLow), 0, 1)
 *
 * so it is F up to uLow, D from uHigh on, and never outside [F, D]. Unlike Packet, where 10× list meant "no
 * capacity", the price never exceeds D: capacity is reported separately (GET /capacity/metros).
 *
 * Smoothing. The price moves in whole steps of `stepMs` on a grid anchored at the previous price's time, and in
 * each step by at most `maxStepChange` (a fraction of the current price) towards the target:
 *
 *     k = floor((now − previous.at) / stepMs)
 *     price = clamp(target, previous.price · (1 − s)^k, previous.price · (1 + s)^k), then clamped into [F, D]
 *
 * and `at` advances to previous.at + k · stepMs, so calling often or rarely gives the same price for the same
 * load (k steps at once equal k single steps). The band [F, D] wins over smoothing when the on-demand price
 * itself changed. Without a previous price the price starts at the target.
 */

export interface PoolLoad {
  /** Machines of the plan in the metro that can serve devices. */
  total: number;
  /** Machines holding an on-demand or spot device (devices under a termination notice included). */
  allocated: number;
}

export interface SpotPriceConfig {
  /** F / D: the lowest price as a fraction of the on-demand price. */
  floorFraction: number;
  /** At or below this utilisation the price is the floor. */
  lowUtilisation: number;
  /** At or above this utilisation the price is the on-demand price. */
  highUtilisation: number;
  /** The largest move per step as a fraction of the current price (0.1 = 10 %). */
  maxStepChange: number;
  /** The length of one price step. */
  stepMs: number;
}

export const defaultSpotPriceConfig: SpotPriceConfig = {
  floorFraction: 0.2,
  lowUtilisation: 0.5,
  highUtilisation: 0.95,
  maxStepChange: 0.1,
  stepMs: 5 * 60_000,
};

export interface SpotPrice {
  /** Price per hour, in the currency of the on-demand price. */
  price: number;
  /** The time of the last price step applied. */
  at: Date;
}

export function utilisation(load: PoolLoad): number {
  if (load.total <= 0) return 1;
  return Math.min(1, Math.max(0, load.allocated / load.total));
}

export function spotPriceFloor(onDemandPrice: number, config: SpotPriceConfig = defaultSpotPriceConfig): number {
  return onDemandPrice * config.floorFraction;
}

/** The price the pool moves towards at utilisation `u` (before smoothing). */
export function targetSpotPrice(onDemandPrice: number, u: number, config: SpotPriceConfig = defaultSpotPriceConfig): number {
  const floor = spotPriceFloor(onDemandPrice, config);
  const position = clamp((u - config.lowUtilisation) / (config.highUtilisation - config.lowUtilisation), 0, 1);
  return floor + (onDemandPrice - floor) * position;
}

/** The pool's spot price at `now`, from its load and the previous price (null for a new pool). */
export function nextSpotPrice(
  pool: { onDemandPrice: number; load: PoolLoad },
  previous: SpotPrice | null,
  now: Date,
  config: SpotPriceConfig = defaultSpotPriceConfig,
): SpotPrice {
  const target = targetSpotPrice(pool.onDemandPrice, utilisation(pool.load), config);
  const floor = spotPriceFloor(pool.onDemandPrice, config);
  if (!previous) return { price: target, at: now };
  const steps = Math.max(0, Math.floor((now.getTime() - previous.at.getTime()) / config.stepMs));
  const lowest = previous.price * Math.pow(1 - config.maxStepChange, steps);
  const highest = previous.price * Math.pow(1 + config.maxStepChange, steps);
  const price = clamp(clamp(target, lowest, highest), floor, pool.onDemandPrice);
  return { price, at: new Date(previous.at.getTime() + steps * config.stepMs) };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** [unix seconds, price], the shape of GET /market/spot/prices/history datapoints. */
export type PriceDatapoint = [number, number];

export interface PriceHistoryConfig {
  /** A datapoint is recorded at least this often even when the price did not change. */
  sampleEveryMs: number;
  /** Datapoints older than this are pruned. */
  retentionMs: number;
}

export const defaultPriceHistoryConfig: PriceHistoryConfig = {
  sampleEveryMs: 15 * 60_000,
  retentionMs: 90 * 24 * 3600_000,
};

/**
 * One pool's price history: datapoints in time order, recorded when the price changes and at least every
 * `sampleEveryMs`, pruned to `retentionMs`. Pruning advances a start index and compacts occasionally, so
 * recording stays O(1) amortised however long the history is.
 */
export class PriceHistory {
  private points: PriceDatapoint[];
  private start = 0;

  constructor(
    datapoints: PriceDatapoint[] = [],
    private readonly config: PriceHistoryConfig = defaultPriceHistoryConfig,
  ) {
    this.points = datapoints.map(([t, p]): PriceDatapoint => [t, p]).sort((a, b) => a[0] - b[0]);
  }

  get length(): number {
    return this.points.length - this.start;
  }

  /** Records `price` at `at` if it changed or the last datapoint is old enough; prunes; returns whether it recorded. */
  record(at: Date, price: number): boolean {
    const seconds = Math.floor(at.getTime() / 1000);
    const last = this.length ? this.points[this.points.length - 1] : undefined;
    let recorded: boolean;
    if (last && seconds <= last[0]) {
      // Timestamps are whole seconds: a later change within the same second (or a late one) replaces the last.
      recorded = last[1] !== price;
      last[1] = price;
    } else {
      recorded = !last || last[1] !== price || (seconds - last[0]) * 1000 >= this.config.sampleEveryMs;
      if (recorded) this.points.push([seconds, price]);
    }
    this.prune(at);
    return recorded;
  }

  /** Drops datapoints older than `now` − retention; returns how many were dropped. */
  prune(now: Date): number {
    const cutoff = (now.getTime() - this.config.retentionMs) / 1000;
    const first = this.firstIndexAtOrAfter(cutoff);
    const dropped = first - this.start;
    this.start = first;
    if (this.start > 1024 && this.start * 2 > this.points.length) {
      this.points = this.points.slice(this.start);
      this.start = 0;
    }
    return dropped;
  }

  /** Datapoints with from ≤ timestamp ≤ until (either bound optional), oldest first. */
  between(from?: Date, until?: Date): PriceDatapoint[] {
    const begin = from ? this.firstIndexAtOrAfter(from.getTime() / 1000) : this.start;
    const end = until ? this.firstIndexAtOrAfter(Math.floor(until.getTime() / 1000) + 1) : this.points.length;
    return this.points.slice(begin, Math.max(begin, end)).map(([t, p]) => [t, p]);
  }

  toJSON(): PriceDatapoint[] {
    return this.between();
  }

  private firstIndexAtOrAfter(seconds: number): number {
    let low = this.start;
    let high = this.points.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.points[mid][0] < seconds) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
