/**
 * Running BIRD: starting a `bird` process on its own config file and control socket, and asking it things
 * through `birdc`. Whoever owns a router (the operator's setup, a test) starts it; drivers only talk to the socket.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RouterUnavailable } from './types';

export const BIRD = '/usr/sbin/bird';
export const BIRDC = '/usr/sbin/birdc';

/** What BIRD said on one line, without its banner and progress lines, and with every secret of the change replaced. */
export function answerText(text: string, secrets: readonly string[]): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^BIRD [\d.]+ ready\.$|^Reading configuration from /.test(line));
  return secrets.reduce((t, secret) => t.split(secret).join('<md5 password>'), lines.join('; '));
}

/** Runs `birdc -s socket command…`; a refused command or an unreachable BIRD is a RouterUnavailable with BIRD's reason. */
export function birdc(
  socket: string,
  command: readonly string[],
  options: { birdc?: string; timeoutMs?: number; secrets?: readonly string[] } = {},
): Promise<string> {
  const secrets = options.secrets ?? [];
  const timeoutMs = options.timeoutMs ?? 30000;
  return new Promise((resolve, reject) => {
    execFile(options.birdc ?? BIRDC, ['-s', socket, ...command], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const failed = (kind: 'unreachable' | 'timeout' | 'protocol', why: string) =>
        reject(new RouterUnavailable(kind, `BIRD at ${socket} did not take "${command.join(' ')}": ${why}`));
      if (err.killed) return failed('timeout', `no answer within ${timeoutMs} ms`);
      // birdc says this (on stderr) when the socket is missing or nobody listens on it.
      if (/Unable to connect to server control socket/.test(stderr)) return failed('unreachable', answerText(stderr, secrets));
      failed('protocol', answerText(`${stdout}\n${stderr}`, secrets) || err.message);
    });
  });
}

export interface BirdProcess {
  socket: string;
  /** Stops BIRD (TERM, then KILL after a few seconds). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts `bird` in the foreground on `dir/bird.conf` (written from `config`) with its control socket in `dir`, and
 * resolves once the socket answers. BIRD's own complaint (a config error, a port in use) is the rejection's reason.
 */
export async function startBird(options: {
  dir: string;
  config: string;
  bird?: string;
  birdc?: string;
  readyTimeoutMs?: number;
}): Promise<BirdProcess> {
  const configFile = join(options.dir, 'bird.conf');
  const socket = join(options.dir, 'bird.ctl');
  await writeFile(configFile, options.config, { mode: 0o600 });
  const child = spawn(options.bird ?? BIRD, ['-f', '-c', configFile, '-s', socket], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('error', (err) => (stderr += err.message));
  const exited = once(child, 'exit').catch(() => undefined);
  let running = true;
  void exited.then(() => (running = false));

  const stop = async () => {
    if (!running) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };

  const timeoutMs = options.readyTimeoutMs ?? 15000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!running) throw new RouterUnavailable('protocol', `bird exited at start (${configFile}): ${stderr.trim() || 'no message'}`);
    try {
      await birdc(socket, ['show', 'status'], { birdc: options.birdc, timeoutMs: 2000 });
      return { socket, stop };
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new RouterUnavailable(
          'timeout',
          `bird did not answer on ${socket} within ${timeoutMs} ms: ${(err as Error).message} ${stderr.trim()}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
