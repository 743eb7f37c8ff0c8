/**
 * Crash durability of the real server: `metalforge server` on a PGlite data dir is SIGKILLed while device creates
 * are in flight, restarted on the same data dir, and every create it acknowledged with 201 must still be there
 * and end active.
 */
import { seededRandom } from '../../lib/core/random';
import { removeTempDirs, tempDir } from '../support/cloud';
import { callServer as call, killServerProcesses, ServerProcess, startServerProcess } from '../support/server-process';

jest.setTimeout(240_000);

const TOKEN = 'mf_durability_admin_token_4c2d';
const METROS = ['ny', 'da', 'sv', 'am', 'fr', 'sg'];
const ROUNDS = 2;
const CONCURRENT_CREATES = 4;

const startServer = (dataDir: string): Promise<ServerProcess> => startServerProcess({ dataDir, token: TOKEN });

afterAll(() => {
  killServerProcesses();
  removeTempDirs();
});

describe('SIGKILL during device creates', () => {
  it('keeps every acknowledged device, and each ends active after restart', async () => {
    const seed = Date.now() % 100_000;
    const random = seededRandom(seed);
    const dataDir = tempDir('metalforge-durability-');
    const acknowledged = new Map<string, string>(); // id → hostname
    let projectId: string | undefined;
    let created = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const server = await startServer(dataDir);
      for (const [id, hostname] of acknowledged) {
        const res = await call(server, 'GET', `/devices/${id}`);
        expect({ seed, round, hostname, status: res.status }).toEqual({ seed, round, hostname, status: 200 });
      }
      projectId ??= (await call(server, 'POST', '/projects', { name: 'durability' })).body.id as string;

      // Kill right after the n-th acknowledgement of this round, with the other creates still in flight.
      const killAfter = 2 + Math.floor(random() * 8);
      let thisRound = 0;
      let killed = false;
      const worker = async () => {
        while (!killed) {
          const n = created++;
          const hostname = `dur-${round}-${n}`;
          let res: Awaited<ReturnType<typeof call>>;
          try {
            res = await call(server, 'POST', `/projects/${projectId}/devices`, {
              plan: 'c3.small.x86',
              metro: METROS[n % METROS.length],
              operating_system: 'ubuntu_24_04',
              hostname,
            });
          } catch {
            return; // the server died with this request in flight: it was never acknowledged
          }
          if (res.status !== 201) throw new Error(`create ${hostname} answered ${res.status}: ${JSON.stringify(res.body)}`);
          acknowledged.set(res.body.id, hostname);
          if (++thisRound >= killAfter && !killed) {
            killed = true;
            void server.stop('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENT_CREATES }, worker));
      await server.exited;
    }
    expect(acknowledged.size).toBeGreaterThanOrEqual(ROUNDS * 2);

    const server = await startServer(dataDir);
    try {
      for (const [id, hostname] of acknowledged) {
        const deadline = Date.now() + 60_000;
        let state = '';
        while (state !== 'active' && Date.now() < deadline) {
          const res = await call(server, 'GET', `/devices/${id}`);
          expect({ seed, hostname, status: res.status }).toEqual({ seed, hostname, status: 200 });
          state = res.body.state;
          if (state !== 'active') await new Promise((r) => setTimeout(r, 50));
        }
        expect({ seed, hostname, state }).toEqual({ seed, hostname, state: 'active' });
      }
      const listed = await call(server, 'GET', `/projects/${projectId}/devices?per_page=100`);
      const machines = listed.body.devices.map((d: { ip_addresses: { address: string }[] }) => d.ip_addresses[0].address);
      expect(new Set(machines).size).toBe(machines.length);
    } finally {
      await server.stop();
    }
  });
});
