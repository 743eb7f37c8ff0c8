/**
 * metal_spot_market_request and the spot data sources through the provider runtime against a real metalforge
 * cloud (instant simulated machines, the real spot market): waiting for devices_min active devices, devices in
 * the state, the bid updated in place, replacement only for real changes, force-terminating delete, import, and
 * the market's errors.
 */
import { isUnknown, valuesEqual, type ValueObject } from '../../../lib/provider/framework/values';
import { startRuntimeWorld, type RuntimeWorld } from './runtime-harness';

jest.setTimeout(60_000);

const TYPE = 'metal_spot_market_request';

describe('metal_spot_market_request', () => {
  let world: RuntimeWorld;
  let projectId: string;
  const params = (extra: ValueObject = {}): ValueObject[] => [
    { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'spot', ...extra },
  ];
  const base = (extra: ValueObject = {}): ValueObject => ({
    project_id: projectId,
    metro: 'ny',
    max_bid_price: 0.45,
    devices_min: 2,
    devices_max: 2,
    instance_parameters: params(),
    ...extra,
  });
  const errors = (diagnostics: { severity: string }[]) => diagnostics.filter((d) => d.severity === 'error');

  beforeAll(async () => {
    world = await startRuntimeWorld();
    projectId = (await world.client.projects.create({ name: 'spot-unit' })).id;
    // Prices exist once a clearing round has run (the engine runs one every few seconds).
    await world.cloud.engine.spot.clear();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('validates counts, bid, location, kind, end_at and instance parameters with attribute paths, without echoing secrets', async () => {
    const diagnostics = await world.runtime.validateResourceConfig(
      TYPE,
      world.config(
        TYPE,
        base({
          metro: null,
          devices_min: 3,
          devices_max: 2,
          max_bid_price: 0,
          kind: 'forever',
          end_at: 'tomorrow',
          instance_parameters: params({ hostname: '-bad-', customdata: '[1, "top-secret"]' }),
        }),
      ),
    );
    expect(diagnostics.map((d) => d.path)).toEqual([
      ['metro'],
      ['max_bid_price'],
      ['devices_max'],
      ['end_at'],
      ['kind'],
      ['instance_parameters', 0, 'hostname'],
      ['instance_parameters', 0, 'customdata'],
    ]);
    // The API's wording: each field's bounds first (its schema's), then one field against another.
    expect(diagnostics[1].detail).toBe('max_bid_price: must be greater than 0');
    expect(diagnostics[2].detail).toBe('devices_max: must be at least devices_min (3)');
    expect(JSON.stringify(diagnostics)).not.toContain('top-secret');
    const hostnames = await world.runtime.validateResourceConfig(
      TYPE,
      world.config(TYPE, base({ devices_max: 3, instance_parameters: params({ hostname: null, hostnames: ['a', 'b'] }) })),
    );
    expect(hostnames).toEqual([expect.objectContaining({ summary: 'Too few hostnames', path: ['instance_parameters', 0, 'hostnames'] })]);
    expect(await world.runtime.validateResourceConfig(TYPE, world.config(TYPE, base()))).toEqual([]);
  });

  it('stops at plan time for an on-demand-only plan and warns about a bid below the market price', async () => {
    const onDemand = await world.plan(TYPE, null, base({ instance_parameters: params({ plan: 'g2.large.x86' }) }));
    expect(errors(onDemand.diagnostics)).toEqual([
      expect.objectContaining({
        summary: 'Plan not on the spot market',
        path: ['instance_parameters', 0, 'plan'],
        detail: expect.stringContaining('c3.small.x86'),
      }),
    ]);
    const low = await world.plan(TYPE, null, base({ max_bid_price: 0.0001 }));
    expect(errors(low.diagnostics)).toEqual([]);
    expect(low.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', summary: 'Bid below the market price', path: ['max_bid_price'] }),
    ]);
  });

  describe('a request for two devices', () => {
    let state: ValueObject;

    beforeAll(async () => {
      const created = await world.apply(
        TYPE,
        null,
        base({ kind: 'persistent', end_at: '2099-01-01T00:00:00Z', instance_parameters: params({ tags: ['batch'] }) }),
      );
      expect(errors(created.diagnostics)).toEqual([]);
      state = created.state!;
    });

    it('waits until devices_min devices are active and puts their ids and addresses in the state', async () => {
      const request = await world.client.spotMarket.getRequest(String(state.id));
      expect(request.devices).toHaveLength(2);
      expect(state.device_ids).toEqual(request.devices.map((d) => d.id));
      const devices = state.devices as ValueObject[];
      expect(devices.map((d) => d.state)).toEqual(['active', 'active']);
      expect(devices.map((d) => d.hostname).sort()).toEqual(['spot-1', 'spot-2']);
      for (const d of devices) {
        const device = await world.client.devices.get(String(d.id));
        expect(device).toMatchObject({ state: 'active', spot_instance: true, spot_price_max: 0.45, tags: ['batch'] });
        expect(d.public_ipv4).toBe(device.ip_addresses.find((a) => a.public && a.address_family === 4)!.address);
        expect(d.private_ipv4).toBe(device.ip_addresses.find((a) => !a.public)!.address);
      }
      expect(state).toMatchObject({
        kind: 'persistent',
        state: 'open',
        filled_total: 2,
        metro: 'ny',
        end_at: '2099-01-01T00:00:00Z',
        created: request.created_at,
      });
      expect(state.price).toBeLessThanOrEqual(0.45);
      expect(Object.values(state).some(isUnknown)).toBe(false);
    });

    it('plans replacement only for real changes, and applies the rest in place without touching the request', async () => {
      const plan = (extra: ValueObject) =>
        world.plan(
          TYPE,
          state,
          base({ kind: 'persistent', end_at: '2099-01-01T00:00:00Z', instance_parameters: params({ tags: ['batch'] }), ...extra }),
        );
      const replaces = async (extra: ValueObject) => (await plan(extra)).requiresReplace;
      // The bid is updated in place; the values a new clearing round can move are known after apply.
      const bids: ValueObject[] = [
        { max_bid_price: 0.4 },
        { devices_max: 3 },
        { devices_min: 1 },
        { end_at: '2099-01-02T00:00:00Z' },
        { end_at: null },
      ];
      for (const bid of bids) {
        const planned = await plan(bid);
        expect([bid, planned.requiresReplace]).toEqual([bid, []]);
        expect(planned.planned).toMatchObject({ id: state.id, created: state.created, kind: 'persistent', ...bid });
        expect(['device_ids', 'devices', 'filled_total', 'price', 'state'].filter((name) => !isUnknown(planned.planned![name]))).toEqual(
          [],
        );
      }
      expect(await replaces({ kind: 'one_time' })).toEqual([['kind']]);
      expect(await replaces({ metro: 'da' })).toEqual([['metro']]);
      expect(await replaces({ metro: null, facilities: ['da6'] })).toEqual([['facilities']]);
      expect(await replaces({ instance_parameters: params({ tags: ['other'] }) })).toEqual([['instance_parameters']]);
      // The same values written differently, the same metro by facility, and provider settings: in place.
      expect(
        await replaces({
          max_bid_price: 0.45,
          metro: 'NY',
          end_at: '2099-01-01T01:00:00+01:00',
          wait_for_devices: false,
          timeouts: { create: '5m', delete: '5m' },
        }),
      ).toEqual([]);
      expect(await replaces({ metro: null, facilities: ['ny5'] })).toEqual([]);

      const inPlace = base({
        kind: 'persistent',
        end_at: '2099-01-01T01:00:00+01:00',
        metro: 'NY',
        instance_parameters: params({ tags: ['batch'] }),
        wait_for_devices: false,
      });
      const planned = await world.plan(TYPE, state, inPlace);
      expect(planned.planned).toMatchObject({ id: state.id, device_ids: state.device_ids, devices: state.devices });
      const updated = await world.apply(TYPE, state, inPlace);
      expect(errors(updated.diagnostics)).toEqual([]);
      expect(updated.state).toMatchObject({ id: state.id, metro: 'NY', wait_for_devices: false, device_ids: state.device_ids });
      // A refresh keeps the spellings, so the next plan is empty.
      const refreshed = (await world.refresh(TYPE, updated.state!)).state!;
      const again = await world.plan(TYPE, refreshed, inPlace);
      expect(again.requiresReplace).toEqual([]);
      expect(valuesEqual(again.planned, refreshed)).toBe(true);
      state = (
        await world.apply(
          TYPE,
          refreshed,
          base({ kind: 'persistent', end_at: '2099-01-01T00:00:00Z', instance_parameters: params({ tags: ['batch'] }) }),
        )
      ).state!;
    });

    it('imports into a state that plans no change, and the data source lists the same devices', async () => {
      const imported = await world.import(TYPE, String(state.id));
      expect(errors(imported.diagnostics)).toEqual([]);
      const plan = await world.plan(
        TYPE,
        imported.state,
        base({ kind: 'persistent', end_at: '2099-01-01T00:00:00Z', instance_parameters: params({ tags: ['batch'] }) }),
      );
      expect(plan.requiresReplace).toEqual([]);

      const read = await world.read('metal_spot_market_request', { request_id: state.id });
      expect(errors(read.diagnostics)).toEqual([]);
      expect(read.state).toMatchObject({
        id: state.id,
        device_ids: state.device_ids,
        devices_min: 2,
        devices_max: 2,
        max_bid_price: 0.45,
        metro: 'ny',
        plan: 'c3.small.x86',
        kind: 'persistent',
        project_id: projectId,
      });
      expect(read.state!.facilities).toContain('ny5');
      expect((read.state!.devices as ValueObject[]).map((d) => d.id)).toEqual(state.device_ids);
    });

    it('delete ends the request with force_termination and waits until its devices are gone', async () => {
      const ids = state.device_ids as string[];
      const deleted = await world.apply(TYPE, state, null);
      expect(errors(deleted.diagnostics)).toEqual([]);
      expect(deleted.state).toBeNull();
      for (const id of ids) await expect(world.client.devices.get(id)).rejects.toMatchObject({ code: 'not_found' });
      expect(await world.client.spotMarket.getRequest(String(state.id))).toMatchObject({
        state: 'closed',
        closed_reason: 'deleted',
        devices: [],
      });
      // Deleted, it leaves the state on refresh.
      expect((await world.refresh(TYPE, state)).state).toBeNull();
    });
  });

  it('a changed bid is an update, not a replacement: apply PUTs it and waits for devices_min active devices', async () => {
    const values = (extra: ValueObject = {}) =>
      base({
        devices_min: 1,
        devices_max: 1,
        max_bid_price: 0.0001,
        wait_for_devices: false,
        instance_parameters: params({ hostname: 'grow' }),
        ...extra,
      });
    const created = await world.apply(TYPE, null, values());
    expect(errors(created.diagnostics)).toEqual([]);
    expect(created.state).toMatchObject({ device_ids: [], filled_total: 0 });

    const raised = values({ max_bid_price: 0.45, devices_min: 2, devices_max: 2, end_at: '2099-06-01T00:00:00Z', wait_for_devices: true });
    const plan = await world.plan(TYPE, created.state, raised);
    expect(plan.requiresReplace).toEqual([]);
    const updated = await world.apply(TYPE, created.state, raised);
    expect(errors(updated.diagnostics)).toEqual([]);
    const state = updated.state!;
    expect(state).toMatchObject({
      id: created.state!.id,
      max_bid_price: 0.45,
      devices_min: 2,
      devices_max: 2,
      end_at: '2099-06-01T00:00:00Z',
      filled_total: 2,
      state: 'open',
    });
    expect((state.devices as ValueObject[]).filter((d) => d.state === 'active')).toHaveLength(2);
    const request = await world.client.spotMarket.getRequest(String(state.id));
    expect(request).toMatchObject({ max_bid_price: 0.45, devices_min: 2, devices_max: 2, end_at: '2099-06-01T00:00:00.000Z' });
    expect(state.device_ids).toEqual(request.devices.map((d) => d.id));
    for (const id of state.device_ids as string[]) expect(await world.client.devices.get(id)).toMatchObject({ spot_price_max: 0.45 });

    // Removing end_at clears it; the next plan is empty.
    const cleared = await world.apply(TYPE, state, { ...raised, end_at: null });
    expect(errors(cleared.diagnostics)).toEqual([]);
    expect(cleared.state).toMatchObject({ id: state.id, end_at: null });
    expect((await world.client.spotMarket.getRequest(String(state.id))).end_at).toBeNull();
    const refreshed = (await world.refresh(TYPE, cleared.state!)).state!;
    const again = await world.plan(TYPE, refreshed, { ...raised, end_at: null });
    expect(valuesEqual(again.planned, refreshed)).toBe(true);
    expect((await world.apply(TYPE, refreshed, null)).state).toBeNull();
  });

  it('a bid that cannot fill times out with the market price named, keeping the request (tainted) in the state', async () => {
    const values = base({ max_bid_price: 0.0001, devices_min: 1, devices_max: 1, timeouts: { create: '1s' } });
    const config = world.config(TYPE, values);
    const plan = await world.plan(TYPE, null, values);
    const applied = await world.runtime.applyResourceChange(TYPE, { prior: null, planned: plan.planned, config, private: plan.private });
    expect(errors(applied.diagnostics)).toEqual([
      expect.objectContaining({
        summary: expect.stringMatching(/^Timed out waiting for spot market request /),
        detail: expect.stringMatching(
          /0 of devices_min 1 devices are active; devices: none yet\. The market price [\d.]+ is above max_bid_price 0\.0001/,
        ),
      }),
    ]);
    expect(applied.state).toMatchObject({ id: expect.any(String), device_ids: [], state: 'open' });
    expect((await world.apply(TYPE, applied.state, null)).state).toBeNull();
  });

  it('with wait_for_devices = false, create returns once the bid is placed (with the devices it filled so far)', async () => {
    const created = await world.apply(
      TYPE,
      null,
      base({ devices_min: 1, devices_max: 1, wait_for_devices: false, instance_parameters: params({ hostname: 'nowait' }) }),
    );
    expect(errors(created.diagnostics)).toEqual([]);
    const state = created.state!;
    const request = await world.client.spotMarket.getRequest(String(state.id));
    // The bid covers the price, so the API filled it when it was placed; create did not wait for the install.
    expect(state.device_ids).toEqual(request.devices.map((d) => d.id));
    expect(state.device_ids).toHaveLength(1);
    expect(state).toMatchObject({ wait_for_devices: false, state: 'open', filled_total: 1 });
    const deleted = await world.apply(TYPE, state, null);
    expect(errors(deleted.diagnostics)).toEqual([]);
    expect(await world.client.spotMarket.getRequest(String(state.id))).toMatchObject({ state: 'closed', closed_reason: 'deleted' });
  });

  it('maps the API’s refusal to the attribute and creates nothing', async () => {
    const values = base({ instance_parameters: params({ operating_system: 'windows_95' }) });
    const config = world.config(TYPE, values);
    const applied = await world.runtime.applyResourceChange(TYPE, { prior: null, planned: { ...config, id: null }, config, private: null });
    expect(applied.state).toBeNull();
    expect(applied.diagnostics).toEqual([
      expect.objectContaining({
        summary: 'Cannot create the spot market request',
        path: ['instance_parameters'],
        detail: expect.stringContaining('windows_95'),
      }),
    ]);
  });
});

describe('metal_spot_market_price', () => {
  let world: RuntimeWorld;
  beforeAll(async () => {
    world = await startRuntimeWorld();
    await world.cloud.engine.spot.clear();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('reads the current price by metro (any case) and by facility, as the API serves it', async () => {
    const prices = await world.client.spotMarket.pricesByMetro();
    const byMetro = await world.read('metal_spot_market_price', { metro: 'NY', plan: 'c3.small.x86' });
    expect(byMetro.diagnostics).toEqual([]);
    expect(byMetro.state).toMatchObject({ id: 'metro-ny-c3.small.x86', metro: 'NY', price: prices.ny['c3.small.x86'].price });
    const byFacility = await world.read('metal_spot_market_price', { facility: 'ny5', plan: 'c3.small.x86' });
    expect(byFacility.state).toMatchObject({ id: 'facility-ny5-c3.small.x86', price: prices.ny['c3.small.x86'].price });
  });

  it('says where a plan has a spot price when it has none here, and rejects two locations', async () => {
    const missing = await world.read('metal_spot_market_price', { metro: 'ny', plan: 'g2.large.x86' });
    expect(missing.diagnostics).toEqual([
      expect.objectContaining({
        summary: 'No spot price',
        path: ['plan'],
        detail: expect.stringContaining('Plans with spot prices there: '),
      }),
    ]);
    const unknown = await world.read('metal_spot_market_price', { metro: 'xx', plan: 'c3.small.x86' });
    expect(unknown.diagnostics).toEqual([
      expect.objectContaining({
        path: ['metro'],
        detail: expect.stringMatching(/^There is no spot market in metro "xx"\. Metros with spot prices: .*ny/),
      }),
    ]);
    const both = await world.runtime.validateDataSourceConfig(
      'metal_spot_market_price',
      world.config('metal_spot_market_price', { metro: 'ny', facility: 'ny5', plan: 'c3.small.x86' }, 'data'),
    );
    expect(both.map((d) => d.path)).toEqual([['facility']]);
  });

  it('metal_spot_market_request reports an unknown id at request_id', async () => {
    const read = await world.read('metal_spot_market_request', { request_id: '00000000-0000-4000-8000-000000000000' });
    expect(read.diagnostics).toEqual([expect.objectContaining({ summary: 'Spot market request not found', path: ['request_id'] })]);
  });
});
