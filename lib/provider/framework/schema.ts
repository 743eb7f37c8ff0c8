/**
 * The provider schema as data, in the shape `terraform providers schema -json` prints
 * (provider-schema/metal.json is one such document), and the value types it implies.
 */

/** A cty type constraint in its JSON form: "string", ["list","string"], ["object",{...}], "dynamic". */
export type CtyTypeJson = string | [string, unknown] | [string, unknown, unknown];

export interface NestedTypeJson {
  attributes: Record<string, AttributeJson>;
  nesting_mode: 'single' | 'list' | 'set' | 'map';
}

export interface AttributeJson {
  type?: CtyTypeJson;
  nested_type?: NestedTypeJson;
  description?: string;
  description_kind?: 'plain' | 'markdown';
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
  write_only?: boolean;
}

export interface BlockTypeJson {
  nesting_mode: 'single' | 'group' | 'list' | 'set' | 'map';
  block: BlockJson;
  min_items?: number;
  max_items?: number;
}

export interface BlockJson {
  attributes?: Record<string, AttributeJson>;
  block_types?: Record<string, BlockTypeJson>;
  description?: string;
  description_kind?: 'plain' | 'markdown';
  deprecated?: boolean;
}

export interface SchemaJson {
  version: number;
  block: BlockJson;
}

export interface ProviderSchemaJson {
  provider: SchemaJson;
  resource_schemas?: Record<string, SchemaJson>;
  data_source_schemas?: Record<string, SchemaJson>;
}

export interface SchemaDocument {
  format_version?: string;
  provider_schemas: Record<string, ProviderSchemaJson>;
}

/** A value type: a cty type, plus whether a collection comes from a nested block (never null on the wire). */
export type ValueType =
  | { kind: 'string' | 'number' | 'bool' | 'dynamic' }
  | { kind: 'list' | 'set' | 'map'; element: ValueType; block?: true }
  | { kind: 'object'; attributes: Record<string, ValueType> }
  | { kind: 'tuple'; elements: ValueType[] };

export function typeFromCty(json: unknown): ValueType {
  if (json === 'string' || json === 'number' || json === 'bool' || json === 'dynamic') return { kind: json };
  if (Array.isArray(json)) {
    const [kind, argument] = json;
    if (kind === 'list' || kind === 'set' || kind === 'map') return { kind, element: typeFromCty(argument) };
    if (kind === 'object' && typeof argument === 'object' && argument !== null) {
      const attributes: Record<string, ValueType> = {};
      for (const [name, t] of Object.entries(argument)) attributes[name] = typeFromCty(t);
      return { kind: 'object', attributes };
    }
    if (kind === 'tuple' && Array.isArray(argument)) return { kind: 'tuple', elements: argument.map(typeFromCty) };
  }
  throw new Error(`unsupported type constraint ${JSON.stringify(json)}`);
}

export function typeToCty(type: ValueType): CtyTypeJson {
  switch (type.kind) {
    case 'list':
    case 'set':
    case 'map':
      return [type.kind, typeToCty(type.element)];
    case 'object':
      return ['object', Object.fromEntries(Object.entries(type.attributes).map(([n, t]) => [n, typeToCty(t)]))];
    case 'tuple':
      return ['tuple', type.elements.map(typeToCty)];
    default:
      return type.kind;
  }
}

export function attributeType(attribute: AttributeJson): ValueType {
  if (attribute.nested_type) {
    const object: ValueType = { kind: 'object', attributes: attributesType(attribute.nested_type.attributes) };
    const mode = attribute.nested_type.nesting_mode;
    return mode === 'single' ? object : { kind: mode, element: object };
  }
  if (attribute.type === undefined) throw new Error('attribute has neither type nor nested_type');
  return typeFromCty(attribute.type);
}

function attributesType(attributes: Record<string, AttributeJson>): Record<string, ValueType> {
  const types: Record<string, ValueType> = {};
  for (const [name, attribute] of Object.entries(attributes)) types[name] = attributeType(attribute);
  return types;
}

/** The object type of a block's value: its attributes plus one entry per nested block type. */
export function blockType(block: BlockJson): ValueType & { kind: 'object' } {
  const attributes = attributesType(block.attributes ?? {});
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const object = blockType(nested.block);
    attributes[name] =
      nested.nesting_mode === 'single' || nested.nesting_mode === 'group'
        ? object
        : { kind: nested.nesting_mode, element: object, block: true };
  }
  return { kind: 'object', attributes };
}

/** The single provider entry of a schema document (this project serves one provider per document). */
export function providerSchemaOf(document: SchemaDocument, address?: string): { address: string; schema: ProviderSchemaJson } {
  const entries = Object.entries(document.provider_schemas ?? {});
  const found = address ? entries.find(([a]) => a === address) : entries[0];
  if (!found) throw new Error(`schema document has no provider ${address ?? ''}`.trim());
  return { address: found[0], schema: found[1] };
}
