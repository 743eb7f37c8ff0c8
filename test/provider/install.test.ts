/** installProvider's executable: a launcher that runs the bundle with a V8 code cache kept outside the package. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { installProvider, type InstalledProvider } from '../../lib/provider/install';
import { MAGIC_COOKIE_VALUE } from '../../lib/provider/protocol/handshake';

const FIXTURES = path.join(__dirname, 'fixtures');

describe('installProvider', () => {
  let dir: string;
  let cacheHome: string;
  let installed: InstalledProvider;
  const previousCacheHome = process.env.XDG_CACHE_HOME;
  const install = (projectDir = dir) =>
    installProvider({
      projectDir,
      entry: path.join(FIXTURES, 'test-provider.ts'),
      schemaPath: path.join(FIXTURES, 'test-schema.json'),
      version: '0.0.1',
    });
  const cacheFiles = () => readdirSync(path.join(cacheHome, 'metalforge')).filter((name) => name.endsWith('.v8cache'));
  const cacheFile = () => path.join(cacheHome, 'metalforge', cacheFiles()[0]);

  /** Starts the provider as Terraform does and resolves with its handshake line; stops it once `done()` holds. */
  const handshake = (done: () => boolean = () => true) =>
    new Promise<string>((resolve, reject) => {
      const plugin = spawn(installed.executable, [], {
        env: {
          PATH: process.env.PATH,
          XDG_CACHE_HOME: cacheHome,
          TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
          PLUGIN_PROTOCOL_VERSIONS: '6',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      plugin.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (!stdout.includes('\n')) return;
        const stop = setInterval(() => done() && (clearInterval(stop), plugin.kill('SIGTERM')), 20);
      });
      plugin.on('error', reject);
      plugin.on('exit', () => resolve(stdout));
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'metal-install-'));
    cacheHome = path.join(dir, 'cache');
    process.env.XDG_CACHE_HOME = cacheHome;
    installed = await install();
  });
  afterAll(() => {
    if (previousCacheHome === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = previousCacheHome;
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs a launcher next to the bundle and primes the code cache in the user cache directory', () => {
    expect(readdirSync(path.dirname(installed.executable)).sort()).toEqual(['provider-bundle.js', 'terraform-provider-metal_v0.0.1']);
    expect(readFileSync(installed.executable, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(installed.startup).toBe('code-cache');
    expect(cacheFiles()).toHaveLength(1);
  });

  it('builds the same package, so the same lock-file checksum, from the same sources in any project', async () => {
    const other = await install(path.join(dir, 'other-project'));
    expect(other.upToDate).toBe(false);
    expect(other.packageHash).toBe(installed.packageHash);
    expect(cacheFiles()).toHaveLength(1); // and so the same code cache
  });

  it('starts without a usable cache and writes one after the handshake', async () => {
    const file = cacheFile();
    writeFileSync(file, 'not a V8 code cache');
    // The cache is written after the handshake line: wait for it before stopping the provider.
    const rewritten = () => readFileSync(file).toString() !== 'not a V8 code cache';
    expect(await handshake(rewritten)).toMatch(/^1\|6\|tcp\|127\.0\.0\.1:\d+\|grpc\|\n$/);
    expect(rewritten()).toBe(true);

    rmSync(file);
    expect(await handshake(() => existsSync(file))).toMatch(/^1\|6\|tcp\|/);
    expect(existsSync(file)).toBe(true);
  });

  it('primes the cache again when an up-to-date install finds it gone', async () => {
    rmSync(cacheFile());
    const again = await install();
    expect(again).toMatchObject({ upToDate: true, startup: 'code-cache' });
    expect(existsSync(cacheFile())).toBe(true);
  });
});
