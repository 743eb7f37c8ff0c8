import { ManualClock } from '../../../lib/core/clock';
import { SimRouter, type BgpSession } from '../../../lib/drivers/router';
import { DriverError } from '../../../lib/drivers/types';
import { testSession } from './sessions';

const session = (overrides: Partial<BgpSession> = {}) => testSession({ maxPrefixes: 3, ...overrides });

describe('SimRouter', () => {
  let clock: ManualClock;
  let router: SimRouter;
  beforeEach(() => {
    clock = new ManualClock('2026-06-01T00:00:00Z');
    router = new SimRouter(clock);
  });

  it('waits passively, comes up when the neighbor connects with the right key, and filters what it announces', async () => {
    await router.upsertSession(session());
    expect(await router.sessionStates()).toEqual([{ id: 'dev_1', status: 'connecting', reason: 'Passive', since: clock.now() }]);

    const peer = router.peer('dev_1');
    peer.connect({ asn: 65000, md5Password: 'Zx9-secret' });
    peer.announce(['147.75.1.9/32', '10.0.0.0/8']);
    expect((await router.sessionStates())[0].status).toBe('up');
    expect(await router.learnedRoutes('dev_1')).toEqual([
      { prefix: '147.75.1.9/32', accepted: true },
      { prefix: '10.0.0.0/8', accepted: false },
    ]);
    expect(peer.received()).toEqual(['0.0.0.0/0']);
    expect(JSON.stringify([await router.sessionStates(), await router.learnedRoutes('dev_1')])).not.toContain('Zx9');
  });

  it('never sees a wrong key, and reports a wrong ASN', async () => {
    await router.upsertSession(session());
    router.peer('dev_1').connect({ asn: 65000, md5Password: 'wrong' });
    expect((await router.sessionStates())[0]).toMatchObject({ status: 'connecting', reason: 'Passive' });
    router.peer('dev_1').connect({ asn: 65001, md5Password: 'Zx9-secret' });
    expect((await router.sessionStates())[0]).toMatchObject({ status: 'connecting', reason: 'Passive (Error: Bad peer AS: 65001)' });
  });

  it('drops a session whose neighbor sends more than maxPrefixes routes', async () => {
    await router.upsertSession(session());
    const peer = router.peer('dev_1');
    peer.connect({ asn: 65000, md5Password: 'Zx9-secret' });
    peer.announce(['147.75.1.8/32', '147.75.1.9/32', '147.75.1.10/32', '147.75.1.11/32']);
    expect((await router.sessionStates())[0]).toMatchObject({
      status: 'connecting',
      reason: 'Idle (Automatic shutdown: Route limit exceeded)',
    });
    expect(await router.learnedRoutes('dev_1')).toEqual([]);
  });

  it('keeps an up session up across unrelated changes and filter changes; a new key restarts it', async () => {
    await router.upsertSession(session());
    const peer = router.peer('dev_1');
    peer.connect({ asn: 65000, md5Password: 'Zx9-secret' });
    peer.announce(['147.75.1.9/32']);
    const upSince = (await router.sessionStates())[0].since;
    await clock.advance(60_000);

    await router.upsertSession(session({ id: 'dev_2', neighborIp: '147.75.1.20' }));
    await router.upsertSession(session({ allowedPrefixes: [] }));
    expect((await router.sessionStates()).find((s) => s.id === 'dev_1')).toEqual({ id: 'dev_1', status: 'up', since: upSince });
    expect(await router.learnedRoutes('dev_1')).toEqual([{ prefix: '147.75.1.9/32', accepted: false }]);

    await router.upsertSession(session({ md5Password: 'rotated-key' }));
    expect((await router.sessionStates()).find((s) => s.id === 'dev_1')).toMatchObject({ status: 'connecting', reason: 'Passive' });
  });

  it('reconciles to exactly the desired set; removing twice is fine; bad input is refused', async () => {
    await router.reconcile([session(), session({ id: 'dev_2', neighborIp: '147.75.1.20' })]);
    await router.reconcile([session({ id: 'dev_2', neighborIp: '147.75.1.20' })]);
    expect((await router.sessionStates()).map((s) => s.id)).toEqual(['dev_2']);
    await router.removeSession('dev_2');
    await router.removeSession('dev_2');
    expect(await router.sessionStates()).toEqual([]);
    expect(await router.learnedRoutes('dev_2')).toEqual([]);
    expect(() => router.peer('dev_2').connect({ asn: 65000 })).toThrow(DriverError);
    await expect(router.upsertSession(session({ maxPrefixes: 0 }))).rejects.toThrow(/maxPrefixes/);
  });
});
