/**
 * `metalforge deploy <example>`: synthesize a cdktf app (no cdktf-cli needed), install the provider into the
 * project's filesystem mirror, then `terraform init` and `apply` each stack with the project's CLI config,
 * showing device progress from the API while terraform waits, and the devices' states and IPs at the end.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createMetalClient } from '../client';
import { STATE_PROJECT_ENV } from '../contract/terraform-state';
import { installProvider, syncProviderLock } from '../provider/install';
import { terraform } from './terraform';

export interface DeployOptions {
  /** An example name (examples/<name>) or a directory with a cdktf main.ts. */
  target: string;
  apiUrl: string;
  token: string;
  /** Where .metalforge (provider mirror, CLI config) lives. @default the repository root */
  projectDir?: string;
  destroy?: boolean;
  /** Prints a line for the user. */
  out?: (line: string) => void;
  /** Progress poll interval. @default 1000 ms */
  pollMs?: number;
  /**
   * Keep each stack's Terraform state in `<stateDir>/<stack>.tfstate` instead of the path the app synthesized
   * (the demo keeps its state next to its database, so the two always match).
   */
  stateDir?: string;
  /**
   * Keep each stack's state on the metalforge server, in this project (named after the stack): the app's stacks
   * call MetalStateBackend.fromEnvironment, which METALFORGE_STATE_PROJECT switches on; the token is the password.
   */
  remoteStateProject?: string;
}

export interface DeployedDevice {
  stack: string;
  address: string;
  hostname: string;
  state: string;
  publicIpv4: string;
  privateIpv4: string;
}

const ROOT = resolve(__dirname, '..', '..');

export function resolveTarget(target: string): string {
  const candidates = [resolve(target), join(ROOT, 'examples', target)];
  const dir = candidates.find((c) => existsSync(join(c, 'main.ts')));
  if (!dir)
    throw new Error(`no cdktf app at "${target}": give an example name (${listExamples().join(', ')}) or a directory with a main.ts`);
  return dir;
}

export function listExamples(): string[] {
  return readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'examples', d.name, 'main.ts')))
    .map((d) => d.name);
}

export async function deploy(options: DeployOptions): Promise<DeployedDevice[]> {
  const out = options.out ?? ((line: string) => process.stdout.write(line + '\n'));
  const projectDir = options.projectDir ?? ROOT;
  const appDir = resolveTarget(options.target);
  const env: Record<string, string> = { METAL_API_URL: `${options.apiUrl.replace(/\/$/, '')}/metal/v1`, METAL_AUTH_TOKEN: options.token };
  // Terraform's http backend takes its password from TF_HTTP_PASSWORD: the token never goes into cdk.tf.json.
  if (options.remoteStateProject) Object.assign(env, { [STATE_PROJECT_ENV]: options.remoteStateProject, TF_HTTP_PASSWORD: options.token });

  await checkApi(options.apiUrl, options.token);
  out(`synthesizing ${appDir}`);
  await synth(appDir, env);
  const stacks = readStacks(appDir);
  out('preparing terraform-provider-metal (built on first use)');
  if (options.remoteStateProject) for (const stack of stacks) requireRemoteBackend(stack);
  const installed = await installProvider({ projectDir });
  out(`terraform-provider-metal ${installed.version} ${installed.upToDate ? 'is up to date' : 'installed'} in ${installed.mirrorDir}`);

  const devices: DeployedDevice[] = [];
  for (const stack of stacks) {
    syncProviderLock(stack.dir, installed);
    const run = (args: string[], watch = false) => runTerraform(args, stack, projectDir, env, out, watch ? options : undefined);
    const backend = options.remoteStateProject
      ? ['-reconfigure']
      : options.stateDir
        ? [`-backend-config=path=${join(resolve(options.stateDir), `${stack.name}.tfstate`)}`, '-reconfigure']
        : [];
    await run(['init', '-input=false', '-no-color', ...backend]);
    if (options.destroy) {
      out(`destroying stack ${stack.name}`);
      await run(['destroy', '-auto-approve', '-input=false', '-no-color'], true);
      continue;
    }
    out(`applying stack ${stack.name}`);
    await run(['apply', '-auto-approve', '-input=false', '-no-color'], true);
    devices.push(...(await stackDevices(stack, projectDir, env)));
  }
  if (!options.destroy) {
    out('');
    out(devices.length ? 'devices:' : 'no devices in this stack');
    for (const d of devices)
      out(
        `  ${d.hostname.padEnd(24)} ${d.state.padEnd(10)} public ${d.publicIpv4.padEnd(16)} private ${d.privateIpv4}   (${d.stack}: ${d.address})`,
      );
  }
  return devices;
}

