/**
 * One clearing round of the spot market, for one pool (metro × plan) or many. Pure and deterministic: the same
 * input and `now` give the same output; nothing here reads a clock or a database.
 *
 * Rules of a round, per pool:
 * - Uniform price: every spot device in the pool pays the pool's spot price (see price.ts), not its bid. A bid
 *   is filled while maxBidPrice ≥ price; a running device whose bid is below the price is outbid.
 * - On-demand first: the first `onDemandDemand` free machines are left for on-demand requests; only the rest go
 *   to spot. When on-demand needs more than is free (minus machines already leaving), spot devices are reclaimed.
 * - Reclaims never terminate at once: each gets termination_time = now + notice (notice ≥ 2 minutes, as EC2's
 *   interruption notice). A device already under notice keeps its time and is not reclaimed again; it counts as
 *   a machine on its way back. Outbid devices and devices of a request whose end_at has passed are always
 *   reclaimed (the bid caps what the user pays, locked or not); capacity for on-demand takes unlocked devices
 *   before locked ones, lowest bid first, newest first (least work lost), then id.
 * - Fills: bids in order of maxBidPrice descending, createdAt ascending, id ascending. A bid below devicesMin
 *   gets its missing minimum all at once or nothing this round (it is passed over, so smaller lower bids that
 *   fit still fill — machines are not held back for it); above devicesMin it fills partially up to devicesMax.
 * - Bids stay open until end_at (a one-time request that reached devicesMax simply has nothing left to fill).
 *   alreadyFilled counts the devices held against devicesMax: for a persistent request its devices not under a
 *   termination notice, so reclaimed devices re-enter as unfilled remainder; for a one-time request every device
 *   it was ever filled with, so reclaimed devices are not replaced. `openBids` carries the updated counts.
 *
 * Cost: O(b log b + d log d) per pool for b bids and d running devices; no loop is quadratic.
 */

export interface SpotBid {
  id: string;
  requestId: string;
  pool: string;
  maxBidPrice: number;
  devicesMin: number;
  devicesMax: number;
  /** Devices held against devicesMax (see the rules above). */
  alreadyFilled: number;
  createdAt: Date;
  persistent: boolean;
  endAt: Date | null;
}

export interface SpotDevice {
  id: string;
  requestId: string;
  pool: string;
  /** The max bid price of the device's request (its end_at comes from the request's bid, if open). */
  bid: number;
  locked: boolean;
  startedAt: Date;
  /** Set once the device has its termination notice. */
  terminationTime?: Date | null;
}

export interface SpotPool {
  pool: string;
  /** Free machines of the pool; spot takes them in this order, after those left for on-demand. */
  freeMachineIds: readonly string[];
  /** Machines that waiting on-demand requests need in this pool. */
  onDemandDemand: number;
  /** The pool's spot price for this round. */
  price: number;
}

export interface ClearingConfig {
  /** Time from a reclaim to its termination; raised to MIN_NOTICE_MS when lower. */
  noticeMs: number;
}

export const MIN_NOTICE_MS = 2 * 60_000;
export const defaultClearingConfig: ClearingConfig = { noticeMs: MIN_NOTICE_MS };

export interface SpotFill {
  bidId: string;
  requestId: string;
  pool: string;
  machineIds: string[];
  /** What each filled device pays per hour: the pool's price, not the bid. */
  price: number;
}

export type ReclaimReason = 'outbid' | 'end_at' | 'on_demand';

export interface SpotReclaim {
  deviceId: string;
  requestId: string;
  pool: string;
  reason: ReclaimReason;
  terminationTime: Date;
}

export interface ClosedBid {
  bidId: string;
  requestId: string;
  pool: string;
  reason: 'end_at';
}

export interface PoolClearing {
  pool: string;
  /** The uniform clearing price every spot device of the pool pays. */
  price: number;
  fills: SpotFill[];
  reclaims: SpotReclaim[];
  closed: ClosedBid[];
  /** The bids for the next round: closed ones removed, alreadyFilled updated. */
  openBids: SpotBid[];
}

export interface MarketInput {
  pools: readonly SpotPool[];
  bids: readonly SpotBid[];
  devices: readonly SpotDevice[];
}

export interface MarketClearing {
  /** One entry per input pool, in input order. */
  pools: PoolClearing[];
}

/** The key of a metro × plan pool. */
export function poolKey(metro: string, plan: string): string {
  return `${metro}/${plan}`;
}

export function effectiveNoticeMs(config: ClearingConfig = defaultClearingConfig): number {
  return Number.isFinite(config.noticeMs) ? Math.max(MIN_NOTICE_MS, config.noticeMs) : MIN_NOTICE_MS;
}

/** Fill order: highest bid first, then oldest, then id. */
export function compareBids(a: SpotBid, b: SpotBid): number {
  return b.maxBidPrice - a.maxBidPrice || a.createdAt.getTime() - b.createdAt.getTime() || compareIds(a.id, b.id);
}

