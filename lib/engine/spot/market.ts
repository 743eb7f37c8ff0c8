/**
 * The spot market wired to the store: requests (bids), clearing rounds on the engine's clock, termination
 * notices with events and signed webhooks, terminations when a notice runs out, prices and their history.
 * The rules of a round live in clearing.ts and price.ts (pure); this module loads their input and applies
 * their output in one transaction.
 */
import { MetalError } from '../../contract/errors';
import { HOSTNAME_PATTERN, HOSTNAME_RULE, type DeviceCreateInput, type SpotMarketRequest, type SpotMarketRequestCreateInput, type SpotMarketRequestUpdateInput, type Webhook } from '../../contract/schemas';
import type { Queryable } from '../../store/database';
import { enqueueWebhooks } from '../../store/webhook-outbox';
import type { Principal } from '../accounts';
import { committing, type CommitWith, type EngineContext } from '../context';
import { isUuid, type DeviceService, type FreeMachine, type NewDevice } from '../devices';
import { newId, randomToken } from '../../core/ids';
import { enqueueJobs, type JobOutcome, type JobRow } from '../jobs';
import { shownState, type LifecycleState } from '../lifecycle';
import { BASE, href, presentMetro } from '../present';
import { applyTransitions, insertEvents } from '../transitions';
import { webhookUrlProblem } from '../webhook-targets';
import type { MetroRow, PlanRow } from '../../store/catalog';
import { bidProblems } from '../../contract/bid-rules';
import { suggestion } from '../../contract/catalog-rules';
import { clearMarket, poolKey, type SpotBid, type SpotDevice, type SpotPool, type SpotReclaim } from './clearing';
import { defaultPriceHistoryConfig, nextSpotPrice, PriceHistory, type PriceDatapoint } from './price';

interface RequestRow {
  id: string;
  project_id: string;
  metro_id: string;
  plan_id: string;
  devices_min: number;
  devices_max: number;
  max_bid_price: number;
  end_at: Date | string | null;
  kind: 'one_time' | 'persistent';
  instance_parameters: SpotMarketRequestCreateInput['instance_parameters'];
  state: 'open' | 'closed';
  filled_total: number;
  closed_reason: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

interface RequestDeviceRow {
  id: string;
  spot_market_request_id: string;
  hostname: string;
  state: LifecycleState;
  ip_addresses: SpotMarketRequest['devices'][number]['ip_addresses'];
  termination_time: Date | string | null;
}

/** What one clearing round did (for logs and tests). */
export interface ClearingReport {
  filled: number;
  reclaimed: number;
  closed: number;
  terminated: number;
}

/** Webhook deliveries are retried with the job queue's backoff this many times. */
const LIVE = `state <> ALL ('{deprovisioning,deleted}')`;
const SPOT_LOCK_ID = 7_245_002;

const iso = (v: Date | string | null | undefined) => (v ? new Date(v).toISOString() : undefined);

export class SpotMarketService {
  private running?: Promise<ClearingReport>;
  private queued?: Promise<ClearingReport>;

  constructor(
    private readonly ctx: EngineContext,
    private readonly devices: DeviceService,
    private readonly onJobsQueued: () => void,
    private readonly onWebhooksQueued: () => void,
  ) {}

  // ------------------------------------------------------------------ requests

  /**
   * Validates (collecting every problem), stores the bid and runs a clearing round so it fills at once if it can.
   * `commitWith` (an idempotent request's answer) commits with the bid and gets it as stored, before that round.
   */
  async createRequest(principal: Principal, projectId: string, input: SpotMarketRequestCreateInput, commitWith?: CommitWith<SpotMarketRequest>): Promise<SpotMarketRequest> {
    await this.visibleProject(principal, projectId);
    const { plan, metro } = this.validate(input);
    const now = this.ctx.clock.now().toISOString();
    const { id } = await committing(this.ctx.db, commitWith, async (db) => {
      const rows = await db.query<RequestRow>(
        `INSERT INTO spot_market_requests (id, project_id, metro_id, plan_id, devices_min, devices_max, max_bid_price, end_at, kind, instance_parameters, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $11) RETURNING *`,
        [newId(), projectId, metro.id, plan.id, input.devices_min, input.devices_max, input.max_bid_price, input.end_at ?? null, input.kind ?? 'one_time', JSON.stringify(input.instance_parameters), now],
      );
      return (await this.present(rows, db))[0];
    });
    await this.clear().catch((err) => this.ctx.log.error({ err }, 'spot clearing after a new request failed; the next round retries'));
    return this.get(principal, id);
  }

