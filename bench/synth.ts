/**
 * Synth time of a 1,000-device stack written with the L2 constructs (validation, catalog checks, user data
 * rendering) against the same stack written with the L1 bindings directly, in the same run.
 * Run: npx tsx bench/synth.ts [devices] [repetitions]
 */
import { TerraformStack, Testing } from 'cdktf';
import { Device } from '../lib/gen/providers/metal/device';
import { MetalProvider as MetalProviderL1 } from '../lib/gen/providers/metal/provider';
import { Project } from '../lib/gen/providers/metal/project';
import { BareMetalDevice, CORE_METRO_CODES, MetalProject, MetalProvider, UserData } from '../lib/constructs';

const DEVICES = Number(process.argv[2] ?? 1000);
const REPETITIONS = Number(process.argv[3] ?? 7);
const USER_DATA = { packages: ['nginx'], runcmd: ['systemctl enable --now nginx'] };

function l2(): string {
  const stack = new TerraformStack(Testing.app(), 'l2');
  new MetalProvider(stack, 'metal');
  const project = new MetalProject(stack, 'fleet');
  const userData = UserData.cloudConfig(USER_DATA);
  for (let i = 0; i < DEVICES; i++) {
    const metro = CORE_METRO_CODES[i % CORE_METRO_CODES.length];
    new BareMetalDevice(stack, `node-${i}`, { project, metro, userData, tags: ['fleet', metro] });
  }
  return Testing.synth(stack);
}

function l1(): string {
  const stack = new TerraformStack(Testing.app(), 'l1');
  new MetalProviderL1(stack, 'metal', {});
  const project = new Project(stack, 'fleet', { name: 'fleet' });
  const userData = UserData.cloudConfig(USER_DATA).render();
  for (let i = 0; i < DEVICES; i++) {
    const metro = CORE_METRO_CODES[i % CORE_METRO_CODES.length];
    new Device(stack, `node-${i}`, {
      projectId: project.id,
      hostname: `node-${i}`,
      plan: 'c3.small.x86',
      metro,
      operatingSystem: 'ubuntu_24_04',
      billingCycle: 'hourly',
      userData,
      tags: ['fleet', metro],
    });
  }
  return Testing.synth(stack);
}

function timeMs(fn: () => string): number {
  const start = process.hrtime.bigint();
  const out = fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!out.includes('"metal_device"')) throw new Error('synth produced no devices');
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// One warm-up of each, then alternate so both see the same machine load.
timeMs(l1);
timeMs(l2);
const l1Times: number[] = [];
const l2Times: number[] = [];
for (let i = 0; i < REPETITIONS; i++) {
  l1Times.push(timeMs(l1));
  l2Times.push(timeMs(l2));
}
const fmt = (v: number[]) => v.map((x) => x.toFixed(0)).join(', ');
console.log(`devices: ${DEVICES}, repetitions: ${REPETITIONS}`);
console.log(`L1 bindings  ms: [${fmt(l1Times)}] median ${median(l1Times).toFixed(0)}`);
console.log(`L2 constructs ms: [${fmt(l2Times)}] median ${median(l2Times).toFixed(0)}`);
console.log(`ratio: ${(median(l2Times) / median(l1Times)).toFixed(2)} (goal ≤ 1.5)`);
