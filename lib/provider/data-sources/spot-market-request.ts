/** metal_spot_market_request: an existing spot market request by id, with its devices. */
import type { SpotMarketRequest } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import { requestAttributes } from '../resources/spot-market-request';
import { isNotFound, str } from '../resources/support';

const ATTRIBUTES = ['device_ids', 'devices', 'devices_min', 'devices_max', 'max_bid_price', 'metro', 'project_id', 'plan', 'end_at', 'kind', 'state', 'price', 'filled_total'];

export const spotMarketRequestDataSource = defineDataSource<ProviderClient>({
  typeName: 'metal_spot_market_request',
  async read(config, ctx) {
    const id = str(config.request_id)!;
    let request: SpotMarketRequest;
    try {
      request = await ctx.client.api.spotMarket.getRequest(id);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      ctx.diagnostics.error('Spot market request not found', `No spot market request ${id} is visible to this API key; check the ID and the project.`, ['request_id']);
      return;
    }
    const attributes = requestAttributes(request);
    const { facilities } = await ctx.client.catalog();
    return {
      ...Object.fromEntries(ATTRIBUTES.map((name) => [name, attributes[name]])),
      id: request.id,
      facilities: facilities.filter((f) => f.metro.code === request.metro.code).map((f) => f.code),
    };
  },
});
