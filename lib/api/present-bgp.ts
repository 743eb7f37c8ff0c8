/** BGP rows and plain data as the Metal API shows them (BgpConfig, BgpSession, BgpNeighborData, GlobalBgpRange). */
import { METAL_API_BASE, href } from '../contract/hrefs';
import type { BgpConfig, BgpNeighborData, BgpSession, GlobalBgpRange } from '../contract/schemas-bgp';
import type { BgpConfigView, BgpNeighbor, BgpSessionRow } from '../engine/network/bgp';
import type { ReservationRow } from '../engine/network/ipam';

const iso = (at: Date | string) => new Date(at).toISOString();

export function presentBgpSession(row: BgpSessionRow): BgpSession {
  return {
    id: row.id,
    address_family: row.address_family,
    default_route: row.default_route,
    device: href(`/devices/${row.device_id}`),
    href: `${METAL_API_BASE}/bgp/sessions/${row.id}`,
    learned_routes: row.learned_routes,
    status: row.status,
    reason: row.reason,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** The configuration with its sessions; `{}` when the project has none (as Metal answered). */
export function presentBgpConfig(config: BgpConfigView | undefined, sessions: BgpSessionRow[]): BgpConfig {
  if (!config) return {};
  return {
    id: config.id,
    asn: config.asn,
    deployment_type: config.deployment_type,
    md5: config.md5,
    max_prefix: config.max_prefix,
    status: config.status,
    project: href(`/projects/${config.project_id}`),
    ranges: [],
    sessions: sessions.map(presentBgpSession),
    href: `${METAL_API_BASE}/projects/${config.project_id}/bgp-config`,
    created_at: iso(config.created_at),
    requested_at: iso(config.created_at),
  };
}

export function presentBgpNeighbor(n: BgpNeighbor): BgpNeighborData {
  return {
    address_family: n.family,
    customer_as: n.customerAsn,
    customer_ip: n.customerIp,
    md5_enabled: n.md5 !== null,
    md5_password: n.md5,
    multihop: n.multihop,
    peer_as: n.peerAsn,
    peer_ips: n.peerIps,
    routes_in: n.routesIn,
    routes_out: n.routesOut,
  };
}

/** A global IPv4 reservation as the range a global BGP deployment announces (Metal's GlobalBgpRange). */
export function presentGlobalBgpRange(row: ReservationRow): GlobalBgpRange {
  return {
    id: row.id,
    address_family: row.address_family,
    range: `${row.network}/${row.cidr}`,
    project: href(`/projects/${row.project_id}`),
    href: `${METAL_API_BASE}/ips/${row.id}`,
  };
}