  private validate(input: SpotMarketRequestCreateInput): { plan: PlanRow; metro: MetroRow } {
    const { world } = this.ctx;
    const params = input.instance_parameters;
    const problems: string[] = [];
    const plan = world.plan(params.plan);
    if (!plan) problems.push(`instance_parameters.plan: unknown plan "${params.plan}"; valid plans: ${[...world.plans.values()].map((p) => p.slug).join(', ')}`);
    else if (!plan.deployment_types.includes('spot_market')) {
      const spot = [...world.plans.values()].filter((p) => p.deployment_types.includes('spot_market')).map((p) => p.slug);
      problems.push(`instance_parameters.plan: ${plan.slug} is not offered on the spot market; spot plans: ${spot.join(', ') || 'none'}`);
    }
    let metro: MetroRow | undefined;
    if (input.metro) {
      metro = world.metro(input.metro);
      if (!metro) problems.push(`metro: unknown metro "${input.metro}"; ${suggestion(input.metro, [...world.metros.values()].map((m) => m.code))}`);
    } else if (input.facilities) {
      const facility = world.facility(input.facilities[0]);
      if (!facility) problems.push(`facilities: unknown facility "${input.facilities[0]}"; give metro instead (facilities is deprecated)`);
      else metro = world.metros.get(facility.metro_id);
    } else problems.push('metro: required; give a metro code such as "ny"');
    if (plan && metro && !world.planMetros.get(plan.id)?.has(metro.id)) {
      problems.push(`metro: ${plan.slug} is not offered in metro ${metro.code}; plans there: ${world.plansIn(metro.id).map((p) => p.slug).join(', ') || 'none'}`);
    }
    problems.push(...bidProblems(input, this.ctx.clock.now(), () => true));
    const os = world.os(params.operating_system);
    if (!os) problems.push(`instance_parameters.operating_system: unknown operating system "${params.operating_system}"; ${suggestion(params.operating_system, [...world.operatingSystems.values()].map((o) => o.slug))}`);
    else if (plan && !world.osAllowsPlan(os, plan)) problems.push(`instance_parameters.operating_system: ${os.slug} cannot be installed on ${plan.slug}; it runs on ${os.provisionable_on.join(', ')}`);
    const hostnameRule = new RegExp(HOSTNAME_PATTERN);
    if (params.hostname !== undefined && !hostnameRule.test(params.hostname)) problems.push(`instance_parameters.hostname: must be ${HOSTNAME_RULE}`);
    params.hostnames?.forEach((h, i) => {
      if (!hostnameRule.test(h)) problems.push(`instance_parameters.hostnames[${i}]: must be ${HOSTNAME_RULE}`);
    });
    if (params.hostnames && params.hostnames.length < input.devices_max) problems.push(`instance_parameters.hostnames: give at least devices_max (${input.devices_max}) hostnames, or one hostname`);
    if (problems.length) throw new MetalError('validation_failed', problems);
    return { plan: plan!, metro: metro! };
  }

  /**
   * Changes the bid and its limits of an open request (fields left out keep their value; end_at null clears it),
   * then runs a clearing round: a higher bid or devices_max can fill at once, a bid below the price gets the
   * request's devices their termination notices. Running devices are not ended by a lower devices_max.
   */
  async updateRequest(principal: Principal, id: string, input: SpotMarketRequestUpdateInput): Promise<SpotMarketRequest> {
    const row = await this.row(principal, id);
    const closed = () => new MetalError('conflict', `spot market request ${row.id} is closed (${row.closed_reason ?? 'ended'}) and cannot change; create a new request`);
    if (row.state === 'closed') throw closed();
    const bid = {
      devices_min: input.devices_min ?? row.devices_min,
      devices_max: input.devices_max ?? row.devices_max,
      max_bid_price: input.max_bid_price ?? row.max_bid_price,
      end_at: input.end_at === undefined ? (iso(row.end_at) ?? null) : input.end_at,
    };
    const now = this.ctx.clock.now();
    const problems = bidProblems(bid, now, (field) => input[field] !== undefined);
    const hostnames = row.instance_parameters.hostnames;
    if (input.devices_max !== undefined && hostnames && hostnames.length < bid.devices_max) {
      problems.push(`devices_max: at most ${hostnames.length}, the number of instance_parameters.hostnames (they cannot change; create a new request for more)`);
    }
    if (problems.length) throw new MetalError('validation_failed', problems);
    const changes = BID_FIELDS.filter((field) => input[field] !== undefined).map(
      (field) => `${field} ${field === 'end_at' ? (iso(row.end_at) ?? 'none') : row[field]} → ${bid[field] ?? 'none'}`,
    );
    await this.ctx.db.transaction(async (tx) => {
      const [updated] = await tx.query(
        `UPDATE spot_market_requests SET devices_min = $2, devices_max = $3, max_bid_price = $4, end_at = $5, updated_at = $6 WHERE id = $1 AND state = 'open' RETURNING id`,
        [row.id, bid.devices_min, bid.devices_max, bid.max_bid_price, bid.end_at, now.toISOString()],
      );
      if (!updated) throw closed();
      // Running devices are cleared against their own copy of the bid.
      if (input.max_bid_price !== undefined) {
        await tx.query(`UPDATE devices SET spot_price_max = $2, updated_at = $3 WHERE spot_market_request_id = $1 AND spot_instance AND ${LIVE}`, [row.id, bid.max_bid_price, now.toISOString()]);
      }
      if (changes.length) {
        await insertEvents(tx, [{ id: newId(), type: 'spot_market_request.updated', body: `spot market request ${row.id} updated: ${changes.join(', ')}`, project_id: row.project_id }], now);
      }
    });
    await this.clear().catch((err) => this.ctx.log.error({ err }, 'spot clearing after a request update failed; the next round retries'));
    return this.get(principal, id);
  }

