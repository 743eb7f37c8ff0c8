/**
 * Durable jobs: an engine that stops (or crashes) with unfinished work resumes it after a restart, and several
 * engines sharing one PostgreSQL never give one machine to two devices.
 */
import { MetalError } from '../../lib/contract/errors';
import {
  adminProject,
  availableBackends,
  Backend,
  deviceInput,
  eventually,
  freshPostgresUrl,
  removeTempDirs,
  stopPostgres,
  tempDir,
  testCloud,
} from '../support/cloud';
import { describeWithPostgres } from '../support/pg-cluster';

afterAll(async () => {
  await stopPostgres();
  removeTempDirs();
});

async function storage(backend: Backend) {
  // PostgreSQL keeps the rows; the data dir keeps the secret key and the admin token for both.
  return { dataDir: tempDir(), databaseUrl: backend === 'postgres' ? await freshPostgresUrl() : undefined };
}

describe.each(availableBackends())('restart on %s', (backend) => {
  it('resumes unfinished jobs and interrupted installs: every device becomes active', async () => {
    const where = await storage(backend);
    // The first engine's BMCs drop the PXE override: an install starts (its token issued) but its boot fails.
    const first = await testCloud(backend, { ...where, startWorkers: false, simFaults: { dropBootSettingRate: 1 } });
    const { principal, projectId } = await adminProject(first);
    const ids: string[] = [];
    for (const hostname of ['r-queued', 'r-started', 'r-lost'])
      ids.push((await first.engine.devices.create(principal, projectId, deviceInput({ hostname }))).id);
    const [queued, started, lost] = ids;
    await first.db.query(`UPDATE jobs SET run_at = now() + interval '1 hour' WHERE device_id = $1`, [queued]);
    await first.engine.jobs.round();
    await first.db.query(`UPDATE jobs SET run_at = now() WHERE device_id = $1`, [queued]);
    // r-started's boot waits for a retry; r-lost's job is gone, as if its machine had been booted and lost with the process.
    expect(await first.db.query('SELECT last_error FROM jobs WHERE device_id = $1', [started])).toEqual([
      { last_error: expect.stringMatching(/boot/i) },
    ]);
    await first.db.query('DELETE FROM jobs WHERE device_id = $1', [lost]);
    const states = await first.db.query<{ hostname: string; state: string }>('SELECT hostname, state FROM devices ORDER BY hostname');
    expect(states).toEqual([
      { hostname: 'r-lost', state: 'provisioning' },
      { hostname: 'r-queued', state: 'queued' },
      { hostname: 'r-started', state: 'provisioning' },
    ]);
    if (backend === 'pglite') {
      // As if a worker had claimed the queued device's job and the process died before writing its outcome:
      // PGlite is single-process, so the next start releases the dead process's lease at once.
      await first.db.query(`UPDATE jobs SET locked_until = now() + interval '1 hour', attempts = attempts + 1 WHERE device_id = $1`, [
        queued,
      ]);
    }
    await first.close();

    const second = await testCloud(backend, where);
    try {
      for (const id of ids)
        await eventually(async () => (await second.engine.devices.get(id)).state === 'active', `device ${id} to become active`);
      // A device turns active when it phones home; its job's row goes when the worker ends that round (bounded wait).
      await eventually(async () => (await second.db.query('SELECT id FROM jobs')).length === 0, 'the job queue to drain');
      expect(await second.db.query('SELECT id FROM jobs')).toEqual([]);
    } finally {
      await second.close();
    }
  });
});

describeWithPostgres('two engines on one PostgreSQL', () => {
  it('never give one machine to two devices when both create concurrently', async () => {
    const databaseUrl = await freshPostgresUrl();
    const adminToken = 'mf_shared_admin_token_for_two_engines';
    const a = await testCloud('postgres', { databaseUrl, adminToken, startWorkers: false });
    const b = await testCloud('postgres', { databaseUrl, adminToken, startWorkers: false });
    try {
      const { principal, projectId } = await adminProject(a);
      const [{ free }] = await a.db.query<{ free: number }>(
        `SELECT count(*)::int AS free FROM machines m JOIN plans p ON p.id = m.plan_id JOIN facilities f ON f.id = m.facility_id JOIN metros mt ON mt.id = f.metro_id
WHERE p.slug = 't3.small.x86' AND mt.code = 'se' AND m.state = 'available'`,
      );
      const input = deviceInput({ plan: 't3.small.x86', metro: 'se' });
      // Several waves so the two engines' flushes overlap rather than one taking all.
      const settled = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? a : b).engine.devices.create(principal, projectId, { ...input, hostname: `dual-${i}` }),
        ),
      );
      const created = settled.filter((s) => s.status === 'fulfilled').length;
      const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      expect(created).toBe(free);
      for (const r of refused) expect((r.reason as MetalError).code).toBe('capacity_unavailable');
      const [{ devices, machines }] = await a.db.query<{ devices: number; machines: number }>(
        `SELECT count(*)::int AS devices, count(DISTINCT machine_id)::int AS machines FROM devices WHERE hostname LIKE 'dual-%'`,
      );
      expect({ devices, machines }).toEqual({ devices: free, machines: free });
    } finally {
      await a.close();
      await b.close();
    }
  });
});
