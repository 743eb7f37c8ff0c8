/**
 * Adding one BGP session to a BIRD metro router that already has 1,000: through the driver (one new include file,
 * then `birdc configure`) against a full reconfiguration of the same 1,001-session config (every session file
 * rewritten, then `configure`), measured in the same run on the same BIRD. Sessions are passive and nobody
 * connects: this times configuration, not BGP. Both paths leave the 1,000 sessions running.
 * Run: npx tsx bench/bgp-reload.ts
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startMetroRouter, type BgpSession } from '../lib/drivers/router';
import { birdc } from '../lib/drivers/router/bird-control';
import { renderSession, sessionFileName } from '../lib/drivers/router/bird-config';
import { freePort } from '../test/support/pg-cluster';
import { median, report, tempDir } from './support';

const SESSIONS = 1000;
const ROUNDS = 7;
const ROUTER_ADDRESS = '127.0.0.1';

const session = (id: string, n: number): BgpSession => ({
  id,
  // Loopback neighbors: the router is passive, and nothing here reaches outside the machine anyway.
  neighborIp: `127.${1 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`,
  neighborAsn: 64512 + (n % 1000),
  localAsn: 65530,
  md5Password: `bench-key-${n}`,
  maxPrefixes: 10,
  allowedPrefixes: [{ prefix: `198.18.${(n >> 5) & 255}.${(n & 31) * 8}/29` }],
  defaultRoute: n % 2 === 0,
});

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const temp = tempDir('bgp-reload');
  const listen = { ipv4: ROUTER_ADDRESS, port: await freePort() };
  const { bird, router } = await startMetroRouter({ dir: temp.dir, routerId: ROUTER_ADDRESS, listen, timeoutMs: 120_000 });
  try {
    const existing = Array.from({ length: SESSIONS }, (_, n) => session(`s${n}`, n));
    const setupMs = await timed(() => router.reconcile(existing));
    const sessionsDir = join(temp.dir, 'sessions');

    const driverMs: number[] = [];
    const fullMs: number[] = [];
    const fullConfigureMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const added = session(`added${round}`, SESSIONS + round);
      driverMs.push(await timed(() => router.upsertSession(added)));
      await router.removeSession(added.id);

      const all = [...existing, added];
      fullMs.push(
        await timed(async () => {
          for (const s of all) await writeFile(join(sessionsDir, sessionFileName(s.id)), renderSession(s, listen), { mode: 0o600 });
          fullConfigureMs.push(await timed(() => birdc(bird.socket, ['configure'], { timeoutMs: 120_000 })));
        }),
      );
      await router.removeSession(added.id);
    }

    const states = await router.sessionStates();
    if (states.length !== SESSIONS) throw new Error(`expected ${SESSIONS} sessions after the rounds, BIRD has ${states.length}`);
    const driver = median(driverMs);
    const full = median(fullMs);
    report(`BGP reload: one new session on a BIRD router with ${SESSIONS} sessions (median of ${ROUNDS})`, {
      'setup (1,000 in one change)': `${setupMs.toFixed(0)} ms`,
      'driver: one file + configure': `${driver.toFixed(1)} ms`,
      'full: 1,001 files + configure': `${full.toFixed(1)} ms`,
      '  of which configure': `${median(fullConfigureMs).toFixed(1)} ms`,
      'ratio (full / driver)': (full / driver).toFixed(2),
    });
  } finally {
    await bird.stop();
    temp.remove();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
