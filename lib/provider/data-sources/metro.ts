/** metal_metro: one metro by code or id, optionally requiring free capacity for plans. */
import type { Metro } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import type { MetalMetroDataSourceModel } from '../generated/models';
import { str } from '../resources/support';
import { requireCapacity } from './capacity';

export const metroDataSource = defineDataSource<ProviderClient, MetalMetroDataSourceModel>({
  typeName: 'metal_metro',
  validate(config, ctx) {
    if (config.code === null && config.id === null) ctx.diagnostics.error('Missing metro', 'Set code (e.g. "ny") or id.', ['code']);
  },
  async read(config, ctx) {
    const code = str(config.code)?.toLowerCase();
    const id = str(config.id);
    const { metros } = await ctx.client.catalog();
    const metro: Metro | undefined = metros.find((m) => (code === undefined || m.code === code) && (id === undefined || m.id === id));
    if (!metro) {
      ctx.diagnostics.error(
        'Metro not found',
        `No metro matches${code ? ` code "${code}"` : ''}${id ? ` id ${id}` : ''}. Metros: ${metros.map((m) => m.code).join(', ')}.`,
        [code !== undefined ? 'code' : 'id'],
      );
      return;
    }
    await requireCapacity(ctx.client, metro.code, config.capacity, ctx.diagnostics);
    return {
      id: metro.id,
      code: str(config.code) ?? metro.code,
      name: metro.name,
      country: metro.country,
      kind: metro.kind,
      latitude: metro.latitude,
      longitude: metro.longitude,
    };
  },
});
