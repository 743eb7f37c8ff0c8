/** metal_spot_market_price: the current spot price of a plan in a metro (or, the old way, a facility). */
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import type { MetalSpotMarketPriceDataSourceModel } from '../generated/models';
import { str } from '../resources/support';

export const spotMarketPriceDataSource = defineDataSource<ProviderClient, MetalSpotMarketPriceDataSourceModel>({
  typeName: 'metal_spot_market_price',
  validate(config, ctx) {
    if (config.metro === null && config.facility === null)
      ctx.diagnostics.error('Missing location', 'Set metro to a metro code such as "ny".', ['metro']);
    if (config.metro !== null && config.facility !== null)
      ctx.diagnostics.error('Conflicting location', 'Set metro or facility, not both; facility is deprecated, keep metro.', ['facility']);
  },
  async read(config, ctx) {
    const { spotMarket } = ctx.client.api;
    const plan = str(config.plan)!;
    const metro = str(config.metro)?.toLowerCase();
    const kind = metro !== undefined ? 'metro' : 'facility';
    const location = metro ?? str(config.facility)!;
    // The whole table (not narrowed to the plan), so a miss can say where the plan does have a price.
    const prices = metro !== undefined ? await spotMarket.pricesByMetro() : await spotMarket.pricesByFacility();
    const price = prices[location]?.[plan]?.price;
    if (price === undefined) {
      const elsewhere = Object.entries(prices)
        .filter(([, plans]) => plans[plan])
        .map(([code]) => code);
      const here = Object.keys(prices[location] ?? {});
      const detail = !prices[location]
        ? `There is no spot market in ${kind} "${location}". ${kind === 'metro' ? 'Metros' : 'Facilities'} with spot prices: ${Object.keys(prices).join(', ')}.`
        : `${plan} has no spot price in ${location}. Plans with spot prices there: ${here.join(', ') || 'none'}; ${kind === 'metro' ? 'metros' : 'facilities'} pricing ${plan}: ${elsewhere.join(', ') || 'none'}.`;
      ctx.diagnostics.error('No spot price', detail, [prices[location] ? 'plan' : kind]);
      return;
    }
    return { id: `${kind}-${location}-${plan}`, price };
  },
});
