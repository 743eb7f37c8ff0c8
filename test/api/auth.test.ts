/** X-Auth-Token authentication, read-only keys, project keys, who may manage keys, and per-key rate limits. */
import { buildApi } from '../../lib/api/app';
import type { Cloud } from '../../lib/cloud';
import { apiClient, failAnswerOf, testCloud } from '../support/cloud';

describe('API authentication and key scopes', () => {
  let cloud: Cloud;
  let admin: ReturnType<typeof apiClient>;
  let projectA: string;
  let projectB: string;

  beforeAll(async () => {
    cloud = await testCloud('pglite');
    admin = apiClient(cloud);
    projectA = (await admin.post('/projects', { name: 'alpha' })).body.id;
    projectB = (await admin.post('/projects', { name: 'beta' })).body.id;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('answers 401 without a token and with a bad one, in the Metal error shape', async () => {
    for (const client of [apiClient(cloud, null), apiClient(cloud, 'mf_not-a-real-token')]) {
      const res = await client.get('/projects');
      expect(res.status).toBe(401);
      expect(res.body.errors).toEqual([expect.stringMatching(/X-Auth-Token/)]);
    }
  });

  it('serves the OpenAPI document and health without a token', async () => {
    const anonymous = apiClient(cloud, null);
    expect((await anonymous.get('/health')).status).toBe(200);
    expect((await anonymous.get('/openapi.json')).status).toBe(200);
  });

  it('shows a new token once and never again', async () => {
    const created = await admin.post('/user/api-keys', { description: 'once' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^mf_/);
    expect(created.body.token.startsWith(created.body.token_prefix)).toBe(true);
    const listed = await admin.get('/user/api-keys');
    const again = listed.body.api_keys.find((k: { id: string }) => k.id === created.body.id);
    expect(again).toBeDefined();
    expect(again.token).toBeUndefined();
    expect(listed.raw).not.toContain(created.body.token);
    expect((await apiClient(cloud, created.body.token).get('/user')).status).toBe(200);
  });

  it('an Idempotency-Key creates a key once: its answer commits with the create and keeps no token', async () => {
    const headers = { 'idempotency-key': 'api-key-once' };
    const body = { description: 'idempotent key' };
    const keys = async () =>
      (await admin.get('/user/api-keys')).body.api_keys
        .filter((k: { description: string }) => k.description === body.description)
        .map((k: { id: string }) => k.id);
    // The answer cannot be written: the create must roll back with it, or the retry below would create a second key.
    const undo = await failAnswerOf(cloud, headers['idempotency-key']);
    expect((await admin.post('/user/api-keys', body, headers)).status).toBe(500);
    await undo();
    expect(await keys()).toEqual([]);
    const first = await admin.post('/user/api-keys', body, headers);
    expect(first.status).toBe(201);
    expect(first.body.token).toMatch(/^mf_/);
    // Tokens are stored only as hashes: the recorded answer is the key without its token.
    const [row] = await cloud.db.query<{ status: number; response: string }>(
      'SELECT status, response::text FROM idempotency_keys WHERE key = $1',
      [headers['idempotency-key']],
    );
    expect(row.status).toBe(201);
    expect(row.response).not.toContain(first.body.token);
    expect(JSON.parse(row.response)).toMatchObject({ id: first.body.id, token_prefix: first.body.token_prefix });
    // A retry after the server that created it died is a replay, without the token (shown once).
    await cloud.db.query('UPDATE idempotency_keys SET worker_id = gen_random_uuid() WHERE key = $1', [headers['idempotency-key']]);
    const retry = await admin.post('/user/api-keys', body, headers);
    expect(retry).toMatchObject({ status: 201, headers: { 'idempotent-replayed': 'true' }, body: { id: first.body.id } });
    expect(retry.body.token).toBeUndefined();
    expect(await keys()).toEqual([first.body.id]);
  });

  it('a read-only key reads but gets 403 on every write', async () => {
    const { token } = (await admin.post('/user/api-keys', { description: 'ro', read_only: true })).body;
    const ro = apiClient(cloud, token);
    expect((await ro.get(`/projects/${projectA}`)).status).toBe(200);
    const writes = [
      await ro.post('/projects', { name: 'nope' }),
      await ro.put(`/projects/${projectA}`, { name: 'renamed' }),
      await ro.delete(`/projects/${projectB}`),
      await ro.post(`/projects/${projectA}/devices`, { plan: 'c3.small.x86', metro: 'ny', operating_system: 'ubuntu_24_04' }),
    ];
    for (const res of writes) {
      expect(res.status).toBe(403);
      expect(res.body.errors[0]).toMatch(/read-only/);
    }
    expect((await admin.get(`/projects/${projectA}`)).body.name).toBe('alpha');
  });

  it('a project key sees only its project and cannot manage keys', async () => {
    const created = await admin.post(`/projects/${projectA}/api-keys`, { description: 'alpha key' });
    expect(created.status).toBe(201);
    expect(created.body.project.href).toContain(projectA);
    const scoped = apiClient(cloud, created.body.token);
    expect((await scoped.get(`/projects/${projectA}`)).status).toBe(200);
    const list = await scoped.get('/projects');
    expect(list.body.projects.map((p: { id: string }) => p.id)).toEqual([projectA]);
    expect(list.body.meta.total).toBe(1);

    for (const res of [
      await scoped.get(`/projects/${projectB}`),
      await scoped.get(`/projects/${projectB}/devices`),
      await scoped.put(`/projects/${projectB}`, { name: 'x' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.raw).not.toContain('beta');
    }
    const device = await admin.post(`/projects/${projectB}/devices`, {
      plan: 'c3.small.x86',
      metro: 'ny',
      operating_system: 'ubuntu_24_04',
    });
    expect(device.status).toBe(201);
    expect((await scoped.get(`/devices/${device.body.id}`)).status).toBe(404);
    expect((await scoped.delete(`/devices/${device.body.id}`)).status).toBe(404);

    for (const res of [
      await scoped.get('/user/api-keys'),
      await scoped.post('/user/api-keys', {}),
      await scoped.post(`/projects/${projectA}/api-keys`, {}),
      await scoped.delete(`/api-keys/${created.body.id}`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.errors[0]).toMatch(/project API key cannot manage API keys/);
    }
    // A project key also cannot reach the operator API.
    expect((await scoped.get('/operator/machines')).status).toBe(403);
  });

  it('only the operator may change the world', async () => {
    const project = (await admin.post('/projects', { name: 'gamma' })).body.id;
    const { token } = (await admin.post(`/projects/${project}/api-keys`, {})).body;
    const res = await apiClient(cloud, token).post('/operator/metros', {
      code: 'zz',
      name: 'Nowhere',
      country: 'ZZ',
      kind: 'edge',
      latitude: 0,
      longitude: 0,
    });
    expect(res.status).toBe(403);
    expect(res.body.errors[0]).toMatch(/operator/);
  });

  it('a revoked key stops working at once', async () => {
    const created = (await admin.post('/user/api-keys', { description: 'revoke me' })).body;
    const client = apiClient(cloud, created.token);
    expect((await client.get('/user')).status).toBe(200);
    expect((await admin.delete(`/api-keys/${created.id}`)).status).toBe(204);
    expect((await client.get('/user')).status).toBe(401);
  });

  describe('rate limits', () => {
    // A second API over the same engine and database, with a small budget per key.
    let limitedCloud: Cloud;
    beforeAll(async () => {
      limitedCloud = { ...cloud, app: await buildApi({ engine: cloud.engine, rateLimit: { limit: 5, windowMs: 60_000 } }) };
    });
    afterAll(async () => {
      await limitedCloud?.app.close();
    });

    it('counts down, then answers 429 with Retry-After; other keys keep their own budget', async () => {
      const api = apiClient(limitedCloud);
      const other = (await api.post('/user/api-keys', { description: 'second' })).body.token as string; // request 1
      const remaining: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await api.get('/user');
        expect(res.status).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBe('5');
        expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
        remaining.push(Number(res.headers['x-ratelimit-remaining']));
      }
      expect(remaining).toEqual([3, 2, 1, 0]);
      const limited = await api.get('/user');
      expect(limited.status).toBe(429);
      expect(limited.body.errors[0]).toMatch(/Retry-After/);
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');

      expect((await apiClient(limitedCloud, other).get('/user')).status).toBe(200);
      // Public routes are not counted against anyone.
      expect((await apiClient(limitedCloud, null).get('/health')).status).toBe(200);
    });
  });
});
