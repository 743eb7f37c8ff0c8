/**
 * Virtual networks (VLANs): POST/GET /projects/{id}/virtual-networks, GET/DELETE /virtual-networks/{id}; and Metal
 * gateways: POST/GET /projects/{id}/metal-gateways, GET/DELETE /metal-gateways/{id}.
 */
import type { MetalGateway, MetalGatewayCreateInput, VirtualNetwork, VirtualNetworkCreateInput } from '../contract/schemas-layer2';
import type { ReadOptions } from './pagination';
import { path, type Transport, type WriteOptions } from './transport';

export type VirtualNetworkListQuery = ReadOptions & {
  /** Only the VLANs of this metro (code or id). */
  metro?: string;
  /** Deprecated: only the VLANs of this facility's metro. */
  facility?: string;
};

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
