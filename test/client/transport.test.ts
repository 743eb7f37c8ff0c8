import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { MetalError, createMetalClient } from '../../lib/client';
import { backoffMs, buildQuery } from '../../lib/client/transport';
import { BASE_URL, NOW, TOKEN, harness, isolateNetwork, rejectionOf } from './harness';

isolateNetwork();

const project = { id: '5e0d1c7e-6c3c-4b8a-9d39-0a3f5b0e4a11', name: 'edge' };

describe('auth and headers', () => {
  it('sends the token, a user agent and Accept, and returns the parsed body', async () => {
    const { client, api } = harness({ userAgent: 'metalforge-test/1' });
    api
      .get('/metal/v1/projects/5e0d1c7e-6c3c-4b8a-9d39-0a3f5b0e4a11')
      .matchHeader('x-auth-token', TOKEN)
      .matchHeader('user-agent', 'metalforge-test/1')
      .matchHeader('accept', /application\/json/)
      .reply(200, project);
    await expect(client.projects.get(project.id)).resolves.toEqual(project);
  });

  it('keeps the token out of every part of an error, even when the server echoes it', async () => {
    const { client, api } = harness();
    api.get('/metal/v1/user').reply(401, { errors: [`key ${TOKEN} is revoked`], code: 'unauthorized' });
    const err = await rejectionOf(client.user.get());
    expect(err).toBeInstanceOf(MetalError);
    expect(err.code).toBe('unauthorized');
    expect(err.message).toBe('key [redacted] is revoked');
    for (const text of [err.message, String(err.stack), JSON.stringify(err), String(err)]) {
      expect(text).not.toContain(TOKEN);
    }
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(() => createMetalClient({ baseUrl: 'ftp://127.0.0.1/metal/v1', token: TOKEN })).toThrow(/baseUrl must be an http\(s\) URL/);
  });
});

