/** Serves provider definitions to Terraform over plugin protocol 6. */
import { runPlugin } from '../protocol/server';
import type { ProviderDefinitions } from './definitions';
import { createProviderRuntime } from './provider-runtime';
import type { ProviderRuntime } from './runtime';
import { providerSchemaOf, type ProviderSchemaJson, type SchemaDocument } from './schema';

export interface ServeOptions {
  schema: SchemaDocument;
  /** Provider address in the document, e.g. "registry.terraform.io/metalforge/metal"; default: its only provider. */
  address?: string;
}

/**
 * Runs this process as the provider plugin. The handshake environment is checked before definitions are loaded,
 * so running the executable by hand fails fast with an explanation. Definitions given as a loader are loaded on the
 * first operation that needs them: the schema is data, so the handshake and GetProviderSchema need no resource code.
 */
export function serveProvider(
  definitions: ProviderDefinitions | (() => Promise<ProviderDefinitions>),
  options: ServeOptions,
): Promise<void> {
  const { schema } = providerSchemaOf(options.schema, options.address);
  if (typeof definitions !== 'function') return runPlugin(async () => createProviderRuntime(schema, definitions));
  return runPlugin(async () => deferredRuntime(schema, async () => createProviderRuntime(schema, await definitions())));
}

/** A runtime that loads the real one on the first operation that needs it. */
export function deferredRuntime(schema: ProviderSchemaJson, load: () => Promise<ProviderRuntime>): ProviderRuntime {
  let loaded: ProviderRuntime | undefined;
  let loading: Promise<ProviderRuntime> | undefined;
  let stopped = false;
  const runtime = () =>
    (loading ??= load().then((r) => {
      loaded = r;
      if (stopped) r.stop();
      return r;
    }));
  const call =
    <K extends keyof ProviderRuntime>(name: K) =>
    async (...args: unknown[]) =>
      ((await runtime())[name] as (...a: unknown[]) => unknown)(...args);
  return {
    schema,
    validateProviderConfig: call('validateProviderConfig'),
    configureProvider: call('configureProvider'),
    validateResourceConfig: call('validateResourceConfig'),
    validateDataSourceConfig: call('validateDataSourceConfig'),
    upgradeResourceState: call('upgradeResourceState'),
    readResource: call('readResource'),
    planResourceChange: call('planResourceChange'),
    applyResourceChange: call('applyResourceChange'),
    importResourceState: call('importResourceState'),
    readDataSource: call('readDataSource'),
    stop() {
      stopped = true;
      loaded?.stop();
    },
  } as ProviderRuntime;
}
