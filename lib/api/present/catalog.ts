/** The catalogue (metros, facilities, plans, operating systems) in the contract's Metal shapes, from the engine's world. */
import { METAL_API_BASE } from '../../contract/hrefs';
import type { Facility, Metro, OperatingSystem, Plan } from '../../contract/schemas';
import type { FacilityRow, MetroRow, OsRow, PlanRow, World } from '../../engine';

export function presentMetro(m: MetroRow): Metro {
  return {
    id: m.id,
    code: m.code,
    name: m.name,
    country: m.country,
    href: `${METAL_API_BASE}/locations/metros/${m.id}`,
    kind: m.kind,
    latitude: m.latitude,
    longitude: m.longitude,
  };
}

/** A metro as the objects in it name it. */
export const metroLite = (m: MetroRow) => ({
  id: m.id,
  code: m.code,
  name: m.name,
  country: m.country,
  href: `${METAL_API_BASE}/locations/metros/${m.id}`,
});

export function presentFacility(f: FacilityRow, world: World): Facility {
  const metro = world.metros.get(f.metro_id)!;
  return {
    id: f.id,
    code: f.code,
    name: f.name,
    href: `${METAL_API_BASE}/facilities/${f.id}`,
    features: f.features,
    address: null,
    ip_ranges: [],
    metro: metroLite(metro),
  };
}

export function presentPlan(p: PlanRow, world: World): Plan {
  const byCode = <T extends { code: string }>(rows: T[]) => rows.sort((a, b) => a.code.localeCompare(b.code));
  const metros = byCode([...(world.planMetros.get(p.id) ?? [])].map((id) => world.metros.get(id)!));
  const facilities = byCode([...(world.planFacilities.get(p.id) ?? [])].map((id) => world.facilities.get(id)!));
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    description: p.description,
    class: p.slug,
    line: p.line,
    type: p.type,
    categories: [p.category],
    deployment_types: p.deployment_types,
    specs: p.specs,
    pricing: { hour: p.price_hour },
    available_in: facilities.map((f) => ({
      href: `${METAL_API_BASE}/facilities/${f.id}`,
      code: f.code,
      price: { hour: world.price(p, world.metros.get(f.metro_id)!) },
    })),
    available_in_metros: metros.map((m) => ({
      href: `${METAL_API_BASE}/locations/metros/${m.id}`,
      code: m.code,
      price: { hour: world.price(p, m) },
    })),
    legacy: false,
    href: `${METAL_API_BASE}/plans/${p.id}`,
  };
}

const byVersion = new Intl.Collator('en', { numeric: true }).compare;

/** The default of a distro is its newest version, as Metal marked it. */
export function presentOs(o: OsRow, world: World): OperatingSystem {
  const newest = [...world.operatingSystems.values()]
    .filter((other) => other.distro === o.distro)
    .sort((a, b) => byVersion(b.version, a.version))[0];
  return {
    id: o.id,
    slug: o.slug,
    name: o.name,
    distro: o.distro,
    distro_label: o.distro.charAt(0).toUpperCase() + o.distro.slice(1),
    version: o.version,
    provisionable_on: o.provisionable_on,
    licensed: false,
    pricing: {},
    preinstallable: false,
    default_operating_system: newest === o,
    lifecycle_state: 'active',
    build_date: null,
    release_date: null,
    deprecation_date: null,
    end_of_service_date: null,
    end_of_life_date: null,
    release_notes: null,
    href: `${METAL_API_BASE}/operating-systems/${o.id}`,
  };
}
