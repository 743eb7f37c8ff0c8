/**
 * Generates registry-layout docs (docs/index.md, docs/resources/<name>.md, docs/data-sources/<name>.md) from
 * provider-schema/: the reference comes from the schema's descriptions, the example from provider-schema/examples,
 * and how a change of each resource attribute applies (forces replacement, updates in place) from the plan
 * modifiers of the provider's resource definitions.
 * Run: npx tsx lib/codegen/docs.ts [outdir]
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changeDescriptions } from '../provider/framework/plan-modifiers';
import { definitions } from '../provider/registry';
import { CtyType, loadProviderPin, loadSchemaFile, metalProvider, NestedBlock, SCHEMA_DIR, SchemaAttribute, SchemaBlock } from './schema';

export const DOCS_DIR = join(__dirname, '..', '..', 'docs');

/** How to regenerate; shown by the staleness test. */
export const REGENERATE_DOCS = 'npx tsx lib/codegen/docs.ts';

type Kind = 'resource' | 'data-source';

/** How a change of a top-level attribute or block applies, for resources (see changeDescriptions). */
type ChangeNotes = (name: string, argument: boolean) => string[];

const KIND_TITLE: Record<Kind, string> = { resource: 'Resource', 'data-source': 'Data Source' };
const KIND_DIR: Record<Kind, string> = { resource: 'resources', 'data-source': 'data-sources' };

/** Returns docs as a map from path (relative to the docs root) to content. */
export function renderDocs(schemaDir: string = SCHEMA_DIR): Map<string, string> {
  const file = loadSchemaFile(schemaDir);
  const pin = loadProviderPin(schemaDir);
  const { schema } = metalProvider(file);
  const pages = new Map<string, string>();
  const example = (rel: string): string | undefined => {
    const path = join(schemaDir, 'examples', rel);
    return existsSync(path) ? readFileSync(path, 'utf8').trimEnd() : undefined;
  };

  pages.set(
    'index.md',
    renderIndex(pin.source, schema.provider.block, example('provider.tf'), {
      resource: Object.keys(schema.resource_schemas),
      'data-source': Object.keys(schema.data_source_schemas),
    }),
  );
  const groups: Array<[Kind, Record<string, { block: SchemaBlock }>]> = [
    ['resource', schema.resource_schemas],
    ['data-source', schema.data_source_schemas],
  ];
  for (const [kind, entries] of groups) {
    for (const [type, entry] of Object.entries(entries)) {
      const ex = example(`${KIND_DIR[kind]}/${type}.tf`);
      if (!ex) {
        throw new Error(`no example for ${kind} ${type}: add provider-schema/examples/${KIND_DIR[kind]}/${type}.tf`);
      }
      pages.set(
        `${KIND_DIR[kind]}/${shortName(type)}.md`,
        renderPage(pin.source, kind, type, entry.block, ex, kind === 'resource' ? changeNotes(type) : undefined),
      );
    }
  }
  return pages;
}

