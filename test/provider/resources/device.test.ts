/**
 * metal_device through the provider runtime (validation, plan, apply, read, import, delete) against a real
 * metalforge cloud with instant simulated machines.
 */
import { isUnknown, valuesEqual, type ValueObject } from '../../../lib/provider/framework/values';
import { startRuntimeWorld, type RuntimeWorld } from './runtime-harness';

jest.setTimeout(60_000);

describe('metal_device', () => {
  let world: RuntimeWorld;
  let projectId: string;
  const base = (extra: ValueObject = {}): ValueObject => ({
    project_id: projectId,
    hostname: 'unit-1',
    plan: 'c3.small.x86',
    metro: 'ny',
    operating_system: 'ubuntu_22_04',
    ...extra,
  });
  const errors = (diagnostics: { severity: string }[]) => diagnostics.filter((d) => d.severity === 'error');

  beforeAll(async () => {
    world = await startRuntimeWorld();
    projectId = (await world.client.projects.create({ name: 'unit' })).id;
  });
  afterAll(async () => {
    await world?.close();
  });

  it('validates location, hostname, custom_data, ip_address and allow_changes with attribute paths, without echoing secrets', async () => {
    const diagnostics = await world.runtime.validateResourceConfig(
      'metal_device',
      world.config('metal_device', {
        ...base({ metro: null, hostname: '-bad-', custom_data: '[1, "top-secret"]' }),
        ip_address: [{ type: 'public_ipv9' }],
        behavior: [{ allow_changes: ['plan'] }],
      }),
    );
    expect(diagnostics.map((d) => d.path)).toEqual([
      ['metro'],
      ['hostname'],
      ['custom_data'],
      ['ip_address', 0, 'type'],
      ['behavior', 0, 'allow_changes'],
    ]);
    expect(JSON.stringify(diagnostics)).not.toContain('top-secret');
    expect(
      await world.runtime.validateResourceConfig('metal_device', world.config('metal_device', base({ custom_data: '{"a":1}' }))),
    ).toEqual([]);
  });

  it('creates a device, waits until it is active and returns every computed value', async () => {
    const plan = await world.plan('metal_device', null, base({ tags: ['a'] }));
    expect(errors(plan.diagnostics)).toEqual([]);
    expect(isUnknown(plan.planned!.id)).toBe(true);
    const created = await world.apply('metal_device', null, base({ tags: ['a'], custom_data: '{"role": "web"}' }));
    expect(errors(created.diagnostics)).toEqual([]);
    const state = created.state!;
    const device = await world.client.devices.get(String(state.id));
    expect(device).toMatchObject({ state: 'active', hostname: 'unit-1', tags: ['a'], customdata: { role: 'web' } });
    expect(state).toMatchObject({
      state: 'active',
      metro: 'ny',
      deployed_facility: device.facility.code,
      access_public_ipv4: device.ip_addresses.find((a) => a.public && a.address_family === 4)!.address,
      access_private_ipv4: device.ip_addresses.find((a) => !a.public)!.address,
      access_public_ipv6: device.ip_addresses.find((a) => a.address_family === 6)!.address,
      billing_cycle: 'hourly',
      locked: false,
      root_password: device.root_password,
      custom_data: '{"role": "web"}',
      description: null,
      user_data: null,
      network_type: 'layer3',
      created: device.created_at,
    });
    expect(state.network).toHaveLength(device.ip_addresses.length);
    expect(Object.values(state).some(isUnknown)).toBe(false);

    // The same configuration plans no change at all; computed values keep their state.
    const again = await world.plan('metal_device', state, base({ tags: ['a'], custom_data: '{"role": "web"}' }));
    expect(valuesEqual(again.planned, state)).toBe(true);
    expect(again.requiresReplace).toEqual([]);

    // Cleanup (and delete waits until the device is gone).
    const deleted = await world.apply('metal_device', state, null);
    expect(errors(deleted.diagnostics)).toEqual([]);
    expect(deleted.state).toBeNull();
    await expect(world.client.devices.get(String(state.id))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('assigns the ip_address blocks asked for, lists ports with their ids, and points a bad block at its attribute', async () => {
    const blocks: ValueObject[] = [{ type: 'public_ipv4', cidr: 30 }, { type: 'private_ipv4' }];
    const created = await world.apply('metal_device', null, base({ hostname: 'blocks', ip_address: blocks }));
    expect(errors(created.diagnostics)).toEqual([]);
    const state = created.state!;
    expect((state.network as ValueObject[]).map((n) => [n.family, n.public, n.cidr])).toEqual([
      [4, true, 30],
      [4, false, 30],
    ]);
    expect(state.access_public_ipv6).toBeNull();
    const device = await world.client.devices.get(String(state.id));
    expect(state.ports).toEqual(device.network_ports.map((p) => ({ name: p.name, id: p.id, type: p.type, mac: p.data.mac, bonded: true })));
    expect((state.ports as ValueObject[]).map((p) => p.name)).toEqual(['bond0', 'eth0', 'eth1']);
    expect((state.ports as ValueObject[]).every((p) => typeof p.id === 'string')).toBe(true);
    expect(errors((await world.apply('metal_device', state, null)).diagnostics)).toEqual([]);

    const refused = await world.apply(
      'metal_device',
      null,
      base({ hostname: 'blocks-bad', ip_address: [{ type: 'public_ipv4', cidr: 24 }, { type: 'private_ipv4' }] }),
    );
    expect(errors(refused.diagnostics).map((d) => [(d as { path?: unknown }).path, (d as { detail?: string }).detail])).toEqual([
      [['ip_address', 0, 'cidr'], 'ip_address[0].cidr: 24 is not offered for IPv4; give 28 to 32 (a /28 holds 16 addresses)'],
    ]);
  });

  describe('on an existing device', () => {
    let state: ValueObject;
    beforeAll(async () => {
      state = (await world.apply('metal_device', null, base({ hostname: 'existing', tags: ['x'] }))).state!;
    });

    it('plans replacement for exactly the attributes that need a new machine', async () => {
      const replaces = async (extra: ValueObject) =>
        (await world.plan('metal_device', state, base({ hostname: 'existing', tags: ['x'], ...extra }))).requiresReplace;
      expect(await replaces({ plan: 'm3.small.x86' })).toEqual([['plan']]);
      expect(await replaces({ metro: 'da' })).toEqual([['metro']]);
      expect(await replaces({ billing_cycle: 'monthly' })).toEqual([['billing_cycle']]);
      expect(await replaces({ project_id: '00000000-0000-4000-8000-000000000000' })).toEqual([['project_id']]);
      expect(await replaces({ user_data: '#!/bin/sh' })).toEqual([['user_data']]);
      expect(await replaces({ operating_system: 'debian_12' })).toEqual([['operating_system']]);
      expect(await replaces({ ip_address: [{ type: 'public_ipv4', cidr: 31 }] })).toEqual([['ip_address']]);
      // In place: the attributes the API updates, and reinstall-able ones when reinstalling is allowed.
      expect(
        await replaces({
          hostname: 'renamed',
          description: 'd',
          tags: ['y'],
          locked: true,
          always_pxe: true,
          ipxe_script_url: 'http://x/ipxe',
        }),
      ).toEqual([]);
      expect(await replaces({ user_data: '#!/bin/sh', operating_system: 'debian_12', reinstall: [{ enabled: true }] })).toEqual([]);
      expect(await replaces({ custom_data: '{"a":1}', behavior: [{ allow_changes: ['custom_data'] }] })).toEqual([]);
      expect(await replaces({ user_data: '#!/bin/sh', behavior: [{ allow_changes: ['custom_data'] }] })).toEqual([['user_data']]);
      // The device is in ny5: naming its facility (the old style) instead of the metro is no move.
      expect(await replaces({ metro: null, facilities: [String(state.deployed_facility)] })).toEqual([]);
      expect(await replaces({ metro: null, facilities: ['da6'] })).toEqual([['facilities']]);
    });

    it('keeps computed values in an in-place plan and applies hostname, tags and description through the API', async () => {
      const plan = await world.plan('metal_device', state, base({ hostname: 'renamed', tags: ['x', 'y'], description: 'db' }));
      expect(plan.planned).toMatchObject({
        id: state.id,
        access_public_ipv4: state.access_public_ipv4,
        state: 'active',
        root_password: state.root_password,
      });
      expect(isUnknown(plan.planned!.updated)).toBe(true);
      const updated = await world.apply('metal_device', state, base({ hostname: 'renamed', tags: ['x', 'y'], description: 'db' }));
      expect(errors(updated.diagnostics)).toEqual([]);
      expect(updated.state).toMatchObject({ id: state.id, hostname: 'renamed', tags: ['x', 'y'], description: 'db' });
      expect(await world.client.devices.get(String(state.id))).toMatchObject({ hostname: 'renamed', tags: ['x', 'y'], description: 'db' });
      state = updated.state!;
    });

    it('reinstalls in place when user_data changes with reinstall enabled, and waits until active again', async () => {
      const values = base({
        hostname: 'renamed',
        tags: ['x', 'y'],
        description: 'db',
        user_data: '#cloud-config\n',
        operating_system: 'debian_12',
        reinstall: [{ enabled: true, preserve_data: true }],
      });
      const reinstalled = await world.apply('metal_device', state, values);
      expect(errors(reinstalled.diagnostics)).toEqual([]);
      expect(reinstalled.requiresReplace).toEqual([]);
      expect(reinstalled.state).toMatchObject({
        id: state.id,
        state: 'active',
        operating_system: 'debian_12',
        user_data: '#cloud-config\n',
        access_public_ipv4: state.access_public_ipv4,
      });
      const device = await world.client.devices.get(String(state.id));
      expect(device).toMatchObject({
        state: 'active',
        userdata: '#cloud-config\n',
        operating_system: expect.objectContaining({ slug: 'debian_12' }),
      });
      const events = await world.client.events.listForDevice(String(state.id), { per_page: 100 });
      expect(events.items.filter((e) => /reinstall/i.test(`${e.type} ${e.body}`)).length).toBeGreaterThan(0);
      state = reinstalled.state!;
    });

    it('reads out-of-band changes, and imports into a state that plans no change', async () => {
      await world.client.devices.update(String(state.id), { hostname: 'by-hand', tags: ['z'] });
      const refreshed = (await world.refresh('metal_device', state)).state!;
      expect(refreshed).toMatchObject({ hostname: 'by-hand', tags: ['z'], id: state.id });
      await world.client.devices.update(String(state.id), { hostname: 'renamed', tags: ['x', 'y'] });

      const imported = await world.import('metal_device', String(state.id));
      expect(errors(imported.diagnostics)).toEqual([]);
      const values = base({
        hostname: 'renamed',
        tags: ['x', 'y'],
        description: 'db',
        user_data: '#cloud-config\n',
        operating_system: 'debian_12',
      });
      const plan = await world.plan('metal_device', imported.state, values);
      expect(plan.requiresReplace).toEqual([]);
      expect(valuesEqual(plan.planned, imported.state)).toBe(true);
    });

    it('refuses to delete a locked device with a diagnostic saying to unlock it, keeping it in the state', async () => {
      const values = base({
        hostname: 'renamed',
        tags: ['x', 'y'],
        description: 'db',
        user_data: '#cloud-config\n',
        operating_system: 'debian_12',
        locked: true,
      });
      const locked = (await world.apply('metal_device', state, values)).state!;
      expect(await world.client.devices.get(String(state.id))).toMatchObject({ locked: true });
      const refused = await world.apply('metal_device', locked, null);
      expect(refused.state).toEqual(locked);
      expect(refused.diagnostics).toEqual([
        expect.objectContaining({
          severity: 'error',
          summary: 'Device is locked',
          path: ['locked'],
          detail: expect.stringContaining('Set locked = false'),
        }),
      ]);

      // A locked device cannot be reinstalled either: the plan says so.
      const reinstall = await world.plan('metal_device', locked, { ...values, user_data: 'new', reinstall: [{ enabled: true }] });
      expect(errors(reinstall.diagnostics)).toEqual([expect.objectContaining({ summary: 'Device is locked', path: ['locked'] })]);

      const unlocked = (await world.apply('metal_device', locked, { ...values, locked: false })).state!;
      expect((await world.apply('metal_device', unlocked, null)).state).toBeNull();
    });

    it('drops a device deleted out of band from the state', async () => {
      const other = (await world.apply('metal_device', null, base({ hostname: 'ephemeral' }))).state!;
      await world.client.devices.delete(String(other.id));
      for (let i = 0; i < 100; i++) {
        if ((await world.refresh('metal_device', other)).state === null) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the deleted device stayed in the state');
    });
  });

  it('explains at plan time where a plan is offered, and at apply time maps API errors to attributes', async () => {
    const plan = await world.plan('metal_device', null, base({ plan: 'g2.large.x86', metro: 'fr' }));
    expect(errors(plan.diagnostics)).toEqual([
      expect.objectContaining({
        summary: 'Plan not offered in this metro',
        path: ['plan'],
        detail: expect.stringMatching(
          /^plan: g2.large.x86 is not offered in metro fr; plans there: .*c3.small.x86.*; metros offering g2.large.x86: am, da, ny, sv$/,
        ),
      }),
    ]);

    // Applied without the plan-time check (as a stale plan would be): the API's message lands on the attribute.
    const config = world.config('metal_device', base({ plan: 'g2.large.x86', metro: 'fr' }));
    const applied = await world.runtime.applyResourceChange('metal_device', {
      prior: null,
      planned: { ...config, id: null },
      config,
      private: null,
    });
    expect(applied.state).toBeNull();
    expect(applied.diagnostics).toEqual([
      expect.objectContaining({
        summary: 'Cannot create the device',
        path: ['plan'],
        detail: expect.stringContaining('g2.large.x86 is not offered in metro fr'),
      }),
    ]);
  });
});
