/**
 * /metrics: the Prometheus text format as the real `promtool check metrics` reads it, with the series an operator
 * watches (HTTP latency, job queue, state durations, BMC errors, webhook deliveries), and who may read it.
 */
import { spawnSync } from 'node:child_process';
import type { Cloud } from '../../lib/cloud';
import { adminProject, apiClient, deviceInput, eventually, testCloud } from '../support/cloud';

jest.setTimeout(180_000);

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const promtoolMissing = promtool.error ? 'promtool is not installed (Debian package prometheus; test/run installs it)' : undefined;

const scrape = (cloud: Cloud, headers: Record<string, string> = { 'x-auth-token': cloud.adminToken }) =>
  cloud.app.inject({ method: 'GET', url: '/metrics', headers });

/** The value of one sample line, e.g. value(text, 'metalforge_jobs_due{kind="provision"}'). */
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('/metrics', () => {
  let cloud: Cloud;

  beforeAll(async () => {
    // Every BMC call of the simulator answers "busy" at this rate: the errors must show up by driver and kind.
    cloud = await testCloud('pglite', { simFaults: { bmcBusyRate: 0.3 }, simSeed: 7 });
    const { projectId } = await adminProject(cloud, 'metrics');
    const admin = apiClient(cloud);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await admin.post(`/projects/${projectId}/devices`, deviceInput({ hostname: `m${i}` }))).body.id);
    await eventually(
      async () => {
        const states = await Promise.all(ids.map(async (id) => (await admin.get(`/devices/${id}`)).body.state));
        return states.every((s) => s === 'active' || s === 'failed');
      },
      'devices to finish provisioning',
      120_000,
    );
    await admin.get('/devices/not-a-uuid');
    await admin.get('/no/such/route');
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('needs the operator token (X-Auth-Token or Authorization: Bearer); a project key gets 403, none 401', async () => {
    expect((await scrape(cloud, {})).statusCode).toBe(401);
    const { projectId } = await adminProject(cloud, 'not-operator');
    const key = (await apiClient(cloud).post(`/projects/${projectId}/api-keys`, { description: 'not operator' })).body;
    expect((await scrape(cloud, { 'x-auth-token': key.token })).statusCode).toBe(403);
    expect((await scrape(cloud, { authorization: `Bearer ${cloud.adminToken}` })).statusCode).toBe(200);
    const res = await scrape(cloud);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('serves the series an operator watches, with the values of what happened', async () => {
    const text = (await scrape(cloud)).body;
    expect(
      value(
        text,
        'metalforge_http_request_duration_seconds_count{method="POST",route="/metal/v1/projects/:id/devices",status_class="2xx"}',
      ),
    ).toBe(4);
    expect(
      value(text, 'metalforge_http_request_duration_seconds_count{method="GET",route="/metal/v1/devices/:id",status_class="4xx"}'),
    ).toBe(1);
    expect(value(text, 'metalforge_http_request_duration_seconds_count{method="GET",route="unmatched",status_class="4xx"}')).toBe(1);
    // Each device left queued and provisioning once (and none is left in the queue).
    expect(value(text, 'metalforge_device_state_duration_seconds_count{state="queued"}')).toBe(4);
    expect(value(text, 'metalforge_device_state_duration_seconds_count{state="provisioning"}')).toBe(4);
    expect(value(text, 'metalforge_bmc_call_errors_total{driver="sim",kind="busy"}')).toBeGreaterThan(0);
    expect(value(text, 'metalforge_webhook_deliveries_pending')).toBe(0);
    for (const name of ['metalforge_jobs_queued', 'metalforge_jobs_due', 'metalforge_jobs_oldest_due_age_seconds'])
      expect(text).toContain(`# TYPE ${name} gauge`);
  });

  it('counts each state duration once across scrapes', async () => {
    const again = (await scrape(cloud)).body;
    expect(value(again, 'metalforge_device_state_duration_seconds_count{state="queued"}')).toBe(4);
  });

  it('shows due jobs and the age of the oldest', async () => {
    await cloud.engine.jobs.stop();
    const { projectId } = await adminProject(cloud, 'queue');
    expect((await apiClient(cloud).post(`/projects/${projectId}/devices`, deviceInput({ hostname: 'waits' }))).status).toBe(201);
    const text = (await scrape(cloud)).body;
    expect(value(text, 'metalforge_jobs_due{kind="provision"}')).toBe(1);
    expect(value(text, 'metalforge_jobs_oldest_due_age_seconds{kind="provision"}')).toBeGreaterThanOrEqual(0);
    cloud.engine.jobs.start();
  });

  (promtoolMissing ? it.skip : it)(`passes promtool check metrics${promtoolMissing ? ` (skipped: ${promtoolMissing})` : ''}`, async () => {
    const text = (await scrape(cloud)).body;
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({ status: 0, output: '' });
  });
});

describe('/metrics with the public option', () => {
  it('answers without a token', async () => {
    const cloud = await testCloud('pglite', { startWorkers: false, metricsPublic: true });
    try {
      expect((await scrape(cloud, {})).statusCode).toBe(200);
    } finally {
      await cloud.close();
    }
  });
});
if (promtoolMissing) console.warn(`promtool check skipped: ${promtoolMissing}`);
