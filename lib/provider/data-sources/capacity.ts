/** metal_capacity: free machines per metro and plan (level normal, limited or unavailable), optionally narrowed. */
import type { ProviderClient } from '../config';
import { defineDataSource, type Attr, type Diagnostics } from '../framework';
import type { MetalCapacityDataSourceModel, MetalMetroDataSourceCapacityModel } from '../generated/models';
import { num, str, strings } from '../resources/support';
import { queryId } from './filters';

export const capacityDataSource = defineDataSource<ProviderClient, MetalCapacityDataSourceModel>({
  typeName: 'metal_capacity',
  async read(config, ctx) {
    const metros = strings(config.metros);
    const plans = strings(config.plans);
    const { capacity } = await ctx.client.api.capacity.metros();
    const rows = Object.entries(capacity).flatMap(([metro, byPlan]) =>
      Object.entries(byPlan).map(([plan, entry]) => ({ metro, plan, level: entry.level, available: entry.available_servers })),
    );
    return {
      id: queryId({ filter: metros ?? null, sort: plans ?? null }),
      capacity: rows.filter((row) => (!metros || metros.includes(row.metro)) && (!plans || plans.includes(row.plan))),
    };
  },
});

/** The capacity blocks of metal_metro / metal_facility (the same block type): an error for each plan with fewer free machines than asked. */
export async function requireCapacity(
  client: ProviderClient,
  metro: string,
  blocks: Attr<MetalMetroDataSourceCapacityModel[]>,
  diagnostics: Diagnostics,
): Promise<void> {
  const wanted = Array.isArray(blocks) ? blocks : [];
  if (wanted.length === 0) return;
  const { capacity } = await client.api.capacity.metros();
  wanted.forEach((block, i) => {
    const plan = str(block.plan) ?? '';
    const quantity = num(block.quantity) ?? 1;
    const free = capacity[metro]?.[plan]?.available_servers ?? 0;
    if (free < quantity) {
      const elsewhere = Object.entries(capacity)
        .filter(([, plans]) => (plans[plan]?.available_servers ?? 0) >= quantity)
        .map(([code]) => code);
      diagnostics.error(
        'Not enough capacity',
        `${metro} has ${free} free ${plan} machine(s), fewer than ${quantity}. Metros with enough now: ${elsewhere.join(', ') || 'none'}.`,
        ['capacity', i],
      );
    }
  });
}
