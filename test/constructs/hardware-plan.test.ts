import './setup-cdktf';
import { Testing } from 'cdktf';
import { DataMetalPlans } from '../../lib/gen/providers/metal/data-metal-plans';
import { HardwarePlan, Metro } from '../../lib/constructs';
import { expectProblems, resolved, stackWithProject, synthObject } from './helpers';

describe('HardwarePlan', () => {
  test('turns requirements into metal_plans filters sorted by price, with a postcondition', () => {
    const { stack } = stackWithProject();
    const plan = new HardwarePlan(stack, 'gpu', {
      gpu: true,
      minCores: 16,
      maxCores: 64,
      minMemoryGb: 128,
      driveType: 'NVME',
      minDriveSizeGb: 1000,
      features: ['raid', 'uefi'],
      maxHourlyPrice: 6,
      availableInMetro: Metro.of('da'),
      deploymentType: 'on_demand',
    });
    const synth = Testing.synth(stack);
    expect(synth).toHaveDataSourceWithProperties(DataMetalPlans, {
      sort: [{ attribute: 'pricing_hour', direction: 'asc' }],
    });
    const data = Object.values(synthObject(stack).data.metal_plans)[0];
    expect(data.filter).toEqual([
      { attribute: 'cpu_cores', match_by: 'at_least', values: ['16'] },
      { attribute: 'cpu_cores', match_by: 'at_most', values: ['64'] },
      { attribute: 'memory_gb', match_by: 'at_least', values: ['128'] },
      { attribute: 'drive_types', values: ['NVME'] },
      { attribute: 'drive_size_gb', match_by: 'at_least', values: ['1000'] },
      { attribute: 'gpu_count', match_by: 'at_least', values: ['1'] },
      { attribute: 'features', values: ['raid', 'uefi'], all: true },
      { attribute: 'pricing_hour', match_by: 'at_most', values: ['6'] },
      { attribute: 'available_in_metros', values: ['da'] },
      { attribute: 'deployment_types', values: ['on_demand'] },
    ]);
    expect(JSON.stringify(data.lifecycle)).toContain('length(self.plans) > 0');
    expect(JSON.stringify(data.lifecycle)).toContain('gpu=true');
    expect(synth).toMatchSnapshot();
    expect(resolved(stack, plan.slug)).toMatch(/^\$\{data\.metal_plans\.gpu_plans_\w+\.plans\[0\]\.slug\}$/);
    expect(plan.availableInMetro).toBe('da');
  });

  test('gpu: false asks for plans without GPUs', () => {
    const { stack } = stackWithProject();
    new HardwarePlan(stack, 'cpu', { gpu: false });
    const data = Object.values(synthObject(stack).data.metal_plans)[0];
    expect(data.filter).toEqual([{ attribute: 'gpu_count', match_by: 'at_most', values: ['0'] }]);
  });

  test.each([
    [{ gpu: true }, ['g2.large.x86']],
    [
      { minCores: 16, driveType: 'NVME' as const, availableInMetro: 'ny' },
      ['s3.xlarge.x86', 'm3.large.x86', 'n3.xlarge.x86', 'g2.large.x86'],
    ],
    [{ maxHourlyPrice: 1, availableInMetro: 'at' }, ['t3.small.x86', 'c3.small.x86']],
    [{ minMemoryGb: 1024 }, []],
  ])('previews the catalog plans for %j, cheapest first', (props, slugs) => {
    const { stack } = stackWithProject();
    expect(new HardwarePlan(stack, 'p', props).matchingCatalogPlans().map((p) => p.slug)).toEqual(slugs);
  });

  test('warns when no catalog plan meets the requirements, since the server may know more plans', () => {
    const { stack } = stackWithProject();
    const warnings = (plan: HardwarePlan) => plan.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data);
    expect(warnings(new HardwarePlan(stack, 'huge', { minMemoryGb: 1024 }))).toEqual([
      'no plan of the catalog meets minMemoryGb=1024; the lookup fails at deploy time unless the server offers such a plan',
    ]);
    expect(warnings(new HardwarePlan(stack, 'fine', { minMemoryGb: 512 }))).toEqual([]);
  });

  test('fromSlug names a plan without a lookup', () => {
    expect(HardwarePlan.fromSlug('c3.small.x86', 'ny')).toEqual({ slug: 'c3.small.x86', availableInMetro: 'ny' });
  });

  test('contradictory and invalid requirements fail at synth time, all at once', () => {
    const { stack } = stackWithProject();
    const error = expectProblems(
      () =>
        new HardwarePlan(stack, 'bad', {
          minCores: 32,
          maxCores: 8,
          minMemoryGb: 512,
          maxMemoryGb: 256,
          minDriveSizeGb: -5,
          maxHourlyPrice: 0,
          driveType: 'nvme' as never,
          features: ['rad' as never],
          gpu: true,
          availableInMetro: 'at',
        }),
      [
        'minCores 32 is greater than maxCores 8; no plan can satisfy both — lower minCores or raise maxCores',
        'minMemoryGb 512 is greater than maxMemoryGb 256',
        'minDriveSizeGb is -5; it must be a number of 0 or more',
        'maxHourlyPrice is 0; it must be a number greater than 0',
        'driveType "nvme" is not a drive type; did you mean "NVME"?',
        'feature "rad" is not a plan feature; did you mean "raid"?',
        'gpu is true but availableInMetro "at" is an edge metro, and edge metros have no GPU plans; choose a core metro with GPUs (ny, da, sv, am)',
      ],
    );
    expect(error.message).toMatch(/^HardwarePlan test\/bad: 7 problems:/);
  });

  test('an unknown metro is an error with suggestions', () => {
    const { stack } = stackWithProject();
    expectProblems(
      () => new HardwarePlan(stack, 'p', { availableInMetro: 'ams' }),
      ['availableInMetro: unknown metro "ams"; did you mean "am"?'],
    );
  });
});
