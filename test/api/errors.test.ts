/**
 * Bad input never gets a 5xx: huge page numbers, malformed ids (also with %00 and invalid UTF-8), deep and wide
 * JSON, text and date-times the store cannot keep (nor fail a group commit with), and what fastify or node's HTTP
 * parser refuse before routing all answer a 4xx in the Metal error shape naming the parameter.
 */
import { request as httpRequest } from 'node:http';
import { MAX_JSON_DEPTH } from '../../lib/api/app';
import type { Cloud } from '../../lib/cloud';
import { apiClient, testCloud } from '../support/cloud';

const expectMetalError = (res: { status: number; body: any }, status: number, mentions: RegExp) => {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ errors: [expect.any(String)], code: expect.any(String) });
  expect(res.body.errors[0]).toMatch(mentions);
};

/** A JSON text nested `depth` arrays deep (built as text: JSON.stringify of such a value would overflow). */
const nested = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);

describe('API answers bad input with a 4xx naming the parameter', () => {
  let cloud: Cloud;
  let admin: ReturnType<typeof apiClient>;
  let projectId: string;

  beforeAll(async () => {
    cloud = await testCloud('pglite');
    admin = apiClient(cloud);
    projectId = (await admin.post('/projects', { name: 'inputs' })).body.id;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  // The paginated lists (the catalogue's lists are whole, as in the spec, and ignore page).
  const listRoutes = () => [
    '/projects',
    `/projects/${projectId}/devices`,
    '/events',
    `/projects/${projectId}/events`,
    '/operator/machines',
    `/projects/${projectId}/ips`,
  ];

  it.each(['92233720368547758', '1e21', '9007199254740993', '-1', '0', '1.5', 'NaN', 'abc'])(
    'page=%s on every list route is a 422 naming page',
    async (page) => {
      for (const path of listRoutes()) expectMetalError(await admin.get(`${path}?page=${page}`), 422, /^query parameter page: /);
    },
  );

  it('the largest page accepted answers an empty list', async () => {
    for (const path of listRoutes()) {
      const res = await admin.get(`${path}?page=1000000&per_page=100`);
      expect(res.status).toBe(200);
      expect(Object.values(res.body).find(Array.isArray)).toEqual([]);
    }
  });

  it.each(['not-a-uuid', '%00', 'urn:uuid:6f1d8e0a-4b7c-4e55-9d1c-0c6f2f7a8b9c', '6f1d8e0a-4b7c-4e55-9d1c-0c6f2f7a8b9'])(
    'a malformed id (%s) in the path is a 404 naming the id parameter',
    async (id) => {
      for (const path of [
        '/api-keys',
        '/user/api-keys',
        '/devices',
        '/projects',
        '/ssh-keys',
        '/spot-market-requests',
        '/operator/machines',
      ]) {
        expectMetalError(await admin.delete(`${path}/${id}`), 404, /^path parameter id: must be a UUID/);
      }
      expectMetalError(await admin.get(`/devices/${id}/events`), 404, /^path parameter id: /);
    },
  );

  it('a plan or metro is still found by its slug', async () => {
    expect((await admin.get('/plans/c3.small.x86')).status).toBe(200);
    expect((await admin.get('/locations/metros/ny')).status).toBe(200);
  });

  it('a path that is not valid UTF-8 is a 400 in the Metal shape', async () => {
    for (const path of ['/api-keys/%C0%AF', '/user/api-keys/%FF', '/devices/%E0%A4%A']) {
      const res = await cloud.app.inject({ method: 'DELETE', url: `/metal/v1${path}`, headers: { 'x-auth-token': cloud.adminToken } });
      expectMetalError({ status: res.statusCode, body: res.json() }, 400, /^URL: is not valid percent-encoded UTF-8/);
    }
  });

  it('a path segment longer than the router takes is a 414 in the Metal shape', async () => {
    const res = await admin.get(`/devices/${'a'.repeat(500)}`);
    expectMetalError(res, 414, /path segment is too long/);
  });

  it(`JSON nested deeper than ${MAX_JSON_DEPTH} levels is a 422 naming the field, at any depth up to the body limit`, async () => {
    for (const depth of [MAX_JSON_DEPTH + 1, 3_500, 6_000, 100_000]) {
      const payload = `{"name":"deep","customdata":{"a":${nested(depth)}}}`;
      const res = await cloud.app.inject({
        method: 'POST',
        url: '/metal/v1/projects',
        payload,
        headers: { 'x-auth-token': cloud.adminToken, 'content-type': 'application/json' },
      });
      expectMetalError(
        { status: res.statusCode, body: res.json() },
        422,
        new RegExp(`^customdata: nested deeper than ${MAX_JSON_DEPTH} levels`),
      );
    }
    const top = await cloud.app.inject({
      method: 'POST',
      url: '/metal/v1/projects',
      payload: nested(50_000),
      headers: { 'x-auth-token': cloud.adminToken, 'content-type': 'application/json' },
    });
    expectMetalError({ status: top.statusCode, body: top.json() }, 422, /^body: nested deeper than/);
  });

  it('JSON nested within the limit is stored and read back whole', async () => {
    const customdata = { a: JSON.parse(nested(MAX_JSON_DEPTH - 3)) };
    const created = await admin.post('/projects', { name: 'deep-ok', customdata });
    expect(created.status).toBe(201);
    expect((await admin.get(`/projects/${created.body.id}`)).body.customdata).toEqual(customdata);
  });

  it('NUL characters in a body or the query are a 422 naming the field', async () => {
    expectMetalError(await admin.post('/projects', { name: 'a\u0000b' }), 422, /^name: must not contain NUL/);
    expectMetalError(
      await admin.post('/projects', { name: 'x', customdata: { list: ['ok', { 'k\u0000': 1 }] } }),
      422,
      /^customdata\.list\[1\]\.k.: must not contain NUL/,
    );
    expectMetalError(await admin.get('/projects?include=%00'), 422, /^query parameter include: must not contain NUL/);
  });

  it('a lone surrogate (\\ud800) in a body is a 422 naming the field, and does not fail the other creates of its group commit', async () => {
    expectMetalError(
      await admin.post('/projects', { name: 'x', tags: ['ok', 'half \ud800'] }),
      422,
      /^tags\[1\]: must be valid Unicode: it contains a lone surrogate/,
    );
    expectMetalError(
      await admin.post('/projects', { name: 'x', customdata: { ['k\udc00']: 1 } }),
      422,
      /^customdata\.k.: must be valid Unicode/,
    );
    // A pair is a character like any other.
    expect((await admin.post('/projects', { name: 'x \ud83d\ude00' })).body.name).toBe('x 😀');
    const device = { plan: 'c3.small.x86', metro: 'ny', operating_system: 'ubuntu_24_04' };
    const [good, bad] = await Promise.all([
      admin.post(`/projects/${projectId}/devices`, { ...device, hostname: 'beside-bad-input' }),
      admin.post(`/projects/${projectId}/devices`, { ...device, description: '\ud800' }, { 'idempotency-key': 'lone-surrogate' }),
    ]);
    expect(good.status).toBe(201);
    expectMetalError(bad, 422, /^description: must be valid Unicode/);
  });

  it.each([
    '0000-01-01T00:00:00Z',
    '2030-06-30T23:59:60Z',
    '2030-01-01T00:00:00+01',
    '2030-01-01T00:00:00+16:00',
    '9999-12-31T23:59:59-01:00',
    '0099-12-31T00:00:00Z',
  ])(
    'a date-time the store cannot keep (%s) is a 422 naming the field, and does not fail the other creates of its group commit',
    async (at) => {
      const device = { plan: 'c3.small.x86', metro: 'ny', operating_system: 'ubuntu_24_04' };
      const [good, bad] = await Promise.all([
        admin.post(`/projects/${projectId}/devices`, { ...device, termination_time: '2030-01-01T00:00:00+05:30' }),
        admin.post(`/projects/${projectId}/devices`, { ...device, termination_time: at }),
      ]);
      expect(good.status).toBe(201);
      expectMetalError(bad, 422, /^termination_time: must be an RFC 3339 date-time/);
      const spot = {
        devices_min: 1,
        devices_max: 1,
        max_bid_price: 0.01,
        metro: 'ny',
        end_at: at,
        instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04' },
      };
      expectMetalError(
        await admin.post(`/projects/${projectId}/spot-market-requests`, spot),
        422,
        /^end_at: must be an RFC 3339 date-time/,
      );
      await admin.delete(`/devices/${good.body.id}`);
    },
  );

  it('headers beyond the HTTP parser limit and malformed requests get a Metal-shaped answer over a real socket', async () => {
    const url = new URL(await cloud.listen());
    const send = (headers: Record<string, string>, path = '/metal/v1/projects') =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = httpRequest({ host: url.hostname, port: url.port, path, headers }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end();
      });
    expectMetalError(await send({ 'x-auth-token': cloud.adminToken, 'x-padding': 'p'.repeat(20_000) }), 431, /^headers: /);
    expectMetalError(await send({ 'x-auth-token': cloud.adminToken }, `/metal/v1/projects?q=${'q'.repeat(20_000)}`), 431, /^headers: /);
  });
});
