/** metal_facility: one facility by code, optionally requiring features, a metro and free capacity. */
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import type { MetalFacilityDataSourceModel } from '../generated/models';
import { str, strings } from '../resources/support';
import { requireCapacity } from './capacity';

export const facilityDataSource = defineDataSource<ProviderClient, MetalFacilityDataSourceModel>({
  typeName: 'metal_facility',
  async read(config, ctx) {
    const code = str(config.code)!;
    const { facilities } = await ctx.client.catalog();
    const facility = facilities.find((f) => f.code === code);
    if (!facility) {
      ctx.diagnostics.error(
        'Facility not found',
        `No facility "${code}". Facilities: ${facilities.map((f) => f.code).join(', ')}. Prefer metros (metal_metro).`,
        ['code'],
      );
      return;
    }
    const metro = str(config.metro);
    if (metro !== undefined && metro !== facility.metro.code) {
      ctx.diagnostics.error('Facility in another metro', `${code} is in metro ${facility.metro.code}, not ${metro}.`, ['metro']);
    }
    const missing = (strings(config.features_required) ?? []).filter((feature) => !facility.features.includes(feature));
    if (missing.length > 0) {
      ctx.diagnostics.error(
        'Facility lacks features',
        `${code} does not offer ${missing.join(', ')}; it offers ${facility.features.join(', ')}.`,
        ['features_required'],
      );
    }
    await requireCapacity(ctx.client, facility.metro.code, config.capacity, ctx.diagnostics);
    return { id: facility.id, name: facility.name, features: [...facility.features], metro: facility.metro.code };
  },
});
