/**
 * Installs terraform-provider-metal into a project: an esbuild single-file bundle in a filesystem mirror under
 * <projectDir>/.metalforge, plus a Terraform CLI config that takes metalforge providers from that mirror, so
 * `terraform init` works offline. Rebuilds only when an input of the last build changed.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { LOADER_OPTIONS, PROTO_DIR, PROTO_FILES } from './protocol/definitions';

const PROJECT_ROOT = path.resolve(__dirname, '../..');
const HOSTNAME = 'registry.terraform.io';
const NAMESPACE = 'metalforge';
const TYPE = 'metal';
const PLATFORM = 'linux_amd64';

export interface InstallOptions {
  projectDir: string;
  /** Entry module of the provider executable; default lib/provider/main.ts. */
  entry?: string;
  /** Schema document embedded in the executable; default provider-schema/metal.json. */
  schemaPath?: string;
  /** Default: provider.json next to the schema, else package.json. */
  version?: string;
}

export interface InstalledProvider {
  executable: string;
  version: string;
  /** The filesystem mirror directory named in the CLI config. */
  mirrorDir: string;
  cliConfigFile: string;
  /** False when this call built the executable, true when the existing one was current. */
  upToDate: boolean;
  /** Terraform's package checksum of the installed build (the `h1:` entry of .terraform.lock.hcl). */
  packageHash: string;
}

interface BuildStamp {
  executable: string;
  inputs: string[];
  digest: string;
}

export function metalforgeDir(projectDir: string): string {
  return path.join(path.resolve(projectDir), '.metalforge');
}

