/**
 * terraform apply of N metal_device (real provider, real cloud with N+ simulated machines at instant timings,
 * each device waited for until active) against terraform apply of N built-in terraform_data in the same run;
 * then a no-op terraform plan of each. Goals: apply ratio ≤ 1.5, no-op plan ratio ≤ 2.5.
 *
 *   npx tsx bench/terraform-apply.ts [count=1000] [parallelism=50]
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createMetalClient } from '../lib/client';
import { createCloud, DEFAULT_CATALOG } from '../lib/cloud';
import { installProvider, terraformEnv } from '../lib/provider/install';

const COUNT = Number(process.argv[2] ?? 1000);
const PARALLELISM = Number(process.argv[3] ?? 50);
const GOALS = { apply: 1.5, plan: 2.5 };

/** One metro, one facility, one plan with COUNT machines, one operating system, taken from the default catalog. */
function writeCatalog(dir: string): string {
  const full = JSON.parse(readFileSync(DEFAULT_CATALOG, 'utf8'));
  const catalog = {
    metros: full.metros.filter((m: { code: string }) => m.code === 'ny'),
    facilities: full.facilities.filter((f: { code: string }) => f.code === 'ny5'),
    plans: full.plans.filter((p: { slug: string }) => p.slug === 'c3.small.x86'),
    operating_systems: full.operating_systems.filter((o: { slug: string }) => o.slug === 'ubuntu_22_04'),
    hardware: [{ facilities: ['ny5'], per_facility: { 'c3.small.x86': COUNT } }],
  };
  const file = path.join(dir, 'catalog.json');
  writeFileSync(file, JSON.stringify(catalog));
  return file;
}

function terraform(dir: string, env: NodeJS.ProcessEnv, args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile('terraform', [...args, '-no-color', '-input=false'], { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`terraform ${args.join(' ')} failed:\n${stdout.slice(-4000)}${stderr.slice(-4000)}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

async function main(): Promise<void> {
  if (spawnSync('terraform', ['version']).status !== 0) {
    console.log('skipped: no terraform CLI on PATH');
    return;
  }
  const root = mkdtempSync(path.join(tmpdir(), 'metal-bench-tf-'));
  // The per-key rate limit (6000 requests a minute by default) is lifted: this measures the provider, not the limiter.
  const cloud = await createCloud({ simScale: 0, port: 0, bootPath: 'in-process', catalog: writeCatalog(root), rateLimit: { limit: 1_000_000 } });
  try {
    const apiUrl = `${await cloud.listen()}/metal/v1`;
    const project = await createMetalClient({ baseUrl: apiUrl, token: cloud.adminToken }).projects.create({ name: 'bench' });
    await installProvider({ projectDir: root });
    const env: NodeJS.ProcessEnv = { ...process.env, ...terraformEnv(root), CHECKPOINT_DISABLE: '1' };
    delete env.TF_LOG;

    const devicesDir = path.join(root, 'devices');
    const dataDir = path.join(root, 'data');
    mkdirSync(devicesDir);
    mkdirSync(dataDir);
    writeFileSync(
      path.join(devicesDir, 'main.tf'),
      `terraform {
  required_providers {
    metal = { source = "metalforge/metal" }
  }
}
provider "metal" {
  api_url    = "${apiUrl}"
  auth_token = "${cloud.adminToken}"
}
resource "metal_device" "d" {
  count            = ${COUNT}
  project_id       = "${project.id}"
  hostname         = "bench-\${count.index}"
  plan             = "c3.small.x86"
  metro            = "ny"
  operating_system = "ubuntu_22_04"
}
`,
    );
    writeFileSync(path.join(dataDir, 'main.tf'), `resource "terraform_data" "d" {\n  count = ${COUNT}\n  input = "bench-\${count.index}"\n}\n`);
    await terraform(devicesDir, env, ['init']);
    await terraform(dataDir, env, ['init']);

    const parallelism = `-parallelism=${PARALLELISM}`;
    const applyDevices = await terraform(devicesDir, env, ['apply', '-auto-approve', parallelism]);
    const applyData = await terraform(dataDir, env, ['apply', '-auto-approve', parallelism]);
    const planDevices = await terraform(devicesDir, env, ['plan', '-detailed-exitcode', parallelism]);
    const planData = await terraform(dataDir, env, ['plan', '-detailed-exitcode', parallelism]);

    const active = (await cloud.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM devices WHERE state = 'active'`))[0].n;
    console.log(`terraform apply, ${COUNT} resources, ${parallelism} (${active} devices active on the cloud):`);
    console.log(`  metal_device   ${applyDevices.toFixed(2)} s`);
    console.log(`  terraform_data ${applyData.toFixed(2)} s`);
    console.log(`ratio: ${(applyDevices / applyData).toFixed(2)} (goal ≤ ${GOALS.apply})`);
    console.log(`no-op terraform plan, ${COUNT} resources:`);
    console.log(`  metal_device   ${planDevices.toFixed(2)} s`);
    console.log(`  terraform_data ${planData.toFixed(2)} s`);
    console.log(`ratio: ${(planDevices / planData).toFixed(2)} (goal ≤ ${GOALS.plan})`);
  } finally {
    await cloud.close();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
