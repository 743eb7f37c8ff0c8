/**
 * Generates the cdktf L1 bindings (lib/gen) from provider-schema/metal.json, without running a provider:
 * @cdktf/provider-generator reads the schema file directly. The same run writes the provider's models
 * (lib/provider/generated/models.ts, see provider-models.ts): both are the schema's types, for each side of it.
 * Run: npx tsx lib/codegen/bindings.ts [outdir]
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ProviderSchema } from '@cdktf/commons';
import { generateProviderModels, PROVIDER_MODELS_FILE } from './provider-models';
import { loadProviderPin, loadSchemaFile, metalProvider, SCHEMA_DIR } from './schema';

export const GEN_DIR = join(__dirname, '..', 'gen');

/** How to regenerate lib/gen and the provider's models; shown by the staleness test. */
export const REGENERATE_BINDINGS = 'npx tsx lib/codegen/bindings.ts';

/**
 * The generator writes for its own compiler settings; the project compiles with noImplicitOverride, so the
 * members the generated classes override get the keyword.
 */
const OVERRIDE_FIXES: ReadonlyArray<[string, string]> = [
  [
    'constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean)',
    'constructor(protected override terraformResource: cdktf.IInterpolatingParent, protected override terraformAttribute: string, protected override wrapsSet: boolean)',
  ],
  ['  protected synthesizeAttributes()', '  protected override synthesizeAttributes()'],
  ['  protected synthesizeHclAttributes()', '  protected override synthesizeHclAttributes()'],
  ['  public get alias()', '  public override get alias()'],
  ['  public set alias(', '  public override set alias('],
];

/** Writes the bindings into outdir (its providers/ folder replaced), laid out as `<outdir>/providers/metal/...`. */
export async function generateBindings(outdir: string = GEN_DIR, schemaDir: string = SCHEMA_DIR): Promise<void> {
  // @cdktf/commons runs `terraform version` when loaded, which warns on stderr when the CLI config file is missing.
  if (!process.env.TF_CLI_CONFIG_FILE || !existsSync(process.env.TF_CLI_CONFIG_FILE)) {
    process.env.TF_CLI_CONFIG_FILE = '/dev/null';
  }
  const { ConstructsMakerProviderTarget, LANGUAGES, TerraformProviderConstraint } = await import('@cdktf/commons');
  // The package index require()s jsii-pacmak; the generator module alone does not.
  const generatorPath = require.resolve('@cdktf/provider-generator/lib/get/generator/provider-generator');
  const { TerraformProviderGenerator } = await import(generatorPath);
  // CodeMaker must be the copy the generator was built against (it has its own nested version).
  const { CodeMaker } = createRequire(generatorPath)('codemaker');

  const file = loadSchemaFile(schemaDir);
  const pin = loadProviderPin(schemaDir);
  const { fqpn } = metalProvider(file);
  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, {
    ...file,
    provider_versions: { [fqpn]: pin.version },
  } as unknown as ProviderSchema);
  const name = pin.source.split('/').pop() as string;
  const constraint = new TerraformProviderConstraint({ name, source: pin.source, version: pin.version });
  generator.generate(new ConstructsMakerProviderTarget(constraint, LANGUAGES[0]));
  rmSync(join(outdir, 'providers'), { recursive: true, force: true });
  await generator.save(outdir);
  for (const path of tsFiles(join(outdir, 'providers'))) {
    const source = readFileSync(path, 'utf8');
    const fixed = OVERRIDE_FIXES.reduce((text, [from, to]) => text.split(from).join(to), source);
    if (fixed !== source) writeFileSync(path, fixed);
  }
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

if (require.main === module) {
  const outdir = process.argv[2] ?? GEN_DIR;
  generateBindings(outdir).then(
    () => {
      generateProviderModels();
      console.log(`bindings written to ${outdir}, provider models to ${PROVIDER_MODELS_FILE}`);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
