/**
 * Revocation is effective on every server at once: two servers on one PostgreSQL each cache the key; revoking it
 * on one makes the other refuse it on its next request (LISTEN/NOTIFY), not after the cache's lifetime.
 */
import type { Cloud } from '../../lib/cloud';
import { ManualClock } from '../../lib/core/clock';
import { apiClient, freshPostgresUrl, stopPostgres, testCloud } from '../support/cloud';
import { describeWithPostgres } from '../support/pg-cluster';

describeWithPostgres('API key revocation across servers (PostgreSQL)', () => {
  const clouds: Cloud[] = [];

  afterAll(async () => {
    for (const cloud of clouds) await cloud.close();
    await stopPostgres();
  });

  it('a key revoked on one server is refused by the other on its very next request', async () => {
    const databaseUrl = await freshPostgresUrl();
    // The clocks never move, so the cache never expires: only the notification can make the second server refuse.
    const options = { databaseUrl, startWorkers: false, adminToken: 'mf_revocation_admin' };
    const first = await testCloud('postgres', { ...options, clock: new ManualClock() });
    clouds.push(first);
    const second = await testCloud('postgres', { ...options, clock: new ManualClock() });
    clouds.push(second);
    for (let round = 0; round < 3; round++) {
      const key = (await apiClient(first).post('/user/api-keys', { description: `revoke me ${round}` })).body;
      const onSecond = apiClient(second, key.token);
      expect((await onSecond.get('/projects')).status).toBe(200); // now cached on the second server
      expect((await apiClient(first).delete(`/api-keys/${key.id}`)).status).toBe(204);
      // The NOTIFY arrives asynchronously, after the commit: poll until the second server refuses the key.
      await waitFor(() => onSecond.get('/projects').then((r) => r.status === 401));
      expect((await apiClient(first, key.token).get('/projects')).status).toBe(401);
    }

    // The listening connections are killed (a PostgreSQL restart or failover would do the same): the servers
    // drop their caches and listen again, so a later revocation still reaches the other server.
    const revokeAndCheck = async () => {
      const key = (await apiClient(first).post('/user/api-keys', { description: 'after reconnect' })).body;
      const onSecond = apiClient(second, key.token);
      expect((await onSecond.get('/projects')).status).toBe(200);
      expect((await apiClient(first).delete(`/api-keys/${key.id}`)).status).toBe(204);
      await waitFor(() => onSecond.get('/projects').then((r) => r.status === 401));
    };
    const listeners = async () =>
      (
        await first.db.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN "metalforge_api_key_revoked"' AND datname = current_database()`,
        )
      ).map((r) => r.pid);
    const killed = await listeners();
    expect(killed).toHaveLength(2);
    await first.db.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid', [killed]);
    await waitFor(async () => {
      const now = await listeners();
      return now.length === 2 && now.every((pid) => !killed.includes(pid));
    });
    await revokeAndCheck();
  });
});

/** Polls `probe` until it holds; bounded in count (the test's timeout bounds the time). */
async function waitFor(probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the other server still accepts the revoked key');
}
