/**
 * The spot market wired into the engine, on a small world (one facility per metro, a few machines each, every
 * metro at list price) with a manual clock: clearing rounds and jobs are stepped by hand. Each scenario uses
 * its own metro, so the pools do not disturb one another. On PGlite and on a PostgreSQL server.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { devicePresenter } from '../../../lib/api/present/devices';
import { presentSpotRequest } from '../../../lib/api/present/spot';
import { DEFAULT_CATALOG, type Cloud } from '../../../lib/cloud';
import type { DeviceCreateInput, SpotMarketRequest, SpotMarketRequestCreateInput } from '../../../lib/contract/schemas';
import type { Principal } from '../../../lib/engine/accounts';
import { ManualClock } from '../../../lib/core/clock';
import type { CatalogFile } from '../../../lib/engine/operator';
import { PLACEMENT_RETRY_MS, type SpotMarketService } from '../../../lib/engine/spot/market';
import type { SpotRequestView } from '../../../lib/engine/spot/requests';
import type { Queryable } from '../../../lib/store/database';
import {
  adminProject,
  availableBackends,
  deviceInput,
  removeTempDirs,
  settle,
  stepUntil,
  stopPostgres,
  tempDir,
  testCloud,
} from '../../support/cloud';

const MIN = 60_000;
const METROS: Record<string, number> = { ny: 4, da: 4, sv: 4, am: 2, fr: 2, sg: 4, at: 6, ch: 2, se: 4, tr: 2 };

/** The default catalog cut down: c3.small.x86 (spot, $0.50/h) in each metro above, g2.large.x86 (no spot) in ny. */
function smallCatalog(): string {
  const full = JSON.parse(readFileSync(DEFAULT_CATALOG, 'utf8')) as CatalogFile;
  const catalog: CatalogFile = {
    metros: full.metros.filter((m) => m.code in METROS).map((m) => ({ ...m, price_factor: 1 })),
    facilities: Object.keys(METROS).map((code) => ({ code: `${code}1`, name: `${code} one`, metro: code })),
    plans: full.plans.filter((p) => p.slug === 'c3.small.x86' || p.slug === 'g2.large.x86'),
    operating_systems: full.operating_systems.filter((o) => o.slug === 'ubuntu_24_04'),
    hardware: [
      ...Object.entries(METROS).map(([code, n]) => ({ facilities: [`${code}1`], per_facility: { 'c3.small.x86': n } })),
      { facilities: ['ny1'], per_facility: { 'g2.large.x86': 1 } },
    ],
  };
  const path = join(tempDir(), 'catalog.json');
  writeFileSync(path, JSON.stringify(catalog));
  return path;
}

interface DeviceRow {
  id: string;
  state: string;
  machine_id: string | null;
  spot_instance: boolean;
  spot_price_max: number | null;
  spot_market_request_id: string | null;
  termination_time: Date | null;
  ip_addresses: { address: string; address_family: number; public: boolean }[];
}

afterAll(async () => {
  await stopPostgres();
  removeTempDirs();
});

