/**
 * Device addresses in the contract's shapes: IPAssignment (an address on a device, as the device and /ips/{id} show
 * it) and IPReservation (the block it was carved from).
 */
import { METAL_API_BASE, href } from '../../contract/hrefs';
import type { IpAddress, IpAssignment, IpPool, IpReservation } from '../../contract/schemas';
import { isoTime } from '../../core/clock';
import { netmask } from '../../core/ip';
import {
  blockGateway,
  ipBlockId,
  type DeviceElasticIp,
  type ElasticAssignmentRow,
  type HeldAddress,
  type MetroRow,
  type PoolSummary,
  type ReservationRow,
  type StoredAddress,
  type World,
} from '../../engine';
import { metroLite } from './catalog';

/** A stored address with its link (rows written before addresses were stored without it carry the same link). */
export const presentAddress = ({ parent_block: _block, ...a }: StoredAddress): IpAddress => ({
  ...a,
  href: `${METAL_API_BASE}/ips/${a.id}`,
});

/** An address as the device that holds it shows it, and as /ips/{id} does (Metal's IPAssignment). */
export function presentIpAssignment(a: StoredAddress, holder: { id: string; created_at: Date | string }, metro: MetroRow): IpAssignment {
  return {
    ...presentAddress(a),
    type: 'IPAssignment',
    assigned_to: href(`/devices/${holder.id}`),
    created_at: isoTime(holder.created_at) ?? '',
    enabled: true,
    global_ip: false,
    // Management addresses go with their device: they cannot be moved to another one.
    manageable: false,
    metro: metroLite(metro),
    // The block: a reservation of the pools, or (devices placed before the pools) the address's own block.
    parent_block: blockOf(a),
  };
}

/** The block an address lies in, as its parent_block (whose network and size the block's reservation has). */
function blockOf(a: StoredAddress): IpAssignment['parent_block'] {
  const block = a.parent_block ?? { id: ipBlockId(a.id)!, network: a.network, cidr: a.cidr };
  return {
    network: block.network,
    netmask: netmask(a.address_family as 4 | 6, block.cidr),
    cidr: block.cidr,
    href: `${METAL_API_BASE}/ips/${block.id}`,
  };
}

export function presentAssignment({ holder, address }: HeldAddress, world: World): IpAssignment {
  return presentIpAssignment(address, { id: holder.device_id, created_at: holder.created_at }, world.metros.get(holder.metro_id)!);
}

export function presentReservation(held: HeldAddress, world: World): IpReservation {
  const { holder, address: a } = held;
  const id = ipBlockId(a.id)!;
  // The block as its assignment shows it, with the block's own id and href.
  const { type: _type, assigned_to: _to, parent_block: _parent, address: _address, ...shared } = presentAssignment(held, world);
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
    project: href(`/projects/${holder.project_id}`),
    tags: [],
    customdata: {},
  };
}

/** What /ips/{id} names: an assignment, or the block an address was carved from. */
export const presentIp = (held: HeldAddress & { block: boolean }, world: World): IpAssignment | IpReservation =>
  held.block ? presentReservation(held, world) : presentAssignment(held, world);

/**
 * A block a project reserved from the pools (Metal's IPReservation) with links to its elastic IPs; its gateway is its
 * first usable address.
 */
export function presentIpBlock(row: ReservationRow, world: World, assignmentIds: readonly string[] = []): IpReservation {
  return {
    id: row.id,
    href: `${METAL_API_BASE}/ips/${row.id}`,
    ...reservedAddress(row, { address: row.network, cidr: row.cidr }, row, world),
    // A management block goes with its devices: it cannot be released or assigned by hand.
    ...(row.management && { management: true, manageable: false }),
    type: row.type,
    state: 'created',
    addon: true,
    bill: false,
    assignments: assignmentIds.map((id) => href(`/ips/${id}`)),
    project: href(`/projects/${row.project_id}`),
    tags: row.tags,
    customdata: row.customdata,
    ...(row.details !== null && { details: row.details }),
  };
}

/**
 * An elastic IP (an address or subnet of a reserved block on a device) as Metal's IPAssignment: manageable, with
 * its block as parent and the block's gateway.
 */
export function presentElasticAssignment(a: DeviceElasticIp | ElasticAssignmentRow, world: World): IpAssignment {
  return {
    id: a.id,
    href: `${METAL_API_BASE}/ips/${a.id}`,
    type: 'IPAssignment',
    ...reservedAddress(a, a, { network: a.block_network, cidr: a.block_cidr }, world),
    assigned_to: href(`/devices/${a.device_id}`),
    parent_block: {
      network: a.block_network,
      netmask: netmask(a.address_family, a.block_cidr),
      cidr: a.block_cidr,
      href: `${METAL_API_BASE}/ips/${a.reservation_id}`,
    },
    customdata: a.customdata,
  };
}

/**
 * What a reserved block and an elastic IP inside one show alike: `own` is the block or the address shown, `block`
 * the reservation whose gateway it has; `kind` gives type, family, metro and age.
 */
function reservedAddress(
  kind: { type: string; address_family: 4 | 6; metro_id: string | null; created_at: Date | string },
  own: { address: string; cidr: number },
  block: { network: string; cidr: number },
  world: World,
) {
  const metro = kind.metro_id ? world.metros.get(kind.metro_id) : undefined;
  return {
    address: own.address,
    address_family: kind.address_family,
    cidr: own.cidr,
    netmask: netmask(kind.address_family, own.cidr),
    network: own.address,
    gateway: blockGateway(kind.address_family, block.network, block.cidr),
    public: kind.type !== 'private_ipv4',
    management: false,
    manageable: true,
    enabled: true,
    global_ip: kind.type === 'global_ipv4',
    created_at: isoTime(kind.created_at) ?? '',
    ...(metro && { metro: metroLite(metro) }),
  };
}

export function presentIpPool(pool: PoolSummary, world: World): IpPool {
  return {
    id: pool.id,
    type: pool.type,
    ...(pool.metro_id && { metro: world.metros.get(pool.metro_id)?.code }),
    network: pool.network,
    address_family: pool.address_family,
    size: String(pool.size),
    allocated: String(pool.allocated),
    free: String(pool.free),
    created_at: isoTime(pool.created_at) ?? '',
  };
}
