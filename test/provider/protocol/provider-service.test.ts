import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { decode } from '@msgpack/msgpack';
import { createProviderRuntime } from '../../../lib/provider/framework/provider-runtime';
import { blockType, providerSchemaOf } from '../../../lib/provider/framework/schema';
import { Decimal, UNKNOWN, isUnknown, type Value } from '../../../lib/provider/framework/values';
import { decodeDynamicValue, encodeDynamicValue } from '../../../lib/provider/protocol/dynamic-value';
import { createProviderService, type ProviderService } from '../../../lib/provider/protocol/provider-service';
import { testDefinitions, testSchemaDocument } from '../fixtures/thing-provider';

const schema = providerSchemaOf(testSchemaDocument()).schema;
const thingType = blockType(schema.resource_schemas!.metal_test_thing.block);
const lookupType = blockType(schema.data_source_schemas!.metal_test_thing_lookup.block);
const providerType = blockType(schema.provider.block);
const TYPE = 'metal_test_thing';

const dv = (value: Value, type = thingType) => encodeDynamicValue(value, type);
const value = (wire: { msgpack: Buffer }, type = thingType) => decodeDynamicValue(wire, type) as Record<string, Value> | null;

describe('tfplugin6 Provider handlers (direct calls)', () => {
  let dir: string;
  let service: ProviderService;
  const config = { name: 'alpha', zone: 'z1', size: 2, big: new Decimal('12345678901234567890123'), disk: [{ label: 'root', gb: 10 }] };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'metal-service-'));
    service = createProviderService(createProviderRuntime(schema, testDefinitions));
    const configured = await service.ConfigureProvider({
      terraform_version: '1.11.4',
      config: dv({ store_path: path.join(dir, 'store.json') }, providerType),
    });
    expect(configured.diagnostics).toEqual([]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GetProviderSchema: protocol schema with JSON type bytes, sorted attributes and nested blocks', async () => {
    const response = await service.GetProviderSchema({});
    const thing = response.resource_schemas.metal_test_thing;
    expect(thing.version).toBe(1);
    const names = thing.block.attributes.map((a: { name: string }) => a.name);
    expect(names).toEqual([...names].sort());
    const tags = thing.block.attributes.find((a: { name: string }) => a.name === 'tags');
    expect(JSON.parse(tags.type.toString())).toEqual(['map', 'string']);
    expect(thing.block.attributes.find((a: { name: string }) => a.name === 'secret').sensitive).toBe(true);
    expect(thing.block.block_types.map((b: { type_name: string; nesting: string }) => [b.type_name, b.nesting])).toEqual([
      ['disk', 'LIST'],
      ['timeouts', 'SINGLE'],
    ]);
    expect(Object.keys(response.data_source_schemas)).toEqual(['metal_test_thing_lookup']);
  });

  it('GetMetadata lists resources and data sources', async () => {
    const response = await service.GetMetadata({});
    expect(response.resources).toEqual([{ type_name: TYPE }]);
    expect(response.data_sources).toEqual([{ type_name: 'metal_test_thing_lookup' }]);
  });

  it('ValidateProviderConfig and ValidateResourceConfig return diagnostics with attribute paths', async () => {
    expect((await service.ValidateProviderConfig({ config: dv({ store_path: 'x' }, providerType) })).diagnostics).toEqual([]);
    const response = await service.ValidateResourceConfig({
      type_name: TYPE,
      config: dv({ ...config, name: ' ', timeouts: { create: 'soon' } }),
    });
    expect(response.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'ERROR',
        summary: 'Invalid timeout',
        attribute: { steps: [{ attribute_name: 'timeouts' }, { attribute_name: 'create' }] },
      }),
      expect.objectContaining({ severity: 'ERROR', summary: 'Empty name', attribute: { steps: [{ attribute_name: 'name' }] } }),
    ]);
  });

  it('ValidateDataResourceConfig accepts a known data source and rejects an unknown one', async () => {
    expect(
      (await service.ValidateDataResourceConfig({ type_name: 'metal_test_thing_lookup', config: dv({ id: 'x' }, lookupType) })).diagnostics,
    ).toEqual([]);
    const unknown = await service.ValidateDataResourceConfig({ type_name: 'metal_nope', config: { msgpack: Buffer.alloc(0) } });
    expect(unknown.diagnostics[0]).toMatchObject({ severity: 'ERROR', detail: expect.stringContaining('metal_nope') });
  });

  it('walks create, read, update, import and delete', async () => {
    // Plan create: computed attributes unknown, configured ones as in config.
    const plan = await service.PlanResourceChange({
      type_name: TYPE,
      prior_state: dv(null),
      proposed_new_state: dv(config),
      config: dv(config),
    });
    expect(plan.diagnostics).toEqual([]);
    const planned = value(plan.planned_state)!;
    expect(isUnknown(planned.id) && isUnknown(planned.created) && isUnknown(planned.revision)).toBe(true);
    expect(planned.big).toEqual(new Decimal('12345678901234567890123'));

    const applied = await service.ApplyResourceChange({
      type_name: TYPE,
      prior_state: dv(null),
      planned_state: plan.planned_state,
      config: dv(config),
    });
    expect(applied.diagnostics).toEqual([]);
    const created = value(applied.new_state)!;
    expect(created).toMatchObject({ name: 'alpha', zone: 'z1', revision: 1, big: new Decimal('12345678901234567890123') });
    expect(typeof created.id).toBe('string');
    expect(JSON.parse(applied.private.toString())).toEqual({ createdBy: 'test-provider' });

    // Read passes private state through and returns the stored object.
    const read = await service.ReadResource({ type_name: TYPE, current_state: applied.new_state, private: applied.private });
    expect(value(read.new_state)).toEqual(created);
    expect(JSON.parse(read.private.toString())).toEqual({ createdBy: 'test-provider' });

    // No change: the plan equals prior state.
    const same = await service.PlanResourceChange({
      type_name: TYPE,
      prior_state: read.new_state,
      proposed_new_state: read.new_state,
      config: dv(config),
    });
    expect(value(same.planned_state)).toEqual(created);
    expect(same.requires_replace).toEqual([]);

    // In-place update: id and created kept (useStateForUnknown), revision unknown.
    const renamed = { ...config, name: 'beta' };
    const proposed = { ...created, name: 'beta' };
    const update = await service.PlanResourceChange({
      type_name: TYPE,
      prior_state: read.new_state,
      proposed_new_state: dv(proposed),
      config: dv(renamed),
    });
    const updatePlan = value(update.planned_state)!;
    expect(updatePlan).toMatchObject({ id: created.id, created: created.created, name: 'beta' });
    expect(isUnknown(updatePlan.revision)).toBe(true);
    expect(update.requires_replace).toEqual([]);
    const updated = await service.ApplyResourceChange({
      type_name: TYPE,
      prior_state: read.new_state,
      planned_state: update.planned_state,
      config: dv(renamed),
    });
    expect(value(updated.new_state)).toMatchObject({ id: created.id, name: 'beta', revision: 2 });

    // A zone change requires replacement.
    const moved = await service.PlanResourceChange({
      type_name: TYPE,
      prior_state: updated.new_state,
      proposed_new_state: dv({ ...value(updated.new_state)!, zone: 'z2' }),
      config: dv({ ...renamed, zone: 'z2' }),
    });
    expect(moved.requires_replace).toEqual([{ steps: [{ attribute_name: 'zone' }] }]);

    // Import produces the id; read completes it; upgrade passes JSON state through.
    const imported = await service.ImportResourceState({ type_name: TYPE, id: created.id });
    expect(imported.imported_resources).toHaveLength(1);
    const importedState = value(imported.imported_resources[0].state)!;
    expect(importedState).toMatchObject({ id: created.id, name: null });
    const reread = await service.ReadResource({
      type_name: TYPE,
      current_state: imported.imported_resources[0].state,
      private: Buffer.alloc(0),
    });
    expect(value(reread.new_state)).toMatchObject({ id: created.id, name: 'beta', zone: 'z1' });
    const upgraded = await service.UpgradeResourceState({
      type_name: TYPE,
      version: 1,
      raw_state: { json: Buffer.from(JSON.stringify({ id: created.id, name: 'beta', zone: 'z1', revision: 2, obsolete: true })) },
    });
    expect(value(upgraded.upgraded_state)).toMatchObject({ id: created.id, name: 'beta', revision: 2, size: null });
    expect(Object.keys(decode(upgraded.upgraded_state.msgpack) as object)).not.toContain('obsolete');

    // Data source reads the stored thing.
    const data = await service.ReadDataSource({ type_name: 'metal_test_thing_lookup', config: dv({ id: created.id }, lookupType) });
    expect(value(data.state, lookupType)).toEqual({ id: created.id, name: 'beta', zone: 'z1' });

    // Destroy: planned null, new state null, object gone.
    const destroyPlan = await service.PlanResourceChange({
      type_name: TYPE,
      prior_state: updated.new_state,
      proposed_new_state: dv(null),
      config: dv(null),
    });
    expect(value(destroyPlan.planned_state)).toBeNull();
    const destroyed = await service.ApplyResourceChange({
      type_name: TYPE,
      prior_state: updated.new_state,
      planned_state: dv(null),
      config: dv(null),
    });
    expect(destroyed.diagnostics).toEqual([]);
    expect(value(destroyed.new_state)).toBeNull();
    const gone = await service.ReadResource({ type_name: TYPE, current_state: updated.new_state });
    expect(value(gone.new_state)).toBeNull();
    const missing = await service.ReadDataSource({ type_name: 'metal_test_thing_lookup', config: dv({ id: created.id }, lookupType) });
    expect(missing.diagnostics[0]).toMatchObject({ summary: 'Thing not found', attribute: { steps: [{ attribute_name: 'id' }] } });
  });

  it('keeps unknown config values unknown in the plan', async () => {
    const withUnknown = { ...config, name: UNKNOWN };
    const plan = await service.PlanResourceChange({
      type_name: TYPE,
      prior_state: dv(null),
      proposed_new_state: dv(withUnknown),
      config: dv(withUnknown),
    });
    expect(isUnknown(value(plan.planned_state)!.name)).toBe(true);
  });

  it('answers MoveResourceState with an explanation, GetFunctions empty and StopProvider without error', async () => {
    const move = await service.MoveResourceState({ source_type_name: 'a', target_type_name: TYPE });
    expect(move.diagnostics[0]).toMatchObject({ severity: 'ERROR', summary: 'Move not supported' });
    expect(await service.GetFunctions({})).toEqual({ functions: {}, diagnostics: [] });
    expect(await service.StopProvider({})).toEqual({ Error: '' });
  });

  it('turns undecodable input into an error diagnostic instead of throwing', async () => {
    const response = await service.PlanResourceChange({ type_name: TYPE, prior_state: { msgpack: Buffer.from([0xc1]) } });
    expect(response.diagnostics[0]).toMatchObject({ severity: 'ERROR', summary: expect.stringContaining('PlanResourceChange') });
  });
});
