/**
 * The addresses devices hold as their own (management) addresses, as each device row keeps them: each one with the
 * device that holds it, which the API shows as the spec's IPAssignment. Devices placed since the address pools
 * took over have real blocks (the project's management reservations); those placed before have a block of their
 * own per address, shown as an IPReservation whose id derives from the address's.
 */
import { MetalError } from '../contract/errors';
import { addressesOfProject, deviceWithAddress, type DeviceAddressesRow } from '../store/ip-addresses';
import type { StoredAddress } from '../store/devices';
import type { Principal } from './accounts';
import type { EngineContext } from './context';
import { ipBlockId } from './addresses';
import type { ProjectService } from './projects';

/** An address with the device that holds it. */
export interface HeldAddress {
  holder: DeviceAddressesRow<StoredAddress>;
  address: StoredAddress;
}

export interface AddressHolder {
  id: string;
  project_id: string;
  metro_id: string;
  created_at: Date | string;
  ip_addresses: StoredAddress[];
}

export class AddressService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly projects: ProjectService,
  ) {}

  /** The addresses of a device (the caller checked that it may see it). */
  assignmentsOf(device: AddressHolder): HeldAddress[] {
    const held = holder(device);
    return device.ip_addresses.map((address) => ({ holder: held, address }));
  }

  /** The blocks of a project's devices (each as the address carved from it), oldest device first. */
  async reservationsOf(principal: Principal, projectId: string): Promise<HeldAddress[]> {
    await this.projects.row(principal, projectId);
    const rows = await addressesOfProject<StoredAddress>(this.ctx.db, projectId);
    // Addresses from the pools have real blocks (the project's reservations); older ones have a block of their own.
    return rows.flatMap((row) => row.ip_addresses.filter((a) => !a.parent_block).map((address) => ({ holder: row, address })));
  }

  /**
   * An assignment by its id (or its address, as device hrefs name it), or a block by its id (`block`: the address
   * carved from it).
   */
  async get(principal: Principal, id: string): Promise<HeldAddress & { block: boolean }> {
    const assignment = await this.find(principal, id, (a) => a.id === id || a.address === id);
    if (assignment) return { ...assignment, block: false };
    const assignmentId = ipBlockId(id);
    const block = assignmentId && (await this.find(principal, assignmentId, (a) => a.id === assignmentId && !a.parent_block));
    if (block) return { ...block, block: true };
    throw new MetalError('not_found', `ip address ${id} not found`);
  }

  private async find(principal: Principal, key: string, match: (a: StoredAddress) => boolean): Promise<HeldAddress | undefined> {
    const row = await deviceWithAddress<StoredAddress>(this.ctx.db, key);
    if (!row || !(await this.projects.isVisible(principal, row.project_id))) return undefined;
    const address = row.ip_addresses.find(match);
    return address && { holder: row, address };
  }
}

const holder = (d: AddressHolder): DeviceAddressesRow<StoredAddress> => ({
  device_id: d.id,
  project_id: d.project_id,
  metro_id: d.metro_id,
  created_at: d.created_at,
  ip_addresses: d.ip_addresses,
});
