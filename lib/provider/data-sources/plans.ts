/** metal_plans: the plans on offer with specs in numbers (cores, GB, prices), narrowed by filter blocks and sorted. */
import type { Facility, Plan } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import { METAL_PLANS_DATA_SOURCE_PLANS, type MetalPlansDataSourceModel, type MetalPlansDataSourcePlansModel } from '../generated/models';
import { applyListQuery, queryId, validateListQuery } from './filters';
import { sizeInGigabytes } from '../../contract/catalog-rules';

/** Hours in Metal's billing month. */
const HOURS_PER_MONTH = 730;

const gigabytes = (size: string): number => sizeInGigabytes(size) ?? 0;
const round = (n: number) => Math.round(n * 100) / 100;

export function planItem(plan: Plan, facilities: Facility[]): MetalPlansDataSourcePlansModel {
  const metros = plan.available_in_metros.map((m) => m.code);
  const { specs } = plan;
  return {
    id: plan.id,
    slug: plan.slug,
    name: plan.name,
    description: plan.description,
    class: plan.class,
    line: plan.line,
    legacy: false,
    deployment_types: [...plan.deployment_types],
    available_in_metros: metros,
    available_in: facilities.filter((f) => metros.includes(f.metro.code)).map((f) => f.code),
    cpu_cores: specs.cpus.reduce((sum, cpu) => sum + cpu.count * cpu.cores, 0),
    memory_gb: gigabytes(specs.memory.total),
    drive_size_gb: round(specs.drives.reduce((sum, drive) => sum + drive.count * gigabytes(drive.size), 0)),
    drive_types: [...new Set(specs.drives.map((drive) => drive.type))],
    gpu_count: (specs.gpu ?? []).reduce((sum, gpu) => sum + gpu.count, 0),
    features: Object.entries(specs.features)
      .filter(([, on]) => on)
      .map(([name]) => name),
    pricing_hour: plan.pricing.hour,
    pricing_month: round(plan.pricing.hour * HOURS_PER_MONTH),
  };
}

export const plansDataSource = defineDataSource<ProviderClient, MetalPlansDataSourceModel>({
  typeName: 'metal_plans',
  validate: (config, ctx) => validateListQuery(config, METAL_PLANS_DATA_SOURCE_PLANS.attributes, ctx),
  async read(config, ctx) {
    const { plans, facilities } = await ctx.client.catalog();
    return {
      id: queryId(config),
      plans: applyListQuery(
        plans.map((plan) => planItem(plan, facilities)),
        config,
      ),
    };
  },
});
