/**
 * The addresses devices hold today, as the spec's IPAssignment (an address on a device) and IPReservation (the
 * block it was carved from). Read-only and honest about what exists: every device gets management blocks at
 * placement; reserving and assigning more is the networking work (IPAM) still to come.
 */
import { MetalError } from '../contract/errors';
import type { IpAddress, IpAssignment, IpReservation } from '../contract/schemas';
import { addressesOfProject, deviceWithAddress, type DeviceAddressesRow as StoredRow } from '../store/ip-addresses';
import type { Principal } from './accounts';
import type { EngineContext } from './context';
import { BASE, href } from './present';
import type { ProjectService } from './projects';
import type { World } from './world';

/** What a device row carries about its addresses. */
type DeviceAddressesRow = StoredRow<IpAddress>;

export interface AddressHolder {
  id: string;
  project_id: string;
  metro_id: string;
  created_at: Date | string;
  ip_addresses: IpAddress[];
}

export class AddressService {
  constructor(private readonly ctx: EngineContext, private readonly projects: ProjectService) {}

  /** The addresses of a device (the caller checked that it may see it). */
  assignmentsOf(device: AddressHolder): IpAssignment[] {
    return device.ip_addresses.map((a) => presentAssignment(holder(device), a, this.ctx.world));
  }

  /** The blocks of a project's devices, oldest device first. */
  async reservationsOf(principal: Principal, projectId: string): Promise<IpReservation[]> {
    await this.projects.row(principal, projectId);
    const rows = await addressesOfProject<IpAddress>(this.ctx.db, projectId);
    return rows.flatMap((row) => row.ip_addresses.map((a) => presentReservation(row, a, this.ctx.world)));
  }

  /** An assignment by its id (or its address, as device hrefs name it), or a block by its id. */
  async get(principal: Principal, id: string): Promise<IpAssignment | IpReservation> {
    const assignment = await this.find(principal, id, (a) => a.id === id || a.address === id);
    if (assignment) return presentAssignment(assignment.row, assignment.address, this.ctx.world);
    const assignmentId = blockId(id);
    const block = assignmentId && (await this.find(principal, assignmentId, (a) => a.id === assignmentId));
    if (block) return presentReservation(block.row, block.address, this.ctx.world);
    throw new MetalError('not_found', `ip address ${id} not found`);
  }

  private async find(principal: Principal, key: string, match: (a: IpAddress) => boolean) {
    const row = await deviceWithAddress<IpAddress>(this.ctx.db, key);
    if (!row || !(await this.projects.isVisible(principal, row.project_id))) return undefined;
    const address = row.ip_addresses.find(match);
    return address && { row, address };
  }
}

const holder = (d: AddressHolder): DeviceAddressesRow => ({
  device_id: d.id,
  project_id: d.project_id,
  metro_id: d.metro_id,
  created_at: d.created_at,
  ip_addresses: d.ip_addresses,
});

/**
 * A block has no row of its own: its id is its assignment's with the last group flipped (and back again), so a
 * block id leads straight to its assignment. Undefined for text that is not a UUID.
 */
function blockId(id: string): string | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  return id.slice(0, 24) + (BigInt(`0x${id.slice(24)}`) ^ 0xffffffffffffn).toString(16).padStart(12, '0');
}

function common(row: DeviceAddressesRow, a: IpAddress, world: World, id: string) {
  const metro = world.metros.get(row.metro_id)!;
  return {
    id,
    address_family: a.address_family,
    cidr: a.cidr,
    netmask: a.netmask,
    network: a.network,
    gateway: a.gateway,
    public: a.public,
    management: a.management,
    // Management addresses go with their device: they cannot be moved to another one.
    manageable: false,
    enabled: true,
    global_ip: false,
    created_at: new Date(row.created_at).toISOString(),
    href: `${BASE}/ips/${id}`,
    metro: { id: metro.id, code: metro.code, name: metro.name, country: metro.country, href: `${BASE}/locations/metros/${metro.id}` },
  };
}

function presentAssignment(row: DeviceAddressesRow, a: IpAddress, world: World): IpAssignment {
  return {
    ...common(row, a, world, a.id),
    address: a.address,
    type: 'IPAssignment',
    assigned_to: href(`/devices/${row.device_id}`),
    parent_block: { network: a.network, netmask: a.netmask, cidr: a.cidr, href: `${BASE}/ips/${blockId(a.id)}` },
  };
}

function presentReservation(row: DeviceAddressesRow, a: IpAddress, world: World): IpReservation {
  return {
    ...common(row, a, world, blockId(a.id)!),
    address: a.network,
    type: a.address_family === 6 ? 'public_ipv6' : a.public ? 'public_ipv4' : 'private_ipv4',
    state: 'created',
    addon: false,
    bill: false,
    assignments: [href(`/ips/${a.id}`)],
    project: href(`/projects/${row.project_id}`),
    tags: [],
    customdata: {},
  };
}
