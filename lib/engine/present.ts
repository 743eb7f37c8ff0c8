/**
 * Rows to the contract's Metal-shaped objects. Hrefs are relative to /metal/v1 as Metal's are.
 */
import type { Device, Event, Facility, IpAddress, Metro, OperatingSystem, Plan, Project, SshKey } from '../contract/schemas';
import type { FacilityRow, MetroRow, OsRow, PlanRow, World } from './world';

export const BASE = '/metal/v1';
export const href = (path: string) => ({ href: `${BASE}${path}` });

const iso = (v: Date | string | null | undefined): string => (v ? new Date(v).toISOString() : '');

export function presentMetro(m: MetroRow): Metro {
  return { id: m.id, code: m.code, name: m.name, country: m.country, href: `${BASE}/locations/metros/${m.id}`, kind: m.kind, latitude: m.latitude, longitude: m.longitude };
}

const metroLite = (m: MetroRow) => ({ id: m.id, code: m.code, name: m.name, country: m.country, href: `${BASE}/locations/metros/${m.id}` });

export function presentFacility(f: FacilityRow, world: World): Facility {
  const metro = world.metros.get(f.metro_id)!;
  return { id: f.id, code: f.code, name: f.name, href: `${BASE}/facilities/${f.id}`, features: f.features, metro: metroLite(metro) };
}

export function presentPlan(p: PlanRow, world: World): Plan {
  const metros = [...(world.planMetros.get(p.id) ?? [])].map((id) => world.metros.get(id)!).sort((a, b) => a.code.localeCompare(b.code));
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
    available_in_metros: metros.map((m) => ({ href: `${BASE}/locations/metros/${m.id}`, code: m.code, price: { hour: world.price(p, m) } })),
    href: `${BASE}/plans/${p.id}`,
  };
}

export function presentOs(o: OsRow): OperatingSystem {
  return { id: o.id, slug: o.slug, name: o.name, distro: o.distro, version: o.version, provisionable_on: o.provisionable_on, href: `${BASE}/operating-systems/${o.id}` };
}

