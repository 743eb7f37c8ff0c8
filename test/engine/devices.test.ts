/**
 * The device lifecycle driven through the engine with a manual clock and the job runner stepped by hand,
 * on PGlite and on a PostgreSQL server.
 */
import { devicePresenter } from '../../lib/api/present/devices';
import type { Cloud } from '../../lib/cloud';
import { MetalError } from '../../lib/contract/errors';
import { ManualClock } from '../../lib/core/clock';
import type { Principal } from '../../lib/engine/accounts';
import { PROVISIONING_PROGRESS } from '../../lib/engine/lifecycle';
import { adminProject, availableBackends, deviceInput, deviceState, settle, stepUntil, stopPostgres, testCloud } from '../support/cloud';

afterAll(stopPostgres);

interface EventRow {
  type: string;
  body: string;
  from_state: string | null;
  transition: string | null;
  to_state: string | null;
}

async function rejection(promise: Promise<unknown>): Promise<MetalError> {
  try {
    await promise;
  } catch (err) {
    return err as MetalError;
  }
  throw new Error('expected a rejection');
}

describe.each(availableBackends())('devices on %s', (backend) => {
  let cloud: Cloud;
  let clock: ManualClock;
  let principal: Principal;
  let projectId: string;
  const events = (id: string) =>
    cloud.db.query<EventRow>('SELECT type, body, from_state, transition, to_state FROM events WHERE device_id = $1 ORDER BY seq', [id]);
  const create = (overrides = {}) => cloud.engine.devices.create(principal, projectId, deviceInput(overrides));
  /** The device as the API shows it (the lifecycle's states as the spec names them). */
  const shown = async (id: string) => devicePresenter(cloud.engine)(await cloud.engine.devices.get(id));

  beforeAll(async () => {
    clock = new ManualClock('2026-03-01T00:00:00Z');
    cloud = await testCloud(backend, { clock, startWorkers: false });
    ({ principal, projectId } = await adminProject(cloud));
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('provisions queued → provisioning → active, with an event for every transition and rising percentage', async () => {
    const device = await create({ hostname: 'web-1' });
    expect(device.state).toBe('queued');
    expect(device.provisioning_percentage).toBe(0);

    // One round starts the install and network-boots the machine; POST waits for the (manual) clock.
    expect(await cloud.engine.jobs.round()).toBeGreaterThan(0);
    const provisioning = await shown(device.id);
    expect(provisioning.state).toBe('provisioning');
    expect(provisioning.provisioning_percentage).toBe(PROVISIONING_PROGRESS.networkBoot);

    await stepUntil(cloud, device.id, 'active');
    const active = await shown(device.id);
    expect(active.state).toBe('active');
    expect(active.provisioning_percentage).toBeNull();
    const [machine] = await cloud.db.query<{ state: string; device_id: string }>(
      'SELECT state, device_id FROM machines WHERE id = (SELECT machine_id FROM devices WHERE id = $1)',
      [device.id],
    );
    expect(machine).toEqual({ state: 'allocated', device_id: device.id });

    const log = await events(device.id);
    const transitions = log.filter((e) => e.transition).map((e) => [e.from_state, e.transition, e.to_state]);
    expect(transitions).toEqual([
      ['queued', 'provision_started', 'provisioning'],
      ['provisioning', 'phone_home', 'active'],
    ]);
    expect(log[0]).toMatchObject({ type: 'instance.created', to_state: 'queued' });
    expect(log.some((e) => /network boot started/.test(e.body))).toBe(true);
  });

  it('refuses rescue of a device that is not active with a 422 naming its state', async () => {
    // Workers are stopped: the device stays queued until a round runs.
    const device = await create({ hostname: 'too-early' });
    const err = await rejection(cloud.engine.devices.action(device.id, { type: 'rescue' }));
    expect(err.status).toBe(422);
    expect(err.errors).toEqual(['type: the device is queued; rescue is possible only when it is active']);
    expect(await deviceState(cloud, device.id)).toBe('queued');
  });

  describe('actions on an active device', () => {
    let id: string;
    beforeAll(async () => {
      id = (await create({ hostname: 'actions' })).id;
      await stepUntil(cloud, id, 'active');
    });

    it('power_off → powering_off → inactive, power_on → powering_on → active, following the BMC', async () => {
      await cloud.engine.devices.action(id, { type: 'power_off' });
      expect(await deviceState(cloud, id)).toBe('powering_off');
      await stepUntil(cloud, id, 'inactive');
      const [row] = await cloud.db.query<{ name: string }>(
        'SELECT m.name FROM machines m JOIN devices d ON d.machine_id = m.id WHERE d.id = $1',
        [id],
      );
      expect(cloud.sim.get(row.name)!.power).toBe('off');

      await cloud.engine.devices.action(id, { type: 'power_on' });
      expect(await deviceState(cloud, id)).toBe('powering_on');
      await stepUntil(cloud, id, 'active');
      expect(cloud.sim.get(row.name)!.power).toBe('on');
      const transitions = (await events(id)).filter((e) => e.transition).map((e) => `${e.from_state}→${e.to_state}`);
      expect(transitions.slice(-4)).toEqual(['active→powering_off', 'powering_off→inactive', 'inactive→powering_on', 'powering_on→active']);
    });

    it('refuses an illegal action with a message naming the states that allow it', async () => {
      const err = await rejection(cloud.engine.devices.action(id, { type: 'power_on' }));
      expect(err).toBeInstanceOf(MetalError);
      expect(err.status).toBe(409);
      expect(err.message).toMatch(/the device is active; power on is possible only when it is inactive/);
      expect(await deviceState(cloud, id)).toBe('active');
    });

    it('reboot keeps the device active and logs it', async () => {
      await cloud.engine.devices.action(id, { type: 'reboot' });
      expect(await cloud.engine.jobs.round()).toBe(1);
      await settle(cloud);
      expect(await deviceState(cloud, id)).toBe('active');
      expect((await events(id)).map((e) => e.body)).toEqual(
        expect.arrayContaining([expect.stringMatching(/reboot requested/), expect.stringMatching(/rebooted/)]),
      );
    });

    it('reinstall → reinstalling → active with a new install and the new operating system', async () => {
      const [before] = await cloud.db.query<{ install_generation: number }>('SELECT install_generation FROM devices WHERE id = $1', [id]);
      await cloud.engine.devices.action(id, { type: 'reinstall', operating_system: 'debian_12' });
      expect(await deviceState(cloud, id)).toBe('reinstalling');
      await stepUntil(cloud, id, 'active');
      const [after] = await cloud.db.query<{ install_generation: number }>('SELECT install_generation FROM devices WHERE id = $1', [id]);
      expect(after.install_generation).toBe(before.install_generation + 1);
      expect((await shown(id)).operating_system.slug).toBe('debian_12');
      expect(
        (await events(id))
          .filter((e) => e.transition)
          .slice(-2)
          .map((e) => `${e.from_state}→${e.to_state}`),
      ).toEqual(['active→reinstalling', 'reinstalling→active']);
    });

    it('rescue → rescuing → rescue on the in-memory system, and reboot → active on the OS its disk kept', async () => {
      const [{ name }] = await cloud.db.query<{ name: string }>(
        'SELECT m.name FROM machines m JOIN devices d ON d.machine_id = m.id WHERE d.id = $1',
        [id],
      );
      const machine = cloud.sim.get(name)!;
      const booted: { source: string; image?: string }[] = [];
      machine.on('booted', (event) => booted.push(event));
      expect(machine.disk).toBe('debian_12');
      const before = await shown(id);

      await cloud.engine.devices.action(id, { type: 'rescue' });
      expect(await deviceState(cloud, id)).toBe('rescuing');
      // The spec has no rescue states: booting the rescue system shows as powering on, the rescued device as active.
      expect((await shown(id)).state).toBe('powering_on');
      await stepUntil(cloud, id, 'rescue');
      const rescued = await shown(id);
      expect(rescued.state).toBe('active');
      expect(rescued.actions.map((a) => a.type)).toEqual(['power_off', 'reboot', 'reinstall']);
      expect(booted).toEqual([{ source: 'pxe', image: undefined }]);
      expect(machine.disk).toBe('debian_12');
      expect((await rejection(cloud.engine.devices.action(id, { type: 'rescue' }))).message).toBe(
        'type: the device is rescue; rescue is possible only when it is active',
      );

      await cloud.engine.devices.action(id, { type: 'reboot' });
      expect(await deviceState(cloud, id)).toBe('active');
      expect(await cloud.engine.jobs.round()).toBe(1);
      await settle(cloud);
      expect(booted.at(-1)).toEqual({ source: 'disk', image: 'debian_12' });
      const back = await shown(id);
      expect(back).toMatchObject({ state: 'active', operating_system: { slug: 'debian_12' }, userdata: before.userdata });
      expect(back.actions.map((a) => a.type)).toContain('rescue');
      const log = await events(id);
      expect(
        log
          .filter((e) => e.transition)
          .slice(-3)
          .map((e) => `${e.from_state}→${e.to_state} (${e.transition})`),
      ).toEqual(['active→rescuing (rescue)', 'rescuing→rescue (phone_home)', 'rescue→active (reboot)']);
      expect(log.some((e) => /rescue boot started/.test(e.body))).toBe(true);
      expect(log.at(-2)!.body).toMatch(/reboot requested, leaving rescue for the OS on its disk/);
    });

    it('delete → deprovisioning → deleted, and the machine returns to the pool', async () => {
      const [{ machine_id }] = await cloud.db.query<{ machine_id: string }>('SELECT machine_id FROM devices WHERE id = $1', [id]);
      await cloud.engine.devices.delete(id, {});
      expect(await deviceState(cloud, id)).toBe('deprovisioning');
      await stepUntil(cloud, id, 'deleted');
      const [machine] = await cloud.db.query<{ state: string; device_id: string | null }>(
        'SELECT state, device_id FROM machines WHERE id = $1',
        [machine_id],
      );
      expect(machine).toEqual({ state: 'available', device_id: null });
      expect((await rejection(shown(id))).status).toBe(404);
      expect(
        (await events(id))
          .filter((e) => e.transition)
          .slice(-2)
          .map((e) => `${e.from_state}→${e.to_state}`),
      ).toEqual(['active→deprovisioning', 'deprovisioning→deleted']);
    });
  });

  it('never gives one machine to two devices under 50 concurrent creates for fewer free machines', async () => {
    const [{ free }] = await cloud.db.query<{ free: number }>(
      `SELECT count(*)::int AS free FROM machines m JOIN plans p ON p.id = m.plan_id JOIN facilities f ON f.id = m.facility_id JOIN metros mt ON mt.id = f.metro_id
WHERE p.slug = 't3.small.x86' AND mt.code = 'at' AND m.state = 'available'`,
    );
    expect(free).toBeGreaterThan(0);
    expect(free).toBeLessThan(50);
    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => create({ plan: 't3.small.x86', metro: 'at', hostname: `edge-${i}` })),
    );
    const created = settled.filter((s) => s.status === 'fulfilled');
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(created).toHaveLength(free);
    expect(refused).toHaveLength(50 - free);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(MetalError);
      expect(r.reason.code).toBe('capacity_unavailable');
      expect(r.reason.status).toBe(422);
      expect(r.reason.message).toMatch(/no t3\.small\.x86 machine is free in .*at/);
    }
    const owners = await cloud.db.query<{ machine_id: string; n: number }>(
      `SELECT machine_id, count(*)::int AS n FROM devices WHERE state <> 'deleted' AND machine_id IS NOT NULL GROUP BY machine_id HAVING count(*) > 1`,
    );
    expect(owners).toEqual([]);
    const [{ mismatched }] = await cloud.db.query<{ mismatched: number }>(
      `SELECT count(*)::int AS mismatched FROM devices d JOIN machines m ON m.id = d.machine_id WHERE d.state <> 'deleted' AND (m.device_id IS DISTINCT FROM d.id OR m.state <> 'allocated')`,
    );
    expect(mismatched).toBe(0);
  });

  it('never gives one machine to two devices when one batch names a metro and a facility in it', async () => {
    // A metro with several facilities; its free machines of one plan are all in one facility (the others' are
    // parked in maintenance for this test), so metro and facility creates compete for the same machines.
    const [pool] = await cloud.db.query<{
      plan: string;
      metro: string;
      facility: string;
      facility_id: string;
      plan_id: string;
      metro_id: string;
    }>(
      `SELECT p.slug AS plan, mt.code AS metro, f.code AS facility, f.id AS facility_id, p.id AS plan_id, mt.id AS metro_id
FROM machines m JOIN plans p ON p.id = m.plan_id JOIN facilities f ON f.id = m.facility_id JOIN metros mt ON mt.id = f.metro_id
WHERE m.state = 'available' AND (SELECT count(*) FROM facilities f2 WHERE f2.metro_id = mt.id) > 1
GROUP BY p.slug, p.id, mt.code, mt.id, f.code, f.id HAVING count(*) >= 4 ORDER BY count(*) LIMIT 1`,
    );
    expect(pool).toBeDefined();
    const parked = await cloud.db.query<{ id: string }>(
      `UPDATE machines m SET state = 'maintenance' FROM facilities f WHERE f.id = m.facility_id AND f.metro_id = $1 AND m.plan_id = $2
  AND m.facility_id <> $3 AND m.state = 'available' RETURNING m.id`,
      [pool.metro_id, pool.plan_id, pool.facility_id],
    );
    try {
      const [{ free }] = await cloud.db.query<{ free: number }>(
        `SELECT count(*)::int AS free FROM machines WHERE facility_id = $1 AND plan_id = $2 AND state = 'available'`,
        [pool.facility_id, pool.plan_id],
      );
      const created = await Promise.all(
        Array.from({ length: free }, (_, i) =>
          create(i % 2 ? { plan: pool.plan, metro: pool.metro } : { plan: pool.plan, metro: undefined, facility: [pool.facility] }),
        ),
      );
      const machines = await cloud.db.query<{ machine_id: string }>('SELECT machine_id FROM devices WHERE id = ANY($1::uuid[])', [
        created.map((d) => d.id),
      ]);
      expect(new Set(machines.map((m) => m.machine_id)).size).toBe(free);
    } finally {
      await cloud.db.query(`UPDATE machines SET state = 'available' WHERE id = ANY($1::uuid[])`, [parked.map((m) => m.id)]);
    }
  });

  it('reports capacity normal, limited and unavailable from free machines', async () => {
    const level = async (metro: string, plan: string) => (await cloud.engine.operator.capacity()).capacity[metro]?.[plan];
    expect((await level('ny', 'c3.medium.x86'))?.level).toBe('normal');
    const limit = cloud.engine.ctx.config.limitedCapacityAt;
    const start = (await level('ch', 'c3.small.x86'))!;
    expect(start.available_servers).toBeGreaterThan(0);
    expect(start.available_servers).toBeLessThanOrEqual(limit);
    expect(start.level).toBe('limited');
    const ids: string[] = [];
    for (let i = 0; i < start.available_servers; i++) ids.push((await create({ plan: 'c3.small.x86', metro: 'ch' })).id);
    expect(await level('ch', 'c3.small.x86')).toEqual({ level: 'unavailable', available_servers: 0 });
    const err = await rejection(create({ plan: 'c3.small.x86', metro: 'ch' }));
    expect(err.code).toBe('capacity_unavailable');
    // A deleted device gives its machine back.
    await cloud.engine.devices.delete(ids[0], {});
    await stepUntil(cloud, ids[0], 'deleted');
    expect(await level('ch', 'c3.small.x86')).toEqual({ level: 'limited', available_servers: 1 });
  });

  it('a device stuck provisioning times out into failed with an actionable reason', async () => {
    const device = await create({ hostname: 'stuck' });
    // The BMC accepts the one-time PXE override but drops it: the machine boots its disk and never phones home.
    const [{ name }] = await cloud.db.query<{ name: string }>(
      'SELECT m.name FROM machines m JOIN devices d ON d.machine_id = m.id WHERE d.id = $1',
      [device.id],
    );
    const machine = await cloud.sim.machine(name);
    machine.faults.dropBootSettingRate = 1;
    machine.clearBootDevice(); // a PXE override left by the machine's previous deprovision would still apply
    await cloud.engine.jobs.round(); // queued → provisioning, machine powered on
    await settle(cloud);
    expect(await deviceState(cloud, device.id)).toBe('provisioning');
    expect(await cloud.engine.devices.sweepTimeouts()).toBe(0);
    await clock.advance(cloud.engine.ctx.config.provisionTimeoutMs + 1000);
    expect(await cloud.engine.devices.sweepTimeouts()).toBeGreaterThanOrEqual(1);
    const failed = await shown(device.id);
    expect(failed.state).toBe('failed');
    expect(failed.failure_reason).toMatch(/stuck did not finish provisioning in time/);
    expect(failed.failure_reason).toMatch(/reinstall or delete/);
    expect(await cloud.db.query('SELECT id FROM jobs WHERE device_id = $1', [device.id])).toEqual([]);
    const last = (await events(device.id)).at(-1)!;
    expect(last).toMatchObject({ from_state: 'provisioning', transition: 'timeout', to_state: 'failed' });
    // A failed device can be reinstalled.
    machine.faults.dropBootSettingRate = 0;
    await cloud.engine.devices.action(device.id, { type: 'reinstall' });
    await stepUntil(cloud, device.id, 'active');
  });
});