const PROBE_TIMEOUT_MS = 5000;

/**
 * Asks the API's /health, then checks the token, before the slow steps (synth, provider build, terraform with the
 * provider's retries): a wrong URL or token gets one clear message at once.
 */
export async function checkApi(apiUrl: string, token: string): Promise<void> {
  const base = `${apiUrl.replace(/\/$/, '')}/metal/v1`;
  const startHint =
    'start one with `bin/metalforge server` (it prints its API URL and admin token), or point --api-url (METAL_API_URL) at yours';
  let health: Response;
  try {
    health = await fetch(`${base}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    const why = cause === 'TimeoutError' ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s` : cause;
    throw new Error(`no metalforge server answers at ${base} (${why}): ${startHint}`);
  }
  if (!health.ok) throw new Error(`${base}/health answered HTTP ${health.status}: that is not a metalforge API; ${startHint}`);
  const projects = await fetch(`${base}/projects?per_page=1`, {
    headers: { 'X-Auth-Token': token },
    signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
  });
  if (projects.status === 401) {
    throw new Error(
      `the API at ${base} refused the token: use the admin token the server printed (also in <data-dir>/admin-token) with --token or METAL_AUTH_TOKEN`,
    );
  }
}

function synth(appDir: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolveSynth, reject) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'main.ts'], {
      cwd: appDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => (code === 0 ? resolveSynth() : reject(new Error(`synth of ${appDir} failed:\n${stderr.trim()}`))));
  });
}

/** Remote state needs the app's cooperation: a stack without MetalStateBackend would silently keep local state. */
function requireRemoteBackend(stack: Stack): void {
  const synthesized = JSON.parse(readFileSync(join(stack.dir, 'cdk.tf.json'), 'utf8')) as {
    terraform?: { backend?: Record<string, unknown> };
  };
  if (!synthesized.terraform?.backend?.http) {
    throw new Error(
      `stack ${stack.name} keeps its state locally: add \`MetalStateBackend.fromEnvironment(this)\` to the stack (lib/constructs) to keep it on metalforge`,
    );
  }
}

export interface Stack {
  name: string;
  dir: string;
}

