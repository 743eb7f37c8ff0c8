/** metal_gateway: the router of a VLAN (a Metal gateway); as in the old provider, any change replaces it. */
import { GATEWAY_SUBNET_SIZES, type MetalGateway, type MetalGatewayCreateInput } from '../../contract/schemas-layer2';
import type { ProviderClient } from '../config';
import { defineResource, requiresReplace, useStateForUnknown } from '../framework';
import { METAL_GATEWAY_RESOURCE, type MetalGatewayResourceModel as Model } from '../generated/models';
import { deleteUnlessGone, hrefId, num, readUnlessGone, reportApiError, str } from './support';

const FIELDS = { virtual_network_id: 'vlan_id' };
const report = { fields: FIELDS, attributes: METAL_GATEWAY_RESOURCE.arguments };

/** What the resource and the data source read from a gateway. */
export function gatewayAttributes(gateway: MetalGateway) {
  const block = gateway.ip_reservation;
  return {
    id: gateway.id,
    project_id: hrefId(gateway.project),
    vlan_id: gateway.virtual_network.id,
    ip_reservation_id: block.id,
    private_ipv4_subnet_size: block.type === 'private_ipv4' ? 2 ** (32 - block.cidr) : null,
    state: gateway.state,
    // metalforge has no VRFs.
    vrf_id: null,
  };
}

const fixed = [useStateForUnknown, requiresReplace];

export const gatewayResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_gateway',
  planModifiers: {
    id: [useStateForUnknown],
    project_id: [requiresReplace],
    vlan_id: [requiresReplace],
    ip_reservation_id: fixed,
    private_ipv4_subnet_size: fixed,
    vrf_id: [useStateForUnknown],
  },
  validate(config, ctx) {
    const size = num(config.private_ipv4_subnet_size);
    if (config.ip_reservation_id !== null && config.private_ipv4_subnet_size !== null)
      ctx.diagnostics.error('Conflicting address source', 'Set ip_reservation_id or private_ipv4_subnet_size, not both.', [
        'private_ipv4_subnet_size',
      ]);
    else if (config.ip_reservation_id === null && config.private_ipv4_subnet_size === null)
      ctx.diagnostics.error(
        'Missing address source',
        'Set ip_reservation_id (a block reserved in the project) or private_ipv4_subnet_size (8, 16, 32, 64 or 128).',
        ['private_ipv4_subnet_size'],
      );
    if (size !== undefined && !GATEWAY_SUBNET_SIZES.includes(size))
      ctx.diagnostics.error(
        'Invalid private_ipv4_subnet_size',
        `private_ipv4_subnet_size must be one of ${GATEWAY_SUBNET_SIZES.join(', ')}, not ${size}.`,
        ['private_ipv4_subnet_size'],
      );
  },
  async create({ planned }, ctx) {
    const input: MetalGatewayCreateInput = { virtual_network_id: str(planned.vlan_id)! };
    const reservation = str(planned.ip_reservation_id);
    if (reservation !== undefined) input.ip_reservation_id = reservation;
    const size = num(planned.private_ipv4_subnet_size);
    if (size !== undefined) input.private_ipv4_subnet_size = size;
    try {
      return gatewayAttributes(await ctx.client.api.metalGateways.create(str(planned.project_id)!, input));
    } catch (error) {
      reportApiError(ctx.diagnostics, error, 'Cannot create the gateway', report);
    }
  },
  async read({ state }, ctx) {
    const gateway = await readUnlessGone(() => ctx.client.api.metalGateways.get(str(state.id)!));
    return gateway && gatewayAttributes(gateway);
  },
  async delete({ state }, ctx) {
    await deleteUnlessGone(ctx, `gateway ${String(state.id)}`, () => ctx.client.api.metalGateways.delete(str(state.id)!));
  },
});