  async get(principal: Principal, id: string): Promise<SpotMarketRequest> {
    const row = await this.row(principal, id);
    return (await this.present([row]))[0];
  }

  async list(principal: Principal, projectId: string): Promise<SpotMarketRequest[]> {
    await this.visibleProject(principal, projectId);
    const rows = await this.ctx.db.query<RequestRow>('SELECT * FROM spot_market_requests WHERE project_id = $1 ORDER BY created_at, id', [projectId]);
    return this.present(rows);
  }

  /**
   * Closes the request. With forceTermination its devices are deprovisioned at once; without, they keep
   * running as spot devices (reclaimed like any other when outbid or needed).
   */
  async delete(principal: Principal, id: string, forceTermination: boolean): Promise<void> {
    const row = await this.row(principal, id);
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction(async (tx) => {
      await closeRequests(tx, [{ id: row.id, projectId: row.project_id, reason: 'deleted' }], now);
      if (!forceTermination) return;
      const devices = await tx.query<{ id: string; hostname: string }>(`SELECT id, hostname FROM devices WHERE spot_market_request_id = $1 AND ${LIVE}`, [row.id]);
      await this.terminate(tx, devices.map((d) => ({ id: d.id, message: `${d.hostname}: terminated with its spot market request ${row.id} (force_termination)` })), now);
    });
    this.onJobsQueued();
  }

  private async row(principal: Principal, id: string): Promise<RequestRow> {
    const [row] = isUuid(id) ? await this.ctx.db.query<RequestRow>('SELECT * FROM spot_market_requests WHERE id = $1', [id]) : [];
    if (!row) throw new MetalError('not_found', `spot market request ${id} not found`);
    await this.visibleProject(principal, row.project_id).catch(() => {
      throw new MetalError('not_found', `spot market request ${id} not found`);
    });
    return row;
  }

  private async visibleProject(principal: Principal, projectId: string): Promise<void> {
    if (!isUuid(projectId) || (principal.projectId && principal.projectId !== projectId)) throw new MetalError('not_found', `project ${projectId} not found`);
    const [project] = await this.ctx.db.query('SELECT 1 FROM projects WHERE id = $1 AND organization_id = $2', [projectId, principal.organizationId]);
    if (!project) throw new MetalError('not_found', `project ${projectId} not found`);
  }

  /** `db`: a create's transaction reads through it (on PGlite a statement outside it would wait for it). */
  private async present(rows: RequestRow[], db: Queryable = this.ctx.db): Promise<SpotMarketRequest[]> {
    if (!rows.length) return [];
    const { world } = this.ctx;
    const [devices, prices] = await Promise.all([
      db.query<RequestDeviceRow>(
        `SELECT id, spot_market_request_id, hostname, state, ip_addresses, termination_time FROM devices WHERE spot_market_request_id = ANY($1::uuid[]) AND state <> 'deleted' ORDER BY created_at, id`,
        [rows.map((r) => r.id)],
      ),
      db.query<{ metro_id: string; plan_id: string; price: number }>('SELECT metro_id, plan_id, price FROM spot_prices WHERE metro_id = ANY($1::uuid[])', [
        [...new Set(rows.map((r) => r.metro_id))],
      ]),
    ]);
    const price = new Map(prices.map((p) => [poolKey(p.metro_id, p.plan_id), p.price]));
    return rows.map((r) => {
      const plan = world.plans.get(r.plan_id)!;
      const current = price.get(poolKey(r.metro_id, r.plan_id));
      const out: SpotMarketRequest = {
        id: r.id,
        href: `${BASE}/spot-market-requests/${r.id}`,
        created_at: iso(r.created_at)!,
        updated_at: iso(r.updated_at)!,
        devices_min: r.devices_min,
        devices_max: r.devices_max,
        max_bid_price: r.max_bid_price,
        end_at: r.end_at ? iso(r.end_at)! : null,
        metro: presentMetro(world.metros.get(r.metro_id)!),
        facilities: null,
        instances: null,
        project: href(`/projects/${r.project_id}`),
        plan: { id: plan.id, slug: plan.slug, href: `${BASE}/plans/${plan.id}` },
        kind: r.kind,
        state: r.state,
        filled_total: r.filled_total,
        instance_parameters: r.instance_parameters,
        devices: devices
          .filter((d) => d.spot_market_request_id === r.id)
          .map((d) => ({ id: d.id, hostname: d.hostname, state: shownState(d.state), ip_addresses: d.ip_addresses, href: `${BASE}/devices/${d.id}`, ...(d.termination_time && { termination_time: iso(d.termination_time) }) })),
      };
      if (r.closed_reason) out.closed_reason = r.closed_reason;
      if (current !== undefined) out.price = current;
      return out;
    });
  }

