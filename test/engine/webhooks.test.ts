/**
 * Webhooks from the durable outbox on their own bounded worker: a tenant whose endpoint never answers holds at
 * most its share of the slots and none of the job runner's time; other tenants' webhooks and everyone's jobs go
 * on. Targets inside the server's network are refused when set and again after DNS resolution at delivery.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Cloud } from '../../lib/cloud';
import { checkedLookup, webhookUrlProblem } from '../../lib/engine/webhook-targets';
import { enqueueWebhooks } from '../../lib/store/webhook-outbox';
import { adminProject, deviceInput, eventually, stepUntil, testCloud } from '../support/cloud';

function receiver(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handle);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` })),
  );
}

describe('webhook sender', () => {
  let cloud: Cloud;
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await cloud?.close();
  });

  it('keeps a slow tenant to its share of the slots while others are delivered and jobs run', async () => {
    cloud = await testCloud('pglite', {
      startWorkers: false,
      engine: { webhookAllowPrivate: true, webhookConcurrency: 3, webhookPerProject: 2 },
    });
    const { principal, projectId: slowProject } = await adminProject(cloud, 'slow');
    const fastProject = (await cloud.engine.projects.create(principal, { name: 'fast' })).id;
    let slowInFlight = 0;
    const slow = await receiver((req) => {
      slowInFlight++;
      req.resume(); // never answers
    });
    const fastBodies: string[] = [];
    const fast = await receiver((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        fastBodies.push(body);
        res.statusCode = 204;
        res.end();
      });
    });
    servers.push(slow.server, fast.server);
    await cloud.engine.spot.setWebhook(principal, slowProject, slow.url);
    await cloud.engine.spot.setWebhook(principal, fastProject, fast.url);
    const now = cloud.engine.ctx.clock.now();
    await cloud.db.transaction((tx) =>
      enqueueWebhooks(
        tx,
        [
          ...Array.from({ length: 5 }, (_, i) => ({ projectId: slowProject, body: { n: i } })),
          { projectId: fastProject, body: { n: 'fast' } },
        ],
        now,
      ),
    );
    cloud.engine.webhooks.start();
    await eventually(async () => fastBodies.length === 1, 'the fast tenant to get its webhook');
    await eventually(async () => slowInFlight === 2, 'the slow tenant to hold its two slots');
    // Jobs do not wait for webhooks: a device provisions while the slow endpoint holds its deliveries.
    const device = await cloud.engine.devices.create(principal, slowProject, deviceInput({ hostname: 'not-blocked' }));
    await stepUntil(cloud, device.id, 'active');
    expect(slowInFlight).toBe(2);
    expect(JSON.parse(fastBodies[0])).toEqual({ n: 'fast' });
    expect(await cloud.db.query('SELECT count(*)::int AS n FROM webhook_outbox WHERE project_id = $1', [slowProject])).toEqual([{ n: 5 }]);
  });

  it('retries a failed delivery with backoff and drops nothing before its last attempt', async () => {
    cloud = await testCloud('pglite', { startWorkers: false, engine: { webhookAllowPrivate: true, retryBaseMs: 60_000 } });
    const { principal, projectId } = await adminProject(cloud, 'retry');
    let calls = 0;
    const flaky = await receiver((req, res) => {
      calls++;
      req.resume();
      res.statusCode = calls === 1 ? 503 : 200;
      res.end();
    });
    servers.push(flaky.server);
    await cloud.engine.spot.setWebhook(principal, projectId, flaky.url);
    await cloud.db.transaction((tx) => enqueueWebhooks(tx, [{ projectId, body: { n: 1 } }], cloud.engine.ctx.clock.now()));
    expect(await cloud.engine.webhooks.round()).toBe(1);
    const [row] = await cloud.db.query<{ attempts: number; last_error: string; run_at: Date }>(
      'SELECT attempts, last_error, run_at FROM webhook_outbox',
    );
    expect(row).toMatchObject({ attempts: 1, last_error: expect.stringMatching(/answered HTTP 503/) });
    expect(row.run_at.getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect(await cloud.engine.webhooks.round()).toBe(0);
    expect(await cloud.engine.webhooks.depth()).toBe(1);
    await cloud.db.query('UPDATE webhook_outbox SET run_at = now()');
    expect(await cloud.engine.webhooks.round()).toBe(1);
    expect(calls).toBe(2);
    expect(await cloud.engine.webhooks.depth()).toBe(0);
  });

  it('refuses loopback, private, link-local and metadata targets when set, naming url', async () => {
    cloud = await testCloud('pglite', { startWorkers: false });
    const { principal, projectId } = await adminProject(cloud, 'ssrf');
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://[::1]/hook',
      'http://10.1.2.3/hook',
      'http://172.16.0.9/hook',
      'http://192.168.1.1/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://metadata.google.internal/computeMetadata',
      'http://[fd00::1]/hook',
      'http://[fe80::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://0.0.0.0/hook',
    ]) {
      const err = await cloud.engine.spot.setWebhook(principal, projectId, url).catch((e) => e);
      expect({ url, status: err.status, error: err.errors?.[0] }).toEqual({
        url,
        status: 422,
        error: expect.stringMatching(/^url: .*public addresses only/),
      });
    }
    expect(webhookUrlProblem('ftp://example.com/x', false)).toMatch(/^url: must be an http\(s\) URL/);
    expect(webhookUrlProblem('https://hooks.example.com/metal', false)).toBeUndefined();
    expect(webhookUrlProblem('http://127.0.0.1:9/hook', true)).toBeUndefined();
  });

  it('refuses at delivery a refused target: a name that resolves to one, and a stored literal address', async () => {
    // localhost resolves from /etc/hosts: no traffic leaves the machine.
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => checkedLookup('localhost', {}, (e) => resolve(e)));
    expect(err).toMatchObject({ code: 'EREFUSEDTARGET', message: expect.stringMatching(/localhost resolves to .* loopback, private/) });

    cloud = await testCloud('pglite', { startWorkers: false });
    const { projectId } = await adminProject(cloud, 'rebind');
    let calls = 0;
    const inside = await receiver((_req, res) => {
      calls++;
      res.end();
    });
    servers.push(inside.server);
    // Stored before the operator turned the allowance off (or by a name that resolved elsewhere when set).
    await cloud.db.query('UPDATE projects SET webhook_url = $2, webhook_secret = $3 WHERE id = $1', [
      projectId,
      inside.url,
      cloud.engine.ctx.secrets.seal('whsec_x'),
    ]);
    await cloud.db.transaction((tx) => enqueueWebhooks(tx, [{ projectId, body: { n: 1 } }], cloud.engine.ctx.clock.now()));
    expect(await cloud.engine.webhooks.round()).toBe(1);
    expect(calls).toBe(0);
    expect(await cloud.db.query('SELECT last_error FROM webhook_outbox')).toEqual([
      { last_error: expect.stringMatching(/refused: url: 127\.0\.0\.1 is a loopback/) },
    ]);
  });
});