describe('retries', () => {
  it('waits the Retry-After seconds of a 429, then succeeds', async () => {
    const { client, api, sleeps, retries } = harness();
    api.get('/metal/v1/user').reply(429, { errors: ['slow down'], code: 'rate_limited' }, { 'Retry-After': '3' });
    api.get('/metal/v1/user').reply(200, { id: 'u1', href: '/metal/v1/user' });
    await expect(client.user.get()).resolves.toEqual({ id: 'u1', href: '/metal/v1/user' });
    expect(sleeps).toEqual([3000]);
    expect(retries.map((r) => [r.request, r.attempt, r.error.code])).toEqual([['GET /user', 1, 'rate_limited']]);
  });

  it('waits until the Retry-After HTTP date of a 429', async () => {
    const { client, api, sleeps } = harness();
    api.get('/metal/v1/user').reply(429, { errors: ['slow down'] }, { 'Retry-After': new Date(NOW + 7000).toUTCString() });
    api.get('/metal/v1/user').reply(200, { id: 'u1', href: '/metal/v1/user' });
    await client.user.get();
    expect(sleeps).toEqual([7000]);
  });

  it('backs off exponentially with full jitter on 503 without Retry-After', async () => {
    const { client, api, sleeps } = harness({ random: () => 0.5 });
    api
      .get('/metal/v1/plans')
      .times(3)
      .reply(503, { errors: ['draining'], code: 'unavailable' });
    api.get('/metal/v1/plans').reply(200, { plans: [] });
    await expect(client.plans.list()).resolves.toEqual({ items: [], meta: undefined });
    // half of 500, 1000, 2000 ms
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it('caps each backoff at maxRetryWaitMs', () => {
    const waits = [0, 1, 2, 3, 4].map((i) => backoffMs(i, 1500, () => 0.999999));
    expect(waits).toEqual([499, 999, 1499, 1499, 1499]);
    expect(backoffMs(3, 60_000, () => 0)).toBe(0);
  });

  it('gives up after maxRetries with the last error', async () => {
    const { client, api, sleeps } = harness({ maxRetries: 2 });
    api.get('/metal/v1/facilities').reply(503, { errors: ['first'], code: 'unavailable' });
    api.get('/metal/v1/facilities').reply(502, { errors: ['second'] });
    api.get('/metal/v1/facilities').reply(500, { errors: ['third: database unreachable'], code: 'internal' });
    const err = await rejectionOf(client.facilities.list());
    expect(err).toMatchObject({ code: 'internal', httpStatus: 500, errors: ['third: database unreachable'], request: 'GET /facilities' });
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry a 4xx', async () => {
    const { client, api, sleeps } = harness();
    api.get('/metal/v1/devices/d1').reply(404, { errors: ['device d1 not found'], code: 'not_found' });
    const err = await rejectionOf(client.devices.get('d1'));
    expect(err).toMatchObject({ code: 'not_found', status: 404, errors: ['device d1 not found'] });
    expect(sleeps).toEqual([]);
  });

  it('does not retry a 501 (permanent)', async () => {
    const { client, api, sleeps } = harness();
    api.get('/metal/v1/user').reply(501, { errors: ['not implemented'] });
    await expect(client.user.get()).rejects.toMatchObject({ code: 'internal', httpStatus: 501 });
    expect(sleeps).toEqual([]);
  });

  it('gives up at once when Retry-After asks for longer than maxRetryWaitMs', async () => {
    const { client, api, sleeps } = harness({ maxRetryWaitMs: 5000 });
    api.get('/metal/v1/user').reply(429, { errors: ['hourly quota used'], code: 'rate_limited' }, { 'Retry-After': '3600' });
    const err = await rejectionOf(client.user.get());
    expect(err).toMatchObject({ code: 'rate_limited', retryAfterMs: 3_600_000, errors: ['hourly quota used'] });
    expect(sleeps).toEqual([]);
  });
});

describe('POST retries need an idempotency key', () => {
  it('does not retry a POST without a key after a 503', async () => {
    const { client, api, sleeps } = harness();
    api.post('/metal/v1/projects/p1/transfer').reply(503, { errors: ['overloaded'], code: 'unavailable' });
    const err = await rejectionOf(client.request({ method: 'POST', path: '/projects/p1/transfer', body: {} }));
    expect(err).toMatchObject({ code: 'unavailable', httpStatus: 503 });
    expect(sleeps).toEqual([]);
  });

  it('retries a POST without a key after a 429 (the server did not process it)', async () => {
    const { client, api, sleeps } = harness();
    api.post('/metal/v1/projects/p1/transfer').reply(429, { errors: ['slow down'] }, { 'Retry-After': '1' });
    api.post('/metal/v1/projects/p1/transfer').reply(204);
    await expect(client.request({ method: 'POST', path: '/projects/p1/transfer', body: {} })).resolves.toBeUndefined();
    expect(sleeps).toEqual([1000]);
  });

  it('gives creates a generated key and sends the same key on every retry', async () => {
    const { client, api, sleeps } = harness();
    const keys: Array<string | null> = [];
    const bodies: unknown[] = [];
    const record = (status: number, reply: object) =>
      function (this: { req: { headers: Record<string, string | string[] | undefined> } }, _uri: string, body: unknown): [number, object] {
        keys.push((this.req.headers['idempotency-key'] as string) ?? null);
        bodies.push(body);
        return [status, reply];
      };
    api.post('/metal/v1/projects').reply(record(503, { errors: ['busy'] }));
    api.post('/metal/v1/projects').reply(record(500, { errors: ['oops'] }));
    api.post('/metal/v1/projects').reply(record(201, project));
    await expect(client.projects.create({ name: 'edge' })).resolves.toEqual(project);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(keys).size).toBe(1);
    expect(bodies).toEqual([{ name: 'edge' }, { name: 'edge' }, { name: 'edge' }]);
    expect(sleeps).toHaveLength(2);
  });

  it('uses a fresh key per call, and the caller key when given', async () => {
    const { client, api } = harness();
    const keys: Array<string | null> = [];
    api
      .post('/metal/v1/projects')
      .times(3)
      .reply(function () {
        keys.push((this.req.headers['idempotency-key'] as string) ?? null);
        return [201, project];
      });
    await client.projects.create({ name: 'a' });
    await client.projects.create({ name: 'b' });
    await client.projects.create({ name: 'c' }, { idempotencyKey: 'deploy-42-project' });
    expect(keys[0]).not.toEqual(keys[1]);
    expect(keys[2]).toBe('deploy-42-project');
  });
});

describe('error mapping', () => {
  it('takes the code and messages from the body', async () => {
    const { client, api } = harness();
    api
      .post('/metal/v1/projects/p1/devices')
      .reply(422, { errors: ['no c3.large.arm64 left in metro "am"'], code: 'capacity_unavailable' });
    const err = await rejectionOf(client.devices.create('p1', { plan: 'c3.large.arm64', metro: 'am', operating_system: 'ubuntu_24_04' }));
    expect(err).toBeInstanceOf(MetalError);
    expect(err).toMatchObject({
      code: 'capacity_unavailable',
      status: 422,
      httpStatus: 422,
      errors: ['no c3.large.arm64 left in metro "am"'],
    });
    expect(err.message).toBe('no c3.large.arm64 left in metro "am"');
  });

  it('falls back to the status when the body has no code, or an unknown one', async () => {
    const { client, api } = harness({ maxRetries: 0 });
    api.get('/metal/v1/projects/p1').reply(404);
    api.get('/metal/v1/projects/p2').reply(409, { errors: ['busy'], code: 'no_such_code' });
    api.get('/metal/v1/projects/p3').reply(502, '<html>Bad Gateway</html>', { 'Content-Type': 'text/html' });
    await expect(client.projects.get('p1')).rejects.toMatchObject({ code: 'not_found', errors: ['Not found.'], httpStatus: 404 });
    await expect(client.projects.get('p2')).rejects.toMatchObject({ code: 'conflict', errors: ['busy'] });
    await expect(client.projects.get('p3')).rejects.toMatchObject({
      code: 'internal',
      status: 500,
      httpStatus: 502,
      errors: ['Internal error: the request was not completed. Retry, or report it to the operator.'],
    });
  });

  it("keeps a 5xx server's own message, and reads Metal's {error} shape", async () => {
    const { client, api } = harness({ maxRetries: 0 });
    api.get('/metal/v1/events').reply(503, { errors: ['maintenance until 02:00 UTC'], code: 'unavailable' });
    api.get('/metal/v1/user').reply(403, { error: 'read-only key' });
    await expect(client.events.list()).rejects.toMatchObject({ code: 'unavailable', errors: ['maintenance until 02:00 UTC'] });
    await expect(client.user.get()).rejects.toMatchObject({ code: 'forbidden', errors: ['read-only key'] });
  });

  it('does not follow a redirect (the token would go with it)', async () => {
    const { client, api } = harness();
    api.get('/metal/v1/user').reply(302, '', { Location: 'https://elsewhere.example/metal/v1/user' });
    const err = await rejectionOf(client.user.get());
    expect(err).toMatchObject({ code: 'bad_request', httpStatus: 302 });
    expect(err.message).toContain('redirected GET /user to https://elsewhere.example/metal/v1/user');
  });
});

describe('network failures (real loopback sockets)', () => {
  let silent: Server;
  let silentPort: number;
  let closedPort: number;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as AddressInfo).port;
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('maps a timeout to an unavailable MetalError, retrying idempotent requests', async () => {
    const { client, sleeps } = harness({ baseUrl: `http://127.0.0.1:${silentPort}/metal/v1`, timeoutMs: 50, maxRetries: 1 });
    const err = await rejectionOf(client.devices.get('d1'));
    expect(err).toBeInstanceOf(MetalError);
    expect(err).toMatchObject({ code: 'unavailable', httpStatus: undefined, request: 'GET /devices/d1' });
    expect(err.message).toBe(`cannot reach http://127.0.0.1:${silentPort}/metal/v1: no response within 50 ms (GET /devices/d1)`);
    expect(sleeps).toHaveLength(1);
  });

  it('gives a device read that waits on the server its wait on top of the timeout, and stops it when aborted', async () => {
    const { client, sleeps } = harness({ baseUrl: `http://127.0.0.1:${silentPort}/metal/v1`, timeoutMs: 50, maxRetries: 3 });
    const controller = new AbortController();
    // The silent server never answers: without the 30 s wait on top, the 50 ms timeout would end (and retry) the call.
    const read = rejectionOf(client.devices.get('d1', { wait: { states: ['active'], timeoutSeconds: 30, signal: controller.signal } }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    const err = await read;
    expect(err).toMatchObject({ code: 'unavailable', request: 'GET /devices/d1' });
    expect(err.message).toBe('GET /devices/d1 was cancelled by the caller');
    expect(sleeps).toEqual([]);
  });

  it('does not retry a POST without a key after a timeout', async () => {
    const { client, sleeps } = harness({ baseUrl: `http://127.0.0.1:${silentPort}/metal/v1`, timeoutMs: 50 });
    await expect(client.request({ method: 'POST', path: '/devices/d1/bios', body: {} })).rejects.toMatchObject({ code: 'unavailable' });
    expect(sleeps).toEqual([]);
  });

  it('retries a refused connection, even a POST, then says it cannot reach the base URL', async () => {
    const baseUrl = `http://127.0.0.1:${closedPort}/metal/v1/`;
    const { client, sleeps } = harness({ baseUrl, maxRetries: 2 });
    const err = await rejectionOf(client.request({ method: 'POST', path: '/projects/p1/transfer', body: {} }));
    expect(err).toMatchObject({ code: 'unavailable', status: 503 });
    expect(err.message).toMatch(new RegExp(`^cannot reach http://127\\.0\\.0\\.1:${closedPort}/metal/v1: connection refused`));
    expect(err.message).not.toContain(TOKEN);
    expect(sleeps).toHaveLength(2);
  });
});

describe('network failures (nock)', () => {
  const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

  it('retries a GET after a connection reset', async () => {
    const { client, api, sleeps } = harness();
    api.get('/metal/v1/operating-systems').replyWithError(reset());
    api.get('/metal/v1/operating-systems').reply(200, { operating_systems: [] });
    await expect(client.operatingSystems.list()).resolves.toEqual({ items: [], meta: undefined });
    expect(sleeps).toEqual([250]);
  });

  it('does not retry a POST without a key after a connection reset', async () => {
    const { client, api, sleeps } = harness();
    api.post('/metal/v1/projects/p1/transfer').replyWithError(reset());
    const err = await rejectionOf(client.request({ method: 'POST', path: '/projects/p1/transfer', body: {} }));
    expect(err.message).toBe(`cannot reach ${BASE_URL}: connection reset by the server (POST /projects/p1/transfer)`);
    expect(sleeps).toEqual([]);
  });
});

describe('buildQuery', () => {
  it('joins arrays with commas and leaves out undefined values and empty arrays', () => {
    expect(buildQuery({ include: ['plan', 'project.organization'], exclude: [], page: 2, force_delete: true, tag: undefined })).toBe(
      '?include=plan,project.organization&page=2&force_delete=true',
    );
    expect(buildQuery({ hostname: 'a b&c', tag: ['x,y'] })).toBe('?hostname=a%20b%26c&tag=x%2Cy');
    expect(buildQuery({ tag: undefined })).toBe('');
  });
});
