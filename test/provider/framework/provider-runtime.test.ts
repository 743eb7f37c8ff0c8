import { defineDataSource, defineResource, type ResourceDefinition } from '../../../lib/provider/framework/definitions';
import { changeDescriptions, requiresReplace, requiresReplaceIf, useStateForUnknown } from '../../../lib/provider/framework/plan-modifiers';
import { createProviderRuntime } from '../../../lib/provider/framework/provider-runtime';
import type { ProviderSchemaJson } from '../../../lib/provider/framework/schema';
import { parseDuration, timeoutsBlock } from '../../../lib/provider/framework/timeouts';
import { Decimal, UNKNOWN, isUnknown, keepHeldNumbers, sameNumber, type ValueObject } from '../../../lib/provider/framework/values';

const schema: ProviderSchemaJson = {
  provider: { version: 0, block: { attributes: { endpoint: { type: 'string', optional: true } } } },
  resource_schemas: {
    metal_box: {
      version: 0,
      block: {
        attributes: {
          id: { type: 'string', computed: true },
          name: { type: 'string', required: true },
          disk_gb: { type: 'number', optional: true },
          plan: { type: 'string', optional: true, computed: true },
          ip: { type: 'string', computed: true },
        },
        block_types: {
          port: {
            nesting_mode: 'list',
            block: { attributes: { name: { type: 'string', required: true }, mac: { type: 'string', computed: true } } },
          },
          timeouts: timeoutsBlock(['create', 'delete']),
        },
      },
    },
    metal_plain: {
      version: 0,
      block: { attributes: { id: { type: 'string', computed: true }, label: { type: 'string', optional: true } } },
    },
    metal_noid: { version: 0, block: { attributes: { label: { type: 'string', optional: true } } } },
  },
  data_source_schemas: {
    metal_box_info: {
      version: 0,
      block: { attributes: { name: { type: 'string', required: true }, ip: { type: 'string', computed: true } } },
    },
  },
};

interface Api {
  boxes: Map<string, ValueObject>;
  seen: string[];
}

const box = (overrides: Partial<ResourceDefinition<Api>> = {}) =>
  defineResource<Api>({
    typeName: 'metal_box',
    planModifiers: {
      id: [useStateForUnknown],
      ip: [useStateForUnknown],
      // Growing a disk is in place; shrinking it replaces the box.
      disk_gb: [
        requiresReplaceIf(
          ({ prior, planned }) => typeof prior === 'number' && typeof planned === 'number' && planned < prior,
          'shrinking replaces',
        ),
      ],
    },
    async create({ planned }, ctx) {
      const state: ValueObject = { ...planned, id: 'box-1', ip: '10.0.0.1', plan: planned.plan ?? 'c3.small' };
      if (isUnknown(state.plan)) state.plan = 'c3.small';
      if (Array.isArray(planned.port)) state.port = planned.port.map((p) => ({ ...(p as ValueObject), mac: 'aa:bb' }));
      ctx.client.boxes.set('box-1', state);
      ctx.private.set('etag', 'v1');
      ctx.client.seen.push(`create timeout ${ctx.timeout(60_000)}`);
      return state;
    },
    async read({ state }, ctx) {
      ctx.client.seen.push(`read etag ${String(ctx.private.get('etag'))}`);
      return ctx.client.boxes.get(String(state.id)) ?? null;
    },
    async update({ planned }, ctx) {
      ctx.client.boxes.set(String(planned.id), planned);
      return planned;
    },
    async delete({ state }, ctx) {
      ctx.client.boxes.delete(String(state.id));
    },
    ...overrides,
  });

function setup(definition: ResourceDefinition<Api> = box(), extra: ResourceDefinition<Api>[] = []) {
  const api: Api = { boxes: new Map(), seen: [] };
  const runtime = createProviderRuntime(schema, {
    provider: { configure: () => api },
    resources: [definition, ...extra],
    dataSources: [
      defineDataSource<Api>({
        typeName: 'metal_box_info',
        async read(config) {
          if (config.name === 'explode') throw new Error('lookup failed: HTTP 500');
          return { ip: '10.0.0.1' };
        },
      }),
    ],
  });
  return { api, runtime };
}

