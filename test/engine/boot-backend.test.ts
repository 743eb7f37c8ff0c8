/**
 * The engine's side of the boot network: an install's token is armed by each network boot the engine starts,
 * handed out once per arming, and refused once the install ends; lookups by MAC carry no token.
 */
import type { Cloud } from '../../lib/cloud';
import type { Principal } from '../../lib/engine/accounts';
import { EngineBootBackend } from '../../lib/engine/boot-backend';
import { adminProject, deviceInput, removeTempDirs, testCloud } from '../support/cloud';

afterAll(removeTempDirs);

describe('EngineBootBackend', () => {
  let cloud: Cloud;
  let backend: EngineBootBackend;
  let principal: Principal;
  let projectId: string;

  beforeAll(async () => {
    // The BMCs drop the PXE override: every install's boot fails and is retried, and no machine installs.
    cloud = await testCloud('pglite', { startWorkers: false, simFaults: { dropBootSettingRate: 1 } });
    backend = new EngineBootBackend(cloud.engine.ctx, cloud.engine.installs);
    ({ principal, projectId } = await adminProject(cloud));
  }, 180_000);
  afterAll(() => cloud?.close());

  const create = async () => {
    const device = await cloud.engine.devices.create(
      principal,
      projectId,
      deviceInput({ userdata: '#cloud-config\n', customdata: { k: 'v' } }),
    );
    await cloud.engine.jobs.round();
    const [row] = await cloud.db.query<{ macs: string[]; install_generation: number; state: string }>(
      'SELECT m.macs, d.install_generation, d.state FROM devices d JOIN machines m ON m.id = d.machine_id WHERE d.id = $1',
      [device.id],
    );
    expect(row.state).toBe('provisioning');
    return { id: device.id, mac: row.macs[0], token: cloud.engine.installs.phoneHomeToken(device.id, row.install_generation) };
  };
  const retryBoot = async (id: string) => {
    await cloud.db.query("UPDATE jobs SET run_at = now() - interval '1 second' WHERE device_id = $1", [id]);
    await cloud.engine.jobs.round();
  };

  it('hands the token out once per network boot the engine starts, and never with a lookup by MAC', async () => {
    const { id, mac, token } = await create();
    const byMac = await backend.findDevice({ mac });
    expect(byMac).toMatchObject({ id, mode: 'install' });
    expect(JSON.stringify(byMac)).not.toContain(token);
    expect(await backend.takeInstallToken(id)).toBe(token);
    expect(await backend.takeInstallToken(id)).toBeNull();
    // Concurrent fetches share one hand-out.
    await retryBoot(id);
    const concurrent = await Promise.all([backend.takeInstallToken(id), backend.takeInstallToken(id), backend.takeInstallToken(id)]);
    expect(concurrent.filter((t) => t === token)).toHaveLength(1);
    expect(concurrent.filter((t) => t === null)).toHaveLength(2);
  });

  it('refuses the token, and hands out none, once the device is deleted mid-install', async () => {
    const { id, token } = await create();
    expect(await backend.findDevice({ token })).toMatchObject({ id, customData: { k: 'v' } });
    await cloud.engine.devices.delete(id, {});
    expect(await backend.findDevice({ token })).toBeNull();
    expect(await backend.takeInstallToken(id)).toBeNull();
    expect(await backend.reportProgress(token, { state: 'failed', message: 'x' })).toBe('unknown');
    expect(await backend.phoneHome(token)).toBe('unknown');
  });

  it('refuses the token of an install that failed, and the old token after a reinstall', async () => {
    const { id, token } = await create();
    expect(await backend.reportProgress(token, { state: 'failed', message: 'disk on fire' })).toBe('accepted');
    expect(await backend.findDevice({ token })).toBeNull();
    expect(await backend.takeInstallToken(id)).toBeNull();
    await cloud.engine.devices.action(id, { type: 'reinstall' });
    await cloud.engine.jobs.round();
    const fresh = await backend.takeInstallToken(id);
    expect(fresh).toEqual(expect.any(String));
    expect(fresh).not.toBe(token);
    expect(await backend.findDevice({ token })).toBeNull();
    expect(await backend.findDevice({ token: fresh! })).toMatchObject({ id });
  });
});