/** Writes the docs into outdir, replacing the generated pages. */
export function generateDocs(outdir: string = DOCS_DIR, schemaDir: string = SCHEMA_DIR): void {
  for (const dir of Object.values(KIND_DIR)) rmSync(join(outdir, dir), { recursive: true, force: true });
  for (const [rel, content] of renderDocs(schemaDir)) {
    const path = join(outdir, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
}

function changeNotes(type: string): ChangeNotes {
  const definition = definitions.resources.find((d) => d.typeName === type);
  if (!definition) throw new Error(`no definition for resource ${type} in lib/provider/registry.ts`);
  return (name, argument) => changeDescriptions(definition, name, argument);
}

function shortName(type: string): string {
  return type.replace(/^metal_/, '');
}

function renderIndex(source: string, block: SchemaBlock, example: string | undefined, names: Record<Kind, string[]>): string {
  const lines = [
    '---',
    `page_title: "Provider: ${source}"`,
    'description: |-',
    `  ${block.description ?? ''}`,
    '---',
    '',
    '# metal Provider',
    '',
    block.description ?? '',
    '',
    'Existing `metal_*` configurations written for the equinix/metal provider apply with only the provider',
    `source changed to \`${source}\`. For cdktf, see the L2 constructs in [constructs.md](constructs.md).`,
    '',
  ];
  if (example) lines.push('## Example Usage', '', '```terraform', example, '```', '');
  lines.push(...renderBlock(block, 'Schema'));
  for (const kind of ['resource', 'data-source'] as Kind[]) {
    lines.push(`## ${KIND_TITLE[kind]}s`, '');
    for (const type of names[kind]) lines.push(`- [${type}](${KIND_DIR[kind]}/${shortName(type)}.md)`);
    lines.push('');
  }
  return lines.join('\n');
}

function renderPage(source: string, kind: Kind, type: string, block: SchemaBlock, example: string, notes?: ChangeNotes): string {
  return [
    '---',
    `page_title: "${type} ${KIND_TITLE[kind]} - ${source}"`,
    'description: |-',
    `  ${block.description ?? ''}`,
    '---',
    '',
    `# ${type} (${KIND_TITLE[kind]})`,
    '',
    block.description ?? '',
    '',
    '## Example Usage',
    '',
    '```terraform',
    example,
    '```',
    '',
    ...renderBlock(block, 'Schema', undefined, notes),
  ].join('\n');
}

/** tfplugindocs-style sections: Required, Optional, Read-Only, then one section per nested block. */
function renderBlock(block: SchemaBlock, title: string, anchor?: string, notes?: ChangeNotes): string[] {
  const attrs = Object.entries(block.attributes ?? {});
  const blocks = Object.entries(block.block_types ?? {});
  const out = [anchor ? `<a id="${anchor}"></a>` : '', `## ${title}`, ''].filter((l, i) => i > 0 || l);
  const section = (name: string, pick: (a: SchemaAttribute) => boolean, withBlocks: (b: NestedBlock) => boolean) => {
    const items = [
      ...attrs
        .filter(([, a]) => pick(a))
        .map(([n, a]): [string, string] => [n, attributeLine(n, a, anchor, notes?.(n, !!(a.required || a.optional)))]),
      ...blocks.filter(([, b]) => withBlocks(b)).map(([n, b]): [string, string] => [n, blockLine(n, b, anchor, notes?.(n, true))]),
    ]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, line]) => line);
    if (items.length) out.push(`### ${name}`, '', ...items, '');
  };
  section(
    'Required',
    (a) => !!a.required,
    (b) => (b.min_items ?? 0) > 0,
  );
  section(
    'Optional',
    (a) => !!a.optional,
    (b) => (b.min_items ?? 0) === 0,
  );
  section(
    'Read-Only',
    (a) => !!a.computed && !a.optional && !a.required,
    () => false,
  );
  for (const [name, nested] of blocks) {
    const id = `${anchor ? `${anchor}--` : 'nestedblock--'}${name}`;
    out.push(...renderBlock(nested.block, `Nested Schema for \`${anchor ? `${anchorPath(anchor)}.` : ''}${name}\``, id));
  }
  for (const [name, attr] of attrs) {
    const objectType = elementObject(attr.type);
    if (objectType) {
      const id = `${anchor ? `${anchor}--` : 'nestedatt--'}${name}`;
      out.push(`<a id="${id}"></a>`, `## Nested Schema for \`${name}\``, '', 'Read-Only:', '');
      for (const [field, t] of Object.entries(objectType)) out.push(`- \`${field}\` (${typeName(t)})`);
      out.push('');
    }
  }
  return out;
}

function anchorPath(anchor: string): string {
  return anchor
    .replace(/^nested(block|att)--/, '')
    .split('--')
    .join('.');
}

function attributeLine(name: string, attr: SchemaAttribute, anchor?: string, notes: string[] = []): string {
  const flags = [typeName(attr.type), attr.sensitive ? 'Sensitive' : '', attr.deprecated ? 'Deprecated' : '', ...notes.map(capital)]
    .filter(Boolean)
    .join(', ');
  const nested = elementObject(attr.type) ? ` (see [below for nested schema](#${anchor ? `${anchor}--` : 'nestedatt--'}${name}))` : '';
  return `- \`${name}\` (${flags}) ${attr.description}${nested}`;
}

function blockLine(name: string, nested: NestedBlock, anchor?: string, notes: string[] = []): string {
  const mode = nested.nesting_mode === 'single' ? 'Block' : `Block ${capital(nested.nesting_mode)}`;
  const max = nested.max_items ? `, Max: ${nested.max_items}` : '';
  const id = `${anchor ? `${anchor}--` : 'nestedblock--'}${name}`;
  const flags = [`${mode}${max}`, ...notes.map(capital)].join(', ');
  return `- \`${name}\` (${flags}) ${nested.block.description ?? ''} (see [below for nested schema](#${id}))`;
}

function elementObject(type: CtyType): Record<string, CtyType> | undefined {
  if (!Array.isArray(type)) return undefined;
  if (type[0] === 'object') return type[1] as Record<string, CtyType>;
  return elementObject(type[1] as CtyType);
}

function typeName(type: CtyType): string {
  if (typeof type === 'string') return { string: 'String', number: 'Number', bool: 'Boolean' }[type] ?? capital(type);
  if (type[0] === 'object') return 'Object';
  return `${capital(type[0])} of ${typeName(type[1] as CtyType)}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

if (require.main === module) {
  const outdir = process.argv[2] ?? DOCS_DIR;
  generateDocs(outdir);
  console.log(`docs written to ${outdir}`);
}