const config = {
  name: 'web',
  disk_gb: 100,
  plan: null,
  id: null,
  ip: null,
  port: [{ name: 'eth0', mac: null }],
  timeouts: { create: '2m', delete: null },
};

async function created(runtime: ReturnType<typeof setup>['runtime']) {
  await runtime.configureProvider({}, '1.11.4');
  const plan = await runtime.planResourceChange('metal_box', { prior: null, proposed: config, config, private: null });
  const apply = await runtime.applyResourceChange('metal_box', { prior: null, planned: plan.planned, config, private: plan.private });
  return { plan, apply, state: apply.state! };
}

describe('default planning', () => {
  it('plans computed attributes the config leaves unset as unknown on create, config values as configured', async () => {
    const { runtime } = setup();
    const { plan } = await created(runtime);
    const planned = plan.planned!;
    expect(isUnknown(planned.id) && isUnknown(planned.ip) && isUnknown(planned.plan)).toBe(true);
    expect(planned).toMatchObject({ name: 'web', disk_gb: 100 });
    expect(isUnknown((planned.port as ValueObject[])[0].mac)).toBe(true); // through nested list blocks
    expect(plan.requiresReplace).toEqual([]);
  });

  it('keeps the prior state when nothing changed', async () => {
    const { runtime } = setup();
    const { state } = await created(runtime);
    const plan = await runtime.planResourceChange('metal_box', { prior: state, proposed: state, config, private: null });
    expect(plan.planned).toEqual(state);
  });

  it('on update keeps useStateForUnknown attributes, makes other computed ones unknown', async () => {
    const { runtime } = setup();
    const { state } = await created(runtime);
    const changed = { ...config, name: 'api' };
    const plan = await runtime.planResourceChange('metal_box', {
      prior: state,
      proposed: { ...state, name: 'api' },
      config: changed,
      private: null,
    });
    expect(plan.planned).toMatchObject({ id: 'box-1', ip: '10.0.0.1', name: 'api' });
    expect(isUnknown(plan.planned!.plan)).toBe(true);
    expect(plan.requiresReplace).toEqual([]);
  });

  it('requiresReplaceIf replaces only when its condition holds', async () => {
    const { runtime } = setup();
    const { state } = await created(runtime);
    const plan = async (disk: number) =>
      runtime.planResourceChange('metal_box', {
        prior: state,
        proposed: { ...state, disk_gb: disk },
        config: { ...config, disk_gb: disk },
        private: null,
      });
    expect((await plan(200)).requiresReplace).toEqual([]);
    expect((await plan(50)).requiresReplace).toEqual([['disk_gb']]);
  });

  it('requiresReplaceIf conditions may wait and read the plan context (private state, client)', async () => {
    const { runtime } = setup(
      box({
        planModifiers: {
          name: [
            requiresReplaceIf(
              async (_request, ctx) => (await Promise.resolve(ctx.private.get('etag'))) === 'v1' && ctx.client.boxes.size > 0,
              'replaces',
            ),
          ],
        },
      }),
    );
    const { state, apply } = await created(runtime);
    const plan = await runtime.planResourceChange('metal_box', {
      prior: state,
      proposed: { ...state, name: 'api' },
      config: { ...config, name: 'api' },
      private: apply.private,
    });
    expect(plan.requiresReplace).toEqual([['name']]);
  });

  it('describes how a change of each attribute applies, for the docs', () => {
    const definition = box({
      planModifiers: {
        id: [useStateForUnknown],
        name: [requiresReplace],
        disk_gb: [requiresReplaceIf(() => true, 'forces replacement when shrunk')],
      },
    });
    expect(changeDescriptions(definition, 'name', true)).toEqual(['forces replacement']);
    expect(changeDescriptions(definition, 'disk_gb', true)).toEqual(['forces replacement when shrunk']);
    expect(changeDescriptions(definition, 'plan', true)).toEqual(['updates in place']);
    expect(changeDescriptions(definition, 'id', false)).toEqual(['keeps its prior value on update']);
    expect(changeDescriptions(box({ update: undefined }), 'plan', true)).toEqual(['forces replacement']);
  });

  it('a resource without update() replaces on any configured change, not on computed ones', async () => {
    const { runtime } = setup(box({ update: undefined, planModifiers: { id: [useStateForUnknown], name: [requiresReplace] } }));
    const { state } = await created(runtime);
    const plan = await runtime.planResourceChange('metal_box', {
      prior: state,
      proposed: { ...state, disk_gb: 200 },
      config: { ...config, disk_gb: 200 },
      private: null,
    });
    expect(plan.requiresReplace).toEqual([['disk_gb']]);
  });

  it('lets modifyPlan set values and require replacement', async () => {
    const { runtime } = setup(
      box({
        modifyPlan: ({ planned }, ctx) => {
          planned.plan = 'm3.large';
          ctx.requireReplace(['name']);
        },
      }),
    );
    const { state } = await created(runtime);
    const plan = await runtime.planResourceChange('metal_box', {
      prior: state,
      proposed: { ...state, name: 'x' },
      config: { ...config, name: 'x' },
      private: null,
    });
    expect(plan.planned!.plan).toBe('m3.large');
    expect(plan.requiresReplace).toEqual([['name']]);
  });

  it('plans destroy as null and applies it as delete with a null new state', async () => {
    const { runtime, api } = setup();
    const { state } = await created(runtime);
    expect(
      (await runtime.planResourceChange('metal_box', { prior: state, proposed: null, config: null, private: null })).planned,
    ).toBeNull();
    const destroyed = await runtime.applyResourceChange('metal_box', { prior: state, planned: null, config: null, private: null });
    expect(destroyed).toMatchObject({ state: null, diagnostics: [] });
    expect(api.boxes.size).toBe(0);
  });
});

