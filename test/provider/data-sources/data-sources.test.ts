/** The provider's data sources through the provider runtime against a real metalforge cloud (default catalogue). */
import type { Value, ValueObject } from '../../../lib/provider/framework/values';
import { startRuntimeWorld, type RuntimeWorld } from '../resources/runtime-harness';

jest.setTimeout(60_000);

describe('data sources', () => {
  let world: RuntimeWorld;
  let projectId: string;
  const read = async (typeName: string, values: ValueObject) => {
    const result = await world.read(typeName, values);
    if (result.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(result.diagnostics));
    return result.state!;
  };
  const slugs = (state: ValueObject, key = 'plans', field = 'slug') => (state[key] as ValueObject[]).map((item) => item[field]);

  beforeAll(async () => {
    world = await startRuntimeWorld();
    projectId = (await world.client.projects.create({ name: 'data' })).id;
  });
  afterAll(async () => {
    await world?.close();
  });

  it('metal_plans: filters by metro, by numbers and with all = true, sorted, with specs in numbers', async () => {
    const inAt = await read('metal_plans', { filter: [{ attribute: 'available_in_metros', values: ['at'] }] });
    const offered = (await world.client.plans.list({ metro: 'at' })).items.map((p) => p.slug);
    expect([...slugs(inAt)].sort()).toEqual([...offered].sort());

    const all = await read('metal_plans', { sort: [{ attribute: 'pricing_hour', direction: 'desc' }] });
    const prices = (all.plans as ValueObject[]).map((p) => p.pricing_hour as number);
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    const small = (all.plans as ValueObject[]).find((p) => p.slug === 'c3.small.x86')!;
    expect(small).toMatchObject({
      cpu_cores: 8,
      memory_gb: 32,
      drive_size_gb: 960,
      drive_types: ['SSD'],
      features: ['raid', 'txt', 'uefi'],
      pricing_hour: 0.5,
      pricing_month: 365,
      legacy: false,
    });
    expect(small.available_in as Value[]).toEqual(expect.arrayContaining(['ny5', 'ny7', 'at4']));

    const cheapBig = await read('metal_plans', {
      filter: [
        { attribute: 'memory_gb', values: ['64'], match_by: 'greater_than_or_equal' },
        { attribute: 'available_in_metros', values: ['ny', 'da'], all: true },
      ],
      sort: [{ attribute: 'pricing_hour' }],
    });
    expect((cheapBig.plans as ValueObject[]).length).toBeGreaterThan(0);
    for (const plan of cheapBig.plans as ValueObject[]) {
      expect(plan.memory_gb as number).toBeGreaterThanOrEqual(64);
      expect(plan.available_in_metros).toEqual(expect.arrayContaining(['ny', 'da']));
    }

    const invalid = await world.runtime.validateDataSourceConfig(
      'metal_plans',
      world.config('metal_plans', { filter: [{ attribute: 'ram', values: ['1'], match_by: 'roughly' }] }, 'data'),
    );
    expect(invalid.map((d) => d.path)).toEqual([
      ['filter', 0, 'attribute'],
      ['filter', 0, 'match_by'],
    ]);
  });

  it('metal_metro and metal_facility: look up, and refuse when capacity or features are missing', async () => {
    expect(await read('metal_metro', { code: 'ny' })).toMatchObject({ code: 'ny', name: 'New York', country: 'US', kind: 'core' });
    const at = await read('metal_metro', { code: 'at' });
    expect(await read('metal_metro', { id: at.id })).toMatchObject({ code: 'at', kind: 'edge' });
    const short = await world.read('metal_metro', { code: 'at', capacity: [{ plan: 't3.small.x86', quantity: 1000 }] });
    expect(short.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', summary: 'Not enough capacity', path: ['capacity', 0] }),
    ]);
    expect((await world.read('metal_metro', { code: 'at', capacity: [{ plan: 't3.small.x86', quantity: 2 }] })).diagnostics).toEqual([]);
    const missing = await world.read('metal_metro', { code: 'xx' });
    expect(missing.diagnostics).toEqual([
      expect.objectContaining({ summary: 'Metro not found', path: ['code'], detail: expect.stringContaining('ny') }),
    ]);

    expect(await read('metal_facility', { code: 'ny5' })).toMatchObject({
      metro: 'ny',
      name: 'New York NY5',
      features: expect.arrayContaining(['baremetal']),
    });
    const lacking = await world.read('metal_facility', { code: 'ny5', features_required: ['baremetal', 'warp_drive'] });
    expect(lacking.diagnostics).toEqual([
      expect.objectContaining({ path: ['features_required'], detail: expect.stringContaining('warp_drive') }),
    ]);
  });

  it('metal_operating_system: one match, or an error listing the candidates', async () => {
    expect(await read('metal_operating_system', { distro: 'ubuntu', version: '22.04' })).toMatchObject({ slug: 'ubuntu_22_04' });
    const several = await world.read('metal_operating_system', { distro: 'ubuntu' });
    expect(several.diagnostics).toEqual([
      expect.objectContaining({ summary: 'Several operating systems match', detail: expect.stringContaining('ubuntu_24_04') }),
    ]);
  });

  it('metal_device, metal_devices, metal_project and metal_capacity read what the API has', async () => {
    const a = await world.client.devices.create(projectId, {
      hostname: 'data-a',
      plan: 'c3.small.x86',
      metro: 'ny',
      operating_system: 'ubuntu_22_04',
      tags: ['db'],
    });
    const b = await world.client.devices.create(projectId, {
      hostname: 'data-b',
      plan: 'm3.small.x86',
      metro: 'da',
      operating_system: 'debian_12',
    });

    const byId = await read('metal_device', { device_id: a.id });
    expect(byId).toMatchObject({
      id: a.id,
      hostname: 'data-a',
      project_id: projectId,
      plan: 'c3.small.x86',
      metro: 'ny',
      operating_system: 'ubuntu_22_04',
      tags: ['db'],
      network_type: 'layer3',
    });
    expect(await read('metal_device', { hostname: 'data-b', project_id: projectId })).toMatchObject({
      id: b.id,
      metro: 'da',
      facility: expect.stringMatching(/^da/),
    });
    expect((await world.read('metal_device', { device_id: '00000000-0000-4000-8000-000000000000' })).diagnostics).toEqual([
      expect.objectContaining({ summary: 'Device not found', path: ['device_id'] }),
    ]);

    const listed = await read('metal_devices', { project_id: projectId, sort: [{ attribute: 'hostname', direction: 'desc' }] });
    expect(slugs(listed, 'devices', 'hostname')).toEqual(['data-b', 'data-a']);
    const filtered = await read('metal_devices', { project_id: projectId, filter: [{ attribute: 'plan', values: ['m3.small.x86'] }] });
    expect(slugs(filtered, 'devices', 'device_id')).toEqual([b.id]);
    expect(slugs(await read('metal_devices', { project_id: projectId, search: 'DATA-A' }), 'devices', 'device_id')).toEqual([a.id]);

    expect(await read('metal_project', { name: 'data' })).toMatchObject({ id: projectId, project_id: projectId, name: 'data' });
    expect(await read('metal_project', { project_id: projectId })).toMatchObject({ name: 'data' });

    const capacity = await read('metal_capacity', { metros: ['ny'], plans: ['c3.small.x86'] });
    const api = (await world.client.capacity.metros()).capacity.ny['c3.small.x86'];
    expect(capacity.capacity).toEqual([{ metro: 'ny', plan: 'c3.small.x86', level: api.level, available: api.available_servers }]);
  });
});
