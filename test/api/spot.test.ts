/**
 * The spot market over HTTP (inject): requests with their devices, updates of the bid, deletion with and without
 * force_termination, prices in Metal's shapes, price history, webhooks, validation and project-key scope.
 * Workers run on a real clock.
 */
import type { Cloud } from '../../lib/cloud';
import { apiClient, eventually, failAnswerOf, testCloud } from '../support/cloud';

describe('spot market over HTTP', () => {
  let cloud: Cloud;
  let api: ReturnType<typeof apiClient>;
  let projectId: string;
  const newRequest = (o: Record<string, unknown> = {}) => ({
    devices_min: 1,
    devices_max: 2,
    max_bid_price: 0.4,
    metro: 'ny',
    instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostnames: ['spot-a', 'spot-b'] },
    ...o,
  });

  beforeAll(async () => {
    cloud = await testCloud('pglite');
    api = apiClient(cloud);
    projectId = (await api.post('/projects', { name: 'spot' })).body.id;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('creates a request that lists its devices (ids, states, addresses), filled at the clearing price', async () => {
    const res = await api.post(`/projects/${projectId}/spot-market-requests`, newRequest({ kind: 'persistent' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      devices_min: 1,
      devices_max: 2,
      max_bid_price: 0.4,
      kind: 'persistent',
      state: 'open',
      metro: { code: 'ny' },
      plan: { slug: 'c3.small.x86' },
      project: { href: `/metal/v1/projects/${projectId}` },
      href: `/metal/v1/spot-market-requests/${res.body.id}`,
    });
    expect(res.body.price).toBeLessThanOrEqual(0.4);
    expect(res.body.devices.map((d: { hostname: string }) => d.hostname).sort()).toEqual(['spot-a', 'spot-b']);
    for (const d of res.body.devices) {
      expect(d.ip_addresses.length).toBeGreaterThan(0);
      const device = (await api.get(`/devices/${d.id}`)).body;
      expect(device).toMatchObject({ spot_instance: true, spot_price_max: 0.4 });
    }
    const got = await api.get(`/spot-market-requests/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(res.body.id);
    const listed = await api.get(`/projects/${projectId}/spot-market-requests`);
    expect(listed.body.spot_market_requests.map((r: { id: string }) => r.id)).toContain(res.body.id);
    await eventually(
      async () =>
        (await api.get(`/spot-market-requests/${res.body.id}`)).body.devices.every((d: { state: string }) => d.state === 'active'),
      'spot devices to become active',
    );
  });

  it('answers 422 naming every problem, from the schema and from the market', async () => {
    const typed = await api.post(
      `/projects/${projectId}/spot-market-requests`,
      newRequest({ max_bid_price: 'cheap', devices_max: undefined }),
    );
    expect(typed.status).toBe(422);
    expect(typed.body.errors).toEqual(expect.arrayContaining(['max_bid_price: must be a number', 'devices_max: is required']));
    const market = await api.post(
      `/projects/${projectId}/spot-market-requests`,
      newRequest({
        devices_min: 0,
        max_bid_price: -1,
        instance_parameters: { plan: 'g2.large.x86', operating_system: 'ubuntu_24_04', hostname: '-bad-' },
      }),
    );
    expect(market.status).toBe(422);
    expect(market.body.code).toBe('validation_failed');
    expect(market.body.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^instance_parameters\.plan: g2\.large\.x86 is not offered on the spot market/),
        'devices_min: must be at least 1',
        expect.stringMatching(/^max_bid_price: must be greater than 0/),
        expect.stringMatching(/^instance_parameters\.hostname: must be a hostname/),
      ]),
    );
  });

  it('PUT changes the bid and its limits and clears again; 422 names each field, 409 once the request is closed', async () => {
    const single = { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'put' };
    const request = (
      await api.post(
        `/projects/${projectId}/spot-market-requests`,
        newRequest({ devices_max: 1, max_bid_price: 0.001, instance_parameters: single }),
      )
    ).body;
    expect(request.devices).toEqual([]);
    const end = new Date(Date.now() + 3600_000).toISOString();
    const updated = await api.put(`/spot-market-requests/${request.id}`, { max_bid_price: 0.45, devices_max: 2, end_at: end });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id: request.id,
      max_bid_price: 0.45,
      devices_min: 1,
      devices_max: 2,
      end_at: end,
      state: 'open',
      filled_total: 2,
    });
    expect(updated.body.devices).toHaveLength(2);
    expect((await api.put(`/spot-market-requests/${request.id}`, { end_at: null })).body.end_at).toBeNull();

    const typed = await api.put(`/spot-market-requests/${request.id}`, { max_bid_price: 'more', metro: 'da', end_at: 'tomorrow' });
    expect(typed.status).toBe(422);
    expect(typed.body.errors.sort()).toEqual([
      'end_at: must be an RFC 3339 date-time such as "2026-12-01T00:00:00Z"',
      'max_bid_price: must be a number',
      'metro: cannot be changed on a spot market request; close it and create another',
    ]);
    const market = await api.put(`/spot-market-requests/${request.id}`, {
      devices_min: 3,
      max_bid_price: 0,
      end_at: '2020-01-01T00:00:00Z',
    });
    expect(market.status).toBe(422);
    expect(market.body).toEqual({
      code: 'validation_failed',
      errors: [
        // The schema's problems first, then the bid rules' (one answer for both).
        'max_bid_price: must be greater than 0',
        'devices_min: must be at most devices_max (2); raise devices_max with it',
        'end_at: must be in the future',
      ],
    });

    expect((await api.delete(`/spot-market-requests/${request.id}?force_termination=true`)).status).toBe(204);
    const closed = await api.put(`/spot-market-requests/${request.id}`, { max_bid_price: 0.5 });
    expect(closed.status).toBe(409);
    expect(closed.body).toEqual({
      code: 'conflict',
      errors: [`spot market request ${request.id} is closed (deleted) and cannot change; create a new request`],
    });
    expect((await api.put('/spot-market-requests/00000000-0000-4000-8000-000000000000', { max_bid_price: 0.5 })).status).toBe(404);
  });

  it('DELETE without force_termination closes the request and leaves its devices; with it, they are deprovisioned', async () => {
    const kept = (
      await api.post(
        `/projects/${projectId}/spot-market-requests`,
        newRequest({ devices_max: 1, instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'kept' } }),
      )
    ).body;
    const forced = (
      await api.post(
        `/projects/${projectId}/spot-market-requests`,
        newRequest({ devices_max: 1, instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'forced' } }),
      )
    ).body;
    expect((await api.delete(`/spot-market-requests/${kept.id}`)).status).toBe(204);
    expect((await api.delete(`/spot-market-requests/${forced.id}?force_termination=true`)).status).toBe(204);
    expect((await api.get(`/spot-market-requests/${kept.id}`)).body).toMatchObject({
      state: 'closed',
      closed_reason: 'deleted',
      devices: [{ id: kept.devices[0].id }],
    });
    expect((await api.get(`/devices/${kept.devices[0].id}`)).status).toBe(200);
    await eventually(async () => (await api.get(`/devices/${forced.devices[0].id}`)).status === 404, 'the forced device to be deleted');
    expect((await api.get(`/spot-market-requests/${forced.id}`)).body).toMatchObject({ state: 'closed', devices: [] });
  });

  it('serves current prices by metro and by facility, and the price history', async () => {
    const metros = await api.get('/market/spot/prices/metros');
    expect(metros.status).toBe(200);
    const ny = metros.body.spot_market_prices.ny['c3.small.x86'].price;
    expect(ny).toBeGreaterThan(0);
    expect(ny).toBeLessThanOrEqual(0.5);
    expect(metros.body.spot_market_prices.ny['g2.large.x86']).toBeUndefined(); // not a spot plan
    const filtered = await api.get('/market/spot/prices/metros?metro=ny&plan=c3.small.x86');
    expect(filtered.body).toEqual({ spot_market_prices: { ny: { 'c3.small.x86': { price: ny } } } });
    const facilities = await api.get('/market/spot/prices?facility=ny5');
    expect(facilities.body.spot_market_prices.ny5['c3.small.x86']).toEqual({ price: ny });
    const history = await api.get(
      `/market/spot/prices/history?plan=c3.small.x86&metro=ny&from=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}&until=${Math.ceil(Date.now() / 1000) + 60}`,
    );
    expect(history.status).toBe(200);
    expect(history.body.prices_history.datapoints.length).toBeGreaterThan(0);
    for (const point of history.body.prices_history.datapoints) expect(point).toEqual([expect.any(Number), expect.any(Number)]);
    const bad = await api.get('/market/spot/prices/history?plan=c9.huge&metro=ny&from=yesterday&until=0');
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^plan: unknown plan "c9\.huge"/),
        expect.stringMatching(/^from: must be a date-time/),
      ]),
    );
  });

  it('sets a webhook whose secret is shown once', async () => {
    const res = await api.put(`/projects/${projectId}/webhook`, { url: 'https://hooks.example.test/metal' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ url: 'https://hooks.example.test/metal', secret: expect.stringMatching(/^whsec_/) });
    expect(JSON.stringify((await api.get(`/projects/${projectId}`)).body)).not.toContain(res.body.secret);
    expect((await api.put(`/projects/${projectId}/webhook`, { url: 'ftp://nope' })).status).toBe(422);
  });

  it('a project key reaches only its own project’s requests', async () => {
    const other = (await api.post('/projects', { name: 'other' })).body.id;
    const request = (
      await api.post(
        `/projects/${other}/spot-market-requests`,
        newRequest({ devices_max: 1, instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04' } }),
      )
    ).body;
    const { token } = (await api.post(`/projects/${projectId}/api-keys`, {})).body;
    const scoped = apiClient(cloud, token);
    expect((await scoped.get(`/projects/${projectId}/spot-market-requests`)).status).toBe(200);
    expect((await scoped.get(`/spot-market-requests/${request.id}`)).status).toBe(404);
    expect((await scoped.get(`/projects/${other}/spot-market-requests`)).status).toBe(404);
    expect((await scoped.delete(`/spot-market-requests/${request.id}?force_termination=true`)).status).toBe(404);
    expect((await scoped.post(`/projects/${other}/spot-market-requests`, newRequest())).status).toBe(404);
  });

  it('an Idempotency-Key creates the request once: its answer commits with the create, so a crash between them creates nothing', async () => {
    const project = (await api.post('/projects', { name: 'spot-idem' })).body.id;
    const path = `/projects/${project}/spot-market-requests`;
    const body = newRequest({
      devices_max: 1,
      instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'spot-idem' },
    });
    const headers = { 'idempotency-key': 'spot-once' };
    const requests = async () => (await api.get(path)).body.spot_market_requests.map((r: { id: string }) => r.id);
    // The answer cannot be written: the create must roll back with it, or the retry below would create a second request.
    const undo = await failAnswerOf(cloud, headers['idempotency-key']);
    expect((await api.post(path, body, headers)).status).toBe(500);
    await undo();
    expect(await requests()).toEqual([]);
    const first = await api.post(path, body, headers);
    expect(first.status).toBe(201);
    // The answer as the create committed it, before the clearing round that followed.
    const [row] = await cloud.db.query<{ status: number; response: { id: string } }>(
      'SELECT status, response FROM idempotency_keys WHERE key = $1',
      [headers['idempotency-key']],
    );
    expect(row).toEqual({ status: 201, response: expect.objectContaining({ id: first.body.id, state: 'open', devices: [] }) });
    // A retry after the server that created it died is a replay.
    await cloud.db.query('UPDATE idempotency_keys SET worker_id = gen_random_uuid() WHERE key = $1', [headers['idempotency-key']]);
    const retry = await api.post(path, body, headers);
    expect(retry).toMatchObject({ status: 201, headers: { 'idempotent-replayed': 'true' }, body: { id: first.body.id } });
    expect(await requests()).toEqual([first.body.id]);
    expect((await api.delete(`/spot-market-requests/${first.body.id}?force_termination=true`)).status).toBe(204);
  });
});