describe('numbers computed in the configuration', () => {
  // price * 3 with a float64 price: Terraform holds the exact product and compares numbers by their exact text.
  const computed = new Decimal('0.3000000000000000166533453693773481063544750213623046875');
  const apiFloat = 0.30000000000000004; // what the API stores and returns for it
  const withDisk = (disk: number | Decimal) => ({ ...config, disk_gb: disk });

  it('compares numbers as the float64 the API stores', () => {
    expect(sameNumber(computed, apiFloat)).toBe(true);
    expect(sameNumber(new Decimal('0.2'), 0.2)).toBe(true);
    expect(sameNumber(0.3, apiFloat)).toBe(false);
    expect(sameNumber('0.3', 0.3)).toBe(false);
    expect(keepHeldNumbers({ a: [apiFloat, 1], b: 'x' }, { a: [computed, 2], b: 'y' })).toEqual({ a: [computed, 1], b: 'x' });
  });

  it('writes back the planned number after apply when the API returns the same float64', async () => {
    const { runtime } = setup(
      box({ create: async ({ planned }) => ({ ...planned, id: 'box-1', ip: '10.0.0.1', plan: 'c3.small', disk_gb: apiFloat, port: [] }) }),
    );
    await runtime.configureProvider({}, '1.11.4');
    const plan = await runtime.planResourceChange('metal_box', {
      prior: null,
      proposed: withDisk(computed),
      config: withDisk(computed),
      private: null,
    });
    expect(plan.planned!.disk_gb).toBe(computed);
    const apply = await runtime.applyResourceChange('metal_box', {
      prior: null,
      planned: plan.planned,
      config: withDisk(computed),
      private: null,
    });
    expect(apply.state!.disk_gb).toBe(computed);
    // A different number from the API is the API's answer, and stays so.
    const other = setup(
      box({ create: async ({ planned }) => ({ ...planned, id: 'box-1', ip: 'x', plan: 'c3.small', disk_gb: 0.3, port: [] }) }),
    );
    await other.runtime.configureProvider({}, '1.11.4');
    const changed = await other.runtime.applyResourceChange('metal_box', {
      prior: null,
      planned: plan.planned,
      config: withDisk(computed),
      private: null,
    });
    expect(changed.state!.disk_gb).toBe(0.3);
  });

  it('keeps the prior number on read and plans no change when the configuration computes the same float64 differently', async () => {
    const { runtime, api } = setup();
    const { state } = await created(runtime);
    const prior = { ...state, disk_gb: computed };
    api.boxes.set('box-1', { ...state, disk_gb: apiFloat });
    expect((await runtime.readResource('metal_box', { state: prior, private: null })).state!.disk_gb).toBe(computed);
    const plan = await runtime.planResourceChange('metal_box', {
      prior,
      proposed: { ...prior, disk_gb: apiFloat },
      config: withDisk(apiFloat),
      private: null,
    });
    expect(plan.planned).toEqual(prior);
    expect(plan.requiresReplace).toEqual([]);
  });
});

