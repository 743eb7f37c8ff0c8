/**
 * Clearing rounds on the engine's clock, in one transaction each: load the market (open bids, spot devices, pool
 * loads, on-demand demand, free machines), move prices (price.ts), decide the round (clearing.ts, pure), then write
 * its outcome: fills become spot devices, reclaims get termination notices, ended requests close, devices whose
 * termination_time has come are deprovisioned.
 */
import type { DeviceCreateInput } from '../../contract/schemas';
import { newId } from '../../core/ids';
import type { Queryable } from '../../store/database';
import { pruneHistory } from '../../store/spot-prices';
import * as devicesRepo from '../../store/devices';
import * as machinesRepo from '../../store/machines';
import * as projectsRepo from '../../store/projects';
import * as repo from '../../store/spot-requests';
import type { FreePoolMachine } from '../../store/machines';
import type { SpotRequestRow } from '../../store/spot-requests';
import type { EngineContext } from '../context';
import type { DeviceService, NewDevice } from '../devices';
import { insertEvents } from '../../store/events';
import { clearMarket, poolKey, type SpotBid, type SpotDevice, type SpotPool } from './clearing';
import { closeRequests, terminateDevices } from './ending';
import type { SpotPriceService } from './market-prices';
import { sendTerminationNotices } from './notices';
import { isoTime as iso } from '../../core/clock';
import { defaultPriceHistoryConfig } from './price';

/** What one clearing round did (for logs and tests). */
export interface ClearingReport {
  filled: number;
  reclaimed: number;
  closed: number;
  terminated: number;
}

export class ClearingRounds {
  private running?: Promise<ClearingReport>;
  private queued?: Promise<ClearingReport>;

  constructor(
    private readonly ctx: EngineContext,
    private readonly devices: DeviceService,
    private readonly prices: SpotPriceService,
    private readonly onJobsQueued: () => void,
    private readonly onWebhooksQueued: () => void,
  ) {}

