/**
 * Remote state on metalforge with the real terraform CLI and its http backend: concurrent applies meet the lock
 * (fail naming the holder, or wait with -lock-timeout), a killed apply's lock is cleared by force-unlock, the
 * state survives a server restart (PGlite data dir), an old version is restored, another project's key gets 404,
 * and a read-only key reads but cannot lock.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCloud } from '../../lib/cloud';
import { terraformEnv } from '../../lib/provider/install';
import { TerraformStateStore } from '../../lib/store/terraform-state';
import { freePort } from '../support/pg-cluster';
import { describeWithTerraform, startTerraformWorld, Workdir, type TerraformResult, type TerraformWorld } from './terraform-harness';

jest.setTimeout(300_000);

const ROOT = resolve(__dirname, '..', '..');

/** The metalforge CLI as a user runs it. */
function runCli(args: string[], env: Record<string, string>): Promise<TerraformResult> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(ROOT, 'lib/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolveRun({ code: code ?? 1, output }));
  });
}

/**
 * terraform_data resources (built in: no provider to install); `gated` ones wait in a provisioner until the file
 * `gate` exists in the working directory (bounded: 600 polls), so a test decides when an apply may finish.
 */
function stack(names: string[], gated: string[] = []): string {
  const resources = names.map((name) => {
    const wait = gated.includes(name)
      ? `
  provisioner "local-exec" {
    command = "i=0; while [ ! -f gate ] && [ $i -lt 600 ]; do sleep 0.2; i=$((i+1)); done"
  }`
      : '';
    return `resource "terraform_data" "${name}" {\n  input = "${name}"${wait}\n}`;
  });
  return `terraform {\n  backend "http" {}\n}\n${resources.join('\n')}\n`;
}

