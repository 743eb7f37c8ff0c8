/**
 * VLANs (virtual networks) over HTTP: created per metro with a chosen or given VXLAN id unique in the metro, read,
 * changed, listed per metro, deleted unless a port carries them; bad input gets a 422 naming the field and the fix;
 * another tenant's VLAN is a 404.
 */
import type { Cloud } from '../../lib/cloud';
import { apiClient, testCloud } from '../support/cloud';

jest.setTimeout(120_000);

describe('VLANs over HTTP', () => {
  let cloud: Cloud;
  let admin: ReturnType<typeof apiClient>;
  let projectId: string;

  beforeAll(async () => {
    cloud = await testCloud('pglite', { startWorkers: false });
    admin = apiClient(cloud);
    projectId = (await admin.post('/projects', { name: 'vlans' })).body.id;
  });
  afterAll(() => cloud.close());

  it('creates VLANs with the first free VXLAN id or the one given, and lists them per metro', async () => {
    const first = await admin.post(`/projects/${projectId}/virtual-networks`, { metro: 'ny', description: 'storage', tags: ['a'] });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      vxlan: 1000,
      description: 'storage',
      metro_code: 'ny',
      tags: ['a'],
      assigned_to: { href: `/metal/v1/projects/${projectId}` },
      instances: [],
    });
    const given = await admin.post(`/projects/${projectId}/virtual-networks`, { metro: 'da', vxlan: 1000 });
    expect(given.body).toMatchObject({ vxlan: 1000, metro_code: 'da' });
    const ny = await admin.get(`/projects/${projectId}/virtual-networks?metro=ny`);
    expect(ny.body.virtual_networks.map((v: { id: string }) => v.id)).toEqual([first.body.id]);
    const all = await admin.get(`/projects/${projectId}/virtual-networks`);
    expect(all.body.virtual_networks).toHaveLength(2);

    const changed = await admin.put(`/virtual-networks/${first.body.id}`, { description: 'backups' });
    expect(changed.body).toMatchObject({ description: 'backups', tags: ['a'], vxlan: 1000 });
    expect((await admin.get(`/virtual-networks/${first.body.id}`)).body.description).toBe('backups');
    expect((await admin.delete(`/virtual-networks/${given.body.id}`)).status).toBe(204);
    expect((await admin.get(`/virtual-networks/${given.body.id}`)).status).toBe(404);
  });

  it('refuses a VXLAN id in use, out of range, an unknown metro or none, naming the field and the fix', async () => {
    await admin.post(`/projects/${projectId}/virtual-networks`, { metro: 'ny', vxlan: 3000 });
    const other = (await admin.post('/projects', { name: 'vlans-other' })).body.id;
    const taken = await admin.post(`/projects/${other}/virtual-networks`, { metro: 'ny', vxlan: 3000 });
    expect(taken).toMatchObject({
      status: 422,
      body: { errors: ['vxlan: 3000 is already in use in metro ny; choose another or leave vxlan out to get a free one'] },
    });
    const range = await admin.post(`/projects/${projectId}/virtual-networks`, { metro: 'ny', vxlan: 4000 });
    expect(range.status).toBe(422);
    expect(range.body.errors.join()).toMatch(/vxlan/);
    const unknown = await admin.post(`/projects/${projectId}/virtual-networks`, { metro: 'zz' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.stringMatching(/^metro: unknown metro "zz"; /)]);
    const none = await admin.post(`/projects/${projectId}/virtual-networks`, { description: 'where?' });
    expect(none.body.errors).toEqual(['metro: a VLAN lives in one metro; give its code (e.g. "metro": "sv")']);
  });

  it("answers 404 for another tenant's VLAN and lists none of it", async () => {
    const vlan = (await admin.post(`/projects/${projectId}/virtual-networks`, { metro: 'ny' })).body;
    const otherProject = (await admin.post('/projects', { name: 'tenant-b' })).body.id;
    const key = (await admin.post(`/projects/${otherProject}/api-keys`, { description: 'b' })).body;
    const b = apiClient(cloud, key.token);
    expect((await b.get(`/virtual-networks/${vlan.id}`)).status).toBe(404);
    expect((await b.put(`/virtual-networks/${vlan.id}`, { description: 'mine' })).status).toBe(404);
    expect((await b.delete(`/virtual-networks/${vlan.id}`)).status).toBe(404);
    expect((await b.get(`/projects/${projectId}/virtual-networks`)).status).toBe(404);
    expect((await b.get(`/projects/${otherProject}/virtual-networks`)).body.virtual_networks).toEqual([]);
    expect((await admin.get(`/virtual-networks/${vlan.id}`)).body.description).toBeNull();
  });
});
