/**
 * BirdRouter against real BIRD 2: a metro router BIRD configured through the driver, and "customer server" BIRDs
 * peering with it from other loopback addresses, with TCP MD5. Every wait polls with a deadline.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BirdRouter,
  RouterUnavailable,
  startMetroRouter,
  type BgpSession,
  type BirdProcess,
  type MetroRouter,
} from '../../../lib/drivers/router';
import { birdc } from '../../../lib/drivers/router/bird-control';
import { parseProtocols, parseRoutePrefixes } from '../../../lib/drivers/router/bird-output';
import { describeWithBird, startCustomer } from '../../support/bird';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/pg-cluster';
import { testSession } from './sessions';

const ROUTER = { address: '127.0.0.1', asn: 65530 };
const PASSWORD = 'Md5-s3cret-for-test';
const ELASTIC_IP = '198.51.100.9/32';
const NOT_OWNED = '203.0.113.0/24';

const session = (id: string, neighborIp: string): BgpSession =>
  testSession({ id, neighborIp, localAsn: ROUTER.asn, md5Password: PASSWORD, allowedPrefixes: [{ prefix: '198.51.100.8/29' }] });

describeWithBird('BirdRouter with real BIRD peers', () => {
  let root: string;
  let metro: MetroRouter;
  let routerPort: number;
  const customers: BirdProcess[] = [];

  const customer = async (address: string, md5Password: string) => {
    const bird = await startCustomer(join(root, `customer-${address}`), {
      address,
      port: await freePort(),
      asn: 65000,
      router: { ...ROUTER, port: routerPort },
      md5Password,
      announce: [ELASTIC_IP, NOT_OWNED],
    });
    customers.push(bird);
    return bird;
  };
  const stateOf = async (id: string) => (await metro.router.sessionStates()).find((s) => s.id === id);
  /** The customer's own view of its session (its protocol is named like the driver's, so the same parser reads it). */
  const customerState = async (bird: BirdProcess) => parseProtocols(await birdc(bird.socket, ['show', 'protocols', 'all']))[0];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'metalforge-bird-'));
    routerPort = await freePort();
    metro = await startMetroRouter({
      dir: join(root, 'metro'),
      routerId: ROUTER.address,
      listen: { ipv4: ROUTER.address, port: routerPort },
    });
  });

  afterAll(async () => {
    await Promise.allSettled([...customers.map((c) => c.stop()), metro?.bird.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  it('brings an MD5 session up, learns the elastic IP, rejects a prefix the customer does not own, and sends a default route', async () => {
    await metro.router.upsertSession(session('a', '127.0.0.2'));
    const customerA = await customer('127.0.0.2', PASSWORD);

    const up = await eventually(async () => (await stateOf('a'))?.status === 'up' && stateOf('a'), 'session a to come up');
    expect(up).toEqual({ id: 'a', status: 'up', since: expect.any(Date) });
    const routes = await eventually(async () => {
      const learned = await metro.router.learnedRoutes('a');
      return learned.length === 2 && learned;
    }, 'both announcements to reach the router');
    expect(routes).toEqual(
      expect.arrayContaining([
        { prefix: ELASTIC_IP, accepted: true },
        { prefix: NOT_OWNED, accepted: false },
      ]),
    );
    const received = parseRoutePrefixes(await birdc(customerA.socket, ['show', 'route', 'protocol', 'peer_metro']));
    expect(received).toEqual(['0.0.0.0/0']);

    // The key is in the session's file (readable by its owner only) and in nothing the driver hands back.
    const file = join(root, 'metro', 'sessions', 'a.conf');
    expect(readFileSync(file, 'utf8')).toContain(PASSWORD);
    expect(JSON.stringify([await metro.router.sessionStates(), routes])).not.toContain(PASSWORD);
  });

  it('adds a session without flapping the established one; a wrong MD5 key keeps the new one down with a reason', async () => {
    const before = await stateOf('a');
    expect(before?.status).toBe('up');
    const customerBefore = await customerState(customers[0]);
    expect(customerBefore.status).toBe('up');

    await metro.router.upsertSession(session('b', '127.0.0.3'));
    await customer('127.0.0.3', 'not-the-key');

    // Long enough for the customer to try several times (connect delay 1 s, retry 2 s); b must never come up.
    const watchUntil = Date.now() + 6000;
    while (Date.now() < watchUntil) {
      const b = await stateOf('b');
      expect(b?.status).toBe('connecting');
      expect(b?.reason).toBe('Passive');
      await new Promise((r) => setTimeout(r, 250));
    }
    // Established before b was added, and still the same session: no restart, routes still there.
    expect(await stateOf('a')).toEqual(before);
    expect(await customerState(customers[0])).toEqual(customerBefore);
    expect(await metro.router.learnedRoutes('a')).toContainEqual({ prefix: ELASTIC_IP, accepted: true });
  });

  it('upserting an unchanged session asks BIRD nothing, and reconciling drops what is not wanted', async () => {
    const unreachable = new BirdRouter({
      socket: join(root, 'no-such.ctl'),
      sessionsDir: join(root, 'metro', 'sessions'),
      listen: { ipv4: ROUTER.address, port: routerPort },
    });
    await expect(unreachable.upsertSession(session('a', '127.0.0.2'))).resolves.toBeUndefined();

    // Changes from concurrent callers queue up: each one's files and configure run whole.
    await Promise.all([metro.router.upsertSession(session('e', '127.0.0.6')), metro.router.upsertSession(session('f', '127.0.0.7'))]);
    expect((await metro.router.sessionStates()).map((s) => s.id).sort()).toEqual(['a', 'b', 'e', 'f']);

    await metro.router.reconcile([session('a', '127.0.0.2')]);
    await eventually(async () => (await metro.router.sessionStates()).length === 1, 'sessions b, e and f to be removed');
    expect((await stateOf('a'))?.status).toBe('up');
  });

  it('keeps the previous configuration when BIRD refuses the new one or cannot be reached', async () => {
    const sessionsDir = join(root, 'metro', 'sessions');
    const before = readdirSync(sessionsDir).sort();
    // Port 70000 renders a session BIRD's parser refuses.
    const refused = new BirdRouter({ socket: metro.bird.socket, sessionsDir, listen: { ipv4: ROUTER.address, port: 70000 } });
    const err = await refused.upsertSession(session('c', '127.0.0.4')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RouterUnavailable);
    expect(err).toMatchObject({ kind: 'protocol', retryable: false });
    expect((err as Error).message).toMatch(/c\.conf:\d+:\d+ Invalid port number/);
    expect((err as Error).message).not.toContain(PASSWORD);

    const gone = new BirdRouter({ socket: join(root, 'no-such.ctl'), sessionsDir, listen: { ipv4: ROUTER.address, port: routerPort } });
    const unreachable = await gone.upsertSession(session('d', '127.0.0.5')).catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(RouterUnavailable);
    expect(unreachable).toMatchObject({ kind: 'unreachable', retryable: true });
    expect((unreachable as Error).message).toMatch(/no-such\.ctl/);

    expect(readdirSync(sessionsDir).sort()).toEqual(before);
    expect((await stateOf('a'))?.status).toBe('up');
  });

  it('removing a session withdraws its routes', async () => {
    await metro.router.removeSession('a');
    await eventually(async () => !(await stateOf('a')), 'session a to be gone');
    expect(await metro.router.learnedRoutes('a')).toEqual([]);
    const table = parseRoutePrefixes(await birdc(metro.bird.socket, ['show', 'route']));
    expect(table).not.toContain(ELASTIC_IP);
    await expect(metro.router.removeSession('a')).resolves.toBeUndefined();
  });
});
