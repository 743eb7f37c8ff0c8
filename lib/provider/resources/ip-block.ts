/**
 * What metal_reserved_ip_block and the IP block data sources share: a block's attributes as the API describes it,
 * and finding a project's blocks.
 */
import type { IpReservation } from '../../contract/schemas';
import { blockSize, type Family } from '../../core/ip';
import type { ProviderClient } from '../config';
import type { MetalReservedIpBlockDataSourceModel } from '../generated/models';
import type { Attr } from '../framework';
import { hrefId, str } from './support';

/** The attributes every IP block model has (the resource's and the data sources'). */
export type IpBlockAttributes = Pick<
  MetalReservedIpBlockDataSourceModel,
  | 'id'
  | 'address'
  | 'address_family'
  | 'cidr'
  | 'cidr_notation'
  | 'gateway'
  | 'netmask'
  | 'network'
  | 'public'
  | 'global'
  | 'manageable'
  | 'management'
  | 'type'
  | 'quantity'
>;

export const cidrNotation = (block: Pick<IpReservation, 'network' | 'cidr'>): string => `${block.network}/${block.cidr}`;

export function ipBlockAttributes(block: IpReservation): IpBlockAttributes {
  return {
    id: block.id,
    address: block.address,
    address_family: block.address_family,
    cidr: block.cidr,
    cidr_notation: cidrNotation(block),
    gateway: block.gateway,
    netmask: block.netmask,
    network: block.network,
    public: block.public,
    global: block.global_ip,
    manageable: block.manageable,
    management: block.management,
    type: block.type,
    // A power of two, exact as a double even for an IPv6 /56.
    quantity: Number(blockSize(block.address_family as Family, block.cidr)),
  };
}

/** The project the block belongs to and its metro code (null for a global block). */
export const ipBlockOwner = (block: IpReservation) => ({ project_id: hrefId(block.project), metro: block.metro?.code ?? null });

/** Every block of a project: those it reserved and its devices' management blocks. */
export async function projectIpBlocks(client: ProviderClient, projectId: string): Promise<IpReservation[]> {
  const { api } = client;
  return api.listAll((page) => api.ips.listForProject(projectId, { page, per_page: 100 }));
}

/** The metro code a facility code belongs to (for the deprecated `facility` arguments). */
export async function metroOfFacility(client: ProviderClient, facility: string): Promise<string | undefined> {
  const { api } = client;
  const facilities = await api.listAll((page) => api.facilities.list({ page, per_page: 100 }));
  return facilities.find((f) => f.code === facility.toLowerCase())?.metro.code;
}

/** The metro a data source's `metro` or deprecated `facility` names, lowercased; undefined when neither is set. */
export async function requestedMetro(
  client: ProviderClient,
  config: { metro: Attr<string>; facility: Attr<string> },
): Promise<string | undefined> {
  const metro = str(config.metro);
  if (metro !== undefined) return metro.toLowerCase();
  const facility = str(config.facility);
  return facility === undefined ? undefined : ((await metroOfFacility(client, facility)) ?? facility.toLowerCase());
}
