/** metal_spot_market_request: an existing spot market request by id, with its devices. */
import type { SpotMarketRequest } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import { METAL_SPOT_MARKET_REQUEST_DATA_SOURCE, type MetalSpotMarketRequestDataSourceModel } from '../generated/models';
import { requestAttributes } from '../resources/spot-market-request';
import { isNotFound, pick, str } from '../resources/support';

export const spotMarketRequestDataSource = defineDataSource<ProviderClient, MetalSpotMarketRequestDataSourceModel>({
  typeName: 'metal_spot_market_request',
  async read(config, ctx) {
    const id = str(config.request_id)!;
    let request: SpotMarketRequest;
    try {
      request = await ctx.client.api.spotMarket.getRequest(id);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      ctx.diagnostics.error(
        'Spot market request not found',
        `No spot market request ${id} is visible to this API key; check the ID and the project.`,
        ['request_id'],
      );
      return;
    }
    const { facilities } = await ctx.client.catalog();
    const inMetro = facilities.filter((f) => f.metro.code === request.metro.code).map((f) => f.code);
    return pick({ ...requestAttributes(request), facilities: inMetro }, METAL_SPOT_MARKET_REQUEST_DATA_SOURCE.computed);
  },
});
