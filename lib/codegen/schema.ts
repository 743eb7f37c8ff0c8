/** Loads provider-schema/ — the one source of truth for the provider's surface — with the types codegen needs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type CtyType = string | [string, CtyType] | ['object', Record<string, CtyType>];

export interface SchemaAttribute {
  type: CtyType;
  description: string;
  description_kind?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
}

export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, NestedBlock>;
  description?: string;
  description_kind?: string;
}

export interface NestedBlock {
  nesting_mode: 'single' | 'list' | 'set' | 'map' | 'group';
  block: SchemaBlock;
  min_items?: number;
  max_items?: number;
}

export interface SchemaEntry {
  version: number;
  block: SchemaBlock;
}

export interface ProviderSchemaEntry {
  provider: SchemaEntry;
  resource_schemas: Record<string, SchemaEntry>;
  data_source_schemas: Record<string, SchemaEntry>;
}

/** provider-schema/metal.json: exactly what `terraform providers schema -json` prints. */
export interface ProviderSchemaFile {
  format_version: string;
  provider_schemas: Record<string, ProviderSchemaEntry>;
}

/** provider-schema/provider.json: the source and version the bindings pin in required_providers. */
export interface ProviderPin {
  source: string;
  version: string;
}

export const SCHEMA_DIR = join(__dirname, '..', '..', 'provider-schema');

export function loadSchemaFile(dir = SCHEMA_DIR): ProviderSchemaFile {
  return JSON.parse(readFileSync(join(dir, 'metal.json'), 'utf8')) as ProviderSchemaFile;
}

export function loadProviderPin(dir = SCHEMA_DIR): ProviderPin {
  return JSON.parse(readFileSync(join(dir, 'provider.json'), 'utf8')) as ProviderPin;
}

/** The single provider entry of the schema file, with its fully qualified name. */
export function metalProvider(file: ProviderSchemaFile): { fqpn: string; schema: ProviderSchemaEntry } {
  const entries = Object.entries(file.provider_schemas);
  if (entries.length !== 1) {
    throw new Error(`provider-schema/metal.json must hold exactly one provider, found ${entries.length}`);
  }
  const [fqpn, schema] = entries[0];
  return { fqpn, schema };
}
