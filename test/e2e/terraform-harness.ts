/**
 * What the terraform end-to-end tests share: a real cloud on a loopback port, terraform-provider-metal installed
 * into a temp project, and the real terraform CLI run in working directories of that project.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createMetalClient, type MetalClient } from '../../lib/client';
import { createCloud, type Cloud, type CloudOptions } from '../../lib/cloud';
import { installProvider, syncProviderLock, terraformEnv, type InstalledProvider } from '../../lib/provider/install';
import { attachSpecCheck } from '../support/spec-check';

export const hasTerraform = spawnSync('terraform', ['version'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } }).status === 0;
if (!hasTerraform) console.warn('skipping terraform end-to-end tests: no terraform CLI on PATH');
export const describeWithTerraform = hasTerraform ? describe : describe.skip;

export interface TerraformResult {
  code: number;
  /** stdout and stderr together, as a user sees them. */
  output: string;
}

/** One terraform working directory using the project's installed provider. */
export class Workdir {
  constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly installed: InstalledProvider,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  write(mainTf: string): void {
    writeFileSync(path.join(this.dir, 'main.tf'), mainTf);
  }

  run(...args: string[]): Promise<TerraformResult> {
    return new Promise((resolve) => {
      execFile(
        'terraform',
        [...args, '-no-color'],
        { cwd: this.dir, env: this.env, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
        },
      );
    });
  }

  /** Runs terraform and fails the test with terraform's own output when it does not succeed. */
  async ok(...args: string[]): Promise<string> {
    const result = await this.run(...args);
    if (result.code !== 0) throw new Error(`terraform ${args.join(' ')} exited ${result.code}:\n${result.output}`);
    return result.output;
  }

  async init(): Promise<void> {
    syncProviderLock(this.dir, this.installed);
    await this.ok('init', '-input=false');
  }

  apply = (...extra: string[]) => this.run('apply', '-input=false', '-auto-approve', ...extra);
  plan = (...extra: string[]) => this.run('plan', '-input=false', '-detailed-exitcode', ...extra);

  /** terraform as a child process, for tests that interrupt it. */
  spawn(...args: string[]): ChildProcess & { output: () => string } {
    const child = spawn('terraform', [...args, '-no-color'], { cwd: this.dir, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return Object.assign(child, { output: () => output });
  }

  /** The resources in the state by address, with their attributes and whether Terraform marked them tainted. */
  async resources(): Promise<Map<string, { values: Record<string, unknown>; tainted: boolean }>> {
    const pulled = (await this.ok('state', 'pull')).trim();
    const state = JSON.parse(pulled || '{}') as {
      resources?: {
        mode: string;
        type: string;
        name: string;
        instances: { index_key?: unknown; status?: string; attributes: Record<string, unknown> }[];
      }[];
    };
    const found = new Map<string, { values: Record<string, unknown>; tainted: boolean }>();
    for (const resource of state.resources ?? []) {
      if (resource.mode !== 'managed') continue;
      for (const instance of resource.instances) {
        const address = `${resource.type}.${resource.name}${instance.index_key === undefined ? '' : `[${JSON.stringify(instance.index_key)}]`}`;
        found.set(address, { values: instance.attributes, tainted: instance.status === 'tainted' });
      }
    }
    return found;
  }
}

export interface TerraformWorld {
  cloud: Cloud;
  apiUrl: string;
  token: string;
  client: MetalClient;
  installed: InstalledProvider;
  root: string;
  /** A fresh working directory (a subdirectory of the project). */
  workdir(name: string): Workdir;
  /** The provider block and required_providers every configuration starts with. */
  header(source?: string): string;
  close(): Promise<void>;
}

export async function startTerraformWorld(options: CloudOptions = {}): Promise<TerraformWorld> {
  const cloud = await createCloud({ simScale: 0, port: 0, bootPath: 'in-process', ...options });
  attachSpecCheck(cloud.app);
  const url = await cloud.listen();
  const apiUrl = `${url}/metal/v1`;
  const root = mkdtempSync(path.join(tmpdir(), 'metal-tf-e2e-'));
  const installed = await installProvider({ projectDir: root });
  const env: NodeJS.ProcessEnv = { ...process.env, ...terraformEnv(root), CHECKPOINT_DISABLE: '1' };
  delete env.TF_LOG;
  return {
    cloud,
    apiUrl,
    token: cloud.adminToken,
    client: createMetalClient({ baseUrl: apiUrl, token: cloud.adminToken }),
    installed,
    root,
    workdir: (name) => new Workdir(path.join(root, name), env, installed),
    header: (source = 'metalforge/metal') => `
terraform {
  required_providers {
    metal = { source = "${source}" }
  }
}
provider "metal" {
  api_url    = "${apiUrl}"
  auth_token = "${cloud.adminToken}"
}
`,
    async close() {
      await cloud.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