  // ------------------------------------------------------------------ clearing

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
    const report = await this.ctx.db.transaction(async (tx) => {
      // Replicas sharing one PostgreSQL clear one at a time.
      if (this.ctx.db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [SPOT_LOCK_ID]);
      const bids = await tx.query<RequestRow & { live: number }>(
        `SELECT r.*, (SELECT count(*) FROM devices d WHERE d.spot_market_request_id = r.id AND d.termination_time IS NULL AND d.${LIVE})::int AS live
FROM spot_market_requests r WHERE r.state = 'open' ORDER BY r.id FOR UPDATE`,
      );
      const spotDevices = await tx.query<{ id: string; project_id: string; hostname: string; spot_market_request_id: string | null; metro_id: string; plan_id: string; spot_price_max: number | null; locked: boolean; created_at: Date | string; termination_time: Date | string | null }>(
        `SELECT id, project_id, hostname, spot_market_request_id, metro_id, plan_id, spot_price_max, locked, created_at, termination_time FROM devices
WHERE spot_instance AND machine_id IS NOT NULL AND ${LIVE}`,
      );
      const bidPools = new Set(bids.map((b) => poolKey(b.metro_id, b.plan_id)));
      const [loads, demand, free] = await Promise.all([
        tx.query<{ metro_id: string; plan_id: string; total: number; allocated: number }>(
          `SELECT f.metro_id, m.plan_id, count(*) FILTER (WHERE m.state IN ('available', 'allocated'))::int AS total, count(*) FILTER (WHERE m.state = 'allocated')::int AS allocated
FROM machines m JOIN facilities f ON f.id = m.facility_id GROUP BY f.metro_id, m.plan_id`,
        ),
        tx.query<{ metro_id: string; plan_id: string; n: number }>(
          `SELECT metro_id, plan_id, count(*)::int AS n FROM devices WHERE machine_id IS NULL AND state = 'queued' AND NOT spot_instance GROUP BY metro_id, plan_id`,
        ),
        bids.length
          ? tx.query<FreeMachine & { metro_id: string; plan_id: string }>(
              `SELECT m.id, m.facility_id, m.ordinal, m.macs, f.metro_id, m.plan_id FROM machines m JOIN facilities f ON f.id = m.facility_id
WHERE m.state = 'available' AND m.plan_id = ANY($1::uuid[]) AND f.metro_id = ANY($2::uuid[]) ORDER BY m.facility_id, m.ordinal FOR UPDATE OF m SKIP LOCKED`,
              [[...new Set(bids.map((b) => b.plan_id))], [...new Set(bids.map((b) => b.metro_id))]],
            )
          : Promise.resolve([]),
      ]);

      const prices = await this.updatePrices(tx, loads, [...bids, ...spotDevices], now);
      const demandByPool = new Map(demand.map((d) => [poolKey(d.metro_id, d.plan_id), d.n]));
      const freeByPool = new Map<string, (FreeMachine & { metro_id: string; plan_id: string })[]>();
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
      const filled = await this.applyFills(tx, fills.map((f) => ({ request: requests.get(f.requestId)!, machines: f.machineIds.map((id) => machines.get(id)!), price: f.price })), now);
      const reclaims = clearing.pools.flatMap((p) => p.reclaims);
      await this.notify(tx, reclaims, new Map(spotDevices.map((d) => [d.id, d])), prices, now);
      const closed = clearing.pools.flatMap((p) => p.closed);
      await closeRequests(tx, closed.map((c) => ({ id: c.requestId, projectId: requests.get(c.requestId)!.project_id, reason: c.reason })), now);
      const terminated = await this.terminateDue(tx, now);
      await tx.query('DELETE FROM spot_price_history WHERE at < $1', [new Date(now.getTime() - defaultPriceHistoryConfig.retentionMs).toISOString()]);
      return { filled, reclaimed: reclaims.length, closed: closed.length, terminated };
    });
    if (report.filled || report.reclaimed || report.terminated) this.onJobsQueued();
    return report;
  }

