/**
 * Fault campaign against real `metalforge server` processes (bounded in count and time, loopback only):
 * - kill -9 while idempotent device creates are in flight, on PGlite (restart on the same data dir) and on
 *   PostgreSQL (two servers, one killed, the survivor takes over); every create is retried with its
 *   Idempotency-Key until answered. Then: every acknowledged create exists exactly once (a retry replays it),
 *   every device ends active (nothing stuck in provisioning), and no machine is given twice;
 * - a second server on a PGlite data dir in use is refused naming the holder, and takes over after a kill -9;
 * - a server whose secret key differs from the database's refuses to start.
 */
import { randomBytes } from 'node:crypto';
import { seededRandom } from '../../lib/core/random';
import { freshPostgresUrl, removeTempDirs, stopPostgres, tempDir } from '../support/cloud';
import { describeWithPostgres } from '../support/pg-cluster';
import { callServer as call, killServerProcesses, ServerProcess as Server, startServerProcess } from '../support/server-process';

const TOKEN = 'mf_fault_campaign_admin_token_7e1a';

/** A real server process on a PGlite data dir, or on PostgreSQL with `databaseUrl`. */
const startServer = (options: { dataDir: string; databaseUrl?: string; env?: Record<string, string> } | string): Promise<Server> => {
  const { dataDir, databaseUrl, env } = typeof options === 'string' ? { dataDir: options } : options;
  return startServerProcess({ token: TOKEN, dataDir, args: databaseUrl ? ['--database-url', databaseUrl] : [], env });
};
const stopServer = (server: Server) => server.stop();

jest.setTimeout(300_000);

const METROS = ['ny', 'da', 'sv', 'am', 'fr', 'sg'];
const CONCURRENT_CREATES = 4;
/** Creates per campaign: the bound on its work. */
const CREATES = 24;
/** The survivor must have finished everything within this after the kill. */
const TAKEOVER_BOUND_MS = 60_000;

afterAll(async () => {
  killServerProcesses();
  await stopPostgres();
  removeTempDirs();
});

interface Create {
  hostname: string;
  key: string;
  id?: string;
}

/**
 * Sends CREATES idempotent creates to `server`, CONCURRENT_CREATES at a time, and kills it (SIGKILL) right after
 * the `killAfter`-th acknowledgement, with other creates in flight. Returns every create tried, answered or not.
 */
async function createThenKill(server: Server, projectId: string, killAfter: number): Promise<Create[]> {
  const creates: Create[] = Array.from({ length: CREATES }, (_, n) => ({
    hostname: `fault-${n}`,
    key: `fault-key-${n}-${randomBytes(4).toString('hex')}`,
  }));
  let next = 0;
  let acknowledged = 0;
  let killed = false;
  const worker = async () => {
    while (!killed && next < creates.length) {
      const create = creates[next++];
      try {
        const res = await call(server, 'POST', `/projects/${projectId}/devices`, deviceBody(create), { 'idempotency-key': create.key });
        if (res.status !== 201) throw new Error(`create ${create.hostname} answered ${res.status}: ${JSON.stringify(res.body)}`);
        create.id = res.body.id;
      } catch (err) {
        if (killed) return; // in flight when the server died: answered by the retry
        throw err;
      }
      if (++acknowledged >= killAfter && !killed) {
        killed = true;
        server.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_CREATES }, worker));
  if (!killed) server.child.kill('SIGKILL');
  await server.exited;
  return creates.slice(0, next);
}

const deviceBody = (c: Create) => ({
  plan: 'c3.small.x86',
  metro: METROS[Number(c.hostname.split('-')[1]) % METROS.length],
  operating_system: 'ubuntu_24_04',
  hostname: c.hostname,
});

