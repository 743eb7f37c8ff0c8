/**
 * The job runner as a worker with a heartbeat: a dead worker's jobs are taken over as soon as its heartbeat is
 * stale (not when its lease runs out) without spending an attempt, the installs it had booted are booted again,
 * and the runner reports whether it is alive.
 */
import { ManualClock } from '../../lib/core/clock';
import { newId } from '../../lib/core/ids';
import { JobRunner } from '../../lib/engine/jobs';
import type { JobRow } from '../../lib/store/jobs';
import { renewWorker } from '../../lib/store/workers';
import { adminProject, availableBackends, deviceInput, eventually, stopPostgres, testCloud } from '../support/cloud';

afterAll(async () => {
  await stopPostgres();
});

describe.each(availableBackends())('job runner workers on %s', (backend) => {
  it('takes over the jobs of a worker whose heartbeat stopped, without spending an attempt', async () => {
    const clock = new ManualClock(new Date());
    const cloud = await testCloud(backend, { clock, startWorkers: false });
    try {
      const { principal, projectId } = await adminProject(cloud);
      const device = await cloud.engine.devices.create(principal, projectId, deviceInput({ hostname: 'taken-over' }));
      // Worker A claims the device's job and dies before writing its outcome (its handler never returns).
      const a = new JobRunner(cloud.engine.ctx, () => new Promise<never>(() => undefined), newId());
      void a.round();
      await eventually(
        async () => (await cloud.db.query('SELECT 1 FROM jobs WHERE locked_by = $1', [a.workerId])).length,
        'worker A to claim the job',
      );
      const claimed: JobRow[] = [];
      const b = new JobRunner(cloud.engine.ctx, async (jobs) => (claimed.push(...jobs), jobs.map(() => ({}))), newId());
      // A's heartbeat is fresh: its lease is respected.
      expect(await b.heartbeat()).toEqual([]);
      expect(await b.round()).toBe(0);
      // Past the staleness bound (seconds, not the 5-minute lease), B takes A over.
      await clock.advance(cloud.engine.ctx.config.workerStaleMs + 1000);
      // (The cloud's own runner, not started here, has no heartbeat either.)
      expect(await b.heartbeat()).toEqual(expect.arrayContaining([a.workerId]));
      expect(await b.round()).toBe(1);
      expect(claimed).toEqual([expect.objectContaining({ kind: 'provision', device_id: device.id, attempts: 1 })]);
      expect(await cloud.db.query('SELECT id FROM workers ORDER BY id')).toEqual([{ id: b.workerId }]);
    } finally {
      await cloud.close();
    }
  });

  it('boots again the installs a dead worker had started, once', async () => {
    const clock = new ManualClock(new Date());
    const cloud = await testCloud(backend, { clock, startWorkers: false });
    try {
      const { principal, projectId } = await adminProject(cloud);
      const device = await cloud.engine.devices.create(principal, projectId, deviceInput({ hostname: 'stranded' }));
      const dead = newId();
      await renewWorker(cloud.db, dead, clock.now());
      // As the dead worker left it: booted, waiting for a phone-home that goes to a server that is gone.
      await cloud.db.query(
        `UPDATE devices SET state = 'provisioning', install_worker = $2, phone_home_hash = 'outstanding' WHERE id = $1`,
        [device.id, dead],
      );
      await cloud.db.query('DELETE FROM jobs');
      await clock.advance(cloud.engine.ctx.config.workerStaleMs + 1000);
      expect(await cloud.engine.jobs.heartbeat()).toEqual([dead]);
      expect(await cloud.engine.jobs.heartbeat()).toEqual([]);
      expect(await cloud.db.query('SELECT kind, device_id FROM jobs')).toEqual([{ kind: 'provision', device_id: device.id }]);
    } finally {
      await cloud.close();
    }
  });

  it('reports whether it is alive', async () => {
    const cloud = await testCloud(backend, { startWorkers: false });
    try {
      expect(cloud.engine.jobs.health()).toMatchObject({ alive: false, reason: expect.stringMatching(/not running/) });
      cloud.engine.jobs.start();
      await eventually(async () => cloud.engine.jobs.alive(), 'the runner to finish a round');
      expect(cloud.engine.jobs.health().lastRoundAt).toBeInstanceOf(Date);
      await cloud.engine.jobs.stop();
      expect(cloud.engine.jobs.alive()).toBe(false);
    } finally {
      await cloud.close();
    }
  });
});