  /**
   * Moves every pool's price one round on (nextSpotPrice) and records history: on a change or every 15 minutes.
   * Pools: where the plan is offered on the spot market, plus any pool with bids or spot devices.
   */
  private async updatePrices(tx: Queryable, loads: { metro_id: string; plan_id: string; total: number; allocated: number }[], used: { metro_id: string; plan_id: string }[], now: Date): Promise<Map<string, number>> {
    const { world } = this.ctx;
    const pools = new Map<string, { metro: MetroRow; plan: PlanRow }>();
    const add = (metroId: string, planId: string) => {
      const metro = world.metros.get(metroId);
      const plan = world.plans.get(planId);
      if (metro && plan) pools.set(poolKey(metroId, planId), { metro, plan });
    };
    for (const l of loads) if (world.plans.get(l.plan_id)?.deployment_types.includes('spot_market')) add(l.metro_id, l.plan_id);
    for (const u of used) add(u.metro_id, u.plan_id);
    const [previous, last] = await Promise.all([
      tx.query<{ metro_id: string; plan_id: string; price: number; at: Date | string }>('SELECT metro_id, plan_id, price, at FROM spot_prices'),
      tx.query<{ metro_id: string; plan_id: string; price: number; at: Date | string }>(
        'SELECT DISTINCT ON (metro_id, plan_id) metro_id, plan_id, price, at FROM spot_price_history ORDER BY metro_id, plan_id, at DESC',
      ),
    ]);
    const previousBy = new Map(previous.map((p) => [poolKey(p.metro_id, p.plan_id), { price: p.price, at: new Date(p.at) }]));
    const lastBy = new Map(last.map((p): [string, PriceDatapoint] => [poolKey(p.metro_id, p.plan_id), [Math.floor(new Date(p.at).getTime() / 1000), p.price]]));
    const loadBy = new Map(loads.map((l) => [poolKey(l.metro_id, l.plan_id), l]));
    const prices = new Map<string, number>();
    const current: Record<string, unknown>[] = [];
    const history: Record<string, unknown>[] = [];
    for (const [key, { metro, plan }] of pools) {
      const load = loadBy.get(key) ?? { total: 0, allocated: 0 };
      const next = nextSpotPrice({ onDemandPrice: world.price(plan, metro), load }, previousBy.get(key) ?? null, now);
      const price = Math.round(next.price * 10_000) / 10_000;
      prices.set(key, price);
      current.push({ metro_id: metro.id, plan_id: plan.id, price, at: next.at.toISOString() });
      const lastPoint = lastBy.get(key);
      if (new PriceHistory(lastPoint ? [lastPoint] : []).record(now, price)) {
        history.push({ metro_id: metro.id, plan_id: plan.id, price, at: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString() });
      }
    }
    if (current.length) {
      await tx.query(
        `INSERT INTO spot_prices (metro_id, plan_id, price, at) SELECT (x->>'metro_id')::uuid, (x->>'plan_id')::uuid, (x->>'price')::float8, (x->>'at')::timestamptz
FROM jsonb_array_elements($1::jsonb) x ON CONFLICT (metro_id, plan_id) DO UPDATE SET price = excluded.price, at = excluded.at`,
        [JSON.stringify(current)],
      );
    }
    if (history.length) {
      await tx.query(
        `INSERT INTO spot_price_history (metro_id, plan_id, at, price) SELECT (x->>'metro_id')::uuid, (x->>'plan_id')::uuid, (x->>'at')::timestamptz, (x->>'price')::float8
FROM jsonb_array_elements($1::jsonb) x ON CONFLICT (metro_id, plan_id, at) DO UPDATE SET price = excluded.price`,
        [JSON.stringify(history)],
      );
    }
    return prices;
  }

