/**
 * The address plan, as pure rules: which blocks a device asks for (`ip_addresses` on create, as Metal's docs
 * described it) and the address a device takes in each block it gets. The blocks come from the address pools
 * (lib/engine/network/device-addresses.ts); addresses are data here: nothing routes them.
 */
import type { StoredAddress } from '../store/devices';
import { isUuid } from '../core/ids';
import { formatAddress, netmask, type Family } from '../core/ip';

export interface AddressRequest {
  family: 4 | 6;
  public: boolean;
  cidr: number;
  /** The project's reservations to carve the block from, in order of preference (Metal's ip_reservations). */
  reservations?: string[];
}

/** What a device gets when it asks for nothing: public IPv4 /31, public IPv6 /127, private IPv4 /30. */
export const DEFAULT_ADDRESSES: readonly AddressRequest[] = [
  { family: 4, public: true, cidr: 31 },
  { family: 6, public: true, cidr: 127 },
  { family: 4, public: false, cidr: 30 },
];

const CIDR_RANGE = { 4: [28, 32], 6: [124, 127] } as const;
/** Metal's default block sizes when an entry names no cidr. */
const DEFAULT_CIDR = { 'public-4': 31, 'private-4': 30, 'public-6': 127 } as Record<string, number>;

export interface AddressInput {
  /** Required; optional here so a request that leaves it out is told so. */
  address_family?: number;
  public?: boolean;
  cidr?: number;
  ip_reservations?: string[];
}

/**
 * The blocks `input` asks for (a device's `ip_addresses`, or a port's `request_ips` back to layer 3), or the
 * problems with it (each naming its field and the fix). Metal's rules:
 * family 4 or 6, IPv4 /28-/32, public IPv6 /124-/127, no private IPv6, one entry per kind, and a private IPv4
 * among them.
 */
export function addressRequests(
  input: AddressInput[] | undefined,
  field = 'ip_addresses',
): { requests: AddressRequest[]; problems: string[] } {
  if (input === undefined) return { requests: [...DEFAULT_ADDRESSES], problems: [] };
  const problems: string[] = [];
  const requests: AddressRequest[] = [];
  input.forEach((entry, i) => {
    const at = `${field}[${i}]`;
    const family = entry.address_family;
    const isPublic = entry.public ?? true;
    if (family !== 4 && family !== 6)
      return void problems.push(
        `${at}.address_family: ${family === undefined ? 'is required' : `must be 4 or 6, not ${family}`}; give 4 or 6`,
      );
    if (family === 6 && !isPublic)
      return void problems.push(`${at}.public: IPv6 addresses are public only; set public to true or leave the entry out`);
    const [min, max] = CIDR_RANGE[family];
    const cidr = entry.cidr ?? DEFAULT_CIDR[`${isPublic ? 'public' : 'private'}-${family}`];
    if (!Number.isInteger(cidr) || cidr < min || cidr > max) {
      return void problems.push(
        `${at}.cidr: ${entry.cidr} is not offered for IPv${family}; give ${min} to ${max} (a /${min} holds ${
          2 ** ((family === 4 ? 32 : 128) - min)
        } addresses)`,
      );
    }
    const bad = entry.ip_reservations?.find((id) => !isUuid(id));
    if (bad !== undefined) {
      return void problems.push(`${at}.ip_reservations: "${bad}" is not a reservation id; give ids from GET /projects/{id}/ips`);
    }
    if (requests.some((r) => r.family === family && r.public === isPublic)) {
      return void problems.push(`${at}: a second ${isPublic ? 'public' : 'private'} IPv${family} block; give one entry per kind`);
    }
    requests.push({ family, public: isPublic, cidr, ...(entry.ip_reservations?.length && { reservations: entry.ip_reservations }) });
  });
  if (!problems.length && !requests.some((r) => r.family === 4 && !r.public)) {
    problems.push(`${field}: must include private IPv4 ({"address_family": 4, "public": false}), as on Metal`);
  }
  return { requests, problems };
}

/**
 * The ranges machines took their management addresses from before devices took them from the pools: devices
 * placed then still hold them, so no address pool may overlap them.
 */
export const MACHINE_ADDRESS_RANGES: readonly string[] = ['198.18.0.0/15', '100.64.0.0/11', '10.0.0.0/8', '2001:db8::/48'];

/**
 * Gateway and device offsets in a block: a /31 (or /127) is gateway + device; a /32 (or /128) is the device alone;
 * larger blocks keep the first address as the network, the next as the gateway.
 */
const hostOffsets = (cidr: number, bits: number) =>
  cidr === bits ? { gateway: 0n, address: 0n } : cidr === bits - 1 ? { gateway: 0n, address: 1n } : { gateway: 1n, address: 2n };

/** The address a device takes in its block at `network` (`id`: its assignment's; `parent`: the reservation the block lies in). */
export function deviceAddress(
  id: string,
  block: { family: Family; network: bigint; cidr: number; public: boolean },
  parent: { id: string; network: string; cidr: number },
): StoredAddress {
  const { gateway, address } = hostOffsets(block.cidr, block.family === 4 ? 32 : 128);
  return {
    id,
    address: formatAddress(block.family, block.network + address),
    address_family: block.family,
    netmask: netmask(block.family, block.cidr),
    cidr: block.cidr,
    gateway: formatAddress(block.family, block.network + gateway),
    network: formatAddress(block.family, block.network),
    public: block.public,
    management: true,
    parent_block: { id: parent.id, network: parent.network, cidr: parent.cidr },
  };
}

/**
 * Devices placed before the pools have no block rows: a block's id is its assignment's with the last group flipped
 * (and back again), so a block id leads straight to its assignment. Undefined for text that is not a UUID.
 */
export function ipBlockId(id: string): string | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  return id.slice(0, 24) + (BigInt(`0x${id.slice(24)}`) ^ 0xffffffffffffn).toString(16).padStart(12, '0');
}
