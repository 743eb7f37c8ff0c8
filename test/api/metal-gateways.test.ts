/**
 * Metal gateways over HTTP: a VLAN gets a gateway on a private IPv4 block taken from the metro's pool (released
 * with it) or on a block the project reserved (which stays); bad input gets a 422 naming the field; a VLAN with a
 * gateway cannot be deleted, nor the block released; another tenant's gateway is a 404.
 */
import type { Cloud } from '../../lib/cloud';
import { apiClient, testCloud } from '../support/cloud';

jest.setTimeout(120_000);

describe('metal gateways over HTTP', () => {
  let cloud: Cloud;
  let admin: ReturnType<typeof apiClient>;
  let projectId: string;

  beforeAll(async () => {
    cloud = await testCloud('pglite', { startWorkers: false });
    admin = apiClient(cloud);
    projectId = (await admin.post('/projects', { name: 'gateways' })).body.id;
  });
  afterAll(() => cloud.close());

  it('takes a private /29 for a VLAN, shows it, and gives it back when deleted', async () => {
    const vlan = (await admin.post(`/projects/${projectId}/virtual-networks`, { metro: 'ny' })).body;
    const created = await admin.post(`/projects/${projectId}/metal-gateways`, { virtual_network_id: vlan.id, private_ipv4_subnet_size: 8 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      state: 'active',
      virtual_network: { id: vlan.id, vxlan: vlan.vxlan },
      ip_reservation: { type: 'private_ipv4', cidr: 29, public: false },
    });
    const blockId = created.body.ip_reservation.id;
    expect((await admin.get(`/metal-gateways/${created.body.id}`)).body.id).toBe(created.body.id);
    expect((await admin.get(`/projects/${projectId}/metal-gateways`)).body.metal_gateways.map((g: { id: string }) => g.id)).toEqual([
      created.body.id,
    ]);

    expect((await admin.get(`/virtual-networks/${vlan.id}`)).body.metal_gateways).toEqual([
      { href: `/metal/v1/metal-gateways/${created.body.id}` },
    ]);
    const again = await admin.post(`/projects/${projectId}/metal-gateways`, { virtual_network_id: vlan.id, private_ipv4_subnet_size: 8 });
    expect(again.body.errors).toEqual([`virtual_network_id: VLAN ${vlan.vxlan} already has a metal gateway; use it, or delete it first`]);
    const deleteVlan = await admin.delete(`/virtual-networks/${vlan.id}`);
    expect(deleteVlan.body.errors).toEqual([
      `id: VLAN ${vlan.vxlan} is served by metal gateway ${created.body.id}; delete the gateway first`,
    ]);
    const release = await admin.delete(`/ips/${blockId}`);
    expect(release.status).toBe(422);
    expect(release.body.errors[0]).toMatch(/is the block of metal gateway .*; delete the gateway first$/);

    expect((await admin.delete(`/metal-gateways/${created.body.id}`)).status).toBe(202);
    expect((await admin.get(`/metal-gateways/${created.body.id}`)).status).toBe(404);
    expect((await admin.get(`/ips/${blockId}`)).status).toBe(404);
    expect((await admin.delete(`/virtual-networks/${vlan.id}`)).status).toBe(204);
  });

  it("uses a block the project reserved in the VLAN's metro, which stays after the gateway", async () => {
    const vlan = (await admin.post(`/projects/${projectId}/virtual-networks`, { metro: 'ny' })).body;
    const block = (await admin.post(`/projects/${projectId}/ips`, { type: 'private_ipv4', metro: 'ny', quantity: 16 })).body;
    const created = await admin.post(`/projects/${projectId}/metal-gateways`, { virtual_network_id: vlan.id, ip_reservation_id: block.id });
    expect(created.body.ip_reservation.id).toBe(block.id);
    await admin.delete(`/metal-gateways/${created.body.id}`);
    expect((await admin.get(`/ips/${block.id}`)).status).toBe(200);
  });

  it('refuses a VLAN of no project of its own, neither or both sizes, a bad size, naming the field; 404 for another tenant', async () => {
    const vlan = (await admin.post(`/projects/${projectId}/virtual-networks`, { metro: 'ny' })).body;
    const missing = await admin.post(`/projects/${projectId}/metal-gateways`, {
      virtual_network_id: '00000000-0000-4000-8000-000000000000',
      private_ipv4_subnet_size: 8,
    });
    expect(missing.body.errors[0]).toMatch(/^virtual_network_id: no VLAN 00000000-0000-4000-8000-000000000000 in project /);
    const neither = await admin.post(`/projects/${projectId}/metal-gateways`, { virtual_network_id: vlan.id });
    expect(neither.body.errors[0]).toMatch(/^private_ipv4_subnet_size: give it \(8, 16, 32, 64, 128\) or ip_reservation_id/);
    const badSize = await admin.post(`/projects/${projectId}/metal-gateways`, {
      virtual_network_id: vlan.id,
      private_ipv4_subnet_size: 12,
    });
    expect(badSize.body.errors).toEqual(['private_ipv4_subnet_size: must be one of 8, 16, 32, 64, 128, got 12']);

    const gateway = (
      await admin.post(`/projects/${projectId}/metal-gateways`, { virtual_network_id: vlan.id, private_ipv4_subnet_size: 8 })
    ).body;
    const other = (await admin.post('/projects', { name: 'gateways-b' })).body.id;
    const b = apiClient(cloud, (await admin.post(`/projects/${other}/api-keys`, { description: 'b' })).body.token);
    expect((await b.get(`/metal-gateways/${gateway.id}`)).status).toBe(404);
    expect((await b.delete(`/metal-gateways/${gateway.id}`)).status).toBe(404);
    const theirs = await b.post(`/projects/${other}/metal-gateways`, { virtual_network_id: vlan.id, private_ipv4_subnet_size: 8 });
    expect(theirs.status).toBe(422);
  });
});
