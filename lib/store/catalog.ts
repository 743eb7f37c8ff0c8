/**
 * The catalog's rows (metros, facilities, plans, operating systems, and where each plan has machines), read whole:
 * every server caches them (engine/world.ts) and reloads on CATALOG_CHANGED_CHANNEL, which migration 012's
 * triggers notify on any change.
 */
import type { PlanSpecs } from '../contract/schemas';
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
    db.query<CatalogRows['offered'][number]>('SELECT DISTINCT m.plan_id, m.facility_id, f.metro_id FROM machines m JOIN facilities f ON f.id = m.facility_id'),
  ]);
  return { metros, facilities, plans, operatingSystems, offered };
}
