/**
 * `metalforge server` as a real child process (one node process, tsx as a loader, so a signal hits the server
 * itself), optionally started under a wrapper such as strace; plus a small API caller.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  token: string;
  exited: Promise<number | null>;
  /** Stops the server itself (also when it runs under a wrapper) with `signal`, and waits for the child to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** How to kill each server process still running (the server itself, also under a wrapper). */
const running = new Map<ChildProcess, () => void>();

export interface ServerProcessOptions {
  token: string;
  /** PGlite data dir (`--data-dir`). */
  dataDir: string;
  /** More `metalforge server` flags. */
  args?: string[];
  /** A command the server runs under, e.g. ['strace', '-f', '-o', file]; its last element is followed by node. */
  wrapper?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Node's arguments for `metalforge server` on a PGlite data dir, any port, an instant simulator. */
export function serverArgs(dataDir: string): string[] {
  return [
    '--import',
    'tsx',
    'lib/cli/main.ts',
    'server',
    '--data-dir',
    dataDir,
    '--port',
    '0',
    '--sim-scale',
    '0',
    '--boot-path',
    'in-process',
  ];
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const { token, dataDir, args = [], wrapper = [] } = options;
  const command = [
    ...wrapper,
    process.execPath,
    ...serverArgs(dataDir),
    ...['--admin-token', token, '--log-level', 'warn', '--log-format', 'json', ...args],
  ];
  const child = spawn(command[0], command.slice(1), {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
      if (match) resolve(match[0]);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
  });
  // Under a wrapper the server is the wrapper's child: signal it, and the wrapper ends with it.
  const serverPid = wrapper.length ? wrappedPid(child.pid!) : child.pid!;
  running.set(child, () => process.kill(serverPid, 'SIGKILL'));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    process.kill(serverPid, signal);
    await exited;
  };
  return { child, url, token, exited, stop };
}

/** The (first) child process of `pid`. */
function wrappedPid(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  if (!children[0]) throw new Error(`process ${pid} has no child process`);
  return children[0];
}

/** Kills every server process still running; call from afterAll. */
export function killServerProcesses(): void {
  for (const kill of running.values()) kill();
}

export async function callServer(
  server: ServerProcess,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/metal/v1${path}`, {
    method,
    headers: { 'x-auth-token': server.token, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
