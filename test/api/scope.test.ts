/** What a project key may not do (create projects, read the user), and throttling of failed authentication. */
import type { Cloud } from '../../lib/cloud';
import { apiClient, testCloud } from '../support/cloud';

describe('API key scope', () => {
  let cloud: Cloud;
  let admin: ReturnType<typeof apiClient>;
  let projectKey: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    cloud = await testCloud('pglite', { startWorkers: false });
    admin = apiClient(cloud);
    const projectId = (await admin.post('/projects', { name: 'scoped' })).body.id;
    projectKey = apiClient(cloud, (await admin.post(`/projects/${projectId}/api-keys`, { description: 'ci' })).body.token);
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('a project key cannot create a project: 403 saying why, and no project appears', async () => {
    const before = (await admin.get('/projects?per_page=100')).body.meta.total;
    const res = await projectKey.post('/projects', { name: 'escape' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ errors: [expect.stringMatching(/project API key cannot create projects/)], code: 'forbidden' });
    expect((await admin.get('/projects?per_page=100')).body.meta.total).toBe(before);
  });

  it("a project key cannot read the user: no email or name of the key's owner", async () => {
    const mine = await admin.get('/user');
    expect(mine.status).toBe(200);
    expect(mine.body.email).toBe('admin@metalforge.local');
    const res = await projectKey.get('/user');
    expect(res.status).toBe(403);
    expect(res.raw).not.toContain(mine.body.email);
    expect(res.body.errors).toEqual([expect.stringMatching(/project API key cannot read the user/)]);
  });
});

describe('failed authentication is throttled per source address', () => {
  let cloud: Cloud;
  const LIMIT = 5;

  beforeAll(async () => {
    cloud = await testCloud('pglite', { startWorkers: false, authFailures: { limit: LIMIT, windowMs: 60_000 } });
  });
  afterAll(async () => {
    await cloud?.close();
  });

  const call = (token: string | undefined, remoteAddress: string) =>
    cloud.app.inject({ method: 'GET', url: '/metal/v1/projects', remoteAddress, headers: token ? { 'x-auth-token': token } : {} });

  it(`after ${LIMIT} failures an address gets 429 with Retry-After, even with a good token; other addresses do not`, async () => {
    for (let i = 0; i < LIMIT; i++) expect((await call(`mf_guess_${i}`, '203.0.113.7')).statusCode).toBe(401);
    for (const token of ['mf_guess_more', cloud.adminToken]) {
      const res = await call(token, '203.0.113.7');
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(res.json()).toEqual({
        errors: [expect.stringMatching(/^X-Auth-Token: too many failed authentications/)],
        code: 'rate_limited',
      });
    }
    expect((await call(cloud.adminToken, '203.0.113.8')).statusCode).toBe(200);
    expect((await call(undefined, '203.0.113.8')).statusCode).toBe(401);
  });

  it('public routes stay open to a throttled address', async () => {
    const res = await cloud.app.inject({ method: 'GET', url: '/metal/v1/health', remoteAddress: '203.0.113.7' });
    expect(res.statusCode).toBe(200);
  });
});
