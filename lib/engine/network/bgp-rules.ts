/**
 * BGP as pure rules over plain data: what a project's BGP configuration may be, whether a device may open a session,
 * what a session's neighbor data says (Metal's BgpNeighborData), the session the metro router is given, and what a
 * session's status reads as. No I/O here; lib/engine/network/bgp.ts loads, asks these rules, and writes.
 */
import { MAX_ASN, MD5_PATTERN, MD5_RULE } from '../../contract/schemas-bgp';
import type { AllowedPrefix, BgpSession, SessionState } from '../../drivers/router';

/** The metro routers' ASN, as on Metal. */
export const ROUTER_ASN = 65530;
/** Routes a server may announce per session before the router drops it (BgpConfig.max_prefix). */
export const DEFAULT_MAX_PREFIX = 10;

export type Family = 'ipv4' | 'ipv6';
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];
export const familyNumber = (family: Family): 4 | 6 => (family === 'ipv4' ? 4 : 6);

/**
 * Where a customer server finds its metro router: Metal's routers answered multihop at 169.254.255.1 and .2 for
 * IPv4 and at fc00::e and fc00::f for IPv6. An operator with real routers gives their addresses.
 */
export const DEFAULT_PEER_IPS: Readonly<Record<Family, readonly string[]>> = {
  ipv4: ['169.254.255.1', '169.254.255.2'],
  ipv6: ['fc00::e', 'fc00::f'],
};

const MD5 = new RegExp(MD5_PATTERN);

export interface ConfigRequest {
  deployment_type: string;
  asn: number;
  md5?: string;
}

/** The problems with a BGP configuration request, each naming its field and the fix; the password is never quoted. */
export function configProblems(input: ConfigRequest): string[] {
  const problems: string[] = [];
  if (input.deployment_type !== 'local' && input.deployment_type !== 'global') {
    problems.push(`deployment_type: must be local or global, not ${JSON.stringify(input.deployment_type)}`);
  }
  if (!Number.isInteger(input.asn) || input.asn < 1 || input.asn > MAX_ASN) {
    problems.push(`asn: ${input.asn} is not an ASN; give 1 to ${MAX_ASN} (a private ASN such as 65000 for local BGP)`);
  } else if (input.asn === ROUTER_ASN) {
    problems.push(`asn: ${ROUTER_ASN} is the metro routers' own ASN; give another (65000 is the usual private ASN for local BGP)`);
  }
  if (input.md5 !== undefined && input.md5 !== '' && !MD5.test(input.md5)) {
    problems.push(`md5: must be ${MD5_RULE} (it is ${input.md5.length} characters long)`);
  }
  return problems;
}

/** Whether a second request asks for exactly the configuration the project has (then it is answered as done). */
export const sameConfig = (existing: { deployment_type: string; asn: number; md5: string | null }, input: ConfigRequest): boolean =>
  existing.deployment_type === input.deployment_type && existing.asn === input.asn && existing.md5 === (input.md5 || null);

export interface DeviceAddress {
  address: string;
  address_family: number;
  public: boolean;
}

/**
 * The device's own end of a session: its private IPv4 address for IPv4 (bond0's private address, as Metal's neighbor
 * data gave it for local and global BGP alike), its public IPv6 address for IPv6.
 */
export function customerIp(addresses: readonly DeviceAddress[], family: Family): string | undefined {
  const wanted = family === 'ipv4' ? { address_family: 4, public: false } : { address_family: 6, public: true };
  return addresses.find((a) => a.address_family === wanted.address_family && a.public === wanted.public)?.address;
}

export interface SessionRequestFacts {
  family: Family;
  /** The device's project has a BGP configuration, and its status. */
  config?: { status: string };
  /** The families the device already has sessions for. */
  existing: readonly Family[];
  addresses: readonly DeviceAddress[];
  deviceId: string;
}

