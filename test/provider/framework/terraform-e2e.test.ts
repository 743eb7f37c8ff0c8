/**
 * The framework and protocol layer driven by the real terraform CLI: a test provider (test/provider/fixtures)
 * installed with installProvider into a temp project, through init, create, update, replace, import and destroy.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { installProvider, syncProviderLock, terraformEnv, type InstalledProvider } from '../../../lib/provider/install';
import { MAGIC_COOKIE_VALUE } from '../../../lib/provider/protocol/handshake';
import type { StoredThing } from '../fixtures/thing-store';

const run = promisify(execFile);
const hasTerraform = spawnSync('terraform', ['version'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } }).status === 0;
if (!hasTerraform) console.warn('skipping terraform end-to-end tests: no terraform CLI on PATH');
const describeWithTerraform = hasTerraform ? describe : describe.skip;

const FIXTURES = path.join(__dirname, '..', 'fixtures');

interface ThingConfig {
  name: string;
  zone: string;
  createTimeout?: string;
}

function configuration(storePath: string, thing: ThingConfig): string {
  return `
terraform {
  required_providers {
    metal = { source = "metalforge/metal", version = "0.0.1" }
  }
}
provider "metal" { store_path = ${JSON.stringify(storePath)} }
resource "metal_test_thing" "a" {
  name = "${thing.name}"
  zone = "${thing.zone}"
  size = 2
  big  = 12345678901234567890123
  tags = { env = "test" }
  disk {
    label = "root"
    gb    = 10
  }
${thing.createTimeout ? `  timeouts {\n    create = "${thing.createTimeout}"\n  }` : ''}
}
data "metal_test_thing_lookup" "a" { id = metal_test_thing.a.id }
output "id" { value = metal_test_thing.a.id }
output "lookup_zone" { value = data.metal_test_thing_lookup.a.zone }
`;
}

describeWithTerraform('terraform CLI against the test provider', () => {
  let dir: string;
  let installed: InstalledProvider;
  const storePath = () => path.join(dir, 'store.json');
  const things = (): StoredThing[] => (existsSync(storePath()) ? Object.values(JSON.parse(readFileSync(storePath(), 'utf8'))) : []);
  const terraform = async (...args: string[]) => {
    try {
      const { stdout } = await run('terraform', [...args, '-no-color'], { cwd: dir, env: { ...process.env, ...terraformEnv(dir) } });
      return { code: 0, stdout };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { code: failure.code, stdout: failure.stdout + failure.stderr };
    }
  };
  const expectSuccess = async (...args: string[]) => {
    const result = await terraform(...args);
    if (result.code !== 0) throw new Error(`terraform ${args.join(' ')} failed:\n${result.stdout}`);
    return result.stdout;
  };
  const write = (thing: ThingConfig) => writeFileSync(path.join(dir, 'main.tf'), configuration(storePath(), thing));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'metal-tf-'));
    installed = await installProvider({
      projectDir: dir,
      entry: path.join(FIXTURES, 'test-provider.ts'),
      schemaPath: path.join(FIXTURES, 'test-schema.json'),
      version: '0.0.1',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs an executable bundle into the filesystem mirror and a CLI config naming it', async () => {
    expect(installed.executable).toBe(
      path.join(dir, '.metalforge/plugins/registry.terraform.io/metalforge/metal/0.0.1/linux_amd64/terraform-provider-metal_v0.0.1'),
    );
    expect(statSync(installed.executable).mode & 0o111).not.toBe(0);
    expect(readFileSync(installed.executable, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const rc = readFileSync(terraformEnv(dir).TF_CLI_CONFIG_FILE, 'utf8');
    expect(rc).toContain(`path    = "${installed.mirrorDir}"`);
    expect(rc).toMatch(/direct \{\s+exclude = \["registry.terraform.io\/metalforge\/\*"\]/);
    const again = await installProvider({
      projectDir: dir,
      entry: path.join(FIXTURES, 'test-provider.ts'),
      schemaPath: path.join(FIXTURES, 'test-schema.json'),
      version: '0.0.1',
    });
    expect(again.upToDate).toBe(true);
  });

  it('refuses to run by hand, otherwise prints only the handshake line on stdout and ignores SIGINT', async () => {
    const byHand = spawnSync(installed.executable, [], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(byHand.status).toBe(1);
    expect(byHand.stdout).toBe('');
    expect(byHand.stderr).toMatch(/This binary is a plugin/);

    // Without PLUGIN_CLIENT_CERT the plugin serves without TLS and leaves the certificate field empty.
    const plugin = spawn(installed.executable, [], {
      env: { PATH: process.env.PATH, TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5,6' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => plugin.on('exit', (_code, signal) => resolve(signal)));
    let stdout = '';
    await new Promise<void>((resolve) =>
      plugin.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), stdout.includes('\n') && resolve())),
    );
    expect(stdout).toMatch(/^1\|6\|tcp\|127\.0\.0\.1:\d+\|grpc\|\n$/);
    plugin.kill('SIGINT'); // Ctrl-C reaches the whole process group; Terraform stops plugins through RPCs instead
    plugin.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
  });

  it('goes through init, create, update, replace, import, no-op plan and destroy', async () => {
    write({ name: 'alpha', zone: 'z1', createTimeout: '5m' });
    await expectSuccess('init', '-input=false');
    const lock = readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8');
    expect(lock).toMatch(/provider "registry.terraform.io\/metalforge\/metal"[\s\S]*version\s+=\s+"0.0.1"/);
    expect(lock).toContain(`"${installed.packageHash}"`);

    // Diagnostics with attribute paths reach the user pointing at the offending line.
    write({ name: ' ', zone: 'z1', createTimeout: 'soon' });
    const invalid = await terraform('validate');
    expect(invalid.code).not.toBe(0);
    expect(invalid.stdout).toMatch(/Error: Empty name[\s\S]*name = " "[\s\S]*A thing needs a name\./);
    expect(invalid.stdout).toMatch(/Error: Invalid timeout[\s\S]*create = "soon"/);
    write({ name: 'alpha', zone: 'z1', createTimeout: '5m' });

    // The schema Terraform gets over the protocol is the schema document, exactly.
    const served = JSON.parse(await expectSuccess('providers', 'schema', '-json'));
    const document = JSON.parse(readFileSync(path.join(FIXTURES, 'test-schema.json'), 'utf8'));
    expect(served.provider_schemas).toEqual(document.provider_schemas);

    await expectSuccess('apply', '-auto-approve', '-input=false');
    const [first] = things();
    expect(things()).toHaveLength(1);
    expect(first).toMatchObject({
      name: 'alpha',
      zone: 'z1',
      size: 2,
      big: '12345678901234567890123',
      tags: { env: 'test' },
      disks: [{ label: 'root', gb: 10 }],
      revision: 1,
    });
    expect(JSON.parse(await expectSuccess('output', '-json'))).toMatchObject({ id: { value: first.id }, lookup_zone: { value: 'z1' } });

    const noop = await terraform('plan', '-detailed-exitcode', '-input=false');
    expect(noop.code).toBe(0);

    write({ name: 'beta', zone: 'z1' });
    const updatePlan = await expectSuccess('apply', '-auto-approve', '-input=false');
    expect(updatePlan).toContain('1 to change, 0 to destroy');
    expect(things()).toEqual([expect.objectContaining({ id: first.id, name: 'beta', created: first.created, revision: 2 })]);

    write({ name: 'beta', zone: 'z2' });
    const replacePlan = await expectSuccess('apply', '-auto-approve', '-input=false');
    expect(replacePlan).toMatch(/zone\s+= "z1" -> "z2" # forces replacement/);
    const [replaced] = things();
    expect(things()).toHaveLength(1);
    expect(replaced).toMatchObject({ name: 'beta', zone: 'z2', revision: 1 });
    expect(replaced.id).not.toBe(first.id);

    await expectSuccess('state', 'rm', 'metal_test_thing.a');
    await expectSuccess('import', '-input=false', 'metal_test_thing.a', replaced.id);
    const afterImport = await terraform('plan', '-detailed-exitcode', '-input=false');
    expect(afterImport.stdout).toContain('No changes.');
    expect(afterImport.code).toBe(0);
    const state = JSON.parse(await expectSuccess('show', '-json'));
    const resource = state.values.root_module.resources.find((r: { address: string }) => r.address === 'metal_test_thing.a');
    expect(resource.values).toMatchObject({
      id: replaced.id,
      name: 'beta',
      zone: 'z2',
      big: Number('12345678901234567890123'),
      tags: { env: 'test' },
    });

    await expectSuccess('destroy', '-auto-approve', '-input=false');
    expect(things()).toEqual([]);
  });

  it('repairs a lock file recorded for an earlier build of the same version', async () => {
    const lockFile = path.join(dir, '.terraform.lock.hcl');
    writeFileSync(
      lockFile,
      readFileSync(lockFile, 'utf8').replace(installed.packageHash, 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='),
    );
    expect((await terraform('init', '-input=false')).code).not.toBe(0);
    expect(syncProviderLock(dir, installed)).toBe(true);
    await expectSuccess('init', '-input=false');
    expect(syncProviderLock(dir, installed)).toBe(false);
  });
});
