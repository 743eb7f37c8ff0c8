/**
 * The endpoints real Metal clients call in ordinary use: project plans, one event, a device's addresses and SSH
 * keys, IP assignments and blocks, organizations, capacity by facility; and lists as the spec pages them.
 */
import type { Cloud } from '../../lib/cloud';
import { apiClient, eventually, testCloud } from '../support/cloud';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGnH2lC8hVQ7Vn0s2w4mHDCZrZrX1v4l0Vb0v1m8h0aa test@host';

describe('endpoints Metal clients call', () => {
  let cloud: Cloud;
  let api: ReturnType<typeof apiClient>;
  let projectId: string;
  let device: {
    id: string;
    ip_addresses: { id: string; address: string; address_family: number; public: boolean; cidr: number; network: string }[];
  };
  let keyId: string;

  beforeAll(async () => {
    cloud = await testCloud('pglite');
    api = apiClient(cloud);
    projectId = (await api.post('/projects', { name: 'endpoints' })).body.id;
    keyId = (await api.post(`/projects/${projectId}/ssh-keys`, { label: 'ops', key: KEY })).body.id;
    const created = (
      await api.post(`/projects/${projectId}/devices`, {
        plan: 'c3.small.x86',
        metro: 'ny',
        operating_system: 'ubuntu_24_04',
        hostname: 'ep-1',
        project_ssh_keys: [keyId],
      })
    ).body;
    device = await eventually(async () => {
      const d = (await api.get(`/devices/${created.id}`)).body;
      return d.ip_addresses.length ? d : undefined;
    }, 'the device to get addresses');
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('lists every catalogue entry in one answer, as the spec leaves those lists unpaginated', async () => {
    for (const [path, key, size] of [
      ['/facilities', 'facilities', cloud.engine.world.facilities.size],
      ['/locations/metros', 'metros', cloud.engine.world.metros.size],
      ['/operating-systems', 'operating_systems', cloud.engine.world.operatingSystems.size],
      ['/plans', 'plans', cloud.engine.world.plans.size],
      [`/projects/${projectId}/plans`, 'plans', cloud.engine.world.plans.size],
    ] as const) {
      const res = await api.get(`${path}?per_page=2`);
      expect({ path, status: res.status, count: res.body[key].length }).toEqual({ path, status: 200, count: size });
      expect(size).toBeGreaterThan(2);
      expect(res.headers['x-metalforge-ignored']).toBe('query parameter per_page');
    }
    expect((await api.get('/projects/00000000-0000-4000-8000-000000000000/plans')).status).toBe(404);
  });

  it('pages other lists with per_page up to 1000 and meta first / previous / next / last / total / current_page / last_page', async () => {
    for (let i = 0; i < 4; i++) await api.post('/projects', { name: `paged-${i}` });
    const middle = await api.get('/projects?page=2&per_page=2');
    expect(middle.status).toBe(200);
    const total = middle.body.meta.total;
    expect(total).toBeGreaterThanOrEqual(5);
    expect(middle.body.meta).toMatchObject({
      first: { href: '/metal/v1/projects?page=1&per_page=2' },
      previous: { href: '/metal/v1/projects?page=1&per_page=2' },
      next: { href: '/metal/v1/projects?page=3&per_page=2' },
      last: { href: `/metal/v1/projects?page=${Math.ceil(total / 2)}&per_page=2` },
      current_page: 2,
      last_page: Math.ceil(total / 2),
    });
    const all = await api.get('/projects?per_page=1000');
    expect(all.body.projects).toHaveLength(total);
    expect(all.body.meta.next).toBeUndefined();
  });

  it('gets one event by id; unknown ids are not found', async () => {
    const [newest] = (await api.get(`/devices/${device.id}/events`)).body.events;
    const one = await api.get(`/events/${newest.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(newest);
    expect((await api.get('/events/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api.get('/events/not-an-id')).status).toBe(404);
  });

  it('lists a device’s addresses as IP assignments, and its SSH keys', async () => {
    const ips = await api.get(`/devices/${device.id}/ips`);
    expect(ips.status).toBe(200);
    expect(ips.body.ip_addresses.map((a: { address: string }) => a.address)).toEqual(device.ip_addresses.map((a) => a.address));
    for (const a of ips.body.ip_addresses) {
      expect(a).toMatchObject({
        type: 'IPAssignment',
        assigned_to: { href: `/metal/v1/devices/${device.id}` },
        metro: { code: 'ny' },
        href: `/metal/v1/ips/${a.id}`,
      });
    }
    const keys = await api.get(`/devices/${device.id}/ssh-keys`);
    expect(keys.status).toBe(200);
    expect(keys.body.ssh_keys.map((k: { id: string }) => k.id)).toEqual([keyId]);
  });

  it('serves an assignment by id or address, and its block (IPReservation) from /projects/{id}/ips and /ips/{id}', async () => {
    const [first] = device.ip_addresses;
    const byId = await api.get(`/ips/${first.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ id: first.id, address: first.address, cidr: first.cidr, type: 'IPAssignment' });
    expect((await api.get(`/ips/${first.address}`)).body.id).toBe(first.id);
    const blocks = await api.get(`/projects/${projectId}/ips`);
    expect(blocks.status).toBe(200);
    expect(blocks.body.ip_addresses).toHaveLength(device.ip_addresses.length);
    const block = blocks.body.ip_addresses.find(
      (b: { assignments: { href: string }[] }) => b.assignments[0].href === `/metal/v1/ips/${first.id}`,
    );
    expect(block).toMatchObject({
      address: first.network,
      cidr: first.cidr,
      project: { href: `/metal/v1/projects/${projectId}` },
      type: first.public ? 'public_ipv4' : 'private_ipv4',
    });
    expect(byId.body.parent_block.href).toBe(block.href);
    expect((await api.get(block.href.replace('/metal/v1', ''))).body).toEqual(block);
    expect((await api.get('/ips/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('keeps a project key to its own project’s addresses, events and organization view', async () => {
    const otherId = (await api.post('/projects', { name: 'other' })).body.id;
    const token = (await api.post(`/projects/${otherId}/api-keys`, { description: 'other only' })).body.token;
    const other = apiClient(cloud, token);
    expect((await other.get(`/ips/${device.ip_addresses[0].id}`)).status).toBe(404);
    expect((await other.get(`/projects/${projectId}/ips`)).status).toBe(404);
    expect((await other.get(`/devices/${device.id}/ips`)).status).toBe(404);
    const [event] = (await api.get(`/devices/${device.id}/events`)).body.events;
    expect((await other.get(`/events/${event.id}`)).status).toBe(404);
    const org = await other.get('/organizations');
    expect(org.body.organizations[0].projects).toEqual([{ href: `/metal/v1/projects/${otherId}` }]);
  });

  it('serves the user’s one organization, listed and by id', async () => {
    const user = (await api.get('/user')).body;
    const list = await api.get('/organizations');
    expect(list.status).toBe(200);
    expect(list.body.organizations).toHaveLength(1);
    const [org] = list.body.organizations;
    expect(org.id).toBe(user.default_organization_id);
    expect(org.projects).toContainEqual({ href: `/metal/v1/projects/${projectId}` });
    expect(org.members).toContainEqual({ href: `/metal/v1/users/${user.id}` });
    expect((await api.get(`/organizations/${org.id}`)).body).toEqual(org);
    expect((await api.get('/organizations/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('reports capacity by facility at /capacity and by metro at /capacity/metros', async () => {
    const byFacility = (await api.get('/capacity')).body.capacity;
    const byMetro = (await api.get('/capacity/metros')).body.capacity;
    expect(Object.keys(byFacility)).toEqual(expect.arrayContaining(['ny5', 'ny7']));
    expect(Object.keys(byMetro)).toContain('ny');
    // A metro's free machines are its facilities' free machines.
    const plan = 'c3.small.x86';
    const inNy = ['ny5', 'ny7'].reduce((sum, f) => sum + (byFacility[f]?.[plan]?.available_servers ?? 0), 0);
    expect(byMetro.ny[plan].available_servers).toBe(inNy);
  });
});
