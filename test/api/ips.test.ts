/**
 * IP reservations over HTTP: a project reserves blocks from its metro's pools (or global addresses), reads,
 * changes and releases them, and lists what is still free in them; bad input, other tenants and management
 * blocks are refused with the field named. Operators enrol pools.
 */
import type { Cloud } from '../../lib/cloud';
import { apiClient, availableBackends, deviceInput, stopPostgres, testCloud } from '../support/cloud';
import { eventually } from '../support/eventually';

jest.setTimeout(120_000);

describe.each(availableBackends())('IP reservations over HTTP on %s', (backend) => {
  let cloud: Cloud;
  let admin: ReturnType<typeof apiClient>;
  let projectId: string;

  beforeAll(async () => {
    cloud = await testCloud(backend);
    admin = apiClient(cloud);
    projectId = (await admin.post('/projects', { name: 'ips' })).body.id;
  });
  afterAll(async () => {
    await cloud.close();
    if (backend === 'postgres') await stopPostgres();
  });

  it('reserves a block, reads and changes it, lists what is free in it, and releases it', async () => {
    const created = await admin.post(`/projects/${projectId}/ips`, {
      type: 'public_ipv4',
      metro: 'ny',
      quantity: 8,
      details: 'load balancers',
      tags: ['lb'],
      comments: 'ignored, as Metal reviewed comments',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'public_ipv4',
      cidr: 29,
      netmask: '255.255.255.248',
      address_family: 4,
      public: true,
      management: false,
      global_ip: false,
      details: 'load balancers',
      tags: ['lb'],
      metro: { code: 'ny' },
      project: { href: `/metal/v1/projects/${projectId}` },
    });
    const id = created.body.id;
    expect((await admin.get(`/ips/${id}`)).body).toEqual(created.body);

    const changed = await admin.put(`/ips/${id}`, { tags: ['lb', 'prod'], customdata: { team: 'edge' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ tags: ['lb', 'prod'], customdata: { team: 'edge' }, details: 'load balancers' });

    const network = created.body.network as string;
    const base = network.split('.').slice(0, 3).join('.');
    const last = Number(network.split('.')[3]);
    expect((await admin.get(`/ips/${id}/available?cidr=30`)).body).toEqual({ available: [`${base}.${last}/30`, `${base}.${last + 4}/30`] });
    expect((await admin.get(`/ips/${id}/available?cidr=28`)).body.errors).toEqual(['cidr: 28 does not fit in a /29; give 29 to 32']);

    const listed = await admin.get(`/projects/${projectId}/ips?types=public_ipv4,global_ipv4`);
    expect(listed.body.ip_addresses.map((b: { id: string }) => b.id)).toContain(id);
    expect((await admin.get(`/projects/${projectId}/ips?types=global_ipv4`)).body.ip_addresses).toEqual([]);

    expect((await admin.delete(`/ips/${id}`)).status).toBe(204);
    expect((await admin.get(`/ips/${id}`)).status).toBe(404);
  });

  it('gives global addresses without a metro, and the same answer again for the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': `global-${backend}` };
    const first = await admin.post(`/projects/${projectId}/ips`, { type: 'global_ipv4', quantity: 1 }, headers);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ global_ip: true, cidr: 32, type: 'global_ipv4' });
    expect(first.body.metro).toBeUndefined();
    const again = await admin.post(`/projects/${projectId}/ips`, { type: 'global_ipv4', quantity: 1 }, headers);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('refuses bad reservations in one answer naming each field and the fix', async () => {
    const bad = async (body: object) => {
      const res = await admin.post(`/projects/${projectId}/ips`, body);
      expect(res.status).toBe(422);
      return res.body.errors as string[];
    };
    expect(await bad({ type: 'public_ipv4', metro: 'ny', quantity: 3 })).toEqual([
      'quantity: 3 public_ipv4 addresses cannot be reserved; give a power of two from 1 to 256',
    ]);
    expect(await bad({ type: 'global_ipv4', metro: 'ny', quantity: 1 })).toEqual([
      'metro: global_ipv4 addresses serve every metro; leave metro out',
    ]);
    expect(await bad({ type: 'public_ipv4', metro: 'nyy', quantity: 1 })).toEqual([
      expect.stringMatching(/^metro: unknown metro "nyy"; did you mean "ny"/),
    ]);
    expect(await bad({ type: 'public_ipv4', quantity: 1 })).toEqual([
      'metro: a public_ipv4 reservation is made in one metro; give its code',
    ]);
    expect((await bad({ type: 'elastic', metro: 'ny', quantity: 1 }))[0]).toMatch(/^type: /);
  });

  it('says how much is left when a metro runs out', async () => {
    expect(
      (await admin.post('/operator/metros', { code: 'zx', name: 'Zx', country: 'US', kind: 'edge', latitude: 1, longitude: 2 })).status,
    ).toBe(201);
    const pool = await admin.post('/operator/ip-pools', { type: 'public_ipv4', metro: 'zx', network: '192.0.2.16/29' });
    expect(pool.status).toBe(201);
    expect(pool.body).toMatchObject({ metro: 'zx', network: '192.0.2.16/29', size: '8', allocated: '0', free: '8' });
    expect((await admin.post(`/projects/${projectId}/ips`, { type: 'public_ipv4', metro: 'zx', quantity: 4 })).status).toBe(201);
    const full = await admin.post(`/projects/${projectId}/ips`, { type: 'public_ipv4', metro: 'zx', quantity: 8 });
    expect(full.status).toBe(422);
    expect(full.body.errors).toEqual([
      'metro zx is out of public_ipv4 addresses for a /29 (192.0.2.16/29: 4 free, largest block /30); reserve a smaller block or in another metro',
    ]);
    const overlapping = await admin.post('/operator/ip-pools', { type: 'public_ipv4', metro: 'zx', network: '192.0.2.0/27' });
    expect(overlapping.status).toBe(422);
    expect(overlapping.body.errors[0]).toMatch(/^network: 192\.0\.2\.0\/27 overlaps 192\.0\.2\.16\/29/);
    const pools = (await admin.get('/operator/ip-pools')).body.ip_pools;
    expect(pools.find((p: { network: string }) => p.network === '192.0.2.16/29')).toMatchObject({ allocated: '4', free: '4' });
  });

  it('keeps tenants apart: another project gets 404, a read-only key cannot reserve', async () => {
    const block = (await admin.post(`/projects/${projectId}/ips`, { type: 'public_ipv4', metro: 'da', quantity: 2 })).body;
    const otherProject = (await admin.post('/projects', { name: 'other' })).body.id;
    const other = apiClient(cloud, (await admin.post(`/projects/${otherProject}/api-keys`, { description: 'other' })).body.token);
    expect((await other.get(`/ips/${block.id}`)).status).toBe(404);
    expect((await other.put(`/ips/${block.id}`, { tags: ['x'] })).status).toBe(404);
    expect((await other.delete(`/ips/${block.id}`)).status).toBe(404);
    expect((await other.get(`/ips/${block.id}/available?cidr=32`)).status).toBe(404);
    expect((await other.post(`/projects/${projectId}/ips`, { type: 'public_ipv4', metro: 'da', quantity: 1 })).status).toBe(404);
    const reader = apiClient(
      cloud,
      (await admin.post(`/projects/${projectId}/api-keys`, { description: 'ro', read_only: true })).body.token,
    );
    expect((await reader.post(`/projects/${projectId}/ips`, { type: 'public_ipv4', metro: 'da', quantity: 1 })).status).toBe(403);
    expect((await reader.get(`/ips/${block.id}`)).status).toBe(200);
    expect((await admin.get(`/ips/${block.id}`)).body.tags).toEqual([]);
  });

  it('bounds ip_reservations on create (a 422 naming the field), and names reservations it cannot use', async () => {
    const tooMany = await admin.post(
      `/projects/${projectId}/devices`,
      deviceInput({ ip_addresses: [{ address_family: 4, public: false, ip_reservations: Array(17).fill(projectId) }] }),
    );
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors.join(' ')).toMatch(/ip_addresses\/0\/ip_reservations|ip_reservations/);
    const foreign = await admin.post(
      `/projects/${projectId}/devices`,
      deviceInput({ ip_addresses: [{ address_family: 4, public: false, ip_reservations: ['00000000-0000-4000-8000-000000000000'] }] }),
    );
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toEqual([
      expect.stringMatching(/^ip_addresses: none of the reservations 00000000-0000-4000-8000-000000000000 is a private IPv4 block/),
    ]);
  });

  it("leaves a device's management block to its device, and a project with reservations in place", async () => {
    const device = (await admin.post(`/projects/${projectId}/devices`, deviceInput({ hostname: 'holder' }))).body;
    const addresses = await eventually(async () => {
      const d = (await admin.get(`/devices/${device.id}`)).body;
      return d.ip_addresses?.length ? (d.ip_addresses as { id: string; parent_block: { href: string } }[]) : undefined;
    }, 'the device to get its addresses');
    const blockId = addresses[0].parent_block.href.split('/').pop()!;
    const refused = await admin.delete(`/ips/${blockId}`);
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0]).toMatch(/management block goes with its device/);
    expect((await admin.delete(`/ips/${addresses[0].id}`)).status).toBe(422);

    const lonely = (await admin.post('/projects', { name: 'lonely' })).body.id;
    const held = (await admin.post(`/projects/${lonely}/ips`, { type: 'global_ipv4', quantity: 1 })).body;
    const deletion = await admin.delete(`/projects/${lonely}`);
    expect(deletion.status).toBe(409);
    expect(deletion.body.errors[0]).toMatch(/still has 1 IP reservation\(s\); delete them first/);
    expect((await admin.delete(`/ips/${held.id}`)).status).toBe(204);
    expect((await admin.delete(`/projects/${lonely}`)).status).toBe(204);
  });
});
