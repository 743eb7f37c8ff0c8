/**
 * The schema document built into a provider executable. Empty in the source tree, where main.ts reads
 * provider-schema/metal.json; installProvider's bundle replaces this module with the document's content.
 */
import type { SchemaDocument } from './schema';

export const embeddedSchemaDocument: SchemaDocument | undefined = undefined;
