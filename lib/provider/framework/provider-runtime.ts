/**
 * The framework's ProviderRuntime: default planning, apply bookkeeping and error handling around the
 * provider's resource and data source definitions, so that each definition only talks to its API.
 */
import { setMaxListeners } from 'node:events';
import type {
  BaseContext,
  DataSourceDefinition,
  PlanContext,
  PrivateState,
  ProviderDefinitions,
  ResourceContext,
  ResourceDefinition,
} from './definitions';
import { Diagnostics, diagnosticFromError, type AttributePath, type Diagnostic } from './diagnostics';
import type { PrivateData, ProviderRuntime } from './runtime';
import type { BlockJson, ProviderSchemaJson, SchemaJson } from './schema';
import { parseDuration, timeoutFrom, type TimeoutOperation } from './timeouts';
import {
  UNKNOWN,
  cloneValue,
  containsUnknown,
  isObjectValue,
  isUnknown,
  keepHeldNumbers,
  valuesEqual,
  type Value,
  type ValueObject,
} from './values';

class PrivateStateStore implements PrivateState {
  readonly data: PrivateData;
  constructor(initial: PrivateData | null) {
    this.data = { ...(initial ?? {}) };
  }
  get(key: string): unknown {
    return this.data[key];
  }
  set(key: string, value: unknown): void {
    if (value === undefined) delete this.data[key];
    else this.data[key] = value;
  }
}

/** Runs one operation of a definition; a thrown error becomes an error diagnostic. */
async function guard<T>(diagnostics: Diagnostics, summary: string, operation: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await operation();
  } catch (error) {
    diagnostics.add(diagnosticFromError(error, summary));
    return undefined;
  }
}

/** Sets computed attributes the config leaves unset to Unknown, through nested blocks that line up with config. */
function markComputedUnknown(block: BlockJson, planned: ValueObject, config: ValueObject): void {
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    if (attribute.computed && (config[name] ?? null) === null) planned[name] = UNKNOWN;
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const plannedValue = planned[name];
    const configValue = config[name];
    if (nested.nesting_mode === 'single' || nested.nesting_mode === 'group') {
      if (isObjectValue(plannedValue) && isObjectValue(configValue)) markComputedUnknown(nested.block, plannedValue, configValue);
    } else if (nested.nesting_mode === 'list' && Array.isArray(plannedValue) && Array.isArray(configValue)) {
      plannedValue.forEach((item, i) => {
        const configItem = configValue[i];
        if (isObjectValue(item) && isObjectValue(configItem)) markComputedUnknown(nested.block, item, configItem);
      });
    } else if (nested.nesting_mode === 'set' && Array.isArray(plannedValue)) {
      // Set elements have no position to match config by; an element's own null computed values are the unset ones.
      for (const item of plannedValue) if (isObjectValue(item)) markComputedUnknown(nested.block, item, item);
    } else if (nested.nesting_mode === 'map' && isObjectValue(plannedValue) && isObjectValue(configValue)) {
      for (const [key, item] of Object.entries(plannedValue)) {
        const configItem = configValue[key];
        if (isObjectValue(item) && isObjectValue(configItem)) markComputedUnknown(nested.block, item, configItem);
      }
    }
  }
}

/** Paths of values still unknown; after apply or read Terraform rejects any. */
function unknownPaths(value: Value, path: AttributePath = []): AttributePath[] {
  if (isUnknown(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => unknownPaths(item, [...path, i]));
  if (isObjectValue(value)) return Object.entries(value).flatMap(([key, item]) => unknownPaths(item, [...path, key]));
  return [];
}

function replaceUnknowns(value: Value): Value {
  if (isUnknown(value)) return null;
  if (Array.isArray(value)) return value.map(replaceUnknowns);
  if (isObjectValue(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceUnknowns(v)]));
  return value;
}

/**
 * The returned object over a base (planned, prior or config value), with leftover unknowns nulled. They are
 * reported unless the operation already failed: a partial object after an error (e.g. a create that timed out
 * waiting) is expected to be incomplete, and Terraform keeps it as tainted. Numbers the API gives back as the
 * same float64 keep the base's exact value (Terraform requires the planned value after apply).
 */