export interface ProjectRow {
  id: string;
  name: string;
  organization_id: string;
  tags: string[];
  customdata: Record<string, unknown>;
  backend_transfer_enabled: boolean;
  devices_version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

export function presentProject(p: ProjectRow): Project {
  return {
    id: p.id,
    name: p.name,
    organization: href(`/organizations/${p.organization_id}`),
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
    href: `${BASE}/projects/${p.id}`,
    tags: p.tags,
    customdata: p.customdata,
    backend_transfer_enabled: p.backend_transfer_enabled,
    type: 'default',
  };
}

export interface SshKeyRow {
  id: string;
  label: string;
  key: string;
  fingerprint: string;
  tags: string[];
  user_id: string | null;
  project_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export function presentSshKey(k: SshKeyRow): SshKey {
  return {
    id: k.id,
    label: k.label,
    key: k.key,
    fingerprint: k.fingerprint,
    tags: k.tags,
    created_at: iso(k.created_at),
    updated_at: iso(k.updated_at),
    href: `${BASE}/ssh-keys/${k.id}`,
    entity: k.project_id ? href(`/projects/${k.project_id}`) : href(`/users/${k.user_id}`),
  };
}

export interface EventRow {
  id: string;
  type: string;
  body: string;
  state: string;
  project_id: string | null;
  device_id: string | null;
  created_at: Date | string;
}

export function presentEvent(e: EventRow): Event {
  const relationships = [];
  if (e.device_id) relationships.push(href(`/devices/${e.device_id}`));
  if (e.project_id) relationships.push(href(`/projects/${e.project_id}`));
  return { id: e.id, type: e.type, body: e.body, state: e.state, interpolated: e.body, created_at: iso(e.created_at), href: `${BASE}/events/${e.id}`, relationships };
}

export interface DeviceRow {
  id: string;
  short_id: string;
  project_id: string;
  hostname: string;
  description: string;
  state: Device['state'];
  failure_reason: string | null;
  provisioning_percentage: number | null;
  plan_id: string;
  metro_id: string;
  facility_id: string;
  machine_id: string | null;
  operating_system_id: string;
  billing_cycle: string;
  userdata: string;
  customdata: Record<string, unknown>;
  ipxe_script_url: string;
  always_pxe: boolean;
  locked: boolean;
  tags: string[];
  ssh_key_ids: string[];
  ip_addresses: IpAddress[];
  root_password: string | null;
  phone_home_hash: string | null;
  install_generation: number;
  spot_instance: boolean;
  spot_price_max: number | null;
  spot_market_request_id?: string | null;
  termination_time: Date | string | null;
  deadline: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  macs?: string[];
}

const ACTIONS_BY_STATE: Record<string, string[]> = {
  active: ['power_off', 'reboot', 'reinstall'],
  inactive: ['power_on', 'reinstall'],
  failed: ['reinstall'],
};

/** The root password is shown for 24 hours after the install, as on Metal. */
const ROOT_PASSWORD_TTL_MS = 24 * 3600_000;

export function presentDevice(d: DeviceRow, world: World, now: Date): Device {
  const plan = world.plans.get(d.plan_id)!;
  const metro = world.metros.get(d.metro_id)!;
  const facility = world.facilities.get(d.facility_id)!;
  const os = world.operatingSystems.get(d.operating_system_id)!;
  const out: Device = {
    id: d.id,
    short_id: d.short_id,
    hostname: d.hostname,
    description: d.description,
    state: d.state,
    billing_cycle: d.billing_cycle,
    plan: presentPlan(plan, world),
    metro: metroLite(metro),
    facility: { id: facility.id, code: facility.code, name: facility.name, href: `${BASE}/facilities/${facility.id}`, features: facility.features },
    operating_system: presentOs(os),
    project: href(`/projects/${d.project_id}`),
    ip_addresses: d.ip_addresses,
    // As Metal showed them: the bond (layer3, what metalforge provisions) first, then its member NICs. packngo
    // reads the network type from bond0 and refuses a device without it.
    network_ports: d.macs?.length
      ? [
          { name: 'bond0', type: 'NetworkBondPort', network_type: 'layer3', data: { bonded: true } },
          ...d.macs.map((mac, i) => ({ name: `eth${i}`, type: 'NetworkPort', data: { mac, bonded: true } })),
        ]
      : [],
    ssh_keys: d.ssh_key_ids.map((id) => href(`/ssh-keys/${id}`)),
    userdata: d.userdata,
    customdata: d.customdata,
    ipxe_script_url: d.ipxe_script_url,
    always_pxe: d.always_pxe,
    locked: d.locked,
    tags: d.tags,
    spot_instance: d.spot_instance,
    created_at: iso(d.created_at),
    updated_at: iso(d.updated_at),
    href: `${BASE}/devices/${d.id}`,
    actions: [...(ACTIONS_BY_STATE[d.state] ?? []), ...(d.spot_instance && d.state !== 'deprovisioning' && d.state !== 'deleted' ? ['convert_to_on_demand'] : [])].map((type) => ({ type, name: type.replace(/_/g, ' ') })),
  };
  if (d.failure_reason) out.failure_reason = d.failure_reason;
  if (d.provisioning_percentage !== null && (d.state === 'provisioning' || d.state === 'queued' || d.state === 'reinstalling')) {
    out.provisioning_percentage = d.provisioning_percentage;
  }
  if (d.spot_price_max !== null) out.spot_price_max = d.spot_price_max;
  if (d.termination_time) out.termination_time = iso(d.termination_time);
  if (d.root_password && now.getTime() - new Date(d.created_at).getTime() < ROOT_PASSWORD_TTL_MS) out.root_password = d.root_password;
  return out;
}
