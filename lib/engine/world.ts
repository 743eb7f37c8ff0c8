/**
 * The world a cloud offers: metros, facilities, plans, operating systems. Read on every request, changed
 * rarely (operator API, catalog seeding, psql), so it is cached in memory: the process that changes it reloads at
 * once, and every server on the database reloads when the store notifies a change (`watch`).
 */
import { CATALOG_CHANGED_CHANNEL, loadCatalog, type FacilityRow, type MetroRow, type OsRow, type PlanRow } from '../store/catalog';
import type { Database, Queryable } from '../store/database';
import { osRunsOnPlan } from '../contract/catalog-rules';

export class World {
  metros = new Map<string, MetroRow>();
  facilities = new Map<string, FacilityRow>();
  plans = new Map<string, PlanRow>();
  operatingSystems = new Map<string, OsRow>();
  /** plan id → metro ids where at least one machine of the plan is enrolled. */
  planMetros = new Map<string, Set<string>>();
  /** plan id → facility ids where at least one machine of the plan is enrolled. */
  planFacilities = new Map<string, Set<string>>();
  private byCode = {
    metro: new Map<string, MetroRow>(),
    facility: new Map<string, FacilityRow>(),
    plan: new Map<string, PlanRow>(),
    os: new Map<string, OsRow>(),
  };

  private stopWatching?: () => Promise<void>;
  private reloading?: Promise<void>;
  private stale = false;

  async load(db: Queryable): Promise<void> {
    const { metros, facilities, plans, operatingSystems: oses, offered } = await loadCatalog(db);
    this.metros = new Map(metros.map((m) => [m.id, m]));
    this.facilities = new Map(facilities.map((f) => [f.id, f]));
    this.plans = new Map(plans.map((p) => [p.id, p]));
    this.operatingSystems = new Map(oses.map((o) => [o.id, o]));
    this.planMetros = new Map();
    this.planFacilities = new Map();
    const add = (map: Map<string, Set<string>>, key: string, value: string) =>
      (map.get(key) ?? map.set(key, new Set()).get(key)!).add(value);
    for (const row of offered) {
      add(this.planMetros, row.plan_id, row.metro_id);
      add(this.planFacilities, row.plan_id, row.facility_id);
    }
    this.byCode = {
      metro: new Map(metros.map((m) => [m.code, m])),
      facility: new Map(facilities.map((f) => [f.code, f])),
      plan: new Map(plans.map((p) => [p.slug, p])),
      os: new Map(oses.map((o) => [o.slug, o])),
    };
  }

  /**
   * Reloads whenever the catalog changes on any server (or notifications may have been missed). Changes that
   * arrive during a reload cause one more reload after it, so the last change is always loaded.
   */
  async watch(db: Database, onError: (err: unknown) => void): Promise<void> {
    this.stopWatching ??= await db.listen(CATALOG_CHANGED_CHANNEL, () => {
      this.stale = true;
      this.reloading ??= (async () => {
        while (this.stale) {
          this.stale = false;
          await this.load(db).catch(onError);
        }
        this.reloading = undefined;
      })();
    });
  }

  async unwatch(): Promise<void> {
    const stop = this.stopWatching;
    this.stopWatching = undefined;
    await stop?.();
    await this.reloading;
  }

  /** By code or id. */
  metro(ref: string): MetroRow | undefined {
    return this.byCode.metro.get(ref.toLowerCase()) ?? this.metros.get(ref);
  }

  facility(ref: string): FacilityRow | undefined {
    return this.byCode.facility.get(ref.toLowerCase()) ?? this.facilities.get(ref);
  }

  plan(ref: string): PlanRow | undefined {
    return this.byCode.plan.get(ref) ?? this.plans.get(ref);
  }

  os(ref: string): OsRow | undefined {
    return this.byCode.os.get(ref) ?? this.operatingSystems.get(ref);
  }

  /** The codes and slugs a "did you mean" lists (lib/contract's unknownValue sorts them). */
  metroCodes(): string[] {
    return [...this.metros.values()].map((m) => m.code);
  }

  facilityCodes(): string[] {
    return [...this.facilities.values()].map((f) => f.code);
  }

  planSlugs(): string[] {
    return [...this.plans.values()].map((p) => p.slug);
  }

  osSlugs(): string[] {
    return [...this.operatingSystems.values()].map((o) => o.slug);
  }

  /** Codes of the metros where the plan has machines. */
  metrosOffering(plan: PlanRow): string[] {
    return [...(this.planMetros.get(plan.id) ?? [])].map((id) => this.metros.get(id)?.code ?? id);
  }

  facilitiesIn(metroId: string): FacilityRow[] {
    return [...this.facilities.values()].filter((f) => f.metro_id === metroId);
  }

  /** Hourly price of a plan in a metro (plan price × metro factor, rounded to cents). */
  price(plan: PlanRow, metro: MetroRow): number {
    return Math.round(plan.price_hour * metro.price_factor * 100) / 100;
  }

  plansIn(metroId: string): PlanRow[] {
    return [...this.plans.values()].filter((p) => this.planMetros.get(p.id)?.has(metroId));
  }

  osAllowsPlan(os: OsRow, plan: PlanRow): boolean {
    return osRunsOnPlan(os.provisionable_on, plan.slug);
  }
}