/** Why a device may not open this session (field-named, with the fix), or nothing. */
export function sessionProblems(f: SessionRequestFacts): string[] {
  if (!FAMILIES.includes(f.family)) return [`address_family: must be ipv4 or ipv6, not ${JSON.stringify(f.family)}`];
  if (!f.config) {
    return ["device: the device's project has no BGP configuration; enable BGP first (POST /projects/{id}/bgp-configs)"];
  }
  if (f.config.status !== 'enabled') return [`device: the project's BGP configuration is ${f.config.status}, not enabled`];
  if (f.existing.includes(f.family)) {
    return [`address_family: device ${f.deviceId} already has an ${f.family} BGP session; delete it first or use the other family`];
  }
  if (!customerIp(f.addresses, f.family)) {
    const what = f.family === 'ipv4' ? 'private IPv4' : 'public IPv6';
    return [
      `address_family: device ${f.deviceId} has no ${what} address to peer from yet; wait until it is active, or give the other family`,
    ];
  }
  return [];
}

export interface Block {
  network: string;
  cidr: number;
  address_family: number;
}

export interface BgpRoute {
  route: string;
  exact: boolean;
}

/**
 * The routes a session may announce (Metal's routes_in): the project's blocks of the session's family that serve the
 * device's metro (the metro's reservations and the global ones). A single address is `exact`; a larger block may also
 * be announced in parts, down to single addresses.
 */
export function routesIn(blocks: readonly Block[], family: Family): BgpRoute[] {
  const bits = family === 'ipv4' ? 32 : 128;
  const seen = new Set<string>();
  return blocks
    .filter((b) => b.address_family === familyNumber(family))
    .map((b) => ({ route: `${b.network}/${b.cidr}`, exact: b.cidr === bits }))
    .filter((r) => !seen.has(r.route) && seen.add(r.route));
}

/** What the router sends the server (Metal's routes_out): the default route, only when the session asked for it. */
export const routesOut = (defaultRoute: boolean, family: Family): BgpRoute[] =>
  defaultRoute ? [{ route: family === 'ipv4' ? '0.0.0.0/0' : '::/0', exact: true }] : [];

/** A session's name on the router: its id, with underscores (routers take letters, digits and underscores). */
export const routerSessionId = (id: string) => id.replace(/-/g, '_');

export interface RoutedSessionFacts {
  id: string;
  family: Family;
  defaultRoute: boolean;
  addresses: readonly DeviceAddress[];
  asn: number;
  md5: string | undefined;
  maxPrefix: number;
  blocks: readonly Block[];
}

/** The session the metro router is given, or undefined when the device has no address of the family to peer from. */
export function routerSession(f: RoutedSessionFacts): BgpSession | undefined {
  const neighborIp = customerIp(f.addresses, f.family);
  if (!neighborIp) return undefined;
  const allowedPrefixes: AllowedPrefix[] = routesIn(f.blocks, f.family).map((r) => ({ prefix: r.route }));
  return {
    id: routerSessionId(f.id),
    neighborIp,
    neighborAsn: f.asn,
    localAsn: ROUTER_ASN,
    ...(f.md5 ? { md5Password: f.md5 } : {}),
    maxPrefixes: f.maxPrefix,
    allowedPrefixes,
    defaultRoute: f.defaultRoute,
  };
}

export interface ObservedStatus {
  status: 'unknown' | 'up' | 'down';
  reason: string | null;
}

/**
 * A session's status as Metal showed it: `up`, or `down` (configured and waiting for the server, or dropped), or
 * `unknown` (the router did not say). A change the router did not take shows `down` with the reason.
 */
export function observedStatus(state: SessionState | undefined, routerError: string | null): ObservedStatus {
  if (routerError) return { status: 'down', reason: routerError };
  if (!state) return { status: 'unknown', reason: 'the metro router does not hold this session yet' };
  if (state.status === 'up') return { status: 'up', reason: null };
  if (state.status === 'unknown') return { status: 'unknown', reason: state.reason ?? null };
  return { status: 'down', reason: state.reason ?? null };
}

/**
 * What a tenant is told when the metro router did not take a change: the kind of failure, never the router's paths or
 * messages (those go to the operator's log).
 */
export function routerFailureReason(kind: string | undefined): string {
  if (kind === 'protocol') return 'the metro router refused the configuration of this session; the operator has been told';
  return 'the metro router did not answer; the change is applied again when the session is next read';
}
