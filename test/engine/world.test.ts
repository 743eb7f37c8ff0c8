/**
 * Several servers, one truth: two servers on one PostgreSQL database each cache the catalog. A metro enrolled
 * through one, and a plan renamed by hand in psql, reach the other through the store's change notification,
 * without a restart; and again after the listening connections are killed (a failover would do the same).
 */
import type { Cloud } from '../../lib/cloud';
import { apiClient, freshPostgresUrl, stopPostgres, testCloud } from '../support/cloud';
import { describeWithPostgres } from '../support/pg-cluster';

describeWithPostgres('the catalog across servers (PostgreSQL)', () => {
  const clouds: Cloud[] = [];

  afterAll(async () => {
    for (const cloud of clouds) await cloud.close();
    await stopPostgres();
  });

  it('a change made on one server, or in psql, is served by the other', async () => {
    const databaseUrl = await freshPostgresUrl();
    const options = { databaseUrl, startWorkers: false, adminToken: 'mf_catalog_admin_token' };
    const first = await testCloud('postgres', options);
    clouds.push(first);
    const second = await testCloud('postgres', options);
    clouds.push(second);
    const metroCodes = async (cloud: Cloud) =>
      ((await apiClient(cloud).get('/locations/metros')).body.metros as { code: string }[]).map((m) => m.code);
    expect(await metroCodes(second)).not.toContain('zz');

    const enrolled = await apiClient(first).post('/operator/metros', {
      code: 'zz',
      name: 'Zed',
      country: 'US',
      kind: 'edge',
      latitude: 1,
      longitude: 2,
    });
    expect(enrolled.status).toBe(201);
    expect(await metroCodes(first)).toContain('zz'); // the changing server reloads before it answers
    await eventually(async () => (await metroCodes(second)).includes('zz'));

    // By hand, as an operator in psql would: no metalforge code runs on the writing side.
    const planName = async (cloud: Cloud) =>
      ((await apiClient(cloud).get('/plans')).body.plans as { slug: string; name: string }[]).find((p) => p.slug === 'c3.small.x86')?.name;
    await first.db.query(`UPDATE plans SET name = 'c3.small.x86 (renamed in psql)' WHERE slug = 'c3.small.x86'`);
    await eventually(
      async () =>
        (await planName(first)) === 'c3.small.x86 (renamed in psql)' && (await planName(second)) === 'c3.small.x86 (renamed in psql)',
    );

    const listeners = async () =>
      (
        await first.db.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN "metalforge_catalog_changed"' AND datname = current_database()`,
        )
      ).map((r) => r.pid);
    const killed = await listeners();
    expect(killed).toHaveLength(2);
    await first.db.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid', [killed]);
    await eventually(async () => {
      const now = await listeners();
      return now.length === 2 && now.every((pid) => !killed.includes(pid));
    });
    await first.db.query(`DELETE FROM metros WHERE code = 'zz'`);
    await eventually(async () => !(await metroCodes(second)).includes('zz'));
  });
});

/** Polls `probe` until it holds; bounded in count (the test's timeout bounds the time). */
async function eventually(probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the other server never served the change');
}
