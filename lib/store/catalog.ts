/**
 * The catalog's rows (metros, facilities, plans, operating systems, and where each plan has machines), read whole:
 * every server caches them (engine/world.ts) and reloads on CATALOG_CHANGED_CHANNEL, which migration 012's
 * triggers notify on any change.
 */
import type { FacilityInput, MetroInput, OperatingSystemInput, PlanInput, PlanSpecs } from '../contract/schemas';
import type { Queryable } from './database';

export const CATALOG_CHANGED_CHANNEL = 'metalforge_catalog_changed';

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

export interface CatalogRows {
  metros: MetroRow[];
  facilities: FacilityRow[];
  plans: PlanRow[];
  operatingSystems: OsRow[];
  /** Each plan with each facility (and its metro) where at least one of its machines is enrolled. */
  offered: { plan_id: string; facility_id: string; metro_id: string }[];
}

export async function loadCatalog(db: Queryable): Promise<CatalogRows> {
  const [metros, facilities, plans, operatingSystems, offered] = await Promise.all([
    db.query<MetroRow>('SELECT * FROM metros ORDER BY code'),
    db.query<FacilityRow>('SELECT * FROM facilities ORDER BY code'),
    db.query<PlanRow>('SELECT * FROM plans ORDER BY price_hour, slug'),
    db.query<OsRow>('SELECT * FROM operating_systems ORDER BY slug'),
    db.query<CatalogRows['offered'][number]>(
      'SELECT DISTINCT m.plan_id, m.facility_id, f.metro_id FROM machines m JOIN facilities f ON f.id = m.facility_id',
    ),
  ]);
  return { metros, facilities, plans, operatingSystems, offered };
}

/** Whether the catalog has been seeded (any metro exists). */
export async function catalogSeeded(db: Queryable): Promise<boolean> {
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM metros');
  return n > 0;
}

export async function insertMetro(db: Queryable, id: string, m: MetroInput): Promise<void> {
  await db.query('INSERT INTO metros (id, code, name, country, kind, latitude, longitude, price_factor) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)', [
    id,
    m.code,
    m.name,
    m.country,
    m.kind,
    m.latitude,
    m.longitude,
    m.price_factor ?? 1,
  ]);
}

export async function insertFacility(db: Queryable, id: string, metroId: string, f: FacilityInput): Promise<void> {
  await db.query('INSERT INTO facilities (id, code, name, metro_id, features) VALUES ($1,$2,$3,$4,$5::jsonb)', [
    id,
    f.code,
    f.name,
    metroId,
    JSON.stringify(f.features ?? ['baremetal']),
  ]);
}

export async function insertPlan(db: Queryable, id: string, p: PlanInput): Promise<void> {
  await db.query(
    'INSERT INTO plans (id, slug, name, description, category, line, type, specs, price_hour, deployment_types) VALUES ($1,$2,$3,$4,$5,$6,$7,$8::jsonb,$9,$10::jsonb)',
    [
      id,
      p.slug,
      p.name ?? p.slug,
      p.description ?? '',
      p.category,
      p.line ?? 'baremetal',
      p.type ?? 'standard',
      JSON.stringify(p.specs),
      p.pricing.hour,
      JSON.stringify(p.deployment_types ?? ['on_demand']),
    ],
  );
}

export async function insertOperatingSystem(db: Queryable, id: string, o: OperatingSystemInput): Promise<void> {
  await db.query('INSERT INTO operating_systems (id, slug, name, distro, version, provisionable_on) VALUES ($1,$2,$3,$4,$5,$6::jsonb)', [
    id,
    o.slug,
    o.name,
    o.distro,
    o.version,
    JSON.stringify(o.provisionable_on ?? ['*']),
  ]);
}
