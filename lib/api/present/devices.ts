/**
 * Devices in the contract's Metal shape, with their links (lib/contract/hrefs.ts), from their rows and the
 * engine's world.
 */
import { METAL_API_BASE, href } from '../../contract/hrefs';
import type { Device, NetworkPort } from '../../contract/schemas';
import { isoTime } from '../../core/clock';
import {
  inBond,
  PROVISIONING_PROGRESS,
  shownState,
  type DeviceNetwork,
  type DeviceRow,
  type Engine,
  type OsRow,
  type PortRow,
  type World,
} from '../../engine';
import { metroLite, presentFacility, presentOs, presentPlan } from './catalog';
import { presentElasticAssignment, presentIpAssignment } from './ip-assignments';

const iso = (v: Date | string | null | undefined): string => isoTime(v) ?? '';

const ACTIONS_BY_STATE: Record<string, string[]> = {
  active: ['power_off', 'reboot', 'reinstall', 'rescue'],
  inactive: ['power_on', 'reinstall'],
  failed: ['reinstall'],
  rescue: ['power_off', 'reboot', 'reinstall'],
};

/** States whose install progress Metal showed in provisioning_percentage. */
const INSTALLING = new Set(['queued', 'provisioning', 'reinstalling']);

/** Login user of an installed OS: Administrator on Windows, root elsewhere (as Metal's `user`). */
const loginUser = (os: OsRow) => (os.distro === 'windows' ? 'Administrator' : 'root');

/** A VLAN as a port shows it: its link, id and VXLAN id. */
const vlanRef = (v: { id: string; vxlan: number }) => ({ id: v.id, vxlan: v.vxlan, href: `${METAL_API_BASE}/virtual-networks/${v.id}` });

/** A port as Metal showed it (Port): its network type is the device's, its VLANs those it carries. */
export function presentPort(port: PortRow, network: DeviceNetwork): NetworkPort {
  const type = network.network_type;
  const isBond = port.name === 'bond0';
  const bond = network.ports.find((p) => p.name === 'bond0');
  const native = port.vlans.find((v) => v.id === port.native_vlan_id);
  return {
    id: port.id,
    name: port.name,
    type: isBond ? 'NetworkBondPort' : 'NetworkPort',
    data: { mac: port.mac, bonded: isBond ? type !== 'layer2-individual' : inBond(type, port.name) },
    bond: !isBond && bond && inBond(type, port.name) ? { id: bond.id, name: bond.name } : null,
    network_type: type,
    native_virtual_network: native ? vlanRef(native) : null,
    virtual_networks: port.vlans.map(vlanRef),
    disbond_operation_supported: !isBond,
    href: `${METAL_API_BASE}/ports/${port.id}`,
  };
}

/** Metal's port layout: bond0 first, then the NICs, each with its network type and VLANs. */
export const networkPorts = (network: DeviceNetwork | null | undefined): NetworkPort[] =>
  network ? network.ports.map((p) => presentPort(p, network)) : [];

/** A device; `rootPassword` is its root password while it may be shown (DeviceService.rootPassword), else null. */
export function presentDevice(d: DeviceRow, world: World, rootPassword: string | null): Device {
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
    // Its own addresses, then the elastic IPs assigned to it, as Metal listed them.
    ip_addresses: [
      ...d.ip_addresses.map((a) => presentIpAssignment(a, d, metro)),
      ...(d.elastic_ips ?? []).map((a) => presentElasticAssignment(a, world)),
    ],
    network_ports: networkPorts(d.network),
    network_type: d.network?.network_type ?? 'layer3',
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
    root_password: rootPassword,
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

/** Presents devices as `engine` sees them now (its world, its clock for the root password). */
export const devicePresenter =
  (engine: Engine) =>
  (row: DeviceRow): Device =>
    presentDevice(row, engine.world, engine.devices.rootPassword(row));
