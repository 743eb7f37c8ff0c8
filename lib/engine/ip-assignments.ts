/**
 * The addresses devices hold today, as the spec's IPAssignment (an address on a device) and IPReservation (the
 * block it was carved from). Read-only and honest about what exists: every device gets management blocks at
 * placement; reserving and assigning more is the networking work (IPAM) still to come.
 */
import { METAL_API_BASE, href } from '../contract/hrefs';
import { MetalError } from '../contract/errors';
import type { IpAddress, IpAssignment, IpReservation } from '../contract/schemas';
import { addressesOfProject, deviceWithAddress, type DeviceAddressesRow as StoredRow } from '../store/ip-addresses';
import type { Principal } from './accounts';
import type { EngineContext } from './context';
import { ipBlockId } from './addresses';
import { presentIpAssignment } from './present';
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
  constructor(
    private readonly ctx: EngineContext,
    private readonly projects: ProjectService,
  ) {}

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
    const assignmentId = ipBlockId(id);
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

function presentAssignment(row: DeviceAddressesRow, a: IpAddress, world: World): IpAssignment {
  return presentIpAssignment(a, { id: row.device_id, created_at: row.created_at }, world.metros.get(row.metro_id)!);
}

function presentReservation(row: DeviceAddressesRow, a: IpAddress, world: World): IpReservation {
  const id = ipBlockId(a.id)!;
  // The block as its assignment shows it, with the block's own id and href.
  const { type: _type, assigned_to: _to, parent_block: _parent, address: _address, ...shared } = presentAssignment(row, a, world);
  return {
    ...shared,
    id,
    href: `${METAL_API_BASE}/ips/${id}`,
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
