/**
 * The layer rules of the architecture map (README, "Architecture"), checked over every import in lib/: an arrow
 * that points up, or a package used outside the layer that owns it, fails here with the file and the fix.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const LIB = resolve(__dirname, '..', 'lib');

/** What each part of lib/ may import besides itself. `cli` and `cloud.ts` compose everything and are not listed. */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  contract: ['core'],
  client: ['contract', 'core'],
  gen: [],
  constructs: ['gen', 'contract', 'core'],
  // Build tools: the docs are generated from the provider's own definitions.
  codegen: ['provider', 'contract', 'core'],
  provider: ['client', 'contract', 'core'],
  store: ['contract', 'core'],
  boot: ['contract', 'core'],
  sim: ['contract', 'core'],
  drivers: ['sim', 'contract', 'core'],
  engine: ['store', 'drivers', 'boot', 'contract', 'core'],
  api: ['engine', 'contract', 'core'],
  console: ['client', 'contract', 'core'],
};

/** Packages that belong to one layer: protocol types stay in the protocol layer, SQL drivers in the store. */
const PACKAGE_OWNERS: Record<string, readonly string[]> = {
  pg: ['store'],
  '@electric-sql/pglite': ['store'],
  axios: ['client'],
  protobufjs: ['provider/protocol'],
  '@grpc/grpc-js': ['provider/protocol'],
  '@msgpack/msgpack': ['provider/protocol'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

/** Every module a file imports, exports from or requires. */
function imports(source: string): string[] {
  return [
    ...source.matchAll(
      /(?:^|\s)(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm,
    ),
  ].map((m) => m[1] ?? m[2] ?? m[3]);
}

const layerOf = (libPath: string) => (libPath.includes('/') ? libPath.split('/')[0] : libPath.replace(/\.(ts|js)$/, ''));

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(LIB)) {
    const from = relative(LIB, file);
    const layer = layerOf(from);
    for (const target of imports(readFileSync(file, 'utf8'))) {
      if (target.startsWith('.')) {
        const to = relative(LIB, resolve(dirname(file), target));
        if (to.startsWith('..')) {
          found.push(
            `lib/${from} imports ${target}, outside lib/: move what it needs into lib/ (test scaffolding belongs in test/support)`,
          );
          continue;
        }
        const toLayer = layerOf(to);
        const allowed = ALLOWED[layer];
        if (toLayer !== layer && allowed && !allowed.includes(toLayer)) {
          found.push(
            `lib/${from} imports lib/${to}: ${layer} may import only ${allowed.join(', ') || 'nothing in lib/'}; move the shared part down a layer or invert the dependency`,
          );
        }
        continue;
      }
      const owners = Object.entries(PACKAGE_OWNERS).find(([pkg]) => target === pkg || target.startsWith(`${pkg}/`))?.[1];
      if (owners && !owners.some((owner) => from.startsWith(`${owner}/`))) {
        found.push(`lib/${from} imports ${target}, which only lib/${owners.join(', lib/')} may use: go through that layer`);
      }
    }
  }
  return found;
}

/** Where SQL is written: only lib/store. `metalforge store sql` passes the operator's own statements through. */
const SQL_ALLOWED = ['store/', 'cli/store.ts'];

function sqlOutsideStore(): string[] {
  return (
    sourceFiles(LIB)
      .map((file) => relative(LIB, file))
      .filter((from) => !SQL_ALLOWED.some((allowed) => from.startsWith(allowed)))
      // A query call, or a string that starts a statement. Transactions are fine: the engine decides where a unit of
      // work begins and ends; the statements in it come from the store.
      .filter((from) =>
        /\.query\s*[<(]|['"`]\s*(SELECT\s|INSERT INTO|UPDATE \w+ SET|DELETE FROM)/.test(readFileSync(join(LIB, from), 'utf8')),
      )
      .map((from) => `lib/${from} runs or writes SQL: move the statement into a repository in lib/store and call it`)
  );
}

/**
 * Presentation (rows to the API's Metal shapes, with their links) lives in lib/api/present: the engine returns rows
 * and plain data. An engine file that imports the API's links or defines a present* function fails here.
 */
function presentationIn(from: string, source: string): string[] {
  const file = join(LIB, from);
  return [
    ...imports(source)
      .filter((target) => target.startsWith('.') && relative(LIB, resolve(dirname(file), target)) === join('contract', 'hrefs'))
      .map(() => `lib/${from} imports lib/contract/hrefs: the engine builds no links; return the row and present it in lib/api/present`),
    // A function, an arrow or a method named present*: `function presentX(`, `const presentX =`, `presentX(...) {`.
    ...[
      ...source.matchAll(
        /^\s*(?:export\s+)?(?:(?:async|private|public|protected|static|readonly)\s+)*(?:function\s+|(?:const|let)\s+)?(present\w*)\s*(?:=|\([^\n]*\)\s*(?::[^\n]*)?\{\s*$)/gm,
      ),
    ].map(
      (m) => `lib/${from} defines ${m[1]}: presenters live in lib/api/present (one file per resource family); return rows from the engine`,
    ),
  ];
}

const presentationInEngine = () =>
  sourceFiles(join(LIB, 'engine')).flatMap((file) => presentationIn(relative(LIB, file), readFileSync(file, 'utf8')));

describe('layer rules over lib/', () => {
  it('every import points down the architecture map', () => {
    expect(violations()).toEqual([]);
  });

  it('writes SQL only in lib/store', () => {
    expect(sqlOutsideStore()).toEqual([]);
  });

  it('presents nothing in lib/engine (no links, no present* functions)', () => {
    expect(presentationInEngine()).toEqual([]);
  });

  it('knows every part of lib/ (a new folder needs its rule here and in the README)', () => {
    const parts = readdirSync(LIB).filter((name) => statSync(join(LIB, name)).isDirectory());
    expect(parts.filter((part) => part !== 'cli' && !(part in ALLOWED))).toEqual([]);
  });

  it('finds presentation in the engine (the check can fail)', () => {
    const source = [
      "import { href } from '../contract/hrefs';",
      'export function presentDevice(row: DeviceRow): Device {',
      'const presentKey = (row: ApiKeyRow) => ({ id: row.id });',
      '  private presentMachine(row: MachineRow): Machine {',
      '    return present(rows); // a call is not a definition',
    ].join('\n');
    expect(presentationIn('engine/devices.ts', source)).toEqual([
      'lib/engine/devices.ts imports lib/contract/hrefs: the engine builds no links; return the row and present it in lib/api/present',
      ...['presentDevice', 'presentKey', 'presentMachine'].map(
        (name) =>
          `lib/engine/devices.ts defines ${name}: presenters live in lib/api/present (one file per resource family); return rows from the engine`,
      ),
    ]);
  });

  it('finds an import that points up (the check can fail)', () => {
    expect(imports(`import { Engine } from '../engine';\nexport { x } from "./x";\nconst y = require('pg');`)).toEqual([
      '../engine',
      './x',
      'pg',
    ]);
  });
});
