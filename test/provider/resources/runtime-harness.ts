/**
 * The provider's runtime (the framework over the real registry and provider-schema/metal.json) against a real
 * metalforge cloud, with the two things Terraform itself computes between RPCs: full config objects (every
 * attribute, nulls explicit) and the proposed new state a plan starts from.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createMetalClient, type MetalClient } from '../../../lib/client';
import { createCloud, type Cloud } from '../../../lib/cloud';
import type { BlockJson, ProviderSchemaJson, SchemaDocument } from '../../../lib/provider/framework/schema';
import { providerSchemaOf } from '../../../lib/provider/framework/schema';
import { createProviderRuntime } from '../../../lib/provider/framework/provider-runtime';
import type { PrivateData, ProviderRuntime } from '../../../lib/provider/framework/runtime';
import { isObjectValue, type Value, type ValueObject } from '../../../lib/provider/framework/values';
import { definitions } from '../../../lib/provider/registry';
import { attachSpecCheck } from '../../support/spec-check';

const SCHEMA_PATH = path.join(__dirname, '../../../provider-schema/metal.json');
export const schema: ProviderSchemaJson = providerSchemaOf(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as SchemaDocument).schema;

/** A config object as Terraform sends it: every attribute present, unset ones null, absent list blocks []. */
export function configOf(block: BlockJson, values: ValueObject): ValueObject {
  const config: ValueObject = {};
  for (const name of Object.keys(block.attributes ?? {})) config[name] = values[name] ?? null;
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const given = values[name];
    if (nested.nesting_mode === 'single') config[name] = isObjectValue(given) ? configOf(nested.block, given) : null;
    else config[name] = Array.isArray(given) ? given.map((item) => configOf(nested.block, item as ValueObject)) : [];
  }
  return config;
}

/** Terraform's proposed new state: config values, with computed attributes the config leaves null taken from prior. */
export function proposedOf(block: BlockJson, prior: ValueObject | null, config: ValueObject): ValueObject {
  const proposed: ValueObject = { ...config };
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    if (attribute.computed && config[name] === null) proposed[name] = prior ? (prior[name] ?? null) : null;
  }
  return proposed;
}

export interface RuntimeWorld {
  cloud: Cloud;
  client: MetalClient;
  runtime: ProviderRuntime;
  close(): Promise<void>;
  /** Plans (and applies, unless the plan fails) one change of a resource, as terraform apply does. */
  apply(typeName: string, prior: ValueObject | null, values: ValueObject | null): Promise<Applied>;
  plan(typeName: string, prior: ValueObject | null, values: ValueObject): ReturnType<ProviderRuntime['planResourceChange']>;
  config(typeName: string, values: ValueObject, kind?: 'resource' | 'data'): ValueObject;
  read(typeName: string, values: ValueObject): ReturnType<ProviderRuntime['readDataSource']>;
  /** ReadResource with the object's private data, as a refresh does. */
  refresh(typeName: string, state: ValueObject): Promise<Applied>;
  /** terraform import: ImportResourceState, then ReadResource. */
  import(typeName: string, id: string): Promise<Applied>;
}

export interface Applied {
  state: ValueObject | null;
  requiresReplace: Value[][];
  diagnostics: { severity: string; summary: string; detail?: string; path?: unknown[] }[];
}

export async function startRuntimeWorld(cloudOptions: Parameters<typeof createCloud>[0] = {}): Promise<RuntimeWorld> {
  const cloud = await createCloud({ simScale: 0, port: 0, bootPath: 'in-process', ...cloudOptions });
  attachSpecCheck(cloud.app);
  const apiUrl = `${await cloud.listen()}/metal/v1`;
  const runtime = createProviderRuntime(schema, definitions);
  const providerConfig = configOf(schema.provider.block, { api_url: apiUrl, auth_token: cloud.adminToken });
  const configured = await runtime.configureProvider(providerConfig, '1.11.4');
  if (configured.length > 0) throw new Error(`configure failed: ${JSON.stringify(configured)}`);
  const block = (typeName: string, kind: 'resource' | 'data' = 'resource') =>
    (kind === 'resource' ? schema.resource_schemas : schema.data_source_schemas)![typeName].block;

  // Terraform keeps each object's private data next to its state and hands it back with that state.
  const privates = new WeakMap<ValueObject, PrivateData | null>();
  const remember = (state: ValueObject | null, data: PrivateData | null) => {
    if (state) privates.set(state, data);
    return state;
  };

  const world: RuntimeWorld = {
    cloud,
    client: createMetalClient({ baseUrl: apiUrl, token: cloud.adminToken }),
    runtime,
    close: () => cloud.close(),
    config: (typeName, values, kind = 'resource') => configOf(block(typeName, kind), values),
    plan(typeName, prior, values) {
      const config = world.config(typeName, values);
      return runtime.planResourceChange(typeName, {
        prior,
        proposed: proposedOf(block(typeName), prior, config),
        config,
        private: prior ? (privates.get(prior) ?? null) : null,
      });
    },
    async apply(typeName, prior, values) {
      if (values === null) {
        const result = await runtime.applyResourceChange(typeName, {
          prior,
          planned: null,
          config: null,
          private: prior ? (privates.get(prior) ?? null) : null,
        });
        return { state: remember(result.state, result.private), requiresReplace: [], diagnostics: result.diagnostics };
      }
      const plan = await world.plan(typeName, prior, values);
      if (plan.planned === null) throw new Error(`no plan: ${JSON.stringify(plan.diagnostics)}`);
      if (plan.diagnostics.some((d) => d.severity === 'error'))
        return { state: prior, requiresReplace: plan.requiresReplace, diagnostics: plan.diagnostics };
      const result = await runtime.applyResourceChange(typeName, {
        prior,
        planned: plan.planned,
        config: world.config(typeName, values),
        private: plan.private,
      });
      return { state: remember(result.state, result.private), requiresReplace: plan.requiresReplace, diagnostics: result.diagnostics };
    },
    async refresh(typeName, state) {
      const result = await runtime.readResource(typeName, { state, private: privates.get(state) ?? null });
      return { state: remember(result.state, result.private), requiresReplace: [], diagnostics: result.diagnostics };
    },
    async import(typeName, id) {
      const imported = await runtime.importResourceState(typeName, id);
      if (imported.imported.length === 0) return { state: null, requiresReplace: [], diagnostics: imported.diagnostics };
      const [{ state, private: data }] = imported.imported;
      privates.set(state, data);
      return world.refresh(typeName, state);
    },
    read: (typeName, values) => runtime.readDataSource(typeName, configOf(block(typeName, 'data'), values)),
  };
  return world;
}
