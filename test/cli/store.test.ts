/**
 * The store commands end to end, with real server processes: `metalforge backup` of a running server during a
 * storm of device creates, `restore` into an empty data dir and a server on it, `store sql` on a stopped store
 * (refused while a server holds it), and `store migrate` into an empty PostgreSQL with two servers continuing on it.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeTempDirs, tempDir } from '../support/cloud';
import { describeWithPostgres, PgCluster, startPgCluster } from '../support/pg-cluster';
import { callServer, killServerProcesses, ROOT, ServerProcess, startServerProcess } from '../support/server-process';

jest.setTimeout(400_000);

const TOKEN = 'mf_store_commands_admin_token_51b7';
const METROS = ['ny', 'da', 'sv', 'am', 'fr', 'sg'];
/** The storm's bound: creates stop here even if the backup is still running. */
const MAX_CREATES = 300;

/** Runs `metalforge <args>` without blocking this process (the servers' clients keep running meanwhile). */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/main.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const create = (server: ServerProcess, projectId: string, n: number) =>
  callServer(server, 'POST', `/projects/${projectId}/devices`, {
    plan: 'c3.small.x86',
    metro: METROS[n % METROS.length],
    operating_system: 'ubuntu_24_04',
    hostname: `st-${n}`,
  });

async function activeEventually(server: ServerProcess, id: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await callServer(server, 'GET', `/devices/${id}`);
    if (res.body?.state === 'active' || Date.now() > deadline) return res.body?.state;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const dataDir = tempDir('metalforge-store-cli-');
const original = join(dataDir, 'original');
/** The default world with room for the storm: 100 c3.small.x86 in every core facility. */
const catalog = join(dataDir, 'catalog.json');
const world = JSON.parse(readFileSync(join(ROOT, 'catalog', 'default.json'), 'utf8'));
writeFileSync(catalog, JSON.stringify({ ...world, hardware: [{ metro_kind: 'core', per_facility: { 'c3.small.x86': 100 } }] }));
const serverArgs = ['--catalog', catalog];
/** Every device the original server acknowledged (id → hostname). */
const acknowledged = new Map<string, string>();

afterAll(() => {
  killServerProcesses();
  removeTempDirs();
});

describe('backup during a create storm, restore, store sql', () => {
  it('restores every device acknowledged before the backup into a server that serves them', async () => {
    const server = await startServerProcess({ dataDir: original, token: TOKEN, args: serverArgs });
    const backupFile = join(dataDir, 'storm.mfbackup');
    let beforeBackup: Map<string, string> | undefined;
    try {
      const projectId = (await callServer(server, 'POST', '/projects', { name: 'storm' })).body.id as string;
      let n = 0;
      let storming = true;
      const storm = Array.from({ length: 4 }, async () => {
        try {
          while (storming && n < MAX_CREATES) {
            const i = n++;
            const res = await create(server, projectId, i);
            expect({ status: res.status, body: res.status === 201 ? undefined : res.body }).toEqual({ status: 201 });
            acknowledged.set(res.body.id, `st-${i}`);
          }
        } finally {
          storming = false;
        }
      });
      while (storming && acknowledged.size < 12) await new Promise((r) => setTimeout(r, 20));
      // The backup's point is after these acknowledgements; creates keep coming while it runs.
      beforeBackup = new Map(acknowledged);
      const backup = await cli(['backup', '--data-dir', original, '--to', backupFile, '--admin-token', TOKEN]);
      expect(backup).toMatchObject({ code: 0, stdout: expect.stringContaining('from the running server') });
      const refused = await cli(['store', 'sql', '--data-dir', original, 'SELECT 1']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/a metalforge server \(pid \d+ on .*\) holds .*: stop it before running SQL on it/);
      const atBackupEnd = acknowledged.size;
      while (storming && acknowledged.size < atBackupEnd + 4) await new Promise((r) => setTimeout(r, 20));
      storming = false;
      await Promise.all(storm);
      // Creates were acknowledged while the backup ran, or the storm reached its bound during it.
      expect(atBackupEnd > beforeBackup.size || n >= MAX_CREATES).toBe(true);
    } finally {
      await server.stop();
    }

    const restoredDir = join(dataDir, 'restored');
    const restored = await cli(['restore', '--from', backupFile, '--data-dir', restoredDir]);
    expect(restored).toMatchObject({ code: 0, stdout: expect.stringMatching(/devices\s+\d+ rows/) });
    const again = await cli(['restore', '--from', backupFile, '--data-dir', restoredDir]);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('is not empty') });

    const onRestored = await startServerProcess({ dataDir: restoredDir, token: TOKEN, args: serverArgs });
    try {
      for (const [id, hostname] of beforeBackup!) {
        const res = await callServer(onRestored, 'GET', `/devices/${id}`);
        expect({ hostname, status: res.status, got: res.body?.hostname }).toEqual({ hostname, status: 200, got: hostname });
      }
      const [someDevice] = beforeBackup!.keys();
      expect(await activeEventually(onRestored, someDevice)).toBe('active');
    } finally {
      await onRestored.stop();
    }
  });

  it('runs SQL against the stopped store and prints the rows', async () => {
    const result = await cli([
      'store',
      'sql',
      '--data-dir',
      original,
      "SELECT count(*)::int AS devices FROM devices WHERE hostname LIKE 'st-%'",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').map((l) => l.trim())).toEqual([
      'devices',
      expect.stringMatching(/^-+$/),
      String(acknowledged.size),
      '(1 row)',
      '',
    ]);
  });
});

describeWithPostgres('store migrate into PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('moves everything into an empty database, where two servers serve every device and keep provisioning', async () => {
    const url = await cluster.createDatabase('moved');
    const moved = await cli(['store', 'migrate', '--from-data-dir', original, '--to', url]);
    expect(moved.stderr).toBe('');
    expect(moved.stdout).toMatch(/every table arrived with the same rows and checksum/);
    expect(moved.stdout).toMatch(/devices\s+\d+ rows\s+md5 [0-9a-f]{32}/);
    const again = await cli(['store', 'migrate', '--from-data-dir', original, '--to', url]);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('the target database is not empty') });

    const env = { METALFORGE_SECRET_KEY: readFileSync(join(original, 'secret.key'), 'utf8').trim() };
    const servers = [
      await startServerProcess({ dataDir: join(dataDir, 'pg-a'), token: TOKEN, args: ['--database-url', url, ...serverArgs], env }),
      await startServerProcess({ dataDir: join(dataDir, 'pg-b'), token: TOKEN, args: ['--database-url', url, ...serverArgs], env }),
    ];
    try {
      for (const server of servers) {
        for (const [id, hostname] of acknowledged) {
          const res = await callServer(server, 'GET', `/devices/${id}`);
          expect({ hostname, status: res.status, got: res.body?.hostname }).toEqual({ hostname, status: 200, got: hostname });
        }
      }
      const projects = await callServer(servers[1], 'GET', '/projects');
      const projectId = projects.body.projects.find((p: { name: string }) => p.name === 'storm').id as string;
      const fresh = await create(servers[1], projectId, 10_000);
      expect(fresh.status).toBe(201);
      expect(await activeEventually(servers[0], fresh.body.id)).toBe('active');
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });
});
