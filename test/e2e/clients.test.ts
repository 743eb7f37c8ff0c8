/**
 * Real Metal clients, unchanged, against a running server on a loopback port: Debian's packngo (built into a
 * small Go program, test/clients/packngo) and Apache libcloud's Equinix Metal driver (test/clients/libcloud).
 * Each drives create project, the catalogue lists, create / get / wait for active / reboot / events of a device,
 * spot prices and a spot request, and delete; the test reports every step with the client's version.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Cloud } from '../../lib/cloud';
import { testCloud } from '../support/cloud';

const root = path.resolve(__dirname, '../..');
const PACKNGO_SRC = '/usr/share/gocode/src/github.com/packethost/packngo';
const SYSTEM_PYTHON = '/usr/bin/python3';
const STEPS = [
  'create project',
  'list plans',
  'list facilities',
  'list metros',
  'list operating systems',
  'create device',
  'get device',
  'wait for active',
  'reboot device',
  'list device events',
  'spot prices',
  'spot market request',
  'delete device',
];
const WORLD = { METAL_PLAN: 'c3.small.x86', METAL_FACILITY: 'ny5', METAL_METRO: 'ny', METAL_OS: 'ubuntu_24_04' };

/** The installed Debian package's version, or undefined when it is not installed. */
function debianVersion(pkg: string): string | undefined {
  const out = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  return out.status === 0 && out.stdout ? out.stdout : undefined;
}

function packngoMissing(): string | undefined {
  if (spawnSync('go', ['version']).status !== 0) return 'no go toolchain on PATH (apt-get install golang-go)';
  if (!existsSync(PACKNGO_SRC)) return `no packngo sources at ${PACKNGO_SRC} (apt-get install golang-github-packethost-packngo-dev)`;
  return undefined;
}

function libcloudMissing(): string | undefined {
  if (spawnSync(SYSTEM_PYTHON, ['-c', 'import libcloud.compute.drivers.equinixmetal']).status !== 0)
    return 'python3-libcloud is not installed (apt-get install python3-libcloud)';
  return undefined;
}

/**
 * Builds the packngo program offline in GOPATH mode against Debian's sources, cached under test/clients/.build
 * by the hash of the program and the packngo version (a rebuild only when either changes).
 */
function buildPackngoProgram(): string {
  const program = path.join(root, 'test/clients/packngo');
  const hash = createHash('sha256')
    .update(readFileSync(path.join(program, 'main.go')))
    .update(debianVersion('golang-github-packethost-packngo-dev') ?? '')
    .digest('hex')
    .slice(0, 16);
  const build = path.join(root, 'test/clients/.build');
  const binary = path.join(build, `packngo-e2e-${hash}`);
  if (existsSync(binary)) return binary;
  mkdirSync(build, { recursive: true });
  const env = {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: '/usr/share/gocode',
    GOCACHE: path.join(build, 'go-cache'),
    GOFLAGS: '',
    GOPROXY: 'off',
  };
  const out = spawnSync('go', ['build', '-o', binary, '.'], { cwd: program, env, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`go build of test/clients/packngo failed:\n${out.stdout}${out.stderr}`);
  return binary;
}

interface StepResult {
  step: string;
  ok: boolean;
  detail: string;
}

/** Runs a client program; its stdout holds one JSON line per step. */
function runClient(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ steps: StepResult[]; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env }, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (_error, stdout, stderr) => {
      const steps = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as StepResult);
      resolve({ steps, output: stdout + stderr });
    });
  });
}

function report(client: string, version: string, steps: StepResult[]): string {
  const lines = STEPS.map((name) => {
    const step = steps.find((s) => s.step === name);
    return `  ${step ? (step.ok ? 'pass' : 'FAIL') : 'not run'}  ${name}${step ? `: ${step.detail}` : ''}`;
  });
  return [`${client} ${version}`, ...lines].join('\n');
}

describe('real Metal clients drive the API unchanged', () => {
  let cloud: Cloud;
  let url: URL;

  beforeAll(async () => {
    cloud = await testCloud('pglite', { host: '127.0.0.1' });
    url = new URL(await cloud.listen());
  }, 120_000);
  afterAll(async () => {
    await cloud?.close();
  });

  const packngoSkip = packngoMissing();
  if (packngoSkip) console.warn(`skipping the packngo client test: ${packngoSkip}`);
  (packngoSkip ? it.skip : it)(
    'packngo (golang-github-packethost-packngo-dev) at the API root: every step passes',
    async () => {
      const binary = buildPackngoProgram();
      const { steps, output } = await runClient(binary, [], {
        ...WORLD,
        METAL_BASE_URL: `${url.origin}/`,
        PACKET_AUTH_TOKEN: cloud.adminToken,
      });
      console.log(report('packngo', debianVersion('golang-github-packethost-packngo-dev')!, steps));
      expect({ steps: steps.map((s) => `${s.step}: ${s.ok ? 'pass' : s.detail}`), output }).toEqual({
        steps: STEPS.map((s) => `${s}: pass`),
        output,
      });
    },
    300_000,
  );

  const libcloudSkip = libcloudMissing();
  if (libcloudSkip) console.warn(`skipping the libcloud client test: ${libcloudSkip}`);
  (libcloudSkip ? it.skip : it)(
    'libcloud’s Equinix Metal driver (python3-libcloud) at /metal/v1: every step passes',
    async () => {
      const script = path.join(root, 'test/clients/libcloud/drive.py');
      const env = { ...WORLD, METAL_HOST: url.hostname, METAL_PORT: url.port, METAL_AUTH_TOKEN: cloud.adminToken };
      const { steps, output } = await runClient(SYSTEM_PYTHON, [script], env);
      console.log(report('libcloud', debianVersion('python3-libcloud')!, steps));
      expect({ steps: steps.map((s) => `${s.step}: ${s.ok ? 'pass' : s.detail}`), output }).toEqual({
        steps: STEPS.map((s) => `${s}: pass`),
        output,
      });
    },
    300_000,
  );
});
