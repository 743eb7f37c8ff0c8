/**
 * Installs terraform-provider-metal into a project: an esbuild single-file bundle with a small launcher as the
 * executable, in a filesystem mirror under <projectDir>/.metalforge, plus a Terraform CLI config that takes
 * metalforge providers from that mirror, so `terraform init` works offline. Rebuilds only when an input of the
 * last build changed; primes the bundle's V8 code cache.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { generateServerCertificate } from './protocol/cert';
import { PROTO_DIR, PROTO_FILES, parseProtoFiles } from './protocol/definitions';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from './protocol/handshake';

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
  /** 'code-cache' when the bundle starts from its V8 code cache, 'compile' when Node could not make one. */
  startup: 'code-cache' | 'compile';
}

interface BuildStamp {
  executable: string;
  inputs: string[];
  digest: string;
  /** Digest of the bundle, the key of its code cache. */
  bundleDigest: string;
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
  const root = parseProtoFiles();
  root.resolveAll();
  return root.toJSON();
}

/** A module exporting `name`: JSON.parse of a string literal, which V8 reads several times faster than the same object literal. */
function jsonModule(name: string, json: string): string {
  return `export const ${name} = JSON.parse(${JSON.stringify(json)});`;
}

// Next to the launcher; the name must not start with "terraform-provider-", which Terraform takes for the executable.
const BUNDLE_FILE = 'provider-bundle.js';
const PRIME_CODE_CACHE_ENV = 'METALFORGE_PRIME_CODE_CACHE';

/**
 * The V8 code cache of a bundle. It lives in the user's cache directory rather than in the package: V8's cache
 * bytes differ from run to run, and the package (so its lock-file checksum) must stay the same for the same
 * sources. Keyed by the bundle's digest, so concurrent projects and versions keep their own. (The launcher
 * computes the same path.)
 */
function codeCacheFile(bundleDigest: string): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'metalforge', `provider-${bundleDigest}.v8cache`);
}

/**
 * The executable: runs the bundle next to it with its V8 code cache, so start-up skips parsing and compiling
 * ~900 KB of JavaScript (about half of the provider's own start-up time). V8 rejects a cache from another Node
 * version or other V8 flags; a missing or rejected cache is written once the handshake line is out, i.e. once
 * start-up code has run and is compiled. With PRIME_CODE_CACHE_ENV the launcher writes the cache and exits.
 */
function launcher(bundleDigest: string): string {
  return `#!/usr/bin/env node
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Script } = require('node:vm');
const { wrap } = require('node:module');
const bundle = path.join(__dirname, ${JSON.stringify(BUNDLE_FILE)});
const digest = ${JSON.stringify(bundleDigest)};
let cacheFile, cachedData;
try {
  cacheFile = path.join(process.env.XDG_CACHE_HOME || path.join(require('node:os').homedir(), '.cache'), 'metalforge', 'provider-' + digest + '.v8cache');
  cachedData = fs.readFileSync(cacheFile);
} catch {}
const script = new Script(wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
const prime = !!process.env.${PRIME_CODE_CACHE_ENV};
if (prime || (cacheFile && (!cachedData || script.cachedDataRejected))) {
  const write = process.stdout.write;
  process.stdout.write = function (...args) {
    process.stdout.write = write;
    const written = write.apply(this, args);
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(cacheFile + '.' + process.pid, script.createCachedData());
      fs.renameSync(cacheFile + '.' + process.pid, cacheFile);
    } catch {}
    if (prime) process.exit(0);
    return written;
  };
}
script.runInThisContext()(exports, require, module, bundle, __dirname);
`;
}

/**
 * Runs the launcher once up to its handshake (over TLS, as Terraform does), with the node PATH gives Terraform
 * too, so the first provider Terraform starts already has a code cache. False when none could be made.
 */
async function primeCodeCache(executable: string, bundleDigest: string): Promise<boolean> {
  try {
    await promisify(execFile)(executable, [], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        XDG_CACHE_HOME: process.env.XDG_CACHE_HOME,
        [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
        PLUGIN_PROTOCOL_VERSIONS: '6',
        PLUGIN_CLIENT_CERT: generateServerCertificate().certPem,
        [PRIME_CODE_CACHE_ENV]: '1',
      },
      timeout: 60_000,
    });
  } catch {
    return false;
  }
  const cacheFile = codeCacheFile(bundleDigest);
  if (!existsSync(cacheFile)) return false;
  pruneCodeCaches(path.dirname(cacheFile));
  return true;
}