describe('apply, read and import', () => {
  it('passes private state and the configured timeout to operations', async () => {
    const { runtime, api } = setup();
    const { apply, state } = await created(runtime);
    expect(apply.private).toEqual({ etag: 'v1' });
    await runtime.readResource('metal_box', { state, private: apply.private });
    expect(api.seen).toEqual(['create timeout 120000', 'read etag v1']);
  });

  it('turns a thrown create error into a diagnostic and a null state', async () => {
    const { runtime } = setup(
      box({
        create: async () => {
          throw new Error('API said 422: plan not available');
        },
      }),
    );
    const { apply } = await created(runtime);
    expect(apply.state).toBeNull();
    expect(apply.diagnostics).toEqual([expect.objectContaining({ severity: 'error', detail: 'API said 422: plan not available' })]);
  });

  it('keeps the object in state when delete fails', async () => {
    const { runtime } = setup(box({ delete: async (_req, ctx) => ctx.diagnostics.error('Device is locked', 'Unlock it first.') }));
    const { state } = await created(runtime);
    const result = await runtime.applyResourceChange('metal_box', { prior: state, planned: null, config: null, private: null });
    expect(result.state).toEqual(state);
    expect(result.diagnostics[0]).toMatchObject({ summary: 'Device is locked' });
  });

  it('reports values left unknown after apply and fills omitted ones from the plan', async () => {
    const { runtime } = setup(box({ create: async () => ({ id: 'box-9' }) }));
    const { apply } = await created(runtime);
    expect(apply.state).toMatchObject({ id: 'box-9', name: 'web', ip: null });
    expect(apply.diagnostics.map((d) => d.path)).toEqual(expect.arrayContaining([['plan'], ['ip'], ['port', 0, 'mac']]));
  });

  it('reads a vanished object as null and keeps prior state when read throws', async () => {
    const { runtime, api } = setup();
    const { state } = await created(runtime);
    api.boxes.clear();
    expect((await runtime.readResource('metal_box', { state, private: null })).state).toBeNull();
    const failing = setup(
      box({
        read: async () => {
          throw new Error('timeout talking to the API');
        },
      }),
    );
    const result = await failing.runtime.readResource('metal_box', { state, private: null });
    expect(result.state).toEqual(state);
    expect(result.diagnostics[0].detail).toBe('timeout talking to the API');
  });

  it('imports by id by default, via importState when given, and refuses types without either', async () => {
    const plainDef = defineResource<Api>({
      typeName: 'metal_plain',
      create: async () => undefined,
      read: async () => undefined,
      delete: async () => undefined,
    });
    const noIdDef = { ...plainDef, typeName: 'metal_noid' };
    const { runtime } = setup(box({ importState: (id) => ({ id: id.toLowerCase(), name: 'imported' }) }), [plainDef, noIdDef]);
    expect((await runtime.importResourceState('metal_box', 'BOX-7')).imported).toEqual([
      { typeName: 'metal_box', state: { id: 'box-7', name: 'imported' }, private: null },
    ]);
    expect((await runtime.importResourceState('metal_plain', 'p1')).imported[0].state).toEqual({ id: 'p1' });
    const refused = await runtime.importResourceState('metal_noid', 'x');
    expect(refused.imported).toEqual([]);
    expect(refused.diagnostics[0].summary).toBe('Import not supported');
  });

  it('aborts the operation signal on stop', async () => {
    let signal: AbortSignal | undefined;
    const { runtime } = setup(
      box({
        create: async (_req, ctx) => {
          signal = ctx.signal;
          return undefined;
        },
      }),
    );
    await created(runtime);
    expect(signal!.aborted).toBe(false);
    runtime.stop();
    expect(signal!.aborted).toBe(true);
  });
});

