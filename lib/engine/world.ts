/**
 * The world a cloud offers: metros, facilities, plans, operating systems. Read on every request, changed
 * rarely (operator API, catalog seeding), so it is cached in memory and reloaded after each change.
 */
import type { PlanSpecs } from '../contract/schemas';
import type { Queryable } from '../store/database';

export interface MetroRow {
  id: string;
  code: string;
  name: string;
  country: string;
  kind: 'core' | 'edge';
  latitude: number;
  longitude: number;
  price_factor: number;
}

export interface FacilityRow {
  id: string;
  code: string;
  name: string;
  metro_id: string;
  features: string[];
}

export interface PlanRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  category: string;
  line: string;
  type: string;
  specs: PlanSpecs;
  price_hour: number;
  deployment_types: ('on_demand' | 'spot_market')[];
}

export interface OsRow {
  id: string;
  slug: string;
  name: string;
  distro: string;
  version: string;
  provisionable_on: string[];
}

export class World {
  metros = new Map<string, MetroRow>();
  facilities = new Map<string, FacilityRow>();
  plans = new Map<string, PlanRow>();
  operatingSystems = new Map<string, OsRow>();
  /** plan id → metro ids where at least one machine of the plan is enrolled. */
  planMetros = new Map<string, Set<string>>();
  /** plan id → facility ids where at least one machine of the plan is enrolled. */
  planFacilities = new Map<string, Set<string>>();
  private byCode = { metro: new Map<string, MetroRow>(), facility: new Map<string, FacilityRow>(), plan: new Map<string, PlanRow>(), os: new Map<string, OsRow>() };

  async load(db: Queryable): Promise<void> {
    const [metros, facilities, plans, oses, offered] = await Promise.all([
      db.query<MetroRow>('SELECT * FROM metros ORDER BY code'),
      db.query<FacilityRow>('SELECT * FROM facilities ORDER BY code'),
      db.query<PlanRow>('SELECT * FROM plans ORDER BY price_hour, slug'),
      db.query<OsRow>('SELECT * FROM operating_systems ORDER BY slug'),
      db.query<{ plan_id: string; facility_id: string; metro_id: string }>(
        'SELECT DISTINCT m.plan_id, m.facility_id, f.metro_id FROM machines m JOIN facilities f ON f.id = m.facility_id',
      ),
    ]);
    this.metros = new Map(metros.map((m) => [m.id, m]));
    this.facilities = new Map(facilities.map((f) => [f.id, f]));
    this.plans = new Map(plans.map((p) => [p.id, p]));
    this.operatingSystems = new Map(oses.map((o) => [o.id, o]));
    this.planMetros = new Map();
    this.planFacilities = new Map();
    const add = (map: Map<string, Set<string>>, key: string, value: string) => (map.get(key) ?? map.set(key, new Set()).get(key)!).add(value);
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
    return os.provisionable_on.includes('*') || os.provisionable_on.includes(plan.slug);
  }
}

/** Up to `n` known values closest to `input` (edit distance), for "did you mean" hints. */
export function closest(input: string, known: Iterable<string>, n = 3): string[] {
  const scored = [...known].map((k) => ({ k, d: editDistance(input.toLowerCase(), k.toLowerCase()) }));
  scored.sort((a, b) => a.d - b.d || a.k.localeCompare(b.k));
  return scored.slice(0, n).map((s) => s.k);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
