/**
 * Devices on VM-backed plans applied with real terraform, run where the boot services must run: inside the
 * segment's server namespace. The caller (the VM boot test, bench/vm-boot.ts) builds the segment, runs the boots
 * there as a child process (`ip netns exec`, see runVmBootsInServerNamespace), reads the report the child writes
 * and removes the segment; the cloud, terraform and its provider talk over that namespace's own loopback.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCloud } from '../../lib/cloud';
import { createMetalClient } from '../../lib/client';
import { installProvider, terraformEnv } from '../../lib/provider/install';
import type { VmFirmware } from '../../lib/sim/vm/machine';
import { addressesOf, segmentOf, type VmSegment, type VmSegmentAddresses } from '../../lib/sim/vm/segment';
import { ROOT } from './server-process';
import { startVmLab, VM_PLANS, type VmLab } from './vm-lab';

/** What one firmware's apply, disk boot and destroy showed, for the caller to assert on or time. */
export interface VmBootReport {
  firmware: VmFirmware;
  applyCode: number;
  /** When apply failed: its output, the boot steps and the VM's console. */
  failure?: string;
  /** From `terraform apply` to its return (the device active). */
  applySeconds: number;
  deviceState?: string;
  powerAfterApply?: string;
  /** What each DHCP ack sent the VM to, in order (e.g. "TFTP ipxe.efi", "iPXE script", "installer"). */
  dhcpAnswers: string[];
  tftpEfiSent: boolean;
  /** The installer's marker on the VM's disk. */
  disk?: string | null;
  /** When the installed system was seen up from disk (from the start of apply); absent if it never was. */
  diskBootSeconds?: number;
  powerAfterDestroy?: string;
  goneAfterDestroy?: boolean;
  /** The boot steps, timed from the start of apply, for printing. */
  phases: string;
}

const DISK_BOOT_TIMEOUT_MS = 120_000;
/** The child's input, in the environment. */
const INPUT_ENV = 'METALFORGE_VM_BOOTS';

interface ChildInput {
  segment: VmSegmentAddresses;
  firmwares: VmFirmware[];
  workDir: string;
  reportFile: string;
}

function terraform(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile('terraform', [...args, '-no-color'], { cwd: dir, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    ),
  );
}

