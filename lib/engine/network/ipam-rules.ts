/**
 * The rules of address management, pure: what an operator may enrol as a pool, what a project may reserve, and
 * how to say that a pool has run out.
 */
import { RESERVABLE_QUANTITIES } from '../../contract/schemas';
import { blockSize, formatAddress, overlaps, parseCidr, prefixOf, type Cidr, type Family } from '../../core/ip';
import type { PoolType } from '../../store/ip-pools';

export const POOL_TYPES: readonly PoolType[] = ['public_ipv4', 'private_ipv4', 'public_ipv6', 'global_ipv4'];

const FAMILY: Record<PoolType, Family> = { public_ipv4: 4, private_ipv4: 4, global_ipv4: 4, public_ipv6: 6 };

/** The prefix of a type reserved in whole blocks (its quantity counts blocks, not addresses): IPv6 as /56s. */
const BLOCK_PREFIX: Partial<Record<PoolType, number>> = { public_ipv6: 56 };

export interface PoolInput {
  type: string;
  /** The metro's id, when the caller resolved one. */
  metroId?: string;
  network: string;
}

/**
 * The block a pool covers, or every problem with the request (each naming the field and the fix). `taken` are the
 * blocks already in use: other pools, and the ranges machines take their management addresses from.
 */
export function checkPool(input: PoolInput, taken: readonly { network: string; what: string }[]): Cidr | { problems: string[] } {
  const problems: string[] = [];
  const type = input.type as PoolType;
  if (!POOL_TYPES.includes(type)) problems.push(`type: "${input.type}" is not a pool type; give one of ${POOL_TYPES.join(', ')}`);
  else if (type === 'global_ipv4' && input.metroId) problems.push('metro: a global_ipv4 pool serves every metro; leave metro out');
  else if (type !== 'global_ipv4' && !input.metroId) problems.push(`metro: a ${type} pool belongs to one metro; give its code`);
  const parsed = parseCidr(input.network);
  if ('problem' in parsed) return { problems: [...problems, `network: ${parsed.problem}`] };
  if (POOL_TYPES.includes(type)) {
    if (parsed.family !== FAMILY[type]) {
      problems.push(`network: ${input.network} is IPv${parsed.family}; a ${type} pool takes an IPv${FAMILY[type]} block`);
    } else if (parsed.prefix > smallestPoolPrefix(type)) {
      problems.push(`network: a ${type} pool must hold at least one reservation; give a /${smallestPoolPrefix(type)} or larger`);
    }
  }
  for (const other of taken) {
    const block = parseCidr(other.network);
    if (!('problem' in block) && overlaps(parsed, block)) {
      problems.push(`network: ${input.network} overlaps ${other.network} (${other.what}); give a block outside it`);
    }
  }
  return problems.length ? { problems } : parsed;
}

const smallestPoolPrefix = (type: PoolType): number => BLOCK_PREFIX[type] ?? 32;

export interface ReservationInput {
  type: string;
  quantity: number;
}

/** The size of the block a reservation asks for, or the problems with it. */
export function reservationBlock(
  input: ReservationInput,
): { type: PoolType; family: Family; size: bigint; cidr: number } | { problems: string[] } {
  const type = input.type as PoolType;
  if (!POOL_TYPES.includes(type)) {
    return { problems: [`type: "${input.type}" is not an IP reservation type; give one of ${POOL_TYPES.join(', ')}`] };
  }
  const quantities = RESERVABLE_QUANTITIES[type];
  const prefix = BLOCK_PREFIX[type];
  if (!quantities.includes(input.quantity)) {
    const choices = quantities.length === 1 ? `${quantities[0]}` : `a power of two from ${quantities[0]} to ${quantities.at(-1)}`;
    return { problems: [`quantity: ${input.quantity} ${type} addresses cannot be reserved; give ${choices}`] };
  }
  const family = FAMILY[type];
  const size = prefix === undefined ? BigInt(input.quantity) : blockSize(family, prefix);
  return { type, family, size, cidr: prefixOf(family, size) };
}

export interface PoolRemaining {
  network: string;
  family: Family;
  free: bigint;
  /** The largest block one reservation could still get. */
  largest: bigint;
}

/** Why a reservation cannot be served, naming where it looked and what is left. */
export function exhaustedMessage(type: PoolType, where: string, cidr: number, pools: readonly PoolRemaining[]): string {
  if (!pools.length) return `${where} has no ${type} pool; ask the operator to enrol one, or reserve in another metro`;
  return `${where} is out of ${type} addresses for a /${cidr} (${poolsLeft(pools)}); reserve a smaller block or in another metro`;
}

/** Why a device cannot get its block, naming the metro, its pools and what is left. */
export function deviceExhaustedMessage(type: PoolType, metro: string, cidr: number, pools: readonly PoolRemaining[]): string {
  const fix = 'ask the operator to enrol another pool, or create the device in another metro';
  if (!pools.length) return `ip_addresses: metro ${metro} has no ${type} pool for the device's addresses; ${fix}`;
  return `ip_addresses: metro ${metro} is out of ${type} addresses for the device's /${cidr} (${poolsLeft(pools)}); ${fix}`;
}

const poolsLeft = (pools: readonly PoolRemaining[]) =>
  pools.map((p) => `${p.network}: ${p.free} free${p.free ? `, largest block /${prefixOf(p.family, p.largest)}` : ''}`).join('; ');

/** The network text of a block at `start` inside a pool whose first address is `first`. */
export const blockNetwork = (family: Family, first: bigint, start: bigint): string => formatAddress(family, first + start);

/**
 * The pools a catalog that lists none gets, so every metro can address its devices out of the box: per metro (in
 * catalog order) a share of 100.96.0.0/11 (the part of the shared address space machines never used), of
 * 172.16.0.0/12 and a /48 of 2001:db8::/32 (documentation), and two documentation /24s as global pools. A /16 each
 * for up to 16 metros, smaller beyond; nothing routable.
 */
export function defaultPools(metroCodes: readonly string[]): { type: PoolType; metro?: string; network: string }[] {
  const bits = (least: number) => Math.max(least, Math.ceil(Math.log2(Math.max(metroCodes.length, 1))));
  const share = (first: bigint, prefix: number, i: number) => `${formatAddress(4, first + BigInt(i) * blockSize(4, prefix))}/${prefix}`;
  const publicPrefix = 11 + bits(5);
  const privatePrefix = 12 + bits(4);
  return [
    ...metroCodes.flatMap((metro, i) => [
      { type: 'public_ipv4' as const, metro, network: share((100n << 24n) | (96n << 16n), publicPrefix, i) },
      { type: 'private_ipv4' as const, metro, network: share((172n << 24n) | (16n << 16n), privatePrefix, i) },
      { type: 'public_ipv6' as const, metro, network: `2001:db8:${(i + 1).toString(16)}::/48` },
    ]),
    { type: 'global_ipv4', network: '198.51.100.0/24' },
    { type: 'global_ipv4', network: '203.0.113.0/24' },
  ];
}
