/**
 * tfplugin6.Provider handlers: one function per RPC, taking and returning protocol messages. Each decodes
 * DynamicValues with the schema, calls the ProviderRuntime with plain values and encodes the answer.
 * A failure anywhere becomes an error diagnostic in the response, never a crashed process.
 */
import type { AttributePath, Diagnostic } from '../framework/diagnostics';
import type { PrivateData, ProviderRuntime } from '../framework/runtime';
import { blockType, type SchemaJson, type ValueType } from '../framework/schema';
import { isObjectValue, type Value, type ValueObject } from '../framework/values';
import { decodeDynamicValue, decodeJsonValue, encodeDynamicValue, type WireDynamicValue } from './dynamic-value';
import { providerSchemaResponse } from './schema-message';

// Protocol messages as @grpc/proto-loader delivers them (keepCase, enums as strings, bytes as Buffers): shaped by
// the .proto files at run time, so their fields are read without static types, in this layer only.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Message = Record<string, any>;
export type ProviderService = Record<string, (request: Message) => Promise<Message>>;

interface WireAttributePath {
  steps: ({ attribute_name: string } | { element_key_string: string } | { element_key_int: number })[];
}

export function toWirePath(path: AttributePath): WireAttributePath {
  return {
    steps: path.map((step) =>
      typeof step === 'string'
        ? { attribute_name: step }
        : typeof step === 'number'
          ? { element_key_int: step }
          : { element_key_string: step.key },
    ),
  };
}

export function toWireDiagnostics(diagnostics: Diagnostic[]): Message[] {
  return diagnostics.map((d) => ({
    severity: d.severity === 'error' ? 'ERROR' : 'WARNING',
    summary: d.summary,
    detail: d.detail ?? '',
    attribute: d.path && d.path.length > 0 ? toWirePath(d.path) : null,
  }));
}

function errorDiagnostics(error: unknown, rpc: string): Message[] {
  const detail = error instanceof Error ? error.message : String(error);
  return toWireDiagnostics([{ severity: 'error', summary: `terraform-provider-metal: ${rpc} failed`, detail }]);
}

function encodePrivate(data: PrivateData | null): Buffer {
  return data && Object.keys(data).length > 0 ? Buffer.from(JSON.stringify(data)) : Buffer.alloc(0);
}

function decodePrivate(bytes: Buffer | Uint8Array | undefined | null): PrivateData | null {
  if (!bytes || bytes.length === 0) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as PrivateData) : null;
  } catch {
    return null; // private data written by another provider build is not ours to interpret
  }
}

