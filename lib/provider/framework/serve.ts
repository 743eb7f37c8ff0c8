/** Serves provider definitions to Terraform over plugin protocol 6. */
import { runPlugin } from '../protocol/server';
import type { ProviderDefinitions } from './definitions';
import { createProviderRuntime } from './provider-runtime';
import { providerSchemaOf, type SchemaDocument } from './schema';

export interface ServeOptions {
  schema: SchemaDocument;
  /** Provider address in the document, e.g. "registry.terraform.io/metalforge/metal"; default: its only provider. */
  address?: string;
}

/**
 * Runs this process as the provider plugin. The handshake environment is checked before definitions are loaded,
 * so running the executable by hand fails fast with an explanation.
 */
export function serveProvider(definitions: ProviderDefinitions | (() => Promise<ProviderDefinitions>), options: ServeOptions): Promise<void> {
  const { schema } = providerSchemaOf(options.schema, options.address);
  return runPlugin(async () => createProviderRuntime(schema, typeof definitions === 'function' ? await definitions() : definitions));
}
