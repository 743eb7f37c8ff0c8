/**
 * Example stacks deployed the two ways a user would: `metalforge deploy` (synth + terraform with the project's
 * CLI config, no cdktf-cli) and `cdktf deploy` (cdktf-cli), against a real server, then destroyed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createMetalClient } from '../../lib/client';
import { createCloud, type Cloud } from '../../lib/cloud';
import { readStacks } from '../../lib/cli/deploy';
import { installProvider, syncProviderLock, terraformEnv } from '../../lib/provider/install';
import { describeWithTerraform } from './terraform-harness';

const ROOT = resolve(__dirname, '..', '..');

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number; output: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolveRun({ code: code ?? 1, output }));
  });
}

describeWithTerraform('deploying example stacks', () => {
  let cloud: Cloud;
  let url: string;
  let stateDir: string;
  const env = () => ({ ...process.env, CHECKPOINT_DISABLE: '1', CI: 'true', METAL_AUTH_TOKEN: cloud.adminToken });
  const activeDevices = async () => {
    const client = createMetalClient({ baseUrl: `${url}/metal/v1`, token: cloud.adminToken });
    const projects = await client.listAll((page) => client.projects.list({ page, per_page: 100 }));
    const devices = (
      await Promise.all(projects.map((p) => client.listAll((page) => client.devices.list(p.id, { page, per_page: 100 }))))
    ).flat();
    return devices.filter((d) => d.state === 'active');
  };

  beforeAll(async () => {
    cloud = await createCloud({ simScale: 0.002, port: 0 });
    url = await cloud.listen();
    stateDir = mkdtempSync(join(tmpdir(), 'metalforge-deploy-state-'));
    // Devices of another project on the same server: deploy progress must not count them.
    const client = createMetalClient({ baseUrl: `${url}/metal/v1`, token: cloud.adminToken });
    const bystander = await client.projects.create({ name: 'bystander' });
    for (const hostname of ['bystander-1', 'bystander-2']) {
      const device = await client.devices.create(bystander.id, {
        hostname,
        plan: 'c3.small.x86',
        metro: 'da',
        operating_system: 'ubuntu_22_04',
      });
      expect(await client.devices.get(device.id, { wait: { states: ['active'] } })).toMatchObject({ state: 'active' });
    }
  }, 120_000);

  afterAll(async () => {
    await cloud?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it.each(['core-web-ny', 'gpu-box', 'private-cluster'])(
    'metalforge deploy %s reaches active devices, then destroy removes them',
    async (example) => {
      const cli = (verb: string) =>
        run(
          process.execPath,
          [require.resolve('tsx/cli'), join(ROOT, 'lib/cli/main.ts'), verb, example, '--api-url', url, '--state-dir', stateDir],
          { cwd: ROOT, env: env() },
        );
      const before = (await activeDevices()).length;
      const deployed = await cli('deploy');
      const lines = deployed.output.split('\n').filter((l) => /^\s{2}\S+\s+active\s+public \d+\.\d+\.\d+\.\d+/.test(l));
      // Progress ("devices: 2 provisioning 40%, 1 active") counts the stack's devices only, not the bystanders.
      const progress = deployed.output.split('\n').filter((l) => /^\s+devices: \d/.test(l));
      if (deployed.code !== 0 || lines.length === 0 || progress.length === 0) {
        throw new Error(
          `deploy exited ${deployed.code} with ${lines.length} device lines and ${progress.length} progress lines:\n${deployed.output}`,
        );
      }
      for (const line of progress) {
        const total = [...line.matchAll(/(\d+) [a-z]/g)].reduce((sum, m) => sum + Number(m[1]), 0);
        expect([line, total <= lines.length]).toEqual([line, true]);
      }
      expect((await activeDevices()).length).toBe(before + lines.length);

      const destroyed = await cli('destroy');
      expect(destroyed.code).toBe(0);
      expect((await activeDevices()).length).toBe(before);
    },
    600_000,
  );

  it.each(['multi-metro', 'edge-fleet', 'private-cluster'])(
    'cdktf deploy %s with cdktf-cli, then cdktf destroy',
    async (example) => {
      const appDir = join(ROOT, 'examples', example);
      const installed = await installProvider({ projectDir: ROOT });
      const cdktfEnv = {
        ...env(),
        ...terraformEnv(ROOT),
        METAL_API_URL: `${url}/metal/v1`,
        TF_PLUGIN_CACHE_DIR: join(ROOT, '.metalforge', 'plugin-cache'),
      };
      expect(existsSync(installed.cliConfigFile)).toBe(true);
      const cdktf = join(ROOT, 'node_modules', '.bin', 'cdktf');
      const before = (await activeDevices()).length;
      try {
        // As the README says: synth, lock the local provider (cdktf-cli would ask the registry), deploy.
        const synth = await run(cdktf, ['synth'], { cwd: appDir, env: cdktfEnv });
        if (synth.code !== 0) throw new Error(`cdktf synth exited ${synth.code}:\n${synth.output}`);
        for (const stack of readStacks(appDir)) syncProviderLock(stack.dir, installed);
        const deployed = await run(cdktf, ['deploy', '--auto-approve'], { cwd: appDir, env: cdktfEnv });
        if (deployed.code !== 0) throw new Error(`cdktf deploy exited ${deployed.code}:\n${deployed.output}`);
        expect((await activeDevices()).length).toBeGreaterThan(before);

        const destroyed = await run(cdktf, ['destroy', '--auto-approve'], { cwd: appDir, env: cdktfEnv });
        if (destroyed.code !== 0) throw new Error(`cdktf destroy exited ${destroyed.code}:\n${destroyed.output}`);
        expect((await activeDevices()).length).toBe(before);
      } finally {
        // cdktf keeps the local state beside the app: leave the checkout as it was.
        for (const file of [`terraform.${example}.tfstate`, `terraform.${example}.tfstate.backup`])
          rmSync(join(appDir, file), { force: true });
      }
    },
    600_000,
  );
});