/** The stacks a synthesized cdktf app wrote (from cdktf.out/manifest.json). */
export function readStacks(appDir: string): Stack[] {
  const manifestPath = join(appDir, 'cdktf.out', 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`synth wrote no ${manifestPath}: does main.ts call app.synth()?`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { stacks: Record<string, { workingDirectory: string }> };
  return Object.entries(manifest.stacks).map(([name, s]) => ({ name, dir: join(appDir, 'cdktf.out', s.workingDirectory) }));
}

async function runTerraform(
  args: string[],
  stack: Stack,
  projectDir: string,
  env: Record<string, string>,
  out: (l: string) => void,
  progress?: DeployOptions,
): Promise<void> {
  const cwd = stack.dir;
  const stopProgress = progress
    ? watchDevices(progress, await stackProjects(stack, projectDir, env, progress), out)
    : async () => undefined;
  try {
    const result = await terraform(args, {
      cwd,
      projectDir,
      env,
      // Terraform's own "Still creating..." lines are noise next to the device progress.
      onLine: (line) => {
        if (!/Still (creating|destroying|modifying)|^\s*$/.test(line)) out(`  ${line}`);
      },
    });
    if (result.code !== 0) throw new Error(`terraform ${args[0]} failed in ${cwd} (exit ${result.code})`);
  } finally {
    await stopProgress();
  }
}

const progressClient = (options: DeployOptions) =>
  createMetalClient({ baseUrl: `${options.apiUrl.replace(/\/$/, '')}/metal/v1`, token: options.token, maxRetries: 0 });

/** Which projects are the stack's: in its state already, or created during the run under a name the stack declares. */
interface StackProjects {
  inState: Set<string>;
  names: Set<string>;
  existedBefore: Set<string>;
}

async function stackProjects(
  stack: Stack,
  projectDir: string,
  env: Record<string, string>,
  options: DeployOptions,
): Promise<StackProjects> {
  const client = progressClient(options);
  const existing = await client.listAll((page) => client.projects.list({ page, per_page: 100 })).catch(() => []);
  const synthesized = JSON.parse(readFileSync(join(stack.dir, 'cdk.tf.json'), 'utf8')) as {
    resource?: { metal_project?: Record<string, { name?: unknown }> };
  };
  const names = Object.values(synthesized.resource?.metal_project ?? {}).flatMap((p) => (typeof p.name === 'string' ? [p.name] : []));
  const inState = (await stackResources(stack, projectDir, env)).filter((r) => r.type === 'metal_project').map((r) => String(r.values.id));
  return { inState: new Set(inState), names: new Set(names), existedBefore: new Set(existing.map((p) => p.id)) };
}

/**
 * Prints a line whenever the mix of states of the stack's devices changes, and once more when terraform ends, so a
 * run shorter than one poll still shows where its devices got to.
 */
function watchDevices(options: DeployOptions, scope: StackProjects, out: (l: string) => void): () => Promise<void> {
  const client = progressClient(options);
  let last = '';
  const ours = (project: { id: string; name: string }) =>
    scope.inState.has(project.id) || (!scope.existedBefore.has(project.id) && scope.names.has(project.name));
  const tick = async () => {
    try {
      const projects = (await client.listAll((page) => client.projects.list({ page, per_page: 100 }))).filter(ours);
      const devices = (
        await Promise.all(projects.map((p) => client.listAll((page) => client.devices.list(p.id, { page, per_page: 100 }))))
      ).flat();
      const counts = new Map<string, number>();
      for (const d of devices) {
        const label = d.state === 'provisioning' ? `provisioning ${Math.round(d.provisioning_percentage ?? 0)}%` : d.state;
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
      const line = [...counts.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
      if (line && line !== last) out(`  devices: ${line}`);
      last = line;
    } catch {
      // Progress is best effort; terraform reports the real errors.
    }
  };
  // One poll at a time: a slow API must not pile up requests.
  let polling: Promise<void> = Promise.resolve();
  const poll = () => (polling = polling.then(tick));
  const timer = setInterval(() => void poll(), options.pollMs ?? 1000);
  return async () => {
    clearInterval(timer);
    await poll();
  };
}

interface StateResource {
  address: string;
  type: string;
  values: Record<string, unknown>;
}

/** The resources in a stack's Terraform state (none before its first apply). */
async function stackResources(stack: Stack, projectDir: string, env: Record<string, string>): Promise<StateResource[]> {
  const show = await terraform(['show', '-json', '-no-color'], { cwd: stack.dir, projectDir, env });
  if (show.code !== 0) return [];
  const state = JSON.parse(show.stdout) as { values?: { root_module?: { resources?: StateResource[] } } };
  return state.values?.root_module?.resources ?? [];
}

async function stackDevices(stack: Stack, projectDir: string, env: Record<string, string>): Promise<DeployedDevice[]> {
  return (await stackResources(stack, projectDir, env))
    .filter((r) => r.type === 'metal_device')
    .map((r) => ({
      stack: stack.name,
      address: r.address,
      hostname: String(r.values.hostname ?? ''),
      state: String(r.values.state ?? ''),
      publicIpv4: String(r.values.access_public_ipv4 ?? ''),
      privateIpv4: String(r.values.access_private_ipv4 ?? ''),
    }));
}
