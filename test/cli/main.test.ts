/**
 * The metalforge command as a new user meets it: bin/metalforge run as a child process. --help lists every
 * command; deploy and destroy take the API URL from METAL_API_URL (as the README's tour sets it) and stop at
 * once, naming the URL, when nothing answers there or the token is refused, before any synth or terraform run.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createCloud, type Cloud } from '../../lib/cloud';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');

function metalforge(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const cleanEnv = { ...process.env, ...env };
    for (const name of ['METAL_API_URL', 'METAL_AUTH_TOKEN'] as const) if (!(name in env)) delete cleanEnv[name];
    const child = spawn(join(ROOT, 'bin', 'metalforge'), args, { cwd: ROOT, env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

/** A loopback port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

describe('bin/metalforge', () => {
  it('--help lists every command, test included', async () => {
    const { code, output } = await metalforge(['--help']);
    expect(code).toBe(0);
    for (const command of ['server', 'demo', 'deploy', 'destroy', 'provider', 'test'])
      expect(output).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('server refuses a bad --dhcp-range at once, naming the field and the fix', async () => {
    const swapped = await metalforge(['server', '--dhcp-range', '10.0.0.0/24,10.0.0.200,10.0.0.100']);
    expect(swapped.code).not.toBe(0);
    expect(swapped.output).toContain('dhcp-range: provisioning network provisioning: rangeStart comes after rangeEnd; swap them');
    const short = await metalforge(['server', '--dhcp-range', '10.0.0.0/24']);
    expect(short.output).toContain('dhcp-range is subnet,first,last such as 10.0.0.0/24,10.0.0.100,10.0.0.199, got "10.0.0.0/24"');
  });

  describe('deploy and destroy against a URL where nothing answers', () => {
    let url: string;
    beforeAll(async () => {
      url = `http://127.0.0.1:${await closedPort()}/metal/v1`;
    });

    it('deploy takes METAL_API_URL and stops with one message naming it, before synth and terraform', async () => {
      const { code, output } = await metalforge(['deploy', 'core-web-ny'], { METAL_API_URL: url, METAL_AUTH_TOKEN: 'mf_unused' });
      expect(code).toBe(1);
      expect(output).toContain(
        `metalforge: no metalforge server answers at ${url} (ECONNREFUSED): start one with \`bin/metalforge server\``,
      );
      expect(output).not.toMatch(/synthesizing|terraform-provider-metal|retry/i);
    });

    it('destroy with --api-url (without /metal/v1) does the same', async () => {
      const { code, output } = await metalforge([
        'destroy',
        'core-web-ny',
        '--api-url',
        url.replace('/metal/v1', ''),
        '--token',
        'mf_unused',
      ]);
      expect(code).toBe(1);
      expect(output).toContain(`no metalforge server answers at ${url} (ECONNREFUSED)`);
      expect(output).not.toMatch(/synthesizing|retry/i);
    });
  });

  describe('deploy against a running server', () => {
    let cloud: Cloud;
    let url: string;
    beforeAll(async () => {
      cloud = await createCloud({ catalog: false, port: 0, startWorkers: false });
      url = `${await cloud.listen()}/metal/v1`;
    });
    afterAll(async () => {
      await cloud?.close();
    });

    it('says the token was refused, before synth and terraform', async () => {
      const { code, output } = await metalforge(['deploy', 'core-web-ny'], { METAL_API_URL: url, METAL_AUTH_TOKEN: 'mf_not-a-token' });
      expect(code).toBe(1);
      expect(output).toContain(`the API at ${url} refused the token: use the admin token the server printed`);
      expect(output).not.toMatch(/synthesizing/);
    });
  });
});