describe('data sources, validation and definitions', () => {
  it('reads a data source over its config and reports thrown errors as diagnostics', async () => {
    const { runtime } = setup();
    expect(await runtime.readDataSource('metal_box_info', { name: 'web', ip: null })).toEqual({
      state: { name: 'web', ip: '10.0.0.1' },
      diagnostics: [],
    });
    const failed = await runtime.readDataSource('metal_box_info', { name: 'explode', ip: null });
    expect(failed.state).toBeNull();
    expect(failed.diagnostics[0].detail).toBe('lookup failed: HTTP 500');
  });

  it('reports resource types that are in the schema but not implemented', async () => {
    const { runtime } = setup();
    const plan = await runtime.planResourceChange('metal_plain', {
      prior: null,
      proposed: { label: 'a' },
      config: { label: 'a' },
      private: null,
    });
    expect(plan.diagnostics[0].detail).toMatch(/not implemented/);
  });

  it('refuses definitions for types missing from the schema', () => {
    expect(() => createProviderRuntime(schema, { resources: [box({ typeName: 'metal_ghost' })] })).toThrow(/metal_ghost/);
  });

  it('keeps unknown config values in plans instead of treating them as unset', async () => {
    const { runtime } = setup();
    const unknownName = { ...config, name: UNKNOWN };
    const plan = await runtime.planResourceChange('metal_box', { prior: null, proposed: unknownName, config: unknownName, private: null });
    expect(isUnknown(plan.planned!.name)).toBe(true);
  });
});

describe('timeouts', () => {
  it('parses Go durations', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('45s')).toBe(45_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('10')).toBeUndefined();
  });

  it('builds an optional single block for the named operations', () => {
    const block = timeoutsBlock(['create']);
    expect(block.nesting_mode).toBe('single');
    expect(block.block.attributes).toEqual({ create: expect.objectContaining({ type: 'string', optional: true }) });
  });
});

describe('nested set blocks', () => {
  it('plans computed attributes of new set elements as unknown and keeps known ones', async () => {
    const setSchema: ProviderSchemaJson = {
      provider: { version: 0, block: {} },
      resource_schemas: {
        metal_vlan_set: {
          version: 0,
          block: {
            attributes: { id: { type: 'string', computed: true } },
            block_types: {
              vlan: {
                nesting_mode: 'set',
                block: { attributes: { vxlan: { type: 'number', required: true }, uuid: { type: 'string', computed: true } } },
              },
            },
          },
        },
      },
    };
    const runtime = createProviderRuntime(setSchema, {
      resources: [
        defineResource({
          typeName: 'metal_vlan_set',
          create: async () => undefined,
          read: async () => undefined,
          delete: async () => undefined,
        }),
      ],
    });
    const proposed = {
      id: null,
      vlan: [
        { vxlan: 1000, uuid: null },
        { vxlan: 1001, uuid: 'kept' },
      ],
    };
    const plan = await runtime.planResourceChange('metal_vlan_set', { prior: null, proposed, config: proposed, private: null });
    const vlans = plan.planned!.vlan as ValueObject[];
    expect(isUnknown(vlans[0].uuid)).toBe(true);
    expect(vlans[1].uuid).toBe('kept');
  });
});

describe('partial results after errors', () => {
  it('keeps a partial object from a failed create without extra diagnostics about its unknowns', async () => {
    const { runtime } = setup(
      box({
        create: async (_req, ctx) => {
          ctx.diagnostics.error('Timed out waiting for the device', 'It stays in state as tainted; apply again to retry.');
          return { id: 'box-2' };
        },
      }),
    );
    const { apply } = await created(runtime);
    expect(apply.state).toMatchObject({ id: 'box-2', ip: null, plan: null });
    expect(apply.diagnostics.map((d) => d.summary)).toEqual(['Timed out waiting for the device']);
  });
});
