/** Hardware faults from the simulator: retries with backoff on a busy BMC, and a failing installer. */
import type { Cloud } from '../../lib/cloud';
import { ManualClock } from '../../lib/core/clock';
import { adminProject, deviceInput, deviceState, settle, stepUntil, testCloud } from '../support/cloud';

describe('a BMC that is always busy', () => {
  let cloud: Cloud;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock('2026-03-01T00:00:00Z');
    cloud = await testCloud('pglite', { clock, startWorkers: false, simFaults: { bmcBusyRate: 1 } });
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('is retried with doubling backoff, then the device fails with a reason naming the BMC', async () => {
    const { principal, projectId } = await adminProject(cloud);
    const device = await cloud.engine.devices.create(principal, projectId, deviceInput({ hostname: 'busy' }));
    const { retryBaseMs } = cloud.engine.ctx.config;
    const delays: number[] = [];
    let job: { attempts: number; max_attempts: number; run_at: Date; last_error: string } | undefined;
    for (;;) {
      const before = clock.now().getTime();
      expect(await cloud.engine.jobs.round()).toBe(1);
      [job] = await cloud.db.query<{ attempts: number; max_attempts: number; run_at: Date; last_error: string }>(
        'SELECT attempts, max_attempts, run_at, last_error FROM jobs WHERE device_id = $1',
        [device.id],
      );
      if (!job) break;
      // The install started (token issued) before the first BMC call; only the boot is retried.
      expect(await deviceState(cloud, device.id)).toBe('provisioning');
      const delay = new Date(job.run_at).getTime() - before;
      delays.push(delay);
      expect(job.last_error).toMatch(/BMC sim .* is busy/);
      // Not due before its backoff has passed.
      await clock.advance(delay - 1);
      expect(await cloud.engine.jobs.round()).toBe(0);
      await clock.advance(1);
    }
    expect(delays).toEqual([1, 2, 4, 8].map((f) => f * retryBaseMs));

    const failed = await cloud.engine.devices.get(device.id);
    expect(failed.state).toBe('failed');
    const [machine] = await cloud.db.query<{ name: string; bmc_address: string }>(
      'SELECT name, bmc_address FROM machines WHERE id = (SELECT machine_id FROM devices WHERE id = $1)',
      [device.id],
    );
    expect(failed.failure_reason).toContain(`BMC sim ${machine.bmc_address} (machine ${machine.name})`);
    expect(failed.failure_reason).toMatch(/busy/);
  });
});

describe('an installer that always fails', () => {
  let cloud: Cloud;
  beforeAll(async () => {
    cloud = await testCloud('pglite', { clock: new ManualClock(), startWorkers: false, simFaults: { installFailureRate: 1 } });
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it("ends the device in failed with the installer's reason", async () => {
    const { principal, projectId } = await adminProject(cloud);
    const device = await cloud.engine.devices.create(principal, projectId, deviceInput({ hostname: 'badinstall' }));
    await stepUntil(cloud, device.id, 'failed');
    await settle(cloud);
    const failed = await cloud.engine.devices.get(device.id);
    expect(failed.failure_reason).toMatch(/badinstall: install failed: the installer on .* failed/);
    expect(failed.failure_reason).toMatch(/reinstall the device or delete it/);
    const [last] = await cloud.db.query<{ from_state: string; transition: string; to_state: string }>(
      'SELECT from_state, transition, to_state FROM events WHERE device_id = $1 AND transition IS NOT NULL ORDER BY seq DESC LIMIT 1',
      [device.id],
    );
    expect(last).toEqual({ from_state: 'provisioning', transition: 'install_failed', to_state: 'failed' });
    // The machine stays with the failed device until it is deleted.
    await cloud.engine.devices.delete(device.id, {});
    await stepUntil(cloud, device.id, 'deleted');
  });
});
