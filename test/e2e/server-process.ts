/**
 * Real `metalforge server` processes for crash tests: one node process each (tsx as a loader, so SIGKILL hits the
 * server itself), on loopback, with the simulator at zero delay. Every process started is killed by killServers().
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const TOKEN = 'mf_durability_admin_token_4c2d';

export interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();

export interface ServerStart {
  dataDir: string;
  databaseUrl?: string;
  env?: Record<string, string>;
}

/** Starts a server; rejects with its output when it exits before listening. */
export async function startServer(options: ServerStart | string): Promise<Server> {
  const { dataDir, databaseUrl, env } = typeof options === 'string' ? { dataDir: options } : options;
  const child = spawn(
    process.execPath,
    [
      '--import', 'tsx', 'lib/cli/main.ts', 'server', '--data-dir', dataDir, '--port', '0', '--sim-scale', '0', '--boot-path', 'in-process',
      '--admin-token', TOKEN, '--log-level', 'warn', '--log-format', 'json', ...(databaseUrl ? ['--database-url', databaseUrl] : []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  children.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
      if (match) resolve(match[0]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
  });
  return { child, url, exited };
}

export async function call(server: Server, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/metal/v1${path}`, {
    method,
    headers: { 'x-auth-token': TOKEN, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** SIGTERM, and the exit. */
export async function stopServer(server: Server): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}

export function killServers(): void {
  for (const child of children) child.kill('SIGKILL');
}