/** Reclaim order for capacity: unlocked first, then lowest bid, then newest, then id. */
export function compareReclaim(a: SpotDevice, b: SpotDevice): number {
  return Number(a.locked) - Number(b.locked) || a.bid - b.bid || b.startedAt.getTime() - a.startedAt.getTime() || compareIds(a.id, b.id);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function clearPool(
  pool: SpotPool,
  bids: readonly SpotBid[],
  devices: readonly SpotDevice[],
  now: Date,
  config: ClearingConfig = defaultClearingConfig,
): PoolClearing {
  checkInput(pool, bids, devices);
  const terminationTime = new Date(now.getTime() + effectiveNoticeMs(config));
  const price = pool.price;

  const ended = new Set<string>();
  const closed: ClosedBid[] = [];
  for (const bid of bids) {
    if (bid.endAt && bid.endAt.getTime() <= now.getTime()) {
      ended.add(bid.requestId);
      closed.push({ bidId: bid.id, requestId: bid.requestId, pool: pool.pool, reason: 'end_at' });
    }
  }

  // Devices that go whatever the capacity: their request ended, or the price passed their bid.
  const reclaimed: { device: SpotDevice; reason: ReclaimReason }[] = [];
  const staying: SpotDevice[] = [];
  let noticed = 0;
  for (const device of devices) {
    if (device.terminationTime) noticed++;
    else if (ended.has(device.requestId)) reclaimed.push({ device, reason: 'end_at' });
    else if (device.bid < price) reclaimed.push({ device, reason: 'outbid' });
    else staying.push(device);
  }
  reclaimed.sort((a, b) => compareReclaim(a.device, b.device));

  // Machines on their way back (noticed earlier or reclaimed above) already count towards on-demand's need.
  const shortfall = pool.onDemandDemand - pool.freeMachineIds.length - noticed - reclaimed.length;
  if (shortfall > 0) {
    staying.sort(compareReclaim);
    for (const device of staying.slice(0, shortfall)) reclaimed.push({ device, reason: 'on_demand' });
  }
  const reclaims = reclaimed.map(({ device, reason }): SpotReclaim => ({
    deviceId: device.id,
    requestId: device.requestId,
    pool: pool.pool,
    reason,
    terminationTime,
  }));

  const fills = fillBids(pool, bids, ended);

  const filledByBid = new Map(fills.map((f) => [f.bidId, f.machineIds.length]));
  const reclaimedByRequest = new Map<string, number>();
  for (const r of reclaims) reclaimedByRequest.set(r.requestId, (reclaimedByRequest.get(r.requestId) ?? 0) + 1);
  const openBids: SpotBid[] = [];
  for (const bid of bids) {
    if (ended.has(bid.requestId)) continue;
    const gained = filledByBid.get(bid.id) ?? 0;
    const lost = bid.persistent ? (reclaimedByRequest.get(bid.requestId) ?? 0) : 0;
    openBids.push(gained || lost ? { ...bid, alreadyFilled: Math.max(0, bid.alreadyFilled + gained - lost) } : bid);
  }

  return { pool: pool.pool, price, fills, reclaims, closed, openBids };
}

/** Assigns the pool's spare machines to the open bids that meet the price. */
function fillBids(pool: SpotPool, bids: readonly SpotBid[], ended: ReadonlySet<string>): SpotFill[] {
  const machines = pool.freeMachineIds;
  let next = Math.max(0, pool.onDemandDemand);
  if (next >= machines.length) return [];
  const eligible = bids.filter((b) => !ended.has(b.requestId) && b.maxBidPrice >= pool.price && b.alreadyFilled < b.devicesMax);
  eligible.sort(compareBids);
  const fills: SpotFill[] = [];
  for (const bid of eligible) {
    const available = machines.length - next;
    if (available === 0) break;
    const minimum = Math.max(1, bid.devicesMin - bid.alreadyFilled);
    if (available < minimum) continue;
    const count = Math.min(bid.devicesMax - bid.alreadyFilled, available);
    fills.push({
      bidId: bid.id,
      requestId: bid.requestId,
      pool: pool.pool,
      machineIds: machines.slice(next, next + count),
      price: pool.price,
    });
    next += count;
  }
  return fills;
}

/** A bid or device of another pool, two bids of one request or a machine listed twice would make the round ambiguous. */
function checkInput({ pool, freeMachineIds }: SpotPool, bids: readonly SpotBid[], devices: readonly SpotDevice[]): void {
  if (new Set(freeMachineIds).size !== freeMachineIds.length) throw new Error(`spot clearing: pool ${pool} lists a free machine twice`);
  const requests = new Set<string>();
  for (const bid of bids) {
    if (bid.pool !== pool) throw new Error(`spot clearing: bid ${bid.id} belongs to pool ${bid.pool}, not ${pool}`);
    if (requests.has(bid.requestId)) throw new Error(`spot clearing: request ${bid.requestId} has more than one bid in pool ${pool}`);
    requests.add(bid.requestId);
  }
  for (const device of devices) {
    if (device.pool !== pool) throw new Error(`spot clearing: device ${device.id} belongs to pool ${device.pool}, not ${pool}`);
  }
}

/** Clears every pool; bids and devices are grouped by pool in one pass. */
export function clearMarket(input: MarketInput, now: Date, config: ClearingConfig = defaultClearingConfig): MarketClearing {
  const bidsByPool = groupByPool(input.pools, input.bids, 'bid');
  const devicesByPool = groupByPool(input.pools, input.devices, 'device');
  return {
    pools: input.pools.map((pool) => clearPool(pool, bidsByPool.get(pool.pool)!, devicesByPool.get(pool.pool)!, now, config)),
  };
}

function groupByPool<T extends { id: string; pool: string }>(
  pools: readonly SpotPool[],
  items: readonly T[],
  kind: string,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const pool of pools) {
    if (groups.has(pool.pool)) throw new Error(`spot clearing: pool ${pool.pool} is listed twice`);
    groups.set(pool.pool, []);
  }
  for (const item of items) {
    const group = groups.get(item.pool);
    if (!group) throw new Error(`spot clearing: ${kind} ${item.id} belongs to pool ${item.pool}, which has no pool state`);
    group.push(item);
  }
  return groups;
}
