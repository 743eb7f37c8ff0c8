/** /health is liveness, /ready tells the truth about the store and the job runner; both need no token. */
import type { Cloud } from '../../lib/cloud';
import { apiClient, testCloud } from '../support/cloud';

describe('/health and /ready', () => {
  let cloud: Cloud;
  let anonymous: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    cloud = await testCloud('pglite');
    anonymous = apiClient(cloud, null);
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('both answer 200 without a token while the store answers and the job runner runs', async () => {
    expect(await anonymous.get('/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await anonymous.get('/ready')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('/ready is 503 naming the job runner when it is stopped; /health stays 200', async () => {
    await cloud.engine.jobs.stop();
    const res = await anonymous.get('/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ errors: [expect.stringMatching(/^job runner: not running/)], code: 'unavailable' });
    expect((await anonymous.get('/health')).status).toBe(200);
    cloud.engine.jobs.start();
    expect((await anonymous.get('/ready')).status).toBe(200);
  });

  it('/ready is 503 naming the store when the store does not answer', async () => {
    await cloud.engine.stop();
    await cloud.db.close();
    const res = await anonymous.get('/ready');
    expect(res.status).toBe(503);
    expect(res.body.errors).toEqual([expect.stringMatching(/^store: /), expect.stringMatching(/^job runner: /)]);
    expect((await anonymous.get('/health')).status).toBe(200);
  });
});
