/** metal_gateway: one Metal gateway, by id. */
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import type { MetalGatewayDataSourceModel as Model } from '../generated/models';
import { gatewayAttributes } from '../resources/gateway';
import { isNotFound, str } from '../resources/support';

export const gatewayDataSource = defineDataSource<ProviderClient, Model>({
  typeName: 'metal_gateway',
  async read(config, ctx) {
    const id = str(config.gateway_id)!;
    try {
      return { ...gatewayAttributes(await ctx.client.api.metalGateways.get(id)), gateway_id: id };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      ctx.diagnostics.error('Gateway not found', `No gateway ${id} is visible to this API key.`, ['gateway_id']);
    }
  },
});
