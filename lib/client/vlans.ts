/**
 * Virtual networks (VLANs): POST/GET /projects/{id}/virtual-networks, GET/DELETE /virtual-networks/{id}; and Metal
 * gateways: POST/GET /projects/{id}/metal-gateways, GET/DELETE /metal-gateways/{id}.
 */
import type { Href, IpReservation } from '../contract/schemas';
import type { ReadOptions } from './pagination';
import { path, type Transport, type WriteOptions } from './transport';

/** Metal's VirtualNetwork, as far as the client reads it. */
export interface VirtualNetwork {
  id: string;
  description: string | null;
  /** The VLAN id on the wire (Metal calls it vxlan): 2 to 3999, unique in a project's metro. */
  vxlan: number;
  metro_code: string;
  metro?: { id?: string; code?: string; href?: string } | null;
  facility?: Href | null;
  assigned_to: Href;
  /** The devices with a port on this VLAN (hrefs unless included). */
  instances: Href[];
  metal_gateways?: Href[];
  tags?: string[];
  href: string;
  created_at?: string;
}

export interface VirtualNetworkCreateInput {
  metro?: string;
  /** Deprecated by Metal; metro is the place of a VLAN. */
  facility?: string;
  /** Omitted: the next free id from 1000 to 1999. */
  vxlan?: number;
  description?: string;
  tags?: string[];
}

export type VirtualNetworkListQuery = ReadOptions & { metro?: string; facility?: string };

/** Metal's MetalGateway: the VLAN's router, holding the first usable address of its IP reservation. */
export interface MetalGateway {
  id: string;
  state: 'ready' | 'active' | 'deleting';
  project: Href;
  virtual_network: Href & { id?: string };
  ip_reservation: (Partial<IpReservation> & Href) | null;
  /** metalforge reads it as Metal did for a VRF reservation; null for a public or private block. */
  vrf?: Href | null;
  href: string;
  created_at?: string;
  updated_at?: string;
}

/** Either ip_reservation_id or private_ipv4_subnet_size (8, 16, 32, 64 or 128 addresses). */
export interface MetalGatewayCreateInput {
  virtual_network_id: string;
  ip_reservation_id?: string;
  private_ipv4_subnet_size?: number;
}

export function vlansApi(t: Transport) {
  return {
    create: (projectId: string, input: VirtualNetworkCreateInput, options?: WriteOptions) =>
      t.post<VirtualNetwork>(path`/projects/${projectId}/virtual-networks`, input, options),
    /** Every VLAN of the project (Metal does not page this list), optionally of one metro. */
    list: async (projectId: string, query?: VirtualNetworkListQuery) =>
      (await t.get<{ virtual_networks: VirtualNetwork[] }>(path`/projects/${projectId}/virtual-networks`, query)).virtual_networks,
    get: (id: string, options?: ReadOptions) => t.get<VirtualNetwork>(path`/virtual-networks/${id}`, options),
    /** Refused while a port or a gateway still uses the VLAN. */
    delete: (id: string) => t.delete(path`/virtual-networks/${id}`),
  };
}
export type VlansApi = ReturnType<typeof vlansApi>;

export function metalGatewaysApi(t: Transport) {
  return {
    create: (projectId: string, input: MetalGatewayCreateInput, options?: WriteOptions) =>
      t.post<MetalGateway>(path`/projects/${projectId}/metal-gateways`, input, options),
    list: async (projectId: string, options?: ReadOptions) =>
      (await t.get<{ metal_gateways: MetalGateway[] }>(path`/projects/${projectId}/metal-gateways`, options)).metal_gateways,
    get: (id: string, options?: ReadOptions) => t.get<MetalGateway>(path`/metal-gateways/${id}`, options),
    delete: (id: string) => t.delete(path`/metal-gateways/${id}`),
  };
}
export type MetalGatewaysApi = ReturnType<typeof metalGatewaysApi>;
