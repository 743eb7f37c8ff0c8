/**
 * The operator API refuses enrolments that would make a machine ambiguous: a BMC or a NIC MAC enrolled twice; its
 * backup is for the operator only and keeps BMC passwords sealed.
 */
import type { Cloud } from '../../lib/cloud';
import { simMacs } from '../../lib/core/hardware';
import { parseDump } from '../../lib/store/backup-file';
import { adminProject, apiClient, testCloud } from '../support/cloud';

describe('machine enrolment', () => {
  let cloud: Cloud;
  let api: ReturnType<typeof apiClient>;
  const machine = (macs: string[], address: string) => ({
    facility: 'ny5',
    plan: 'c3.small.x86',
    macs,
    bmc: { driver: 'redfish', address, username: 'root', password: 's3cret-bmc' },
  });

  beforeAll(async () => {
    cloud = await testCloud('pglite', { startWorkers: false });
    api = apiClient(cloud);
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('refuses a MAC that another machine has, naming that machine', async () => {
    // Catalog machines get deterministic MACs from their names (ny5-001 is the first machine of facility ny5).
    const [taken] = simMacs('ny5-001');
    const res = await api.post('/operator/machines', machine([taken, '0c:c4:7a:00:00:01'], 'https://10.0.0.1'));
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([`macs: ${taken} already belongs to machine ny5-001; each NIC is enrolled once`]);
    expect((await api.get('/operator/machines?state=enrolling')).body.meta.total).toBe(0);
  });

  it('refuses a BMC that is already enrolled, and keeps the first machine', async () => {
    const first = await api.post('/operator/machines', machine(['0c:c4:7a:00:00:02'], 'https://10.0.0.2'));
    expect(first.status).toBe(201);
    const again = await api.post('/operator/machines', machine(['0c:c4:7a:00:00:03'], 'https://10.0.0.2'));
    expect(again.status).toBe(409);
    expect(again.body.errors[0]).toBe(
      `bmc.address: https://10.0.0.2 is already the BMC of machine ${first.body.name}; remove that machine first or give this one's own BMC`,
    );
    expect(JSON.stringify(again.body)).not.toContain('s3cret-bmc');
  });
});

describe('backup', () => {
  let cloud: Cloud;
  beforeAll(async () => {
    cloud = await testCloud('pglite', { startWorkers: false });
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('answers the operator with the whole store, BMC passwords still sealed, and no one else', async () => {
    const api = apiClient(cloud);
    const { projectId } = await adminProject(cloud, 'backed-up');
    const bmc = { driver: 'redfish', address: 'https://10.9.0.1', username: 'root', password: 'backup-s3cret' };
    expect((await api.post('/operator/machines', { facility: 'ny5', plan: 'c3.small.x86', macs: ['0c:c4:7a:00:09:01'], bmc })).status).toBe(
      201,
    );
    const res = await api.get('/operator/backup');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const { dump, files } = parseDump(res.raw);
    expect(files).toEqual({});
    expect(dump.tables.find((t) => t.name === 'projects')?.data.some((row) => row.includes(projectId))).toBe(true);
    expect(dump.tables.find((t) => t.name === 'machines')?.data.some((row) => row.includes('https://10.9.0.1'))).toBe(true);
    expect(res.raw).not.toContain('backup-s3cret');

    const key = await api.post(`/projects/${projectId}/api-keys`, { description: 'member' });
    const member = apiClient(cloud, key.body.token);
    expect((await member.get('/operator/backup')).status).toBe(403);
  });
});