/** Environment for running terraform against the project's own CLI config (offline, no update checks). */
export function terraformEnv(projectDir: string): { TF_CLI_CONFIG_FILE: string; CHECKPOINT_DISABLE: '1'; TF_IN_AUTOMATION: '1' } {
  return { TF_CLI_CONFIG_FILE: path.join(metalforgeDir(projectDir), 'terraform.rc'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
}

function providerVersion(schemaPath: string): string {
  const candidates = [path.join(path.dirname(schemaPath), 'provider.json'), path.join(PROJECT_ROOT, 'package.json')];
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const version: unknown = JSON.parse(readFileSync(file, 'utf8')).version;
    if (typeof version === 'string' && /^\d+\.\d+\.\d+/.test(version)) return version;
  }
  throw new Error(`no provider version found in ${candidates.join(' or ')}`);
}

function digestOf(files: string[], extra: string): string {
  const hash = createHash('sha256').update(extra);
  for (const file of files) {
    hash.update(file);
    hash.update(existsSync(file) ? readFileSync(file) : 'missing');
  }
  return hash.digest('hex');
}

/** The protobufjs JSON descriptor of the .proto files, so the executable does not parse .proto text at start. */
function protoDescriptor(): unknown {
  // protobufjs is @grpc/proto-loader's own parser; take the copy it uses.
  const protobufjs = require(require.resolve('protobufjs', { paths: [path.dirname(require.resolve('@grpc/proto-loader'))] }));
  const root = new protobufjs.Root();
  root.loadSync(PROTO_FILES.map((file) => path.join(PROTO_DIR, file)), { keepCase: LOADER_OPTIONS.keepCase });
  root.resolveAll();
  return root.toJSON();
}

function embedPlugin(schemaText: string): esbuild.Plugin {
  return {
    name: 'metal-embed',
    setup(build) {
      build.onLoad({ filter: /[\\/]protocol[\\/]proto-embedded\.ts$/ }, () => ({
        contents: `export const embeddedProtoDescriptor = ${JSON.stringify(protoDescriptor())};`,
        loader: 'ts',
      }));
      build.onLoad({ filter: /[\\/]framework[\\/]schema-embedded\.ts$/ }, () => ({
        contents: `export const embeddedSchemaDocument = ${schemaText};`,
        loader: 'ts',
      }));
    },
  };
}

function writeIfChanged(file: string, content: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  writeFileSync(file, content);
}

export async function installProvider(options: InstallOptions): Promise<InstalledProvider> {
  const baseDir = metalforgeDir(options.projectDir);
  const entry = path.resolve(options.entry ?? path.join(__dirname, 'main.ts'));
  const schemaPath = path.resolve(options.schemaPath ?? path.join(PROJECT_ROOT, 'provider-schema', 'metal.json'));
  const version = options.version ?? providerVersion(schemaPath);
  const mirrorDir = path.join(baseDir, 'plugins');
  const typeDir = path.join(mirrorDir, HOSTNAME, NAMESPACE, TYPE);
  const executable = path.join(typeDir, version, PLATFORM, `terraform-provider-${TYPE}_v${version}`);
  const cliConfigFile = terraformEnv(options.projectDir).TF_CLI_CONFIG_FILE;
  const stampFile = path.join(baseDir, 'provider-build.json');
  mkdirSync(baseDir, { recursive: true });
  // cdktf-cli wants TF_PLUGIN_CACHE_DIR set (else it writes into $HOME); terraform needs it to exist.
  mkdirSync(path.join(baseDir, 'plugin-cache'), { recursive: true });

  const include = `${HOSTNAME}/${NAMESPACE}/*`;
  writeIfChanged(
    cliConfigFile,
    [
      '# Written by metalforge: metalforge providers come from the project\'s own filesystem mirror.',
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirrorDir)}`,
      `    include = [${JSON.stringify(include)}]`,
      '  }',
      '  direct {',
      `    exclude = [${JSON.stringify(include)}]`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );

  const buildKey = JSON.stringify({ entry, schemaPath, version });
  const stamp: BuildStamp | undefined = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : undefined;
  if (stamp && stamp.executable === executable && existsSync(executable) && stamp.digest === digestOf(stamp.inputs, buildKey)) {
    return { executable, version, mirrorDir, cliConfigFile, upToDate: true, packageHash: packageHash(path.dirname(executable)) };
  }

  const schemaText = readFileSync(schemaPath, 'utf8');
  JSON.parse(schemaText); // fail here, not in Terraform, on a broken schema document
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    banner: { js: '#!/usr/bin/env node' },
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: PROJECT_ROOT,
    outfile: executable,
    plugins: [embedPlugin(schemaText)],
  });
  const output = result.outputFiles[0];

  // One version per mirror: stale versions would make Terraform pick an old build.
  if (existsSync(typeDir)) {
    for (const other of readdirSync(typeDir)) if (other !== version) rmSync(path.join(typeDir, other), { recursive: true, force: true });
  }
  mkdirSync(path.dirname(executable), { recursive: true });
  const temporary = `${executable}.${process.pid}.tmp`;
  writeFileSync(temporary, output.contents);
  chmodSync(temporary, 0o755);
  renameSync(temporary, executable);

  const inputs = [
    ...Object.keys(result.metafile.inputs).map((input) => path.resolve(PROJECT_ROOT, input)),
    schemaPath,
    ...PROTO_FILES.map((file) => path.join(PROTO_DIR, file)),
  ].sort();
  writeFileSync(stampFile, JSON.stringify({ executable, inputs, digest: digestOf(inputs, buildKey) } satisfies BuildStamp, null, 2));
  return { executable, version, mirrorDir, cliConfigFile, upToDate: false, packageHash: packageHash(path.dirname(executable)) };
}

/** Terraform's "h1:" hash of an unpacked provider package (Go's dirhash.Hash1 over the directory's files). */
export function packageHash(packageDir: string): string {
  const summary = readdirSync(packageDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(packageDir, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'))
    .sort()
    .map((name) => `${createHash('sha256').update(readFileSync(path.join(packageDir, name))).digest('hex')}  ${name}\n`)
    .join('');
  return `h1:${createHash('sha256').update(summary).digest('base64')}`;
}

/**
 * Makes the working directory's lock file name the installed build. A rebuilt provider keeps its version but not
 * its checksum, and `terraform init` (even -upgrade) then refuses the lock file; a missing lock file is written,
 * because tools that lock before init (cdktf-cli runs `terraform providers lock`) would ask the public registry.
 * Returns whether the lock file changed. (A different version is `terraform init -upgrade`'s business.)
 */
export function syncProviderLock(workingDir: string, installed: InstalledProvider): boolean {
  const lockFile = path.join(workingDir, '.terraform.lock.hcl');
  const entry = [
    `provider "${HOSTNAME}/${NAMESPACE}/${TYPE}" {`,
    `  version     = "${installed.version}"`,
    `  constraints = "${installed.version}"`,
    `  hashes = [`,
    `    "${installed.packageHash}",`,
    `  ]`,
    `}`,
  ].join('\n');
  if (!existsSync(lockFile)) {
    mkdirSync(workingDir, { recursive: true });
    writeFileSync(lockFile, `# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n\n${entry}\n`);
    return true;
  }
  const text = readFileSync(lockFile, 'utf8');
  const block = new RegExp(`provider "${HOSTNAME}/${NAMESPACE}/${TYPE}" \\{[\\s\\S]*?\\n\\}`).exec(text);
  if (!block) {
    writeFileSync(lockFile, `${text.trimEnd()}\n\n${entry}\n`);
    return true;
  }
  if (!block[0].includes(`"${installed.version}"`) || block[0].includes(`"${installed.packageHash}"`)) return false;
  const updated = block[0].replace(/hashes\s*=\s*\[[\s\S]*?\]/, `hashes = [\n    "${installed.packageHash}",\n  ]`);
  writeFileSync(lockFile, text.replace(block[0], () => updated));
  return true;
}
