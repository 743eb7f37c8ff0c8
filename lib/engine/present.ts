/**
 * Rows to the contract's Metal-shaped objects, with their links (lib/contract/hrefs.ts).
 */
import { METAL_API_BASE, href } from '../contract/hrefs';
import type {
  Device,
  Event,
  Facility,
  IpAddress,
  IpAssignment,
  Metro,
  NetworkPort,
  OperatingSystem,
  Plan,
  Project,
  SshKey,
} from '../contract/schemas';
import { ipBlockId } from './addresses';
import { sha256 } from '../core/ids';
import { LifecycleState, PROVISIONING_PROGRESS, shownState } from './lifecycle';
import type { FacilityRow, MetroRow, OsRow, PlanRow } from '../store/catalog';
import type { DeviceRow as StoredDeviceRow } from '../store/devices';
import type { EventRow } from '../store/events';
import type { ProjectRow, SshKeyRow } from '../store/projects';
import type { World } from './world';

const iso = (v: Date | string | null | undefined): string => (v ? new Date(v).toISOString() : '');

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

const metroLite = (m: MetroRow) => ({
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

export function presentProject(p: ProjectRow): Project {
  return {
    id: p.id,
    name: p.name,
    organization: href(`/organizations/${p.organization_id}`),
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
    href: `${METAL_API_BASE}/projects/${p.id}`,
    tags: p.tags,
    customdata: p.customdata,
    devices: (p.device_ids ?? []).map((id) => href(`/devices/${id}`)),
    ssh_keys: (p.ssh_key_ids ?? []).map((id) => href(`/ssh-keys/${id}`)),
    members: [],
    memberships: [],
    invitations: [],
    volumes: [],
    max_devices: {},
    network_status: {},
    bgp_config: null,
    payment_method: null,
    url: null,
    backend_transfer_enabled: p.backend_transfer_enabled,
    type: 'default',
  };
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
    href: `${METAL_API_BASE}/ssh-keys/${k.id}`,
    entity: k.project_id ? href(`/projects/${k.project_id}`) : href(`/users/${k.user_id}`),
  };
}

export function presentEvent(e: EventRow): Event {
  const relationships = [];
  if (e.device_id) relationships.push(href(`/devices/${e.device_id}`));
  if (e.project_id) relationships.push(href(`/projects/${e.project_id}`));
  return {
    id: e.id,
    type: e.type,
    body: e.body,
    state: e.state,
    interpolated: e.body,
    created_at: iso(e.created_at),
    href: `${METAL_API_BASE}/events/${e.id}`,
    relationships,
    modified_by: null,
    ip: null,
  };
}

/** A device row with its state as the device lifecycle names it. */
export type DeviceRow = StoredDeviceRow<LifecycleState>;

const ACTIONS_BY_STATE: Record<string, string[]> = {
  active: ['power_off', 'reboot', 'reinstall', 'rescue'],
  inactive: ['power_on', 'reinstall'],
  failed: ['reinstall'],
  rescue: ['power_off', 'reboot', 'reinstall'],
};

/** The root password is shown for 24 hours after the install, as on Metal. */
const ROOT_PASSWORD_TTL_MS = 24 * 3600_000;

/** States whose install progress Metal showed in provisioning_percentage. */
const INSTALLING = new Set(['queued', 'provisioning', 'reinstalling']);

/** Login user of an installed OS: Administrator on Windows, root elsewhere (as Metal's `user`). */
const loginUser = (os: OsRow) => (os.distro === 'windows' ? 'Administrator' : 'root');

/** A stable UUID for a named port of a machine (the same machine shows the same port ids to every device on it). */
function portId(machineId: string, name: string): string {
  const h = sha256(`${machineId}/${name}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Metal's default port layout: every NIC (eth0, eth1, ...) bonded into bond0, layer-3 networking on the bond. The
 * bond comes first, as Metal listed it; metalforge offers no other network type.
 */
export function networkPorts(machineId: string | null, macs: string[]): NetworkPort[] {
  if (!machineId || macs.length === 0) return [];
  const bond = { id: portId(machineId, 'bond0'), name: 'bond0' };
  const port = (id: string, name: string, type: NetworkPort['type'], mac: string | null, member: typeof bond | null): NetworkPort => ({
    id,
    name,
    type,
    data: { mac, bonded: true },
    bond: member,
    network_type: 'layer3',
    native_virtual_network: null,
    virtual_networks: [],
    disbond_operation_supported: type === 'NetworkPort',
    href: `${METAL_API_BASE}/ports/${id}`,
  });
  return [
    port(bond.id, bond.name, 'NetworkBondPort', null, null),
    ...macs.map((mac, i) => port(portId(machineId, `eth${i}`), `eth${i}`, 'NetworkPort', mac, bond)),
  ];
}

/** A stored address as the device shows it (Metal's IPAssignment). */
/** An address as the device that holds it shows it, and as /ips/{id} does (Metal's IPAssignment). */
export function presentIpAssignment(a: IpAddress, holder: { id: string; created_at: Date | string }, metro: MetroRow): IpAssignment {
  return {
    ...a,
    type: 'IPAssignment',
    assigned_to: href(`/devices/${holder.id}`),
    created_at: iso(holder.created_at),
    enabled: true,
    global_ip: false,
    // Management addresses go with their device: they cannot be moved to another one.
    manageable: false,
    metro: metroLite(metro),
    parent_block: { network: a.network, netmask: a.netmask, cidr: a.cidr, href: `${METAL_API_BASE}/ips/${ipBlockId(a.id)}` },
  };
}

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
    state: shownState(d.state),
    billing_cycle: d.billing_cycle,
    provisioning_percentage: INSTALLING.has(d.state) ? (d.provisioning_percentage ?? PROVISIONING_PROGRESS.queued) : null,
    provisioning_events: [],
    plan: presentPlan(plan, world),
    metro: metroLite(metro),
    facility: presentFacility(facility, world),
    operating_system: presentOs(os, world),
    project: href(`/projects/${d.project_id}`),
    project_lite: href(`/projects/${d.project_id}`),
    ip_addresses: d.ip_addresses.map((a) => presentIpAssignment(a, d, metro)),
    network_ports: networkPorts(d.machine_id, d.macs ?? []),
    network_type: 'layer3',
    bonding_mode: 5,
    network_frozen: false,
    user: loginUser(os),
    ssh_keys: d.ssh_key_ids.map((id) => href(`/ssh-keys/${id}`)),
    userdata: d.userdata,
    customdata: d.customdata,
    ipxe_script_url: d.ipxe_script_url,
    always_pxe: d.always_pxe,
    locked: d.locked,
    tags: d.tags,
    spot_instance: d.spot_instance,
    spot_price_max: d.spot_price_max,
    termination_time: d.termination_time ? iso(d.termination_time) : null,
    root_password: d.root_password && now.getTime() - new Date(d.created_at).getTime() < ROOT_PASSWORD_TTL_MS ? d.root_password : null,
    hardware_reservation: null,
    sos: null,
    switch_uuid: null,
    iqn: null,
    image_url: null,
    firmware_set_id: null,
    created_by: null,
    storage: null,
    volumes: [],
    created_at: iso(d.created_at),
    updated_at: iso(d.updated_at),
    href: `${METAL_API_BASE}/devices/${d.id}`,
    actions: [
      ...(ACTIONS_BY_STATE[d.state] ?? []),
      ...(d.spot_instance && d.state !== 'deprovisioning' && d.state !== 'deleted' ? ['convert_to_on_demand'] : []),
    ].map((type) => ({ type, name: type.replace(/_/g, ' ') })),
  };
  if (d.failure_reason) out.failure_reason = d.failure_reason;
  return out;
}
