/** The provider schema document (data) as tfplugin6 Schema messages. */
import type { AttributeJson, BlockJson, ProviderSchemaJson, SchemaJson } from '../framework/schema';

type Message = Record<string, unknown>;

const NESTING: Record<string, string> = { single: 'SINGLE', group: 'GROUP', list: 'LIST', set: 'SET', map: 'MAP' };

function descriptionKind(kind: string | undefined): string {
  return kind === 'markdown' ? 'MARKDOWN' : 'PLAIN';
}

function attributeMessage(name: string, attribute: AttributeJson): Message {
  return {
    name,
    type: attribute.nested_type ? Buffer.alloc(0) : Buffer.from(JSON.stringify(attribute.type)),
    nested_type: attribute.nested_type
      ? {
          attributes: sortedEntries(attribute.nested_type.attributes).map(([n, a]) => attributeMessage(n, a)),
          nesting: NESTING[attribute.nested_type.nesting_mode],
        }
      : null,
    description: attribute.description ?? '',
    description_kind: descriptionKind(attribute.description_kind),
    required: attribute.required ?? false,
    optional: attribute.optional ?? false,
    computed: attribute.computed ?? false,
    sensitive: attribute.sensitive ?? false,
    deprecated: attribute.deprecated ?? false,
    write_only: attribute.write_only ?? false,
  };
}

function blockMessage(block: BlockJson, version: number): Message {
  return {
    version,
    attributes: sortedEntries(block.attributes ?? {}).map(([n, a]) => attributeMessage(n, a)),
    block_types: sortedEntries(block.block_types ?? {}).map(([typeName, nested]) => ({
      type_name: typeName,
      block: blockMessage(nested.block, 0),
      nesting: NESTING[nested.nesting_mode],
      min_items: nested.min_items ?? 0,
      max_items: nested.max_items ?? 0,
    })),
    description: block.description ?? '',
    description_kind: descriptionKind(block.description_kind),
    deprecated: block.deprecated ?? false,
  };
}

export function schemaMessage(schema: SchemaJson): Message {
  return { version: schema.version ?? 0, block: blockMessage(schema.block, schema.version ?? 0) };
}

export function providerSchemaResponse(schema: ProviderSchemaJson): Message {
  const map = (schemas: Record<string, SchemaJson> | undefined) =>
    Object.fromEntries(Object.entries(schemas ?? {}).map(([name, s]) => [name, schemaMessage(s)]));
  return {
    provider: schemaMessage(schema.provider),
    resource_schemas: map(schema.resource_schemas),
    data_source_schemas: map(schema.data_source_schemas),
    functions: {},
    ephemeral_resource_schemas: {},
    diagnostics: [],
    server_capabilities: { plan_destroy: true, get_provider_schema_optional: true, move_resource_state: false },
  };
}

function sortedEntries<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
