/** The provider framework's public surface: what lib/provider/resources and data-sources build on. */
export * from './definitions';
export * from './diagnostics';
export * from './plan-modifiers';
export * from './timeouts';
export * from './values';
export type { PrivateData } from './runtime';
export type { AttributeJson, BlockJson, BlockTypeJson, SchemaDocument, SchemaJson } from './schema';
export { serveProvider, type ServeOptions } from './serve';