/** Retries each create with its key until answered: an acknowledged one must be replayed (same id). */
async function retryUntilAnswered(server: Server, projectId: string, creates: Create[]): Promise<void> {
  const deadline = Date.now() + TAKEOVER_BOUND_MS;
  for (const create of creates) {
    for (;;) {
      const res = await call(server, 'POST', `/projects/${projectId}/devices`, deviceBody(create), { 'idempotency-key': create.key });
      if (res.status === 201) {
        expect({ hostname: create.hostname, id: res.body.id }).toEqual({ hostname: create.hostname, id: create.id ?? res.body.id });
        create.id = res.body.id;
        break;
      }
      // The killed server's claim on the key: held until its worker is known dead.
      expect({ hostname: create.hostname, status: res.status }).toEqual({ hostname: create.hostname, status: 409 });
      if (Date.now() > deadline) throw new Error(`create ${create.hostname} still answered 409 after ${TAKEOVER_BOUND_MS} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Every create exists once and ends active within the bound; no machine is given twice. */
async function expectAllActiveOnce(server: Server, projectId: string, creates: Create[]): Promise<void> {
  const deadline = Date.now() + TAKEOVER_BOUND_MS;
  let devices: { id: string; hostname: string; state: string; ip_addresses: { address: string }[] }[] = [];
  for (;;) {
    devices = (await call(server, 'GET', `/projects/${projectId}/devices?per_page=100`)).body.devices;
    if (devices.every((d) => d.state === 'active') || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const stuck = devices.filter((d) => d.state !== 'active').map((d) => `${d.hostname}: ${d.state}`);
  expect(stuck).toEqual([]);
  expect(devices.map((d) => d.hostname).sort()).toEqual(creates.map((c) => c.hostname).sort());
  expect(devices.map((d) => d.id).sort()).toEqual(creates.map((c) => c.id).sort());
  const machines = devices.map((d) => d.ip_addresses[0].address);
  expect(new Set(machines).size).toBe(machines.length);
}

describe('fault campaign on PGlite', () => {
  it('kill -9 during idempotent creates: after restart every create exists once, active, each machine given once', async () => {
    const random = seededRandom(Date.now() % 100_000);
    const dataDir = tempDir('metalforge-campaign-');
    const first = await startServer(dataDir);
    const projectId = (await call(first, 'POST', '/projects', { name: 'campaign' })).body.id as string;
    const creates = await createThenKill(first, projectId, 3 + Math.floor(random() * 8));
    const second = await startServer(dataDir);
    try {
      await retryUntilAnswered(second, projectId, creates);
      await expectAllActiveOnce(second, projectId, creates);
    } finally {
      await stopServer(second);
    }
  });

  it('refuses a second server on a data dir in use, naming the holder; takes over the lock after a kill -9', async () => {
    const dataDir = tempDir('metalforge-campaign-');
    const first = await startServer(dataDir);
    await expect(startServer(dataDir)).rejects.toThrow(new RegExp(`in use by another metalforge server \\(pid ${first.child.pid} on `));
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startServer(dataDir);
    expect((await call(second, 'GET', '/projects')).status).toBe(200);
    await stopServer(second);
  });
});

describeWithPostgres('fault campaign on PostgreSQL', () => {
  it('two servers, one killed during idempotent creates: the survivor finishes everything within a minute', async () => {
    const random = seededRandom(Date.now() % 100_000);
    const databaseUrl = await freshPostgresUrl();
    const env = { METALFORGE_SECRET_KEY: randomBytes(32).toString('base64') };
    const doomed = await startServer({ dataDir: tempDir('metalforge-campaign-'), databaseUrl, env });
    const survivor = await startServer({ dataDir: tempDir('metalforge-campaign-'), databaseUrl, env });
    try {
      const projectId = (await call(doomed, 'POST', '/projects', { name: 'campaign' })).body.id as string;
      const creates = await createThenKill(doomed, projectId, 3 + Math.floor(random() * 8));
      await retryUntilAnswered(survivor, projectId, creates);
      await expectAllActiveOnce(survivor, projectId, creates);

      // A server with another secret key is refused before it answers anything.
      const other = { METALFORGE_SECRET_KEY: randomBytes(32).toString('base64') };
      await expect(startServer({ dataDir: tempDir('metalforge-campaign-'), databaseUrl, env: other })).rejects.toThrow(
        /is not the key this database was first started with/,
      );
    } finally {
      await stopServer(survivor);
    }
  });
});
