/**
 * `metalforge server` shows the admin token once, when it creates it, and keeps it in a 0600 file; later starts
 * print where the file is, never the token.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { removeTempDirs, tempDir } from '../support/cloud';
import { serverArgs } from '../support/server-process';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');

/** Starts the server, returns everything it printed up to its "database" line, and stops it with SIGTERM. */
function startAndStop(dataDir: string): Promise<string> {
  const env = { ...process.env };
  delete env.METALFORGE_ADMIN_TOKEN;
  const child = spawn(process.execPath, [...serverArgs(dataDir), '--log-level', 'info', '--log-format', 'json'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (/\n {2}database /.test(output)) child.kill('SIGTERM');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', () =>
      / {2}database /.test(output) ? resolve(output) : reject(new Error(`the server exited before serving:\n${output}`)),
    );
  });
}

afterAll(() => removeTempDirs());

describe('admin token', () => {
  it('is printed at creation only, kept in <data-dir>/admin-token with mode 0600, and never logged', async () => {
    const dataDir = tempDir('metalforge-admin-token-');
    const file = join(dataDir, 'admin-token');
    const first = await startAndStop(dataDir);
    const token = readFileSync(file, 'utf8').trim();
    expect(token).toMatch(/^mf_/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first).toContain(`admin token  ${token}`);
    expect(first).toMatch(/^ {2}console {6}http:\/\/127\.0\.0\.1:\d+\/ {3}\(sign in with an API token\)$/m);
    expect(first.split(token).length - 1).toBe(1); // shown in that one line, not in any log line
    const second = await startAndStop(dataDir);
    expect(second).not.toContain(token);
    expect(second).toContain(`admin token  kept in ${file} (mode 0600)`);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
  });
});
