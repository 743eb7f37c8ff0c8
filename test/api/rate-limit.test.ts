/** Per-key rate limits: X-RateLimit-* headers on every answer, 429 with Retry-After once the window is spent. */
import type { Cloud } from '../../lib/cloud';
import { apiClient, testCloud } from '../support/cloud';

describe('rate limits', () => {
  let cloud: Cloud;
  beforeAll(async () => {
    cloud = await testCloud('pglite', { rateLimit: { limit: 5, windowMs: 60_000 } });
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('counts down, then answers 429 with Retry-After; other keys keep their own budget', async () => {
    const api = apiClient(cloud);
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

    expect((await apiClient(cloud, other).get('/user')).status).toBe(200);
    // Public routes are not counted against anyone.
    expect((await apiClient(cloud, null).get('/health')).status).toBe(200);
  });
});
