/**
 * terraform-provider-metal: the executable Terraform starts (bundled by install.ts). The schema is the data in
 * provider-schema/metal.json; resources and data sources come from ./registry.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { embeddedSchemaDocument } from './framework/schema-embedded';
import type { SchemaDocument } from './framework/schema';
import { serveProvider } from './framework/serve';

function schemaDocument(): SchemaDocument {
  return (
    embeddedSchemaDocument ?? (JSON.parse(readFileSync(path.join(__dirname, '../../provider-schema/metal.json'), 'utf8')) as SchemaDocument)
  );
}

void serveProvider(async () => (await import('./registry')).definitions, {
  schema: schemaDocument(),
  address: 'registry.terraform.io/metalforge/metal',
});
