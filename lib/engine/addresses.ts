/**
 * The address plan, as pure rules: which blocks a device asks for (`ip_addresses` on create, as Metal's docs
 * described it) and the addresses a machine gives them. Addresses are data here: nothing routes them.
 *
 * Every machine owns a fixed slot per kind, from its global ordinal: a /28 of public IPv4 (198.18.0.0/15, the
 * benchmarking range, never routed; 100.64.0.0/11, shared address space, once that is full), a /28 of private
 * IPv4 (10.0.0.0/8) and a /124 of IPv6 (2001:db8::/48, documentation). Address pools stay outside these ranges. A requested block is the start of its slot, so any size Metal
 * offered without IP reservations (/28 to /32, /124 to /127) fits.
 */
import type { StoredAddress } from '../store/devices';
import { newId } from '../core/ids';

export interface AddressRequest {
  family: 4 | 6;
  public: boolean;
  cidr: number;
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
  address_family: number;
  public?: boolean;
  cidr?: number;
  ip_reservations?: string[];
}

/**
 * The blocks `ip_addresses` asks for, or the problems with it (each naming its field and the fix). Metal's rules:
 * family 4 or 6, IPv4 /28-/32, public IPv6 /124-/127, no private IPv6, one entry per kind, and a private IPv4
 * among them.
 */
export function addressRequests(input: AddressInput[] | undefined): { requests: AddressRequest[]; problems: string[] } {
  if (input === undefined) return { requests: [...DEFAULT_ADDRESSES], problems: [] };
  const problems: string[] = [];
  const requests: AddressRequest[] = [];
  input.forEach((entry, i) => {
    const at = `ip_addresses[${i}]`;
    const family = entry.address_family;
    const isPublic = entry.public ?? true;
    if (family !== 4 && family !== 6) return void problems.push(`${at}.address_family: must be 4 or 6, not ${family}`);
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
    if (entry.ip_reservations?.length) {
      return void problems.push(
        `${at}.ip_reservations: this cloud has no IP reservations; leave them out and give cidr for the block size`,
      );
    }
    if (requests.some((r) => r.family === family && r.public === isPublic)) {
      return void problems.push(`${at}: a second ${isPublic ? 'public' : 'private'} IPv${family} block; give one entry per kind`);
    }
    requests.push({ family, public: isPublic, cidr });
  });
  if (!problems.length && !requests.some((r) => r.family === 4 && !r.public)) {
    problems.push('ip_addresses: must include private IPv4 ({"address_family": 4, "public": false}), as on Metal');
  }
  return { requests, problems };
}

const PUBLIC_V4 = [
  { base: ipv4(198, 18, 0, 0), slots: 2 ** 17 / 16 },
  { base: ipv4(100, 64, 0, 0), slots: 2 ** 21 / 16 },
];

/** The ranges machines' management addresses come from: no address pool may overlap them. */
export const MACHINE_ADDRESS_RANGES: readonly string[] = ['198.18.0.0/15', '100.64.0.0/11', '10.0.0.0/8', '2001:db8::/48'];
const PRIVATE_V4 = ipv4(10, 0, 0, 0);

function ipv4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

const v4Text = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** The first address of a machine's public IPv4 slot. */
function publicSlot(ordinal: number): number {
  let n = ordinal;
  for (const range of PUBLIC_V4) {
    if (n < range.slots) return range.base + n * 16;
    n -= range.slots;
  }
  throw new Error(`address plan: no public IPv4 slot for machine ordinal ${ordinal}`);
}

/**
 * Network, gateway and device address of a block of `size` addresses starting at offset 0: a /31 (or /127) is
 * gateway + device; a /32 is the device alone; larger blocks keep .0 as the network, .1 as the gateway.
 */
const hostOffsets = (cidr: number, bits: number) =>
  cidr === bits ? { gateway: 0, address: 0 } : cidr === bits - 1 ? { gateway: 0, address: 1 } : { gateway: 1, address: 2 };

function v6Mask(cidr: number): string {
  const last = (0xffff << (128 - cidr)) & 0xffff;
  return `ffff:ffff:ffff:ffff:ffff:ffff:ffff:${last.toString(16)}`;
}

/** The addresses of a device on the machine with `machineOrdinal`, one per requested block, in request order. */
export function addressesFor(machineOrdinal: number, requests: readonly AddressRequest[] = DEFAULT_ADDRESSES): StoredAddress[] {
  return requests.map((r) => {
    if (r.family === 6) {
      const prefix = `2001:db8:0:${machineOrdinal.toString(16)}::`;
      const { gateway, address } = hostOffsets(r.cidr, 128);
      // The slot is ::10/124, so the network's last group stays non-zero and reads as an address.
      const at = (offset: number) => `${prefix}${(0x10 + offset).toString(16)}`;
      return make(at(address), 6, r.cidr, v6Mask(r.cidr), at(gateway), at(0), true);
    }
    const network = r.public ? publicSlot(machineOrdinal) : PRIVATE_V4 + machineOrdinal * 16;
    const { gateway, address } = hostOffsets(r.cidr, 32);
    const netmask = v4Text((0xffffffff << (32 - r.cidr)) >>> 0);
    return make(v4Text(network + address), 4, r.cidr, netmask, v4Text(network + gateway), v4Text(network), r.public);
  });
}

function make(
  address: string,
  family: number,
  cidr: number,
  netmask: string,
  gateway: string,
  network: string,
  isPublic: boolean,
): StoredAddress {
  return {
    id: newId(),
    address,
    address_family: family,
    netmask,
    cidr,
    gateway,
    network,
    public: isPublic,
    management: true,
  };
}

/**
 * A block has no row of its own: its id is its assignment's with the last group flipped (and back again), so a
 * block id leads straight to its assignment. Undefined for text that is not a UUID.
 */
export function ipBlockId(id: string): string | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  return id.slice(0, 24) + (BigInt(`0x${id.slice(24)}`) ^ 0xffffffffffffn).toString(16).padStart(12, '0');
}