function completeState(
  returned: Partial<ValueObject> | void | null,
  base: ValueObject,
  diagnostics: Diagnostics,
  typeName: string,
): ValueObject {
  const merged = keepHeldNumbers({ ...base, ...(returned ?? {}) } as ValueObject, base) as ValueObject;
  // The usual case, a complete object, is checked without building paths or copying.
  if (!containsUnknown(merged)) return merged;
  const failed = diagnostics.hasErrors();
  for (const path of failed ? [] : unknownPaths(merged)) {
    diagnostics.error(
      'Provider returned an incomplete object',
      `${typeName} left ${path.join('.')} unknown; the resource implementation must set every computed attribute.`,
      path,
    );
  }
  return replaceUnknowns(merged) as ValueObject;
}

function validateTimeouts(config: ValueObject, diagnostics: Diagnostics): void {
  const block = config.timeouts;
  if (!isObjectValue(block)) return;
  for (const [operation, text] of Object.entries(block)) {
    if (typeof text === 'string' && parseDuration(text) === undefined) {
      diagnostics.error('Invalid timeout', `"${text}" is not a duration; use forms like "30s", "20m" or "1h30m".`, ['timeouts', operation]);
    }
  }
}

export function createProviderRuntime(schema: ProviderSchemaJson, definitions: ProviderDefinitions): ProviderRuntime {
  const resources = new Map<string, ResourceDefinition<unknown>>();
  const dataSources = new Map<string, DataSourceDefinition<unknown>>();
  for (const definition of definitions.resources) {
    if (!schema.resource_schemas?.[definition.typeName]) throw new Error(`resource ${definition.typeName} is not in the provider schema`);
    resources.set(definition.typeName, definition);
  }
  for (const definition of definitions.dataSources ?? []) {
    if (!schema.data_source_schemas?.[definition.typeName])
      throw new Error(`data source ${definition.typeName} is not in the provider schema`);
    dataSources.set(definition.typeName, definition);
  }

  const stopper = new AbortController();
  // Every operation in flight (as many as Terraform's -parallelism) may listen for a stop: that is no leak.
  setMaxListeners(0, stopper.signal);
  let client: unknown;

  const lookup = <D>(map: Map<string, D>, schemas: Record<string, SchemaJson> | undefined, kind: string, typeName: string) => {
    const definition = map.get(typeName);
    const typeSchema = schemas?.[typeName];
    if (!definition || !typeSchema) {
      throw new Error(
        typeSchema
          ? `${kind} ${typeName} is declared in the schema but not implemented by this provider build`
          : `this provider has no ${kind} ${typeName}`,
      );
    }
    return { definition, typeSchema };
  };
  const resource = (typeName: string) => lookup(resources, schema.resource_schemas, 'resource', typeName);
  const dataSource = (typeName: string) => lookup(dataSources, schema.data_source_schemas, 'data source', typeName);

  const baseContext = (): BaseContext => ({ diagnostics: new Diagnostics(), signal: stopper.signal });
  const resourceContext = (
    privateData: PrivateData | null,
    timeoutSource: ValueObject | null,
    operation: TimeoutOperation,
  ): ResourceContext<unknown> => ({
    ...baseContext(),
    client,
    private: new PrivateStateStore(privateData),
    timeout: (defaultMs) => timeoutFrom(timeoutSource, operation, defaultMs),
  });
  const privateOf = (ctx: ResourceContext<unknown>): PrivateData | null =>
    Object.keys(ctx.private.data).length > 0 ? ctx.private.data : null;

  /** Runs a whole RPC: a missing definition or any thrown error ends up as diagnostics. */
  const rpc = async <T extends { diagnostics: Diagnostic[] }>(
    summary: string,
    fallback: Omit<T, 'diagnostics'>,
    body: () => Promise<T>,
  ): Promise<T> => {
    try {
      return await body();
    } catch (error) {
      return { ...fallback, diagnostics: [diagnosticFromError(error, summary)] } as T;
    }
  };

  const validateWith = async (
    validate: ((config: ValueObject, ctx: BaseContext) => void | Promise<void>) | undefined,
    config: ValueObject,
    summary: string,
  ): Promise<Diagnostic[]> => {
    const ctx = baseContext();
    validateTimeouts(config, ctx.diagnostics);
    if (validate) await guard(ctx.diagnostics, summary, () => validate(config, ctx));
    return ctx.diagnostics.items;
  };

  return {
    schema,

    validateProviderConfig: (config) =>
      validateWith(definitions.provider?.validate?.bind(definitions.provider), config, 'Invalid provider configuration'),

    async configureProvider(config, terraformVersion) {
      const ctx = baseContext();
      const configure = definitions.provider?.configure;
      if (configure)
        client = await guard(ctx.diagnostics, 'Cannot configure the metal provider', () =>
          configure.call(definitions.provider, config, { ...ctx, terraformVersion }),
        );
      return ctx.diagnostics.items;
    },

    validateResourceConfig: (typeName, config) =>
      rpc(`Cannot validate ${typeName}`, {}, async () => {
        const { definition } = resource(typeName);
        return { diagnostics: await validateWith(definition.validate?.bind(definition), config, `Invalid ${typeName} configuration`) };
      }).then((r) => r.diagnostics),

    validateDataSourceConfig: (typeName, config) =>
      rpc(`Cannot validate data source ${typeName}`, {}, async () => {
        const { definition } = dataSource(typeName);
        return { diagnostics: await validateWith(definition.validate?.bind(definition), config, `Invalid ${typeName} configuration`) };
      }).then((r) => r.diagnostics),

    upgradeResourceState: (typeName, version, rawState) =>
      rpc(`Cannot upgrade the stored state of ${typeName}`, { state: null as Value }, async () => {
        const { definition } = resource(typeName);
        const ctx = baseContext();
        const upgrade = definition.upgradeState;
        const state = upgrade
          ? await guard(ctx.diagnostics, `Cannot upgrade the stored state of ${typeName}`, () =>
              upgrade.call(definition, rawState, version, ctx),
            )
          : rawState;
        return { state: state ?? null, diagnostics: ctx.diagnostics.items };
      }),

    readResource: (typeName, request) =>
      rpc(`Cannot read ${typeName}`, { state: request.state, private: request.private }, async () => {
        const { definition } = resource(typeName);
        const ctx = resourceContext(request.private, request.state, 'read');
        const returned = await guard(ctx.diagnostics, `Cannot read ${typeName}`, () => definition.read({ state: request.state }, ctx));
        const state =
          returned === null
            ? null
            : returned === undefined
              ? request.state
              : completeState(returned, request.state, ctx.diagnostics, typeName);
        return { state, private: privateOf(ctx), diagnostics: ctx.diagnostics.items };
      }),

    planResourceChange: (typeName, request) =>
      rpc(`Cannot plan ${typeName}`, { planned: null, requiresReplace: [], private: request.private }, async () => {
        const { definition, typeSchema } = resource(typeName);
        const { prior, proposed } = request;
        if (proposed === null) return { planned: null, requiresReplace: [], private: request.private, diagnostics: [] };
        const config = request.config ?? {};
        // A configured number that is the prior one computed differently (0.1 * 2 vs 0.2) is no change: plan the prior.
        const planned = prior === null ? cloneValue(proposed) : (keepHeldNumbers(cloneValue(proposed), prior) as ValueObject);
        if (prior === null || !valuesEqual(planned, prior)) markComputedUnknown(typeSchema.block, planned, config);

        const requiresReplace: AttributePath[] = [];
        const requireReplace = (path: AttributePath) => {
          if (!requiresReplace.some((p) => valuesEqual(p as Value, path as Value))) requiresReplace.push(path);
        };
        const ctx: PlanContext<unknown> = { ...resourceContext(request.private, config, prior ? 'update' : 'create'), requireReplace };
        for (const [attribute, modifiers] of Object.entries(definition.planModifiers ?? {})) {
          for (const modifier of modifiers ?? []) {
            const result = await modifier.modify(
              {
                attribute,
                config: config[attribute] ?? null,
                prior: prior?.[attribute] ?? null,
                planned: planned[attribute] ?? null,
                resource: { config, prior, planned },
              },
              ctx,
            );
            if (result?.planned !== undefined) planned[attribute] = result.planned;
            if (result?.requiresReplace) requireReplace([attribute]);
          }
        }
        if (prior !== null && !definition.update) {
          // Without update(), any configured change can only be made by replacing the resource.
          const block = typeSchema.block;
          for (const name of [...Object.keys(block.attributes ?? {}), ...Object.keys(block.block_types ?? {})]) {
            if (name === 'timeouts') continue;
            const computedOnly = block.attributes?.[name]?.computed && (config[name] ?? null) === null;
            // Compare what Terraform proposed, not our plan: unknowns the plan adds for computed values are not changes.
            if (!computedOnly && !valuesEqual(keepHeldNumbers(proposed[name], prior[name]), prior[name])) requireReplace([name]);
          }
        }

        if (definition.modifyPlan) {
          const modifyPlan = definition.modifyPlan;
          await guard(ctx.diagnostics, `Cannot plan ${typeName}`, () => modifyPlan.call(definition, { config, prior, planned }, ctx));
        }
        return { planned, requiresReplace, private: privateOf(ctx), diagnostics: ctx.diagnostics.items };
      }),

    applyResourceChange: (typeName, request) =>
      rpc(`Cannot apply ${typeName}`, { state: request.prior, private: request.private }, async () => {
        const { definition } = resource(typeName);
        const { prior, planned } = request;
        const config = request.config ?? {};
        if (planned === null) {
          if (prior === null) return { state: null, private: null, diagnostics: [] };
          const ctx = resourceContext(request.private, prior, 'delete');
          await guard(ctx.diagnostics, `Cannot delete ${typeName}`, () => definition.delete({ state: prior }, ctx));
          // A failed delete leaves the object in state so a later apply can try again.
          return { state: ctx.diagnostics.hasErrors() ? prior : null, private: privateOf(ctx), diagnostics: ctx.diagnostics.items };
        }
        if (prior === null) {
          const ctx = resourceContext(request.private, config, 'create');
          const returned = await guard(ctx.diagnostics, `Cannot create ${typeName}`, () => definition.create({ config, planned }, ctx));
          // Nothing returned after an error means nothing was created; a returned object is kept (tainted) by Terraform.
          const state =
            returned === undefined && ctx.diagnostics.hasErrors() ? null : completeState(returned, planned, ctx.diagnostics, typeName);
          return { state, private: privateOf(ctx), diagnostics: ctx.diagnostics.items };
        }
        const update = definition.update;
        if (!update) throw new Error(`${typeName} cannot be updated in place; the plan should have replaced it`);
        const ctx = resourceContext(request.private, config, 'update');
        const returned = await guard(ctx.diagnostics, `Cannot update ${typeName}`, () =>
          update.call(definition, { config, planned, prior }, ctx),
        );
        const state =
          returned === undefined && ctx.diagnostics.hasErrors() ? prior : completeState(returned, planned, ctx.diagnostics, typeName);
        return { state, private: privateOf(ctx), diagnostics: ctx.diagnostics.items };
      }),

    importResourceState: (typeName, id) =>
      rpc(`Cannot import ${typeName}`, { imported: [] }, async () => {
        const { definition, typeSchema } = resource(typeName);
        const ctx = resourceContext(null, null, 'read');
        let state: Partial<ValueObject> | undefined;
        if (definition.importState) {
          const importState = definition.importState;
          state = await guard(ctx.diagnostics, `Cannot import ${typeName}`, () => importState.call(definition, id, ctx));
        } else if (typeSchema.block.attributes?.id) {
          state = { id };
        } else {
          ctx.diagnostics.error('Import not supported', `${typeName} cannot be imported.`);
        }
        const imported =
          state && !ctx.diagnostics.hasErrors()
            ? [{ typeName, state: completeState(state, {}, ctx.diagnostics, typeName), private: privateOf(ctx) }]
            : [];
        return { imported, diagnostics: ctx.diagnostics.items };
      }),

    readDataSource: (typeName, config) =>
      rpc(`Cannot read data source ${typeName}`, { state: null }, async () => {
        const { definition } = dataSource(typeName);
        const ctx = { ...baseContext(), client };
        const returned = await guard(ctx.diagnostics, `Cannot read data source ${typeName}`, () => definition.read(config, ctx));
        const state =
          ctx.diagnostics.hasErrors() && returned === undefined ? null : completeState(returned, config, ctx.diagnostics, typeName);
        return { state, diagnostics: ctx.diagnostics.items };
      }),

    stop() {
      stopper.abort(new Error('Terraform asked the provider to stop'));
    },
  };
}
