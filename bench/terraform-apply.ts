/**
 * terraform apply of N metal_device (real provider, real cloud with N+ simulated machines at instant timings,
 * each device waited for until active) against terraform apply of N built-in terraform_data in the same run;
 * then a no-op terraform plan of each. Goals: apply ratio ≤ 1.5, no-op plan ratio ≤ 2.5. Each time comes with the
 * CPU seconds terraform (with its provider processes) and the cloud spent meanwhile: on a small shared machine CPU,
 * not waiting, decides the time, and this says whose.
 * A control run applies terraform_data padded to the same state size per instance as a metal_device: Terraform
 * rewrites the whole state file after every resource, so its own cost grows with the state, and the control says
 * how much of the time that is (no provider, no API involved).
 *
 *   npx tsx bench/terraform-apply.ts [count=1000] [parallelism=50]
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** CPU seconds of this process (the cloud) and of its finished children (terraform with its provider processes). */
function cpuSeconds(): { cloud: number; terraform: number } {
  const { user, system } = process.cpuUsage();
  // /proc/self/stat fields 16 and 17: cutime and cstime, in clock ticks (100 a second), of waited-for children.
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return { cloud: (user + system) / 1e6, terraform: (Number(fields[13]) + Number(fields[14])) / 100 };
}

interface Run {
  seconds: number;
  /** CPU seconds spent meanwhile by terraform (with the provider) and by the cloud. */
  cpu: { cloud: number; terraform: number };
}

function terraform(dir: string, env: NodeJS.ProcessEnv, args: string[]): Promise<Run> {
  const started = process.hrtime.bigint();
  const before = cpuSeconds();
  return new Promise((resolve, reject) => {
    execFile(
      'terraform',
      [...args, '-no-color', '-input=false'],
      { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`terraform ${args.join(' ')} failed:\n${stdout.slice(-4000)}${stderr.slice(-4000)}`));
        const after = cpuSeconds();
        resolve({
          seconds: Number(process.hrtime.bigint() - started) / 1e9,
          cpu: { cloud: after.cloud - before.cloud, terraform: after.terraform - before.terraform },
        });
      },
    );
  });
}

function printRuns(title: string, devices: Run, data: Run, sized: Run, goal: number): void {
  const cpu = (run: Run) => `(cpu: terraform+provider ${run.cpu.terraform.toFixed(1)} s, cloud ${run.cpu.cloud.toFixed(1)} s)`;
  console.log(title);
  console.log(`  metal_device                       ${devices.seconds.toFixed(2)} s ${cpu(devices)}`);
  console.log(`  terraform_data                     ${data.seconds.toFixed(2)} s ${cpu(data)}`);
  console.log(`  terraform_data, device-sized state ${sized.seconds.toFixed(2)} s ${cpu(sized)}`);
  console.log(
    `ratio: ${(devices.seconds / data.seconds).toFixed(2)} (goal ≤ ${goal}); against the device-sized control: ${(devices.seconds / sized.seconds).toFixed(2)}`,
  );
}

/** Bytes of state per resource instance after an apply of COUNT instances. */
const stateBytesPerInstance = (dir: string) => statSync(path.join(dir, 'terraform.tfstate')).size / COUNT;

function writeDataConfig(dir: string, padding: number): void {
  mkdirSync(dir);
  const pad = 'x'.repeat(padding);
  writeFileSync(
    path.join(dir, 'main.tf'),
    `resource "terraform_data" "d" {\n  count = ${COUNT}\n  input = "bench-\${count.index}${pad}"\n}\n`,
  );
}

async function main(): Promise<void> {
  if (spawnSync('terraform', ['version']).status !== 0) {
    console.log('skipped: no terraform CLI on PATH');
    return;
  }
  const root = mkdtempSync(path.join(tmpdir(), 'metal-bench-tf-'));
  // The per-key rate limit (6000 requests a minute by default) is lifted: this measures the provider, not the limiter.
  const cloud = await createCloud({
    simScale: 0,
    port: 0,
    bootPath: 'in-process',
    catalog: writeCatalog(root),
    rateLimit: { limit: 1_000_000 },
  });
  try {
    const apiUrl = `${await cloud.listen()}/metal/v1`;
    const project = await createMetalClient({ baseUrl: apiUrl, token: cloud.adminToken }).projects.create({ name: 'bench' });
    await installProvider({ projectDir: root });
    const env: NodeJS.ProcessEnv = { ...process.env, ...terraformEnv(root), CHECKPOINT_DISABLE: '1' };
    delete env.TF_LOG;

    const devicesDir = path.join(root, 'devices');
    const dataDir = path.join(root, 'data');
    const sizedDir = path.join(root, 'data-device-sized');
    mkdirSync(devicesDir);
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
    writeDataConfig(dataDir, 0);
    await terraform(devicesDir, env, ['init']);
    await terraform(dataDir, env, ['init']);

    const parallelism = `-parallelism=${PARALLELISM}`;
    const applyDevices = await terraform(devicesDir, env, ['apply', '-auto-approve', parallelism]);
    const applyData = await terraform(dataDir, env, ['apply', '-auto-approve', parallelism]);
    const planDevices = await terraform(devicesDir, env, ['plan', '-detailed-exitcode', parallelism]);
    const planData = await terraform(dataDir, env, ['plan', '-detailed-exitcode', parallelism]);
    // terraform_data keeps its input twice (input and output): half the difference in padding.
    const deviceBytes = stateBytesPerInstance(devicesDir);
    writeDataConfig(sizedDir, Math.max(0, Math.round((deviceBytes - stateBytesPerInstance(dataDir)) / 2)));
    await terraform(sizedDir, env, ['init']);
    const applySized = await terraform(sizedDir, env, ['apply', '-auto-approve', parallelism]);
    const planSized = await terraform(sizedDir, env, ['plan', '-detailed-exitcode', parallelism]);
    console.log(
      `state per instance: metal_device ${deviceBytes.toFixed(0)} B, terraform_data ${stateBytesPerInstance(dataDir).toFixed(0)} B, control ${stateBytesPerInstance(sizedDir).toFixed(0)} B`,
    );

    const active = (await cloud.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM devices WHERE state = 'active'`))[0].n;
    printRuns(
      `terraform apply, ${COUNT} resources, ${parallelism} (${active} devices active on the cloud):`,
      applyDevices,
      applyData,
      applySized,
      GOALS.apply,
    );
    printRuns(`no-op terraform plan, ${COUNT} resources:`, planDevices, planData, planSized, GOALS.plan);
  } finally {
    await cloud.close();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
