/**
 * Idempotent creates when a server stalls: a retry on another server may take over the claim of a server whose
 * heartbeat stopped. If the stalled server then wakes and finishes its create, that create must not commit (the
 * request would run twice), and its failure must not free the claim the other server now holds.
 */
import type { Cloud } from '../../lib/cloud';
import { MetalError } from '../../lib/contract/errors';
import type { ProjectRow } from '../../lib/engine';
import { removeTempDirs, testCloud } from '../support/cloud';

describe('idempotent creates taken over from a stalled server', () => {
  let cloud: Cloud;

  beforeAll(async () => {
    cloud = await testCloud('pglite', { startWorkers: false });
  });

  afterAll(async () => {
    await cloud?.close();
    removeTempDirs();
  });

  it('rolls back the stalled server’s create and leaves the claim to the server that took it over', async () => {
    const principal = await cloud.engine.accounts.authenticate(cloud.adminToken);
    const request = { apiKeyId: principal.apiKeyId, key: 'stalled-then-woke', requestHash: 'POST /projects {"name":"stalled"}' };
    const projects = async () => (await cloud.engine.projects.list(principal, { page: 1, perPage: 100 })).items.map((p) => p.name);
    const otherWorker = '00000000-0000-4000-8000-00000000f00d';
    const outcome = cloud.engine.idempotency.run(request, 201, async (commitWith) => {
      // While this server stalled, another one took the claim over (its retry now runs the create).
      await cloud.db.query('UPDATE idempotency_keys SET worker_id = $2 WHERE key = $1', [request.key, otherWorker]);
      return cloud.engine.projects.create(principal, { name: 'stalled' }, commitWith);
    });
    await expect(outcome).rejects.toThrow(
      new MetalError('conflict', 'Idempotency-Key: another server took this request over while this one stalled; retry to get its answer'),
    );
    expect(await projects()).not.toContain('stalled');
    const [claim] = await cloud.db.query<{ status: number; worker_id: string }>(
      'SELECT status, worker_id FROM idempotency_keys WHERE key = $1',
      [request.key],
    );
    expect(claim).toEqual({ status: 0, worker_id: otherWorker });
  });

  it('commits the create and its answer together when this server still holds the claim', async () => {
    const principal = await cloud.engine.accounts.authenticate(cloud.adminToken);
    const request = { apiKeyId: principal.apiKeyId, key: 'held-throughout', requestHash: 'POST /projects {"name":"held"}' };
    const outcome = await cloud.engine.idempotency.run<ProjectRow>(request, 201, (commitWith) =>
      cloud.engine.projects.create(principal, { name: 'held' }, commitWith),
    );
    expect('created' in outcome && outcome.created.name).toBe('held');
    const replay = await cloud.engine.idempotency.run(request, 201, () => Promise.reject(new Error('must not run again')));
    expect('replayed' in replay && replay.replayed).toMatchObject({ status: 201, body: { name: 'held' } });
  });
});
