/**
 * terraform plan of a stack of N terraform_data resources with its state on metalforge (http backend: GET the
 * state, LOCK, UNLOCK, through basic auth with a project key) against the same plan with local state, in the same
 * run. Both states come from one apply each (not timed against each other, but printed); the plans alternate,
 * median of the rounds. Goal: ratio ≤ 1.2.
 *
 *   npx tsx bench/state.ts [resources=1000] [rounds=5]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createMetalClient } from '../lib/client';
import { createCloud } from '../lib/cloud';
import { installProvider, terraformEnv } from '../lib/provider/install';
import { median, report, tempDir } from './support';

const COUNT = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 5);
const GOAL = 1.2;

function terraform(dir: string, env: NodeJS.ProcessEnv, args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(
      'terraform',
      [...args, '-no-color', '-input=false'],
      { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`terraform ${args.join(' ')} failed in ${dir}:\n${stdout.slice(-4000)}${stderr.slice(-4000)}`));
        resolve(Number(process.hrtime.bigint() - started) / 1e9);
      },
    );
  });
}

/** N separate resources, as a synthesized cdktf stack has them; `backend` adds the (env-configured) http backend. */
function writeStack(dir: string, backend: boolean): void {
  mkdirSync(dir, { recursive: true });
  const resources = Array.from(
    { length: COUNT },
    (_, i) => `resource "terraform_data" "r${i}" {\n  input = { name = "item-${i}", index = ${i} }\n}\n`,
  );
  writeFileSync(path.join(dir, 'main.tf'), `${backend ? 'terraform {\n  backend "http" {}\n}\n' : ''}${resources.join('')}`);
}

async function main(): Promise<void> {
  const work = tempDir('bench-state');
  const cloud = await createCloud({ simScale: 0, bootPath: 'in-process', port: 0, catalog: false });
  try {
    const apiUrl = `${await cloud.listen()}/metal/v1`;
    const admin = createMetalClient({ baseUrl: apiUrl, token: cloud.adminToken });
    const project = await admin.projects.create({ name: 'bench-state' });
    const key = await admin.apiKeys.createForProject(project.id, { description: 'bench' });
    await installProvider({ projectDir: work.dir });
    const base: NodeJS.ProcessEnv = { ...process.env, ...terraformEnv(work.dir), CHECKPOINT_DISABLE: '1' };
    delete base.TF_LOG;
    const address = `${apiUrl}/projects/${project.id}/terraform/state/bench`;
    const remoteEnv = {
      ...base,
      TF_HTTP_ADDRESS: address,
      TF_HTTP_LOCK_ADDRESS: address,
      TF_HTTP_UNLOCK_ADDRESS: address,
      TF_HTTP_USERNAME: 'metalforge',
      TF_HTTP_PASSWORD: key.token!,
    };

    const local = path.join(work.dir, 'local');
    const remote = path.join(work.dir, 'remote');
    writeStack(local, false);
    writeStack(remote, true);
    await terraform(local, base, ['init']);
    await terraform(remote, remoteEnv, ['init']);
    const applyLocal = await terraform(local, base, ['apply', '-auto-approve']);
    const applyRemote = await terraform(remote, remoteEnv, ['apply', '-auto-approve']);

    const plans = { local: [] as number[], remote: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so neither always runs on a warmer machine.
      const order = round % 2 ? (['remote', 'local'] as const) : (['local', 'remote'] as const);
      for (const which of order)
        plans[which].push(
          await terraform(which === 'local' ? local : remote, which === 'local' ? base : remoteEnv, ['plan', '-detailed-exitcode']),
        );
    }
    const versions = (await (await fetch(`${address}/versions`, { headers: { 'x-auth-token': key.token! } })).json()) as {
      versions: { size_bytes: number }[];
    };
    const ratio = median(plans.remote) / median(plans.local);
    report(`terraform plan of ${COUNT} terraform_data, state on metalforge vs local state (${ROUNDS} rounds, median)`, {
      'state size': `${(versions.versions[0].size_bytes / 1024).toFixed(0)} KiB`,
      'apply, local state': `${applyLocal.toFixed(2)} s`,
      'apply, metalforge state': `${applyRemote.toFixed(2)} s`,
      'plan, local state': `${median(plans.local).toFixed(2)} s  (${plans.local.map((s) => s.toFixed(2)).join(', ')})`,
      'plan, metalforge state': `${median(plans.remote).toFixed(2)} s  (${plans.remote.map((s) => s.toFixed(2)).join(', ')})`,
      ratio: `${ratio.toFixed(2)} (goal ≤ ${GOAL})`,
    });
  } finally {
    await cloud.close();
    work.remove();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