describeWithTerraform('Terraform remote state on metalforge (http backend)', () => {
  let world: TerraformWorld;
  let dataDir: string;
  let port: number;
  let projectId: string;
  let otherProjectId: string;
  let writeKey: string;
  let readKey: string;
  let otherKey: string;

  const stateUrl = (project: string, name: string) => `${world.apiUrl}/projects/${project}/terraform/state/${name}`;
  /** terraform's http backend configured the way MetalStateBackend and the CI recipes do: env vars only. */
  const backendEnv = (name: string, password: string, project = projectId) => {
    const address = stateUrl(project, name);
    return {
      TF_HTTP_ADDRESS: address,
      TF_HTTP_LOCK_ADDRESS: address,
      TF_HTTP_UNLOCK_ADDRESS: address,
      TF_HTTP_USERNAME: 'terraform',
      TF_HTTP_PASSWORD: password,
    };
  };
  const store = () => new TerraformStateStore(world.cloud.db);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'metalforge-tfstate-'));
    // A fixed port, so the restarted server answers where terraform's backend address points.
    port = await freePort();
    world = await startTerraformWorld({ dataDir, port });
    projectId = (await world.client.projects.create({ name: 'state' })).id;
    otherProjectId = (await world.client.projects.create({ name: 'other' })).id;
    writeKey = (await world.client.apiKeys.createForProject(projectId, { description: 'ci' })).token!;
    readKey = (await world.client.apiKeys.createForProject(projectId, { description: 'viewer', read_only: true })).token!;
    otherKey = (await world.client.apiKeys.createForProject(otherProjectId, { description: 'other ci' })).token!;
  });
  afterAll(async () => {
    await world?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A working directory of the project whose terraform runs with the backend env (read at every command). */
  function workdir(name: string, backend: Record<string, string>) {
    const env: NodeJS.ProcessEnv = { ...process.env, ...terraformEnv(world.root), ...backend };
    delete env.TF_LOG;
    const dir = new Workdir(join(world.root, name), env, world.installed);
    /** A detached terraform (its own process group), so a test can kill it and its provisioner's shell together. */
    const start = (...args: string[]) => {
      const child = spawn('terraform', [...args, '-no-color'], { cwd: dir.dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const done = new Promise<TerraformResult>((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, output })));
      return { child, done, output: () => output };
    };
    return {
      dir,
      run: (...args: string[]) => dir.run(...args),
      ok: (...args: string[]) => dir.ok(...args),
      start,
      gate: () => writeFileSync(join(dir.dir, 'gate'), ''),
    };
  }

  /** Waits (bounded) until the state is locked on the server and returns the lock's ID. */
  async function lockedBy(name: string): Promise<string> {
    for (let i = 0; i < 600; i++) {
      const state = await store().state(projectId, name);
      if (state?.lock_id) return state.lock_id;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`state ${name} never got locked`);
  }

  it('two concurrent applies: the second fails naming the holder, a third waits with -lock-timeout and then applies', async () => {
    const w = workdir('concurrent', backendEnv('concurrent', writeKey));
    w.dir.write(stack(['slow'], ['slow']));
    await w.ok('init', '-input=false');
    const first = w.start('apply', '-input=false', '-auto-approve');
    try {
      const holder = await lockedBy('concurrent');
      const second = await w.run('apply', '-input=false', '-auto-approve');
      expect(second.code).toBe(1);
      const text = second.output.replace(/\s+/g, ' ');
      expect(text).toContain('Error acquiring the state lock');
      // terraform names the holder's lock ID (its "Lock Info" block shows the lock it asked for).
      expect(text).toContain(`HTTP remote state already locked: ID=${holder}`);

      const third = w.start('apply', '-input=false', '-auto-approve', '-lock-timeout=120s');
      // The third is waiting on the lock (terraform retries LOCK); let the first finish.
      for (let i = 0; i < 600 && !/Acquiring state lock/.test(third.output()); i++) await new Promise((r) => setTimeout(r, 100));
      w.gate();
      expect((await first.done).code).toBe(0);
      const waited = await third.done;
      expect(waited.output).toMatch(/Apply complete|No changes/);
      expect(waited.code).toBe(0);
    } finally {
      if (first.child.exitCode === null) process.kill(-first.child.pid!, 'SIGKILL');
    }
    expect((await store().state(projectId, 'concurrent'))?.lock_id).toBeNull();
    const versions = await store().versions(projectId, 'concurrent', { page: 1, perPage: 100 });
    expect(versions.items.length).toBeGreaterThan(0);
    expect(versions.items.every((v) => v.written_by === 'ci')).toBe(true);
  });

  it('a killed apply leaves its lock; terraform force-unlock clears it and the next apply converges', async () => {
    const w = workdir('killed', backendEnv('killed', writeKey));
    w.dir.write(stack(['a', 'stuck'], ['stuck']));
    await w.ok('init', '-input=false');
    const doomed = w.start('apply', '-input=false', '-auto-approve');
    const holder = await lockedBy('killed');
    for (let i = 0; i < 600 && !/terraform_data.stuck: Provisioning with 'local-exec'/.test(doomed.output()); i++)
      await new Promise((r) => setTimeout(r, 100));
    process.kill(-doomed.child.pid!, 'SIGKILL');
    await doomed.done;

    expect((await store().state(projectId, 'killed'))?.lock_id).toBe(holder);
    const blocked = await w.run('plan', '-input=false');
    expect(blocked.code).toBe(1);
    expect(blocked.output.replace(/\s+/g, ' ')).toContain(`HTTP remote state already locked: ID=${holder}`);

    expect(await w.ok('force-unlock', '-force', holder)).toMatch(/successfully unlocked/i);
    expect((await store().state(projectId, 'killed'))?.lock_id).toBeNull();
    w.gate();
    await w.ok('apply', '-input=false', '-auto-approve');
    expect((await w.ok('state', 'list')).trim().split('\n').sort()).toEqual(['terraform_data.a', 'terraform_data.stuck']);
  });

  it('the state survives a server restart, and an old version can be restored', async () => {
    const w = workdir('restart', backendEnv('restart', writeKey));
    w.dir.write(stack(['one']));
    await w.ok('init', '-input=false');
    await w.ok('apply', '-input=false', '-auto-approve');
    w.dir.write(stack(['one', 'two']));
    await w.ok('apply', '-input=false', '-auto-approve');

    await world.cloud.close();
    world.cloud = await createCloud({ dataDir, port, simScale: 0, bootPath: 'in-process' });
    await world.cloud.listen();

    const plan = await w.run('plan', '-input=false', '-detailed-exitcode');
    expect(plan.output).toContain('No changes');
    expect(plan.code).toBe(0);
    expect((await w.ok('state', 'list')).trim().split('\n').sort()).toEqual(['terraform_data.one', 'terraform_data.two']);

    // The version with only "one" in it, restored through the API: terraform then sees "two" as missing.
    const versions = (await store().versions(projectId, 'restart', { page: 1, perPage: 100 })).items;
    const withOne = versions.find(
      (v) => v.serial !== null && v.version < versions[0].version && v.version === versions[versions.length - 1].version,
    )!;
    const res = await fetch(`${stateUrl(projectId, 'restart')}/versions/${withOne.version}/restore`, {
      method: 'POST',
      headers: { 'x-auth-token': writeKey },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ restored_from: withOne.version, created_by: { description: 'ci' } });
    expect((await w.ok('state', 'list')).trim().split('\n')).toEqual(['terraform_data.one']);
    const replan = await w.run('plan', '-input=false', '-detailed-exitcode');
    expect(replan.code).toBe(2);
    expect(replan.output).toContain('terraform_data.two will be created');
  });

  it('a key of another project gets 404 and terraform stops; a read-only key reads but cannot lock', async () => {
    const owner = workdir('scoped', backendEnv('scoped', writeKey));
    owner.dir.write(stack(['x']));
    await owner.ok('init', '-input=false');
    await owner.ok('apply', '-input=false', '-auto-approve');

    const foreign = workdir('scoped', backendEnv('scoped', otherKey));
    const res = await fetch(stateUrl(projectId, 'scoped'), {
      headers: { authorization: `Basic ${Buffer.from(`t:${otherKey}`).toString('base64')}` },
    });
    expect(res.status).toBe(404);
    const refused = await foreign.run('apply', '-input=false', '-auto-approve');
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/404/);

    const viewer = workdir('scoped', backendEnv('scoped', readKey));
    expect((await viewer.ok('state', 'list')).trim()).toBe('terraform_data.x');
    const locked = await viewer.run('plan', '-input=false');
    expect(locked.code).toBe(1);
    expect(locked.output.replace(/\s+/g, ' ')).toMatch(/Error acquiring the state lock.*(invalid auth|403)/);
    // Reading without a lock works: a read-only key can plan with -lock=false.
    expect((await viewer.run('plan', '-input=false', '-lock=false', '-detailed-exitcode')).code).toBe(0);
    expect((await store().state(projectId, 'scoped'))?.lock_id).toBeNull();
    expect(existsSync(join(owner.dir.dir, 'terraform.tfstate'))).toBe(false);
  });

  it("metalforge deploy --remote-state keeps each stack's state on the server; a stack without MetalStateBackend is refused", async () => {
    // A copy of an example two levels down like the others (its imports are relative), so other tests' runs of it
    // are not disturbed.
    const app = join(ROOT, '.metalforge', `remote-state-test-${process.pid}`);
    mkdirSync(app, { recursive: true });
    try {
      copyFileSync(join(ROOT, 'examples', 'gpu-box', 'main.ts'), join(app, 'main.ts'));
      const cli = (verb: string, project: string) =>
        // The stack creates its own project: a user key deploys it (a project key reaches only its project).
        runCli([verb, app, '--api-url', world.apiUrl.replace(/\/metal\/v1$/, ''), '--remote-state', project], {
          METAL_AUTH_TOKEN: world.token,
        });
      const deployed = await cli('deploy', projectId);
      if (deployed.code !== 0) throw new Error(`deploy exited ${deployed.code}:\n${deployed.output}`);
      expect(deployed.output).toMatch(/trainer\s+active/);
      const versions = await store().versions(projectId, 'gpu-box', { page: 1, perPage: 10 });
      expect(versions.items[0]).toMatchObject({ written_by: 'admin key created at first start' });
      expect(existsSync(join(app, 'cdktf.out', 'stacks', 'gpu-box', 'terraform.tfstate'))).toBe(false);
      expect(readFileSync(join(app, 'cdktf.out', 'stacks', 'gpu-box', 'cdk.tf.json'), 'utf8')).not.toContain(world.token);

      const destroyed = await cli('destroy', projectId);
      if (destroyed.code !== 0) throw new Error(`destroy exited ${destroyed.code}:\n${destroyed.output}`);
      expect((await store().versions(projectId, 'gpu-box', { page: 1, perPage: 10 })).total).toBeGreaterThan(versions.total);
      const projects = await world.client.listAll((page) => world.client.projects.list({ page, per_page: 100 }));
      const devices = (
        await Promise.all(projects.map((p) => world.client.listAll((page) => world.client.devices.list(p.id, { page, per_page: 100 }))))
      ).flat();
      expect(devices.filter((d) => d.hostname === 'trainer' && d.state === 'active')).toEqual([]);

      // A stack that does not call MetalStateBackend.fromEnvironment would silently keep local state.
      writeFileSync(
        join(app, 'main.ts'),
        readFileSync(join(app, 'main.ts'), 'utf8').replace('MetalStateBackend.fromEnvironment(this);', ''),
      );
      const refused = await cli('deploy', projectId);
      expect(refused.code).toBe(1);
      expect(refused.output).toContain('stack gpu-box keeps its state locally: add `MetalStateBackend.fromEnvironment(this)`');
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  }, 600_000);
});