/**
 * Every build leaves a cache of its bundle; drop those not written for two weeks. (A cache still in use is not
 * rewritten, so it may go too: the next start of that provider writes it again.)
 */
function pruneCodeCaches(dir: string): void {
  const cutoff = Date.now() - 14 * 24 * 3600_000;
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (/^provider-\w+\.v8cache$/.test(name) && (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? cutoff) < cutoff)
      rmSync(file, { force: true });
  }
}

function embedPlugin(schemaJson: string): esbuild.Plugin {
  return {
    name: 'metal-embed',
    setup(build) {
      build.onLoad({ filter: /[\\/]protocol[\\/]proto-embedded\.ts$/ }, () => ({
        contents: jsonModule('embeddedProtoDescriptor', JSON.stringify(protoDescriptor())),
        loader: 'ts',
      }));
      build.onLoad({ filter: /[\\/]framework[\\/]schema-embedded\.ts$/ }, () => ({
        contents: jsonModule('embeddedSchemaDocument', schemaJson),
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
      "# Written by metalforge: metalforge providers come from the project's own filesystem mirror.",
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
  if (
    stamp?.bundleDigest &&
    stamp.executable === executable &&
    existsSync(executable) &&
    stamp.digest === digestOf(stamp.inputs, buildKey)
  ) {
    // The cache is outside the package and may have been pruned or wiped; make it again then.
    const cached = existsSync(codeCacheFile(stamp.bundleDigest)) || (await primeCodeCache(executable, stamp.bundleDigest));
    const startup = cached ? 'code-cache' : 'compile';
    return { executable, version, mirrorDir, cliConfigFile, upToDate: true, packageHash: packageHash(path.dirname(executable)), startup };
  }

  // Parsing fails here, not in Terraform, on a broken schema document; the embedded copy is minified.
  const schemaJson = JSON.stringify(JSON.parse(readFileSync(schemaPath, 'utf8')));
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: PROJECT_ROOT,
    // Not written there: esbuild's minified names depend on paths relative to the output, so a place fixed
    // relative to the sources keeps the bundle (and the lock-file checksum) the same for every project directory.
    outfile: path.join(PROJECT_ROOT, BUNDLE_FILE),
    plugins: [embedPlugin(schemaJson)],
  });
  const output = result.outputFiles[0];

  // One version per mirror: stale versions would make Terraform pick an old build.
  if (existsSync(typeDir)) {
    for (const other of readdirSync(typeDir)) if (other !== version) rmSync(path.join(typeDir, other), { recursive: true, force: true });
  }
  const packageDir = path.dirname(executable);
  rmSync(packageDir, { recursive: true, force: true }); // the package is exactly this build's files (its checksum)
  mkdirSync(packageDir, { recursive: true });
  writeFileSync(path.join(packageDir, BUNDLE_FILE), output.contents);
  const bundleDigest = createHash('sha256').update(output.contents).digest('hex').slice(0, 32);
  const temporary = `${executable}.${process.pid}.tmp`;
  writeFileSync(temporary, launcher(bundleDigest));
  chmodSync(temporary, 0o755);
  renameSync(temporary, executable);
  const startup = (await primeCodeCache(executable, bundleDigest)) ? 'code-cache' : 'compile';

  const inputs = [
    ...Object.keys(result.metafile.inputs).map((input) => path.resolve(PROJECT_ROOT, input)),
    schemaPath,
    ...PROTO_FILES.map((file) => path.join(PROTO_DIR, file)),
  ].sort();
  writeFileSync(
    stampFile,
    JSON.stringify({ executable, inputs, digest: digestOf(inputs, buildKey), bundleDigest } satisfies BuildStamp, null, 2),
  );
  return { executable, version, mirrorDir, cliConfigFile, upToDate: false, packageHash: packageHash(packageDir), startup };
}

/** Terraform's "h1:" hash of an unpacked provider package (Go's dirhash.Hash1 over the directory's files). */
export function packageHash(packageDir: string): string {
  const summary = readdirSync(packageDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path
        .relative(packageDir, path.join(entry.parentPath ?? entry.path, entry.name))
        .split(path.sep)
        .join('/'),
    )
    .sort()
    .map(
      (name) =>
        `${createHash('sha256')
          .update(readFileSync(path.join(packageDir, name)))
          .digest('hex')}  ${name}\n`,
    )
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
    writeFileSync(
      lockFile,
      `# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n\n${entry}\n`,
    );
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
  writeFileSync(
    lockFile,
    text.replace(block[0], () => updated),
  );
  return true;
}
