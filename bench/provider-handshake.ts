/**
 * Provider start-up: time from spawning the built terraform-provider-metal executable to its handshake line
 * (Terraform starts 3-4 provider processes per command), against a bare `node -e 0` in the same run.
 * Goal: median ≤ 300 ms. Reports the start-up mode the install produced (V8 code cache, or plain compile).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { installProvider } from '../lib/provider/install';
import { generateServerCertificate } from '../lib/provider/protocol/cert';
import { MAGIC_COOKIE_VALUE } from '../lib/provider/protocol/handshake';

const RUNS = 15;
const GOAL_MS = 300;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeToHandshake(executable: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(executable, [], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('\n')) return;
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (!/^1\|6\|tcp\|/.test(out)) reject(new Error(`unexpected handshake: ${out}`));
      child.kill('SIGTERM');
      child.on('exit', () => resolve(elapsed));
    });
    child.on('error', reject);
  });
}

function timeNodeBoot(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', '0'], { env, stdio: 'ignore' });
    child.on('exit', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
    child.on('error', reject);
  });
}

async function main(): Promise<void> {
  const projectDir = mkdtempSync(path.join(tmpdir(), 'metal-bench-'));
  try {
    const installed = await installProvider({ projectDir });
    const clientCert = generateServerCertificate().certPem;
    const env = {
      PATH: process.env.PATH,
      TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: '5,6',
      PLUGIN_MIN_PORT: '10000',
      PLUGIN_MAX_PORT: '25000',
      PLUGIN_CLIENT_CERT: clientCert,
    };
    await timeToHandshake(installed.executable, env); // warm the file cache
    const provider: number[] = [];
    const node: number[] = [];
    // NODE_EXTRA_CA_CERTS makes every node start read and parse that bundle (~140 ms on this machine); the
    // provider runs without it here, so the baseline must too. Terraform would pass it on: shown apart.
    const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS;
    const nodeWithCaCerts: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      provider.push(await timeToHandshake(installed.executable, env));
      node.push(await timeNodeBoot({ PATH: process.env.PATH }));
      if (extraCaCerts) nodeWithCaCerts.push(await timeNodeBoot({ PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: extraCaCerts }));
    }
    const providerMedian = median(provider);
    const nodeMedian = median(node);
    console.log(`start-up mode: ${installed.startup}`);
    console.log(`provider start to handshake (ms): ${provider.map((v) => v.toFixed(0)).join(' ')}`);
    console.log(`node -e 0 (ms):                   ${node.map((v) => v.toFixed(0)).join(' ')}`);
    console.log(`median provider handshake: ${providerMedian.toFixed(1)} ms, median node -e 0: ${nodeMedian.toFixed(1)} ms`);
    console.log(`ratio: ${(providerMedian / nodeMedian).toFixed(2)} (provider handshake / bare node boot)`);
    if (extraCaCerts) {
      console.log(
        `node -e 0 with NODE_EXTRA_CA_CERTS=${extraCaCerts}: median ${median(nodeWithCaCerts).toFixed(1)} ms (a provider Terraform starts with it pays the same extra)`,
      );
    }
    console.log(`goal median ≤ ${GOAL_MS} ms: ${providerMedian <= GOAL_MS ? 'met' : 'NOT met'} (${providerMedian.toFixed(1)} ms)`);
  } finally {
    rmSync(projectDir, { recursive: true, force: true });
  }
}

void main();