  /** One clearing round; calls while a round runs share the next one (so none is lost and none doubles up). */
  clear(): Promise<ClearingReport> {
    if (!this.running) {
      this.running = this.round().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.clear();
      });
    return this.queued;
  }

  /** Resolves once no clearing round is running or queued. */
  async idle(): Promise<void> {
    await Promise.allSettled([this.running, this.queued]);
  }

  private async round(): Promise<ClearingReport> {
    const now = this.ctx.clock.now();
    let webhooks = 0;
    const report = await this.ctx.db.transaction(async (tx) => {
      if (this.ctx.db.kind === 'postgres') await repo.lockClearing(tx);
      const bids = await repo.lockOpenRequests(tx);
      const spotDevices = await devicesRepo.spotDevices(tx);
      const bidPools = new Set(bids.map((b) => poolKey(b.metro_id, b.plan_id)));
      const [loads, demand, free] = await Promise.all([
        machinesRepo.poolLoads(tx),
        devicesRepo.waitingOnDemand(tx),
        bids.length
          ? machinesRepo.lockFreePoolMachines(tx, [...new Set(bids.map((b) => b.plan_id))], [...new Set(bids.map((b) => b.metro_id))])
          : Promise.resolve([]),
      ]);

      const prices = await this.prices.step(tx, loads, [...bids, ...spotDevices], now);
      const demandByPool = new Map(demand.map((d) => [poolKey(d.metro_id, d.plan_id), d.n]));
      const freeByPool = new Map<string, FreePoolMachine[]>();
      for (const m of free) {
        const key = poolKey(m.metro_id, m.plan_id);
        if (!bidPools.has(key)) continue;
        freeByPool.set(key, [...(freeByPool.get(key) ?? []), m]);
      }
      const poolKeys = new Set([...bidPools, ...spotDevices.map((d) => poolKey(d.metro_id, d.plan_id))]);
      const pools: SpotPool[] = [...poolKeys].map((pool) => ({
        pool,
        freeMachineIds: (freeByPool.get(pool) ?? []).map((m) => m.id),
        onDemandDemand: demandByPool.get(pool) ?? 0,
        price: prices.get(pool)!,
      }));
      const marketBids: SpotBid[] = bids.map((b) => ({
        id: b.id,
        requestId: b.id,
        pool: poolKey(b.metro_id, b.plan_id),
        maxBidPrice: b.max_bid_price,
        devicesMin: b.devices_min,
        devicesMax: b.devices_max,
        alreadyFilled: b.kind === 'persistent' ? b.live : b.filled_total,
        createdAt: new Date(b.created_at),
        persistent: b.kind === 'persistent',
        endAt: b.end_at ? new Date(b.end_at) : null,
      }));
      const marketDevices: SpotDevice[] = spotDevices.map((d) => ({
        id: d.id,
        requestId: d.spot_market_request_id ?? d.id,
        pool: poolKey(d.metro_id, d.plan_id),
        bid: d.spot_price_max ?? Infinity,
        locked: d.locked,
        startedAt: new Date(d.created_at),
        terminationTime: d.termination_time ? new Date(d.termination_time) : null,
      }));
      const clearing = clearMarket({ pools, bids: marketBids, devices: marketDevices }, now, { noticeMs: this.ctx.config.spotNoticeMs });

      const requests = new Map(bids.map((b) => [b.id, b]));
      const machines = new Map(free.map((m) => [m.id, m]));
      const fills = clearing.pools.flatMap((p) => p.fills);
      const filled = await this.applyFills(
        tx,
        fills.map((f) => ({ request: requests.get(f.requestId)!, machines: f.machineIds.map((id) => machines.get(id)!), price: f.price })),
        now,
      );
      const reclaims = clearing.pools.flatMap((p) => p.reclaims);
      webhooks = await sendTerminationNotices(
        tx,
        reclaims,
        new Map(spotDevices.map((d) => [d.id, d])),
        prices,
        now,
        this.ctx.webhookBodies,
      );
      const closed = clearing.pools.flatMap((p) => p.closed);
      await closeRequests(
        tx,
        closed.map((c) => ({ id: c.requestId, state: requests.get(c.requestId)!.state, event: 'expire' })),
        now,
      );
      const terminated = await this.terminateDue(tx, now);
      await pruneHistory(tx, new Date(now.getTime() - defaultPriceHistoryConfig.retentionMs));
      return { filled, reclaimed: reclaims.length, closed: closed.length, terminated };
    });
    if (webhooks) this.onWebhooksQueued();
    if (report.filled || report.reclaimed || report.terminated) this.onJobsQueued();
    return report;
  }

  /** Fills become spot devices through the same insert path as on-demand creates (and the same provision jobs). */
  private async applyFills(
    tx: Queryable,
    fills: { request: SpotRequestRow; machines: FreePoolMachine[]; price: number }[],
    now: Date,
  ): Promise<number> {
    if (!fills.length) return 0;
    const { world } = this.ctx;
    const keys = await projectsRepo.projectSshKeys(tx, [...new Set(fills.map((f) => f.request.project_id))]);
    const devices: NewDevice[] = [];
    for (const { request, machines } of fills) {
      const p = request.instance_parameters;
      const plan = world.plans.get(request.plan_id)!;
      const metro = world.metros.get(request.metro_id)!;
      const explicit = [...(p.project_ssh_keys ?? []), ...(p.user_ssh_keys ?? [])];
      const sshKeyIds = p.no_ssh_keys
        ? []
        : explicit.length
          ? explicit
          : keys.filter((k) => k.project_id === request.project_id).map((k) => k.id);
      machines.forEach((machine, i) => {
        const n = request.filled_total + i;
        const hostname = p.hostnames
          ? p.hostnames[n % p.hostnames.length]
          : p.hostname && (request.devices_max > 1 ? `${p.hostname}-${n + 1}` : p.hostname);
        const input: DeviceCreateInput = { ...p, hostname, metro: metro.code };
        devices.push({
          projectId: request.project_id,
          input,
          plan,
          metro,
          facilities: [world.facilities.get(machine.facility_id)!],
          os: world.os(p.operating_system)!,
          sshKeyIds,
          machine,
          spot: { requestId: request.id, maxBidPrice: request.max_bid_price },
        });
      });
    }
    const results = await this.devices.insertDevices(tx, devices, now);
    // A fill whose metro has no addresses left for it is not made: its machine stays free, and the log says why.
    for (const r of results) if (r instanceof Error) this.ctx.log.warn({ reason: r.message }, 'a spot fill got no addresses');
    const made = results.flatMap((r, i) => (r instanceof Error ? [] : [{ row: r, request: devices[i].spot! }]));
    const priceOf = new Map(fills.map((f) => [f.request.id, f.price]));
    await insertEvents(
      tx,
      made.map(({ row: r, request }) => ({
        id: newId(),
        type: 'instance.spot_filled',
        body: `${r.hostname} filled spot market request ${request.requestId}: pays the clearing price ${priceOf.get(request.requestId)}/h (max bid ${request.maxBidPrice}/h)`,
        project_id: r.project_id,
        device_id: r.id,
      })),
      now,
    );
    await repo.addFilled(
      tx,
      fills.map((f) => ({ id: f.request.id, n: made.filter((m) => m.request.requestId === f.request.id).length })),
      now,
    );
    return made.length;
  }

  /**
   * Devices whose termination_time has come (spot or not: Metal's termination_time applies to on-demand devices
   * too) are deprovisioned, locked or not; one-time requests left with no devices close.
   */
  private async terminateDue(tx: Queryable, now: Date): Promise<number> {
    const due = await devicesRepo.lockDueDevices(tx, now);
    const ended = due.map((d) => ({ id: d.id, message: `${d.hostname}: terminated at its termination_time ${iso(d.termination_time)}` }));
    const terminated = await terminateDevices(tx, ended, now, this.ctx.config.powerTimeoutMs);
    const done = await repo.fulfilledRequests(tx);
    await closeRequests(
      tx,
      done.map((r) => ({ id: r.id, state: r.state, event: 'fulfil' })),
      now,
    );
    return terminated;
  }
}