  /** Fills become spot devices through the same insert path as on-demand creates (and the same provision jobs). */
  private async applyFills(tx: Queryable, fills: { request: RequestRow; machines: FreeMachine[]; price: number }[], now: Date): Promise<number> {
    if (!fills.length) return 0;
    const { world } = this.ctx;
    const projectIds = [...new Set(fills.map((f) => f.request.project_id))];
    const keys = await tx.query<{ id: string; project_id: string }>('SELECT id, project_id FROM ssh_keys WHERE project_id = ANY($1::uuid[])', [projectIds]);
    const devices: NewDevice[] = [];
    for (const { request, machines } of fills) {
      const p = request.instance_parameters;
      const plan = world.plans.get(request.plan_id)!;
      const metro = world.metros.get(request.metro_id)!;
      const explicit = [...(p.project_ssh_keys ?? []), ...(p.user_ssh_keys ?? [])];
      const sshKeyIds = p.no_ssh_keys ? [] : explicit.length ? explicit : keys.filter((k) => k.project_id === request.project_id).map((k) => k.id);
      machines.forEach((machine, i) => {
        const n = request.filled_total + i;
        const hostname = p.hostnames ? p.hostnames[n % p.hostnames.length] : p.hostname && (request.devices_max > 1 ? `${p.hostname}-${n + 1}` : p.hostname);
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
    const rows = await this.devices.insertDevices(tx, devices, now);
    const priceOf = new Map(fills.map((f) => [f.request.id, f.price]));
    await insertEvents(
      tx,
      rows.map((r, i) => {
        const request = devices[i].spot!;
        return {
          id: newId(),
          type: 'instance.spot_filled',
          body: `${r.hostname} filled spot market request ${request.requestId}: pays the clearing price ${priceOf.get(request.requestId)}/h (max bid ${request.maxBidPrice}/h)`,
          project_id: r.project_id,
          device_id: r.id,
        };
      }),
      now,
    );
    await tx.query(
      `UPDATE spot_market_requests r SET filled_total = r.filled_total + (x->>'n')::int, updated_at = $2 FROM jsonb_array_elements($1::jsonb) x
WHERE r.id = ANY($3::uuid[]) AND r.id = (x->>'id')::uuid`,
      [JSON.stringify(fills.map((f) => ({ id: f.request.id, n: f.machines.length }))), now.toISOString(), [...new Set(fills.map((f) => f.request.id))]],
    );
    return rows.length;
  }

  /** Termination notices: termination_time, an event per device and a signed webhook to the project, if it has one. */
  private async notify(
    tx: Queryable,
    reclaims: SpotReclaim[],
    devices: Map<string, { project_id: string; hostname: string; spot_market_request_id: string | null }>,
    prices: Map<string, number>,
    now: Date,
  ): Promise<void> {
    if (!reclaims.length) return;
    const reasons = { outbid: 'the spot price rose above its max bid', end_at: "its spot market request's end_at has passed", on_demand: 'its machine is needed for on-demand capacity' };
    await tx.query(`UPDATE devices d SET termination_time = (x->>'t')::timestamptz, updated_at = $2 FROM jsonb_array_elements($1::jsonb) x
WHERE d.id = ANY($3::uuid[]) AND d.id = (x->>'id')::uuid AND d.termination_time IS NULL`, [
      JSON.stringify(reclaims.map((r) => ({ id: r.deviceId, t: r.terminationTime.toISOString() }))),
      now.toISOString(),
      reclaims.map((r) => r.deviceId),
    ]);
    await insertEvents(
      tx,
      reclaims.map((r) => {
        const d = devices.get(r.deviceId)!;
        return {
          id: newId(),
          type: 'instance.spot_termination_notice',
          body: `${d.hostname} will be terminated at ${r.terminationTime.toISOString()}: ${reasons[r.reason]} (spot price ${prices.get(r.pool)}/h); convert it to on-demand to keep it`,
          project_id: d.project_id,
          device_id: r.deviceId,
        };
      }),
      now,
    );
    const projectIds = [...new Set(reclaims.map((r) => devices.get(r.deviceId)!.project_id))];
    const hooked = new Set(
      (await tx.query<{ id: string }>('SELECT id FROM projects WHERE id = ANY($1::uuid[]) AND webhook_url IS NOT NULL', [projectIds])).map((p) => p.id),
    );
    const webhooks = reclaims
      .filter((r) => hooked.has(devices.get(r.deviceId)!.project_id))
      .map((r) => {
        const d = devices.get(r.deviceId)!;
        const body = {
          type: 'spot.termination_notice',
          created_at: now.toISOString(),
          device: { id: r.deviceId, hostname: d.hostname, href: `${BASE}/devices/${r.deviceId}` },
          spot_market_request: d.spot_market_request_id ? { id: d.spot_market_request_id, href: `${BASE}/spot-market-requests/${d.spot_market_request_id}` } : null,
          reason: r.reason,
          termination_time: r.terminationTime.toISOString(),
          price: prices.get(r.pool),
        };
        return { projectId: d.project_id, body };
      });
    await enqueueWebhooks(tx, webhooks, now);
    if (webhooks.length) this.onWebhooksQueued();
  }

  /**
   * Devices whose termination_time has come (spot or not: Metal's termination_time applies to on-demand devices
   * too) are deprovisioned, locked or not; one-time requests left with no devices close.
   */
  private async terminateDue(tx: Queryable, now: Date): Promise<number> {
    const due = await tx.query<{ id: string; hostname: string; termination_time: Date | string }>(
      `SELECT id, hostname, termination_time FROM devices WHERE termination_time <= $1 AND ${LIVE} ORDER BY id FOR UPDATE`,
      [now.toISOString()],
    );
    const terminated = await this.terminate(
      tx,
      due.map((d) => ({ id: d.id, message: `${d.hostname}: terminated at its termination_time ${iso(d.termination_time)}` })),
      now,
    );
    const done = await tx.query<{ id: string; project_id: string }>(
      `SELECT r.id, r.project_id FROM spot_market_requests r WHERE r.state = 'open' AND r.kind = 'one_time' AND r.filled_total >= r.devices_max
  AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.spot_market_request_id = r.id AND d.${LIVE})`,
    );
    await closeRequests(tx, done.map((r) => ({ id: r.id, projectId: r.project_id, reason: 'fulfilled' })), now);
    return terminated;
  }

  /** The `delete` transition (forced deprovision) for each device, with its own event text. */
  private async terminate(tx: Queryable, devices: { id: string; message: string }[], now: Date): Promise<number> {
    const deadline = new Date(now.getTime() + this.ctx.config.powerTimeoutMs).toISOString();
    const results = await applyTransitions(
      tx,
      devices.map((d) => ({ deviceId: d.id, event: 'delete' as const, patch: { deadline }, message: d.message })),
      now,
    );
    const ok = devices.filter((_, i) => results[i].ok);
    await enqueueJobs(tx, ok.map((d) => ({ kind: 'deprovision' as const, device_id: d.id, payload: { force: true } })), now);
    return ok.length;
  }

  // ------------------------------------------------------------------ prices

  /** Current prices by metro code and plan slug (optionally one metro and/or plan). */
  async pricesByMetro(filter: { metro?: string; plan?: string } = {}): Promise<Record<string, Record<string, { price: number }>>> {
    const out: Record<string, Record<string, { price: number }>> = {};
    for (const p of await this.currentPrices(filter)) (out[p.metro.code] ??= {})[p.plan.slug] = { price: p.price };
    return out;
  }

  /** Current prices by facility code (Metal's original shape): each facility shows its metro's pool price. */
  async pricesByFacility(filter: { facility?: string; plan?: string } = {}): Promise<Record<string, Record<string, { price: number }>>> {
    const { world } = this.ctx;
    const facility = filter.facility ? world.facility(filter.facility) : undefined;
    if (filter.facility && !facility) throw new MetalError('validation_failed', `facility: unknown facility "${filter.facility}"; ${suggestion(filter.facility, [...world.facilities.values()].map((f) => f.code))}`);
    const prices = await this.currentPrices({ metro: facility?.metro_id, plan: filter.plan });
    const out: Record<string, Record<string, { price: number }>> = {};
    for (const f of facility ? [facility] : world.facilities.values()) {
      for (const p of prices.filter((x) => x.metro.id === f.metro_id)) (out[f.code] ??= {})[p.plan.slug] = { price: p.price };
    }
    return out;
  }

  private async currentPrices(filter: { metro?: string; plan?: string }): Promise<{ metro: MetroRow; plan: PlanRow; price: number }[]> {
    const { metro, plan } = this.resolvePool(filter);
    const rows = await this.ctx.db.query<{ metro_id: string; plan_id: string; price: number }>(
      'SELECT metro_id, plan_id, price FROM spot_prices WHERE ($1::uuid IS NULL OR metro_id = $1) AND ($2::uuid IS NULL OR plan_id = $2)',
      [metro?.id ?? null, plan?.id ?? null],
    );
    const { world } = this.ctx;
    return rows
      .map((r) => ({ metro: world.metros.get(r.metro_id)!, plan: world.plans.get(r.plan_id)!, price: r.price }))
      .filter((r) => r.metro && r.plan)
      .sort((a, b) => a.metro.code.localeCompare(b.metro.code) || a.plan.slug.localeCompare(b.plan.slug));
  }

  /** Datapoints [unix seconds, price] of one pool between from and until (90 days are kept). */
  async history(query: { plan: string; metro?: string; facility?: string; from: string; until: string }): Promise<PriceDatapoint[]> {
    const { world } = this.ctx;
    const problems: string[] = [];
    const facility = query.facility ? world.facility(query.facility) : undefined;
    if (query.facility && !facility) problems.push(`facility: unknown facility "${query.facility}"`);
    if (!query.metro && !query.facility) problems.push('metro: required; give a metro code such as "ny" (or facility)');
    const from = parseTime(query.from);
    const until = parseTime(query.until);
    if (from === null) problems.push('from: must be a date-time (ISO 8601) or unix seconds');
    if (until === null) problems.push('until: must be a date-time (ISO 8601) or unix seconds');
    let pool: { metro?: MetroRow; plan?: PlanRow } = {};
    try {
      pool = this.resolvePool({ metro: query.metro ?? facility?.metro_id, plan: query.plan });
    } catch (err) {
      problems.push(...(err as MetalError).errors);
    }
    if (problems.length) throw new MetalError('validation_failed', problems);
    const rows = await this.ctx.db.query<{ at: Date | string; price: number }>(
      'SELECT at, price FROM spot_price_history WHERE metro_id = $1 AND plan_id = $2 AND at >= $3 AND at <= $4 ORDER BY at',
      [pool.metro!.id, pool.plan!.id, from!.toISOString(), until!.toISOString()],
    );
    return rows.map((r) => [Math.floor(new Date(r.at).getTime() / 1000), r.price]);
  }

  private resolvePool(filter: { metro?: string; plan?: string }): { metro?: MetroRow; plan?: PlanRow } {
    const { world } = this.ctx;
    const problems: string[] = [];
    const metro = filter.metro ? world.metro(filter.metro) : undefined;
    const plan = filter.plan ? world.plan(filter.plan) : undefined;
    if (filter.metro && !metro) problems.push(`metro: unknown metro "${filter.metro}"; ${suggestion(filter.metro, [...world.metros.values()].map((m) => m.code))}`);
    if (filter.plan && !plan) problems.push(`plan: unknown plan "${filter.plan}"; ${suggestion(filter.plan, [...world.plans.values()].map((p) => p.slug))}`);
    if (problems.length) throw new MetalError('validation_failed', problems);
    return { metro, plan };
  }

  // ------------------------------------------------------------------ webhooks

  /** Sets the project's webhook URL with a new signing secret, shown only here. */
  async setWebhook(principal: Principal, projectId: string, url: string): Promise<Webhook> {
    await this.visibleProject(principal, projectId);
    const problem = webhookUrlProblem(url, this.ctx.config.webhookAllowPrivate);
    if (problem) throw new MetalError('validation_failed', problem);
    const secret = `whsec_${randomToken(40)}`;
    await this.ctx.db.query('UPDATE projects SET webhook_url = $2, webhook_secret = $3, updated_at = $4 WHERE id = $1', [
      projectId,
      url,
      this.ctx.secrets.seal(secret),
      this.ctx.clock.now().toISOString(),
    ]);
    return { url, secret };
  }

  /** Placement of on-demand devices waiting for a machine: re-checked until placed, deleted or timed out. */
  readonly placeWaiting = async (job: JobRow): Promise<JobOutcome> => {
    const outcome = await this.devices.placeWaiting(job.device_id!, (job.payload as { facility_ids: string[] }).facility_ids);
    if (outcome !== 'waiting') return {};
    return { jobs: [{ kind: 'place_device', device_id: job.device_id, payload: job.payload, run_at: new Date(this.ctx.clock.now().getTime() + PLACEMENT_RETRY_MS) }] };
  };
}

/** A request's bid and its limits: what an update may change. */
const BID_FIELDS = ['max_bid_price', 'devices_min', 'devices_max', 'end_at'] as const;
/** How often a waiting on-demand device looks for a freed machine. */
export const PLACEMENT_RETRY_MS = 5000;

/** Closes open requests with a reason, and logs an event on their project for each. */
async function closeRequests(tx: Queryable, requests: { id: string; projectId: string; reason: string }[], now: Date): Promise<void> {
  if (!requests.length) return;
  const closed = await tx.query<{ id: string; project_id: string; closed_reason: string }>(
    `UPDATE spot_market_requests r SET state = 'closed', closed_reason = x->>'reason', updated_at = $2 FROM jsonb_array_elements($1::jsonb) x
WHERE r.id = ANY($3::uuid[]) AND r.id = (x->>'id')::uuid AND r.state = 'open' RETURNING r.id, r.project_id, r.closed_reason`,
    [JSON.stringify(requests.map((r) => ({ id: r.id, reason: r.reason }))), now.toISOString(), requests.map((r) => r.id)],
  );
  await insertEvents(
    tx,
    closed.map((r) => ({ id: newId(), type: 'spot_market_request.closed', body: `spot market request ${r.id} closed (${r.closed_reason})`, project_id: r.project_id })),
    now,
  );
}

function parseTime(value: string): Date | null {
  const date = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
