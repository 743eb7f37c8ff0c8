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
  if (!dir) throw new Error(`no cdktf app at "${target}": give an example name (${listExamples().join(', ')}) or a directory with a main.ts`);
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

  out(`synthesizing ${appDir}`);
  await synth(appDir, env);
  const stacks = readStacks(appDir);
  if (options.remoteStateProject) for (const stack of stacks) requireRemoteBackend(stack);
  const installed = await installProvider({ projectDir });
  out(`terraform-provider-metal ${installed.version} ${installed.upToDate ? 'is up to date' : 'installed'} in ${installed.mirrorDir}`);

  const devices: DeployedDevice[] = [];
  for (const stack of stacks) {
    syncProviderLock(stack.dir, installed);
    const run = (args: string[], watch = false) => runTerraform(args, stack.dir, projectDir, env, out, watch ? options : undefined);
    const backend = options.remoteStateProject ? ['-reconfigure'] : options.stateDir ? [`-backend-config=path=${join(resolve(options.stateDir), `${stack.name}.tfstate`)}`, '-reconfigure'] : [];
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
    for (const d of devices) out(`  ${d.hostname.padEnd(24)} ${d.state.padEnd(10)} public ${d.publicIpv4.padEnd(16)} private ${d.privateIpv4}   (${d.stack}: ${d.address})`);
  }
  return devices;
}

function synth(appDir: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolveSynth, reject) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'main.ts'], { cwd: appDir, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => (code === 0 ? resolveSynth() : reject(new Error(`synth of ${appDir} failed:\n${stderr.trim()}`))));
  });
}

/** Remote state needs the app's cooperation: a stack without MetalStateBackend would silently keep local state. */
function requireRemoteBackend(stack: Stack): void {
  const synthesized = JSON.parse(readFileSync(join(stack.dir, 'cdk.tf.json'), 'utf8')) as { terraform?: { backend?: Record<string, unknown> } };
  if (!synthesized.terraform?.backend?.http) {
    throw new Error(`stack ${stack.name} keeps its state locally: add \`MetalStateBackend.fromEnvironment(this)\` to the stack (lib/constructs) to keep it on metalforge`);
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

async function runTerraform(args: string[], cwd: string, projectDir: string, env: Record<string, string>, out: (l: string) => void, progress?: DeployOptions): Promise<void> {
  const stopProgress = progress ? watchDevices(progress, out) : () => undefined;
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
    stopProgress();
  }
}

/** Prints a line whenever the mix of device states changes. */
function watchDevices(options: DeployOptions, out: (l: string) => void): () => void {
  const client = createMetalClient({ baseUrl: `${options.apiUrl.replace(/\/$/, '')}/metal/v1`, token: options.token, maxRetries: 0 });
  let last = '';
  let stopped = false;
  const tick = async () => {
    try {
      const projects = await client.listAll((page) => client.projects.list({ page, per_page: 100 }));
      const devices = (await Promise.all(projects.map((p) => client.listAll((page) => client.devices.list(p.id, { page, per_page: 100 }))))).flat();
      const counts = new Map<string, number>();
      for (const d of devices) {
        const label = d.state === 'provisioning' ? `provisioning ${Math.round(d.provisioning_percentage ?? 0)}%` : d.state;
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
      const line = [...counts.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
      if (line && line !== last && !stopped) out(`  devices: ${line}`);
      last = line;
    } catch {
      // Progress is best effort; terraform reports the real errors.
    }
  };
  const timer = setInterval(() => void tick(), options.pollMs ?? 1000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

async function stackDevices(stack: Stack, projectDir: string, env: Record<string, string>): Promise<DeployedDevice[]> {
  const show = await terraform(['show', '-json', '-no-color'], { cwd: stack.dir, projectDir, env });
  if (show.code !== 0) return [];
  const state = JSON.parse(show.stdout) as { values?: { root_module?: { resources?: { address: string; type: string; values: Record<string, unknown> }[] } } };
  return (state.values?.root_module?.resources ?? [])
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
