/** Shared by the IPMI tests: tool detection (tests skip with a printed reason) and an async ipmitool runner. */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { IpmiFace } from '../../../lib/sim/ipmi-face';
import { SimMachine, SimMachineOptions } from '../../../lib/sim/machine';

const run = promisify(execFile);

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** `describe` when every tool is installed, else `describe.skip` after printing why. */
export function describeWithTools(tools: string[]): jest.Describe {
  const missing = tools.filter((tool) => !onPath(tool));
  if (missing.length === 0) return describe;
  console.warn(`skipping IPMI tests: ${missing.join(', ')} not installed (Debian packages openipmi, ipmitool)`);
  return describe.skip;
}

/**
 * ipmitool against a face, asynchronously: the face's chassis hook is served by this process, so a blocking
 * call (execFileSync) would deadlock ipmi_sim. `-C 3` avoids a ~10 s cipher-suite probe ipmi_sim never answers.
 */
export async function ipmitool(face: Pick<IpmiFace, 'port' | 'username' | 'password'>, ...args: string[]): Promise<string> {
  const { stdout } = await run('ipmitool', [...connection(face), ...args], {
    timeout: 20000,
  });
  return stdout;
}

const connection = (face: Pick<IpmiFace, 'port' | 'username' | 'password'>) => [
  '-I',
  'lanplus',
  '-C',
  '3',
  '-H',
  '127.0.0.1',
  '-p',
  String(face.port),
  '-U',
  face.username,
  '-P',
  face.password,
];

/**
 * `ipmitool sol activate` as an operator runs it: on a terminal (script(1) gives it a pty; ipmitool refuses a pipe),
 * pressing Enter once the session is up, reading until `until` appears, then leaving with the "~." escape.
 * Resolves with everything the session printed.
 */
const SOL_UP = '[SOL Session operational.';

export function solActivate(face: Pick<IpmiFace, 'port' | 'username' | 'password'>, until: string): Promise<string> {
  const command = ['ipmitool', ...connection(face), 'sol', 'activate'].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`sol activate printed no "${until}" within 15 s: ${JSON.stringify(output)}`));
    }, 15000);
    const collect = (chunk: Buffer) => {
      const before = output;
      output += chunk.toString('utf8');
      if (!before.includes(SOL_UP) && output.includes(SOL_UP)) child.stdin.write('\r');
      if (!before.includes(until) && output.includes(until)) child.stdin.write('\r~.');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

export function simMachine(id: string, options: Partial<SimMachineOptions> = {}): SimMachine {
  return new SimMachine({
    id,
    inventory: { cpus: [{ count: 1, cores: 4 }], memoryMiB: 8192, drives: [], nics: [] },
    scale: 0,
    ...options,
  });
}

/** A random() that returns the given values first, then 0.999 (never a fault). */
export function scriptedRandom(values: number[]): () => number {
  const queue = [...values];
  return () => queue.shift() ?? 0.999;
}