describe.each(availableBackends())('spot market in the engine on %s', (backend) => {
  let cloud: Cloud;
  let clock: ManualClock;
  let principal: Principal;
  let projectId: string;
  let webhook: Server;
  const deliveries: { body: string; signature: string }[] = [];
  let failNextDelivery = true;

  /** The spot market, with its requests as the API presents them (the scenarios read them as a client does). */
  const spot = () => {
    const market = cloud.engine.spot;
    const present = (view: SpotRequestView) => presentSpotRequest(view, cloud.engine.world);
    return {
      clear: () => market.clear(),
      delete: (...a: Parameters<SpotMarketService['delete']>) => market.delete(...a),
      history: (...a: Parameters<SpotMarketService['history']>) => market.history(...a),
      setWebhook: (...a: Parameters<SpotMarketService['setWebhook']>) => market.setWebhook(...a),
      createRequest: async (...a: Parameters<SpotMarketService['createRequest']>) => present(await market.createRequest(...a)),
      get: async (...a: Parameters<SpotMarketService['get']>) => present(await market.get(...a)),
      list: async (...a: Parameters<SpotMarketService['list']>) => (await market.list(...a)).map(present),
      updateRequest: async (...a: Parameters<SpotMarketService['updateRequest']>) => present(await market.updateRequest(...a)),
    };
  };
  const shown = async (id: string) => devicePresenter(cloud.engine)(await cloud.engine.devices.get(id));
  const input = (metro: string, o: Partial<SpotMarketRequestCreateInput> = {}): SpotMarketRequestCreateInput => ({
    devices_min: 1,
    devices_max: 1,
    max_bid_price: 0.2,
    metro,
    ...o,
    instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: `${metro}-spot`, ...o.instance_parameters },
  });
  const bid = (metro: string, o: Partial<SpotMarketRequestCreateInput> = {}) => spot().createRequest(principal, projectId, input(metro, o));
  const device = async (id: string) => (await cloud.db.query<DeviceRow>('SELECT * FROM devices WHERE id = $1', [id]))[0];
  const requestDevices = async (requestId: string) => (await spot().get(principal, requestId)).devices;
  const onDemand = (metro: string, extra: Partial<DeviceCreateInput> = {}) =>
    cloud.engine.devices.create(principal, projectId, deviceInput({ metro, ...extra }));
  /** Runs job rounds and webhook deliveries until none is due. */
  const runJobs = async () => {
    for (let i = 0; i < 30; i++) {
      await settle(cloud);
      if (!(await cloud.engine.jobs.round()) && !(await cloud.engine.webhooks.round())) return;
    }
    throw new Error('jobs kept running');
  };
  const events = (deviceId: string) =>
    cloud.db.query<{ type: string; body: string }>('SELECT type, body FROM events WHERE device_id = $1 ORDER BY seq', [deviceId]);

  beforeAll(async () => {
    clock = new ManualClock('2026-03-01T00:00:00Z');
    // The test's webhook receiver is on loopback: allowed as an operator would with --webhook-allow-private.
    cloud = await testCloud(backend, { clock, startWorkers: false, catalog: smallCatalog(), engine: { webhookAllowPrivate: true } });
    ({ principal, projectId } = await adminProject(cloud, 'spot'));
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        deliveries.push({ body, signature: String(req.headers['x-metalforge-signature']) });
        res.statusCode = failNextDelivery ? 500 : 204;
        failNextDelivery = false;
        res.end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await cloud?.close();
    await new Promise((resolve) => webhook?.close(resolve));
  });

  it('fills a bid at once; its devices pay the clearing price, not the bid, and provision like any device', async () => {
    const request = await bid('ny', { devices_min: 2, devices_max: 2, max_bid_price: 0.45 });
    expect(request.state).toBe('open');
    expect(request.devices).toHaveLength(2);
    expect(request.devices.map((d) => d.hostname).sort()).toEqual(['ny-spot-1', 'ny-spot-2']);
    // 2 of 4 machines taken before the round: utilisation 0, the floor (20 % of $0.50).
    expect(request.price).toBeCloseTo(0.1);
    expect(request.price!).toBeLessThan(request.max_bid_price);
    for (const d of request.devices) {
      const row = await device(d.id);
      expect(row).toMatchObject({ spot_instance: true, spot_price_max: 0.45, spot_market_request_id: request.id, state: 'queued' });
      expect(row.machine_id).not.toBeNull();
      expect(d.ip_addresses.length).toBeGreaterThan(0);
      expect((await events(d.id)).map((e) => e.body)).toContainEqual(
        expect.stringMatching(/pays the clearing price 0\.1\/h \(max bid 0\.45\/h\)/),
      );
    }
    await runJobs();
    expect((await requestDevices(request.id)).map((d) => d.state)).toEqual(['active', 'active']);
  });

  it('refuses a bad request naming every problem and its fix', async () => {
    const err = await spot()
      .createRequest(principal, projectId, {
        devices_min: 3,
        devices_max: 2,
        max_bid_price: 0,
        metro: 'nyy',
        end_at: '2020-01-01T00:00:00Z',
        instance_parameters: { plan: 'g2.large.x86', operating_system: 'ubuntu_99', hostnames: ['ok', 'bad_host!'] },
      })
      .catch((e) => e);
    expect(err.status).toBe(422);
    expect(err.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^instance_parameters\.plan: g2\.large\.x86 is not offered on the spot market; spot market plans: c3\.small\.x86/,
        ),
        expect.stringMatching(/^metro: unknown metro "nyy"; did you mean "ny"/),
        expect.stringMatching(/^devices_max: must be at least devices_min \(3\)/),
        expect.stringMatching(/^max_bid_price: must be greater than 0/),
        expect.stringMatching(/^end_at: must be in the future/),
        expect.stringMatching(/^instance_parameters\.operating_system: unknown operating system "ubuntu_99"/),
        expect.stringMatching(/^instance_parameters\.hostnames\[1\]: must be a hostname/),
      ]),
    );
  });

  it('commits `commitWith` (an idempotent answer) with the request as stored: when it fails, no request remains', async () => {
    const low = { max_bid_price: 0.05 }; // below the price floor: it never fills
    const count = async (db: Queryable, id: string) =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM spot_market_requests WHERE id = $1', [id]))[0].n;
    let failedId = '';
    const failed = await spot()
      .createRequest(principal, projectId, input('ny', low), async (tx, created) => {
        failedId = created.request.id;
        expect(await count(tx, created.request.id)).toBe(1);
        throw new Error('the answer could not be written');
      })
      .catch((e: Error) => e);
    expect(failed).toEqual(new Error('the answer could not be written'));
    expect(await count(cloud.db, failedId)).toBe(0);
    const committed: SpotMarketRequest[] = [];
    const request = await spot().createRequest(
      principal,
      projectId,
      input('ny', low),
      async (_tx, created) => void committed.push(presentSpotRequest(created, cloud.engine.world)),
    );
    expect(committed).toEqual([expect.objectContaining({ id: request.id, state: 'open', max_bid_price: 0.05, devices: [] })]);
    await spot().delete(principal, request.id, false);
  });

  it('outbid: the price passes the bid → a notice of exactly 2 min (a shorter configured notice is raised), an event, a signed webhook, then termination', async () => {
    const hook = await spot().setWebhook(principal, projectId, `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hooks`);
    expect(hook.secret).toMatch(/^whsec_/);
    cloud.engine.ctx.config.spotNoticeMs = 30_000;
    const request = await bid('da');
    const [spotDevice] = request.devices;
    for (let i = 0; i < 3; i++) await onDemand('da');
    await runJobs();
    // da is now full: the price climbs towards list price, at most 10 % per 5-minute step.
    await clock.advance(10 * MIN);
    await spot().clear();
    expect((await device(spotDevice.id)).termination_time).toBeNull();
    await clock.advance(50 * MIN);
    const round = await spot().clear();
    expect(round.reclaimed).toBe(1);
    const noticed = await spot().get(principal, request.id);
    expect(noticed.price!).toBeGreaterThan(0.2);
    const terminationTime = new Date(noticed.devices[0].termination_time!);
    expect(terminationTime.getTime() - clock.now().getTime()).toBe(2 * MIN);
    expect((await events(spotDevice.id)).at(-1)).toMatchObject({
      type: 'instance.spot_termination_notice',
      body: expect.stringMatching(/rose above its max bid/),
    });

    // The webhook: the first delivery fails (HTTP 500) and is retried after the backoff.
    await runJobs();
    expect(deliveries).toHaveLength(1);
    await clock.advance(cloud.engine.ctx.config.retryBaseMs);
    await runJobs();
    expect(deliveries).toHaveLength(2);
    const delivered = deliveries[1];
    expect(delivered.signature).toBe(`sha256=${createHmac('sha256', hook.secret).update(delivered.body).digest('hex')}`);
    expect(JSON.parse(delivered.body)).toMatchObject({
      type: 'spot.termination_notice',
      device: { id: spotDevice.id },
      spot_market_request: { id: request.id },
      reason: 'outbid',
      termination_time: terminationTime.toISOString(),
    });

    // Before the termination time nothing happens; at it the device is deprovisioned.
    await clock.advance(MIN);
    expect((await spot().clear()).terminated).toBe(0);
    await clock.advance(MIN);
    expect((await spot().clear()).terminated).toBe(1);
    expect((await device(spotDevice.id)).state).toBe('deprovisioning');
    await runJobs();
    expect((await device(spotDevice.id)).state).toBe('deleted');
    // A one-time request with all its devices gone is closed.
    expect(await spot().get(principal, request.id)).toMatchObject({
      state: 'closed',
      closed_reason: 'fulfilled',
      devices: [],
      filled_total: 1,
    });
    cloud.engine.ctx.config.spotNoticeMs = 2 * MIN;
  });

  it('updating a request clears it again: a higher bid fills, a higher devices_max adds devices, a bid below the price gets notices', async () => {
    const request = await bid('se', { max_bid_price: 0.05 });
    expect(request.devices).toEqual([]);
    expect(request.price!).toBeGreaterThan(0.05);

    const raised = await spot().updateRequest(principal, request.id, { max_bid_price: 0.2 });
    expect(raised).toMatchObject({ max_bid_price: 0.2, devices_max: 1, state: 'open', filled_total: 1 });
    expect(raised.devices).toHaveLength(1);
    expect(await device(raised.devices[0].id)).toMatchObject({ spot_instance: true, spot_price_max: 0.2 });

    const grown = await spot().updateRequest(principal, request.id, { devices_max: 3 });
    expect(grown).toMatchObject({ devices_max: 3, filled_total: 3 });
    expect(grown.devices.map((d) => d.id)).toEqual(expect.arrayContaining(raised.devices.map((d) => d.id)));
    expect(grown.devices).toHaveLength(3);
    await runJobs();
    expect((await requestDevices(request.id)).map((d) => d.state)).toEqual(['active', 'active', 'active']);

    const lowered = await spot().updateRequest(principal, request.id, { max_bid_price: 0.05 });
    expect(lowered.max_bid_price).toBe(0.05);
    expect(lowered.price!).toBeGreaterThan(0.05);
    for (const d of lowered.devices) {
      expect(new Date(d.termination_time!).getTime() - clock.now().getTime()).toBe(2 * MIN);
      expect((await device(d.id)).spot_price_max).toBe(0.05);
      expect((await events(d.id)).at(-1)).toMatchObject({
        type: 'instance.spot_termination_notice',
        body: expect.stringMatching(/rose above its max bid/),
      });
    }
    const [updated] = await cloud.db.query<{ body: string }>(
      `SELECT body FROM events WHERE type = 'spot_market_request.updated' AND body LIKE $1 ORDER BY seq DESC LIMIT 1`,
      [`%${request.id}%`],
    );
    expect(updated.body).toBe(`spot market request ${request.id} updated: max_bid_price 0.2 → 0.05`);

    await clock.advance(2 * MIN);
    expect((await spot().clear()).terminated).toBe(3);
    await runJobs();
    // A one-time request whose devices are gone is closed, and a closed request no longer changes.
    expect(await spot().get(principal, request.id)).toMatchObject({ state: 'closed', closed_reason: 'fulfilled', devices: [] });
    await expect(spot().updateRequest(principal, request.id, { max_bid_price: 0.5 })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/is closed \(fulfilled\) and cannot change; create a new request/),
    });
  });

  it('refuses a bad update naming every problem and its fix, and changes nothing', async () => {
    const request = await bid('tr', {
      devices_max: 2,
      max_bid_price: 0.01,
      instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostnames: ['tr-a', 'tr-b'] },
    });
    const refused = (update: Parameters<SpotMarketService['updateRequest']>[2]) =>
      spot()
        .updateRequest(principal, request.id, update)
        .catch((e) => e);
    const err = await refused({ devices_min: 0, max_bid_price: 0, end_at: '2020-01-01T00:00:00Z' });
    expect(err.status).toBe(422);
    expect(err.errors).toEqual([
      'devices_min: must be at least 1',
      expect.stringMatching(/^max_bid_price: must be greater than 0/),
      'end_at: must be in the future',
    ]);
    expect((await refused({ devices_min: 3 })).errors).toEqual(['devices_min: must be at most devices_max (2); raise devices_max with it']);
    expect((await refused({ devices_max: 0 })).errors).toEqual(['devices_max: must be at least 1']);
    expect((await refused({ devices_min: 3, devices_max: 3 })).errors).toEqual([
      expect.stringMatching(/^devices_max: at most 2, the number of instance_parameters\.hostnames/),
    ]);
    expect(await spot().get(principal, request.id)).toMatchObject({ devices_min: 1, devices_max: 2, max_bid_price: 0.01, devices: [] });

    const endAt = new Date(clock.now().getTime() + 60 * MIN).toISOString();
    expect((await spot().updateRequest(principal, request.id, { end_at: endAt })).end_at).toBe(endAt);
    const cleared = await spot().updateRequest(principal, request.id, { end_at: null });
    expect(cleared.end_at).toBeNull();
    expect(cleared).toMatchObject({ state: 'open', max_bid_price: 0.01 });
    await spot().delete(principal, request.id, true);
  });

  it('a persistent request is refilled when the price allows again; a one-time request is not', async () => {
    const persistent = await bid('sv', {
      kind: 'persistent',
      instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'keep' },
    });
    const oneTime = await bid('sv', { instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'once' } });
    expect(persistent.devices).toHaveLength(1);
    expect(oneTime.devices).toHaveLength(1);
    const onDemandIds = [(await onDemand('sv')).id, (await onDemand('sv')).id];
    await runJobs();
    await clock.advance(60 * MIN);
    expect((await spot().clear()).reclaimed).toBe(2);
    await clock.advance(2 * MIN);
    expect((await spot().clear()).terminated).toBe(2);
    await runJobs();
    for (const id of onDemandIds) await cloud.engine.devices.delete(id, {});
    await runJobs();
    // The pool is empty again: the price falls back under the bids within a few steps.
    await clock.advance(30 * MIN);
    await spot().clear();
    const refilled = await spot().get(principal, persistent.id);
    expect(refilled.price!).toBeLessThanOrEqual(0.2);
    expect(refilled).toMatchObject({ state: 'open', filled_total: 2 });
    expect(refilled.devices).toHaveLength(1);
    expect(refilled.devices[0].id).not.toBe(persistent.devices[0].id);
    expect(refilled.devices[0].state).toBe('queued');
    expect(await spot().get(principal, oneTime.id)).toMatchObject({
      state: 'closed',
      closed_reason: 'fulfilled',
      filled_total: 1,
      devices: [],
    });
    await runJobs();
  });

  it('end_at closes the request and reclaims its devices with the configured (longer) notice, shown in the metadata', async () => {
    cloud.engine.ctx.config.spotNoticeMs = 5 * MIN;
    const request = await bid('am', { end_at: new Date(clock.now().getTime() + 10 * MIN).toISOString() });
    await runJobs();
    await clock.advance(10 * MIN);
    const round = await spot().clear();
    expect(round.closed).toBe(1);
    const closed = await spot().get(principal, request.id);
    expect(closed).toMatchObject({ state: 'closed', closed_reason: 'end_at' });
    const { termination_time: terminationTime, id } = closed.devices[0];
    expect(new Date(terminationTime!).getTime() - clock.now().getTime()).toBe(5 * MIN);

    // The machine sees the notice: Metal-style metadata and EC2's spot/instance-action.
    const ip = (await device(id)).ip_addresses.find((a) => a.address_family === 4 && a.public)!.address;
    const metadata = await cloud.boot.inject({ url: '/metadata', remoteAddress: ip });
    expect(metadata.statusCode).toBe(200);
    expect(metadata.json().spot).toEqual({ termination_time: terminationTime });
    const action = await cloud.boot.inject({ url: '/2009-04-04/meta-data/spot/instance-action', remoteAddress: ip });
    expect(JSON.parse(action.body)).toEqual({ action: 'terminate', time: terminationTime });

    await clock.advance(5 * MIN);
    expect((await spot().clear()).terminated).toBe(1);
    await runJobs();
    expect((await device(id)).state).toBe('deleted');
    cloud.engine.ctx.config.spotNoticeMs = 2 * MIN;
  });

  it('convert_to_on_demand during the notice keeps the device', async () => {
    const request = await bid('fr', { end_at: new Date(clock.now().getTime() + MIN).toISOString() });
    const [{ id }] = request.devices;
    await runJobs();
    await clock.advance(MIN);
    await spot().clear();
    expect((await device(id)).termination_time).not.toBeNull();
    expect((await shown(id)).actions.map((a) => a.type)).toContain('convert_to_on_demand');
    await cloud.engine.devices.action(id, { type: 'convert_to_on_demand' });
    expect(await device(id)).toMatchObject({ spot_instance: false, spot_market_request_id: null, termination_time: null, state: 'active' });
    expect((await shown(id)).actions.map((a) => a.type)).not.toContain('convert_to_on_demand');
    expect((await events(id)).at(-1)).toMatchObject({
      type: 'instance.converted_to_on_demand',
      body: expect.stringMatching(/termination at .* is cancelled/),
    });
    await clock.advance(10 * MIN);
    expect((await spot().clear()).terminated).toBe(0);
    expect((await device(id)).state).toBe('active');
    // Only spot devices convert.
    await expect(cloud.engine.devices.action(id, { type: 'convert_to_on_demand' })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/not a spot device/),
    });
  });

  it('terminates an on-demand device at its own termination_time too', async () => {
    const { id } = await cloud.engine.devices.create(
      principal,
      projectId,
      deviceInput({ metro: 'fr', termination_time: new Date(clock.now().getTime() + 3 * MIN).toISOString() }),
    );
    await runJobs();
    await clock.advance(2 * MIN);
    expect((await spot().clear()).terminated).toBe(0);
    await clock.advance(MIN);
    expect((await spot().clear()).terminated).toBe(1);
    await runJobs();
    expect((await device(id)).state).toBe('deleted');
    expect((await events(id)).map((e) => e.body)).toContainEqual(expect.stringMatching(/terminated at its termination_time/));
  });

  it('deleting a request: with force_termination its devices go at once; without, they keep running as spot', async () => {
    const forced = await bid('sg', {
      devices_max: 2,
      instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'forced' },
    });
    const kept = await bid('sg', {
      devices_max: 2,
      instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'kept' },
    });
    await runJobs();
    await spot().delete(principal, forced.id, true);
    await spot().delete(principal, kept.id, false);
    expect((await spot().get(principal, forced.id)).devices.map((d) => d.state)).toEqual(['deprovisioning', 'deprovisioning']);
    await runJobs();
    expect(await spot().get(principal, forced.id)).toMatchObject({ state: 'closed', closed_reason: 'deleted', devices: [] });
    const stillThere = await spot().get(principal, kept.id);
    expect(stillThere).toMatchObject({ state: 'closed', closed_reason: 'deleted' });
    expect(stillThere.devices.map((d) => d.state)).toEqual(['active', 'active']);
    for (const d of stillThere.devices) expect(await device(d.id)).toMatchObject({ spot_instance: true, termination_time: null });
  });

  it('concurrent bids racing for the last machines: no machine is given twice and fills never exceed the free machines', async () => {
    const free = METROS.at;
    const settled = await Promise.allSettled([
      bid('at', { devices_max: 4, max_bid_price: 0.3 }),
      bid('at', { devices_max: 4, max_bid_price: 0.25 }),
      ...Array.from({ length: 20 }, (_, i) => bid('at', { devices_max: 1 + (i % 2), max_bid_price: 0.2 + i / 1000 })),
    ]);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    await spot().clear();
    const requests = (await spot().list(principal, projectId)).filter((r) => r.metro.code === 'at');
    expect(requests).toHaveLength(22);
    const filled = requests.reduce((n, r) => n + r.devices.length, 0);
    expect(filled).toBe(free);
    for (const r of requests) expect(r.devices.length).toBeLessThanOrEqual(r.devices_max);
    // Highest bids first: the $0.30 bid takes its 4 machines.
    expect(requests.find((r) => r.max_bid_price === 0.3)!.devices).toHaveLength(4);
    const twice = await cloud.db.query(
      `SELECT machine_id FROM devices WHERE machine_id IS NOT NULL AND state <> 'deleted' GROUP BY machine_id HAVING count(*) > 1`,
    );
    expect(twice).toEqual([]);
    const [{ mismatched }] = await cloud.db.query<{ mismatched: number }>(
      `SELECT count(*)::int AS mismatched FROM devices d JOIN machines m ON m.id = d.machine_id WHERE d.state <> 'deleted' AND (m.device_id IS DISTINCT FROM d.id OR m.state <> 'allocated')`,
    );
    expect(mismatched).toBe(0);
    await runJobs();
  });

  it('on-demand preemption: the create waits queued, a spot device gets its notice, then the on-demand device takes its machine', async () => {
    const request = await bid('ch', { devices_max: 2, max_bid_price: 0.5 });
    await runJobs();
    // It asks for a private-only /29: the blocks it gets once placed.
    const waiting = await onDemand('ch', { ip_addresses: [{ address_family: 4, public: false, cidr: 29 }] });
    expect(waiting.state).toBe('queued');
    expect(waiting.ip_addresses).toEqual([]);
    expect((await device(waiting.id)).machine_id).toBeNull();
    // Only as many on-demand creates wait as there are spot devices to reclaim.
    await onDemand('ch').then(
      async (second) => {
        await onDemand('ch').then(
          () => {
            throw new Error('a third on-demand create should find no capacity');
          },
          (err) => expect(err.code).toBe('capacity_unavailable'),
        );
        await cloud.engine.devices.delete(second.id, {});
      },
      () => {
        throw new Error('the second on-demand create should wait too');
      },
    );
    await runJobs();

    expect((await spot().clear()).reclaimed).toBe(1);
    const noticed = (await requestDevices(request.id)).filter((d) => d.termination_time);
    expect(noticed).toHaveLength(1);
    const { machine_id: freedMachine } = await device(noticed[0].id);
    expect((await events(noticed[0].id)).at(-1)!.body).toMatch(/needed for on-demand capacity/);
    await clock.advance(MIN);
    expect((await spot().clear()).reclaimed).toBe(0); // the noticed device already counts as a machine on its way back
    await clock.advance(MIN);
    expect((await spot().clear()).terminated).toBe(1);
    await runJobs();
    expect((await device(noticed[0].id)).state).toBe('deleted');
    await clock.advance(PLACEMENT_RETRY_MS);
    // As many rounds as provisioning needs: one runJobs pass sometimes ended at 'provisioning' on PostgreSQL.
    await stepUntil(cloud, waiting.id, 'active');
    const placed = await device(waiting.id);
    expect(placed.state).toBe('active');
    expect(placed.machine_id).toBe(freedMachine);
    expect((await cloud.engine.devices.get(waiting.id)).ip_addresses.map((a) => [a.address_family, a.public, a.cidr])).toEqual([
      [4, false, 29],
    ]);
    expect((await requestDevices(request.id)).filter((d) => d.state === 'active')).toHaveLength(1);
  });

  it('a waiting on-demand device that never gets a machine fails at its provision deadline with an actionable reason', async () => {
    await bid('am', { devices_max: 2, max_bid_price: 0.5 });
    const waiting = await onDemand('am');
    expect((await device(waiting.id)).machine_id).toBeNull();
    await clock.advance(cloud.engine.ctx.config.provisionTimeoutMs + 1000);
    expect(await cloud.engine.devices.sweepTimeouts()).toBeGreaterThanOrEqual(1);
    const failed = await cloud.engine.devices.get(waiting.id);
    expect(failed.state).toBe('failed');
    expect(failed.failure_reason).toMatch(/found no free machine before its provision deadline.*create it in another metro/);
    expect(await cloud.db.query('SELECT id FROM jobs WHERE device_id = $1', [waiting.id])).toEqual([]);
  });

  it('records the price history on a change or every 15 minutes, and prunes it at 90 days', async () => {
    const historyOf = () =>
      spot().history({ plan: 'c3.small.x86', metro: 'ny', from: '0', until: String(Math.floor(clock.now().getTime() / 1000)) });
    await spot().clear();
    const before = await historyOf();
    expect(before.length).toBeGreaterThan(0);
    for (const [t, p] of before) {
      expect(Number.isInteger(t)).toBe(true);
      expect(p).toBeGreaterThan(0);
    }
    await clock.advance(MIN);
    await spot().clear();
    expect(await historyOf()).toHaveLength(before.length); // unchanged price, sampled less than 15 min ago
    await clock.advance(15 * MIN);
    await spot().clear();
    const after = await historyOf();
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)![0]).toBe(Math.floor(clock.now().getTime() / 1000));

    await clock.advance(91 * 24 * 60 * MIN);
    await spot().clear();
    const pruned = await historyOf();
    expect(pruned).toEqual([[Math.floor(clock.now().getTime() / 1000), after.at(-1)![1]]]);
  });
});