export function createProviderService(runtime: ProviderRuntime): ProviderService {
  const types = new Map<string, ValueType>();
  const typeOf = (kind: 'resource' | 'data source', schemas: Record<string, SchemaJson> | undefined, name: string): ValueType => {
    const key = `${kind}:${name}`;
    const cached = types.get(key);
    if (cached) return cached;
    const schema = schemas?.[name];
    if (!schema) throw new Error(`this provider has no ${kind} type "${name}"`);
    const type = blockType(schema.block);
    types.set(key, type);
    return type;
  };
  const providerBlockType = blockType(runtime.schema.provider.block);
  const providerType = () => providerBlockType;
  const resourceType = (name: string) => typeOf('resource', runtime.schema.resource_schemas, name);
  const dataSourceType = (name: string) => typeOf('data source', runtime.schema.data_source_schemas, name);
  const decodeObject = (wire: WireDynamicValue | null | undefined, type: ValueType): ValueObject | null => {
    const value = decodeDynamicValue(wire, type);
    return isObjectValue(value) ? value : null;
  };
  const decodeRequired = (wire: WireDynamicValue | null | undefined, type: ValueType): ValueObject => decodeObject(wire, type) ?? {};
  const encode = (value: Value, type: ValueType) => encodeDynamicValue(value, type);

  let schemaResponse: Message | undefined;

  /** Wraps a handler so that any failure is answered as diagnostics in the RPC's own response shape. */
  const guarded =
    (rpc: string, handler: (request: Message) => Promise<Message>) =>
    async (request: Message): Promise<Message> => {
      try {
        return await handler(request);
      } catch (error) {
        return { diagnostics: errorDiagnostics(error, rpc) };
      }
    };

  const handlers: ProviderService = {
    GetMetadata: async () => ({
      server_capabilities: { plan_destroy: true, get_provider_schema_optional: true, move_resource_state: false },
      diagnostics: [],
      resources: Object.keys(runtime.schema.resource_schemas ?? {}).map((type_name) => ({ type_name })),
      data_sources: Object.keys(runtime.schema.data_source_schemas ?? {}).map((type_name) => ({ type_name })),
      functions: [],
      ephemeral_resources: [],
    }),

    GetProviderSchema: async () => (schemaResponse ??= providerSchemaResponse(runtime.schema)),

    ValidateProviderConfig: async (request) => ({
      diagnostics: toWireDiagnostics(await runtime.validateProviderConfig(decodeRequired(request.config, providerType()))),
    }),

    ConfigureProvider: async (request) => ({
      diagnostics: toWireDiagnostics(
        await runtime.configureProvider(decodeRequired(request.config, providerType()), request.terraform_version ?? ''),
      ),
    }),

    ValidateResourceConfig: async (request) => ({
      diagnostics: toWireDiagnostics(
        await runtime.validateResourceConfig(request.type_name, decodeRequired(request.config, resourceType(request.type_name))),
      ),
    }),

    ValidateDataResourceConfig: async (request) => ({
      diagnostics: toWireDiagnostics(
        await runtime.validateDataSourceConfig(request.type_name, decodeRequired(request.config, dataSourceType(request.type_name))),
      ),
    }),

    UpgradeResourceState: async (request) => {
      const type = resourceType(request.type_name);
      const json: Buffer | undefined = request.raw_state?.json;
      if (!json || json.length === 0) {
        return {
          diagnostics: toWireDiagnostics([
            {
              severity: 'error',
              summary: 'Unsupported legacy state',
              detail: `The stored state of ${request.type_name} is in the flatmap format of Terraform 0.11, which this provider does not read. Re-import the resource.`,
            },
          ]),
        };
      }
      const result = await runtime.upgradeResourceState(request.type_name, Number(request.version ?? 0), decodeJsonValue(json));
      return { upgraded_state: encode(result.state, type), diagnostics: toWireDiagnostics(result.diagnostics) };
    },

    ReadResource: async (request) => {
      const type = resourceType(request.type_name);
      const state = decodeObject(request.current_state, type);
      if (!state) return { new_state: encode(null, type), private: request.private ?? Buffer.alloc(0), diagnostics: [] };
      const result = await runtime.readResource(request.type_name, { state, private: decodePrivate(request.private) });
      return {
        new_state: encode(result.state, type),
        private: encodePrivate(result.private),
        diagnostics: toWireDiagnostics(result.diagnostics),
      };
    },

    PlanResourceChange: async (request) => {
      const type = resourceType(request.type_name);
      const result = await runtime.planResourceChange(request.type_name, {
        prior: decodeObject(request.prior_state, type),
        proposed: decodeObject(request.proposed_new_state, type),
        config: decodeObject(request.config, type),
        private: decodePrivate(request.prior_private),
      });
      return {
        planned_state: encode(result.planned, type),
        requires_replace: result.requiresReplace.map(toWirePath),
        planned_private: encodePrivate(result.private),
        diagnostics: toWireDiagnostics(result.diagnostics),
      };
    },

    ApplyResourceChange: async (request) => {
      const type = resourceType(request.type_name);
      const result = await runtime.applyResourceChange(request.type_name, {
        prior: decodeObject(request.prior_state, type),
        planned: decodeObject(request.planned_state, type),
        config: decodeObject(request.config, type),
        private: decodePrivate(request.planned_private),
      });
      return {
        new_state: encode(result.state, type),
        private: encodePrivate(result.private),
        diagnostics: toWireDiagnostics(result.diagnostics),
      };
    },

    ImportResourceState: async (request) => {
      const result = await runtime.importResourceState(request.type_name, request.id ?? '');
      return {
        imported_resources: result.imported.map((item) => ({
          type_name: item.typeName,
          state: encode(item.state, resourceType(item.typeName)),
          private: encodePrivate(item.private),
        })),
        diagnostics: toWireDiagnostics(result.diagnostics),
      };
    },

    MoveResourceState: async (request) => ({
      diagnostics: toWireDiagnostics([
        {
          severity: 'error',
          summary: 'Move not supported',
          detail: `terraform-provider-metal cannot move state from ${request.source_type_name} to ${request.target_type_name}; use terraform import instead.`,
        },
      ]),
    }),

    ReadDataSource: async (request) => {
      const type = dataSourceType(request.type_name);
      const result = await runtime.readDataSource(request.type_name, decodeRequired(request.config, type));
      return { state: encode(result.state, type), diagnostics: toWireDiagnostics(result.diagnostics) };
    },

    GetFunctions: async () => ({ functions: {}, diagnostics: [] }),

    StopProvider: async () => {
      runtime.stop();
      return { Error: '' };
    },
  };

  return Object.fromEntries(Object.entries(handlers).map(([rpc, handler]) => [rpc, guarded(rpc, handler)]));
}
