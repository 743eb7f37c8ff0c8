/**
 * Spot prices wired to the store: each clearing round moves every pool's price one step (price.ts decides, the
 * repository writes), and the API reads current prices by metro or facility and one pool's history.
 */
import { suggestion } from '../../contract/catalog-rules';
import { MetalError } from '../../contract/errors';
import type { MetroRow, PlanRow } from '../../store/catalog';
import type { Queryable } from '../../store/database';
import * as repo from '../../store/spot-prices';
import type { PoolLoadRow } from '../../store/machines';
import type { EngineContext } from '../context';
import { poolKey } from './clearing';
import { nextSpotPrice, PriceHistory, type PriceDatapoint } from './price';

/** Current prices by place (metro or facility code), then plan slug. */
export type SpotPrices = Record<string, Record<string, { price: number }>>;

export class SpotPriceService {
  constructor(private readonly ctx: EngineContext) {}

  /**
   * Moves every pool's price one round on (nextSpotPrice) and records history: on a change or every 15 minutes.
   * Pools: where the plan is offered on the spot market, plus any pool with bids or spot devices.
   */
  async step(tx: Queryable, loads: PoolLoadRow[], used: { metro_id: string; plan_id: string }[], now: Date): Promise<Map<string, number>> {
    const { world } = this.ctx;
    const pools = new Map<string, { metro: MetroRow; plan: PlanRow }>();
    const add = (metroId: string, planId: string) => {
      const metro = world.metros.get(metroId);
      const plan = world.plans.get(planId);
      if (metro && plan) pools.set(poolKey(metroId, planId), { metro, plan });
    };
    for (const l of loads) if (world.plans.get(l.plan_id)?.deployment_types.includes('spot_market')) add(l.metro_id, l.plan_id);
    for (const u of used) add(u.metro_id, u.plan_id);
    const { previous, lastRecorded } = await repo.priceStepInput(tx);
    const previousBy = new Map(previous.map((p) => [poolKey(p.metro_id, p.plan_id), { price: p.price, at: new Date(p.at) }]));
    const lastBy = new Map(
      lastRecorded.map((p): [string, PriceDatapoint] => [
        poolKey(p.metro_id, p.plan_id),
        [Math.floor(new Date(p.at).getTime() / 1000), p.price],
      ]),
    );
    const loadBy = new Map(loads.map((l) => [poolKey(l.metro_id, l.plan_id), l]));
    const prices = new Map<string, number>();
    const current: repo.SpotPricePoint[] = [];
    const history: repo.SpotPricePoint[] = [];
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
    await repo.savePrices(tx, current);
    await repo.recordHistory(tx, history);
    return prices;
  }

  /** Current prices by metro code and plan slug (optionally one metro and/or plan). */
  async byMetro(filter: { metro?: string; plan?: string } = {}): Promise<SpotPrices> {
    const out: SpotPrices = {};
    for (const p of await this.current(filter)) (out[p.metro.code] ??= {})[p.plan.slug] = { price: p.price };
    return out;
  }

  /** Current prices by facility code (Metal's original shape): each facility shows its metro's pool price. */
  async byFacility(filter: { facility?: string; plan?: string } = {}): Promise<SpotPrices> {
    const { world } = this.ctx;
    const facility = filter.facility ? world.facility(filter.facility) : undefined;
    if (filter.facility && !facility)
      throw new MetalError(
        'validation_failed',
        `facility: unknown facility "${filter.facility}"; ${suggestion(
          filter.facility,
          [...world.facilities.values()].map((f) => f.code),
        )}`,
      );
    const prices = await this.current({ metro: facility?.metro_id, plan: filter.plan });
    const out: SpotPrices = {};
    for (const f of facility ? [facility] : world.facilities.values()) {
      for (const p of prices.filter((x) => x.metro.id === f.metro_id)) (out[f.code] ??= {})[p.plan.slug] = { price: p.price };
    }
    return out;
  }

  private async current(filter: { metro?: string; plan?: string }): Promise<{ metro: MetroRow; plan: PlanRow; price: number }[]> {
    const { metro, plan } = this.resolvePool(filter);
    const rows = await repo.currentPrices(this.ctx.db, { metroId: metro?.id, planId: plan?.id });
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
    const rows = await repo.historyBetween(this.ctx.db, { metroId: pool.metro!.id, planId: pool.plan!.id }, from!, until!);
    return rows.map((r) => [Math.floor(new Date(r.at).getTime() / 1000), r.price]);
  }

  private resolvePool(filter: { metro?: string; plan?: string }): { metro?: MetroRow; plan?: PlanRow } {
    const { world } = this.ctx;
    const problems: string[] = [];
    const metro = filter.metro ? world.metro(filter.metro) : undefined;
    const plan = filter.plan ? world.plan(filter.plan) : undefined;
    if (filter.metro && !metro)
      problems.push(
        `metro: unknown metro "${filter.metro}"; ${suggestion(
          filter.metro,
          [...world.metros.values()].map((m) => m.code),
        )}`,
      );
    if (filter.plan && !plan)
      problems.push(
        `plan: unknown plan "${filter.plan}"; ${suggestion(
          filter.plan,
          [...world.plans.values()].map((p) => p.slug),
        )}`,
      );
    if (problems.length) throw new MetalError('validation_failed', problems);
    return { metro, plan };
  }
}

function parseTime(value: string): Date | null {
  const date = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