async function bootOne(lab: VmLab, firmware: VmFirmware, workDir: string, api: { url: string; token: string }, env: NodeJS.ProcessEnv) {
  const dir = join(workDir, `apply-${firmware}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'main.tf'),
    `terraform {
  required_providers {
    metal = { source = "metalforge/metal" }
  }
}
provider "metal" {
  api_url    = "${api.url}"
  auth_token = "${api.token}"
}
resource "metal_project" "p" {
  name = "vm-${firmware}"
}
resource "metal_device" "vm" {
  project_id       = metal_project.p.id
  hostname         = "vm-${firmware}"
  plan             = "${VM_PLANS[firmware]}"
  metro            = "ny"
  operating_system = "ubuntu_22_04"
  timeouts {
    create = "4m"
  }
}
output "id" {
  value = metal_device.vm.id
}
`,
  );
  const init = await terraform(dir, env, 'init', '-input=false');
  if (init.code !== 0) throw new Error(`terraform init failed:\n${init.output}`);
  const started = Date.now();
  const since = () => (Date.now() - started) / 1000;
  const applied = await terraform(dir, env, 'apply', '-input=false', '-auto-approve');
  const applySeconds = since();
  const machine = lab.machines.find((m) => m.firmware === firmware)!;
  const mac = machine.inventory.nics[0].mac;
  const steps = () => lab.steps.filter((s) => s.at >= started && (s.mac === mac || s.what.startsWith('TFTP')));
  const timeline = () => steps().map((s) => `  +${((s.at - started) / 1000).toFixed(1)} s  ${s.what}`);
  const report: VmBootReport = {
    firmware,
    applyCode: applied.code,
    applySeconds,
    dhcpAnswers: steps()
      .filter((s) => s.what.startsWith('DHCP ack'))
      .map((s) => /\((.*)\)$/.exec(s.what)![1]),
    tftpEfiSent: steps().some((s) => s.what === 'TFTP ipxe.efi sent'),
    phases: '',
  };
  if (applied.code !== 0) {
    report.failure = `terraform apply failed:\n${applied.output}\nboot steps:\n${timeline().join('\n')}\nconsole:\n${machine.console()}`;
    return report;
  }
  const client = createMetalClient({ baseUrl: api.url, token: api.token });
  const output = await terraform(dir, env, 'output', '-raw', 'id');
  if (output.code !== 0) throw new Error(`terraform output failed:\n${output.output}`);
  const id = output.output.trim();
  report.deviceState = (await client.devices.get(id)).state;
  report.powerAfterApply = machine.power;
  // The installer rebooted the VM; the one-time network boot is spent, so it boots its disk.
  while (!machine.console().includes('booted from disk') && since() * 1000 < applySeconds * 1000 + DISK_BOOT_TIMEOUT_MS)
    await new Promise((resolve) => setTimeout(resolve, 250));
  if (machine.console().includes('booted from disk')) report.diskBootSeconds = since();
  report.disk = machine.disk;
  const destroyed = await terraform(dir, env, 'destroy', '-input=false', '-auto-approve');
  if (destroyed.code !== 0) throw new Error(`terraform destroy failed:\n${destroyed.output}`);
  report.powerAfterDestroy = machine.power;
  report.goneAfterDestroy = await client.devices.get(id).then(
    () => false,
    (err: { code?: string }) => err.code === 'not_found',
  );
  report.phases = [
    `${firmware.toUpperCase()} boot phases (from terraform apply):`,
    ...timeline(),
    `  +${applySeconds.toFixed(1)} s  terraform apply returned (device active)`,
    ...(report.diskBootSeconds === undefined ? [] : [`  +${report.diskBootSeconds.toFixed(1)} s  the installed system is up from disk`]),
  ].join('\n');
  return report;
}

/** Applies, boots and destroys one VM-backed device per firmware. Runs in the segment's server namespace. */
export async function runVmBoots(segment: VmSegment, firmwares: readonly VmFirmware[], workDir: string): Promise<VmBootReport[]> {
  const lab = startVmLab(join(workDir, 'lab'), segment);
  const cloud = await createCloud({ ...lab.cloudOptions, simScale: 0, port: 0 });
  try {
    const api = { url: `${await cloud.listen()}/metal/v1`, token: cloud.adminToken };
    await installProvider({ projectDir: workDir });
    const env: NodeJS.ProcessEnv = { ...process.env, ...terraformEnv(workDir) };
    delete env.TF_LOG;
    const reports: VmBootReport[] = [];
    for (const firmware of firmwares) reports.push(await bootOne(lab, firmware, workDir, api, env));
    return reports;
  } finally {
    await cloud.close();
    await lab.close();
  }
}

/** The child's side: reads its input, runs the boots, writes the report. */
export async function runVmBootsChild(): Promise<void> {
  const { segment, firmwares, workDir, reportFile } = JSON.parse(process.env[INPUT_ENV] ?? '') as ChildInput;
  writeFileSync(reportFile, JSON.stringify(await runVmBoots(segmentOf(segment), firmwares, workDir)));
}

/**
 * Runs the boots in a child process inside the segment's server namespace and returns its report; the child's
 * output is passed through, and a child that fails or outlives `timeoutMs` is an error carrying its last output.
 */
export function runVmBootsInServerNamespace(
  segment: VmSegment,
  firmwares: readonly VmFirmware[],
  workDir: string,
  timeoutMs = 900_000,
): Promise<VmBootReport[]> {
  mkdirSync(workDir, { recursive: true });
  const input: ChildInput = {
    segment: addressesOf(segment),
    firmwares: [...firmwares],
    workDir,
    reportFile: join(workDir, 'report.json'),
  };
  const child = spawn(
    'ip',
    ['netns', 'exec', segment.serverNamespace, process.execPath, '--import', 'tsx', join(__dirname, 'vm-boots-main.ts')],
    { cwd: ROOT, env: { ...process.env, [INPUT_ENV]: JSON.stringify(input) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    process.stderr.write(chunk);
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(readFileSync(input.reportFile, 'utf8')) as VmBootReport[]);
      else reject(new Error(`the VM boots in ${segment.serverNamespace} ended with ${signal ?? `exit code ${code}`}:\n${output}`));
    });
  });
}
