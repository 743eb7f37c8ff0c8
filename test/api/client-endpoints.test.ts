/**
 * The endpoints real Metal clients call in ordinary use: project plans, one event, a device's addresses and SSH
 * keys, IP assignments and blocks, organizations, capacity by facility; and lists as the spec pages them.
 */
import type { Cloud } from '../../lib/cloud';
import { contains, parseCidr, type Cidr } from '../../lib/core/ip';
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

  it('expands a project’s devices, SSH keys and organization with include, for one project and for a page of them', async () => {
    const user = (await api.get('/user')).body;
    const plain = (await api.get(`/projects/${projectId}`)).body;
    expect(plain.devices).toEqual([{ href: `/metal/v1/devices/${device.id}` }]);
    const res = await api.get(`/projects/${projectId}?include=devices,ssh_keys,organization,members,memberships`);
    expect(res.status).toBe(200);
    expect(res.headers['x-metalforge-ignored']).toBeUndefined();
    expect(res.body.devices).toEqual([
      expect.objectContaining({ id: device.id, hostname: 'ep-1', plan: expect.objectContaining({ slug: 'c3.small.x86' }) }),
    ]);
    expect(res.body.ssh_keys).toEqual([expect.objectContaining({ id: keyId, label: 'ops', key: KEY })]);
    expect(res.body.organization).toMatchObject({
      id: user.default_organization_id,
      projects: expect.arrayContaining([{ href: `/metal/v1/projects/${projectId}` }]),
    });
    // Members and memberships are empty here; everything else is as without include.
    expect({ ...res.body, devices: plain.devices, ssh_keys: plain.ssh_keys, organization: plain.organization }).toEqual(plain);

    const page = await api.get('/projects?include=devices&exclude=customdata&per_page=1000');
    expect(page.status).toBe(200);
    const listed = page.body.projects.find((p: { id: string }) => p.id === projectId);
    expect(listed.devices).toEqual([expect.objectContaining({ id: device.id, hostname: 'ep-1' })]);
    expect(listed).not.toHaveProperty('customdata');
    expect(page.body.meta.total).toBe(page.body.projects.length);

    const odd = await api.get(`/projects/${projectId}?include=payment_method,devices.plan`);
    expect(odd.headers['x-metalforge-ignored']).toBe('include=payment_method');
    expect(odd.body.devices[0].id).toBe(device.id);
    const inherited = await api.get(`/projects/${projectId}?include=constructor,__proto__,toString`);
    expect(inherited.headers['x-metalforge-ignored']).toBe('include=constructor, include=__proto__, include=toString');
    expect(inherited.body).toEqual(plain);
  });

  it('shapes a device’s addresses and SSH keys, and the user, with include and exclude', async () => {
    const ips = await api.get(`/devices/${device.id}/ips?include=assigned_to,parent_block,metro&exclude=manageable,global_ip`);
    expect(ips.status).toBe(200);
    expect(ips.headers['x-metalforge-ignored']).toBeUndefined();
    expect(ips.body.ip_addresses).toHaveLength(device.ip_addresses.length);
    for (const a of ips.body.ip_addresses) {
      expect(a.assigned_to).toMatchObject({ id: device.id, hostname: 'ep-1', href: `/metal/v1/devices/${device.id}` });
      // The block it was carved from: its own public IPv4 block, or the project's private /25 or IPv6 /56 in the metro.
      expect(a.parent_block.assignments).toEqual(expect.arrayContaining([{ href: `/metal/v1/ips/${a.id}` }]));
      expect(
        contains(parseCidr(`${a.parent_block.network}/${a.parent_block.cidr}`) as Cidr, parseCidr(`${a.network}/${a.cidr}`) as Cidr),
      ).toBe(true);
      expect(a.parent_block).toMatchObject({
        management: true,
        manageable: false,
        type: expect.stringMatching(/^(public|private)_ipv[46]$/),
      });
      expect(a).toMatchObject({ id: expect.any(String), address: expect.any(String), metro: { code: 'ny' } });
      expect(a).not.toHaveProperty('manageable');
      expect(a).not.toHaveProperty('global_ip');
    }

    const keys = await api.get(`/devices/${device.id}/ssh-keys?include=entity&exclude=key`);
    expect(keys.status).toBe(200);
    expect(keys.body.ssh_keys).toEqual([
      expect.objectContaining({ id: keyId, entity: expect.objectContaining({ id: projectId, name: 'endpoints' }) }),
    ]);
    expect(keys.body.ssh_keys[0]).not.toHaveProperty('key');
    // A user key's owner is the user.
    const userKey = (await api.post('/ssh-keys', { label: 'mine', key: KEY.replace('test@host', 'me@host') })).body.id;
    const elsewhere = (await api.post('/projects', { name: 'user keys' })).body.id;
    const other = (
      await api.post(`/projects/${elsewhere}/devices`, {
        plan: 'c3.small.x86',
        metro: 'ny',
        operating_system: 'ubuntu_24_04',
        user_ssh_keys: [userKey],
      })
    ).body;
    const user = (await api.get('/user')).body;
    const owned = (await api.get(`/devices/${other.id}/ssh-keys?include=entity`)).body.ssh_keys;
    expect(owned).toEqual([expect.objectContaining({ id: userKey, entity: user })]);

    const shaped = await api.get('/user?include=emails&exclude=email,full_name');
    expect(shaped.status).toBe(200);
    expect(shaped.body).toEqual({
      id: user.id,
      created_at: user.created_at,
      href: user.href,
      default_organization_id: user.default_organization_id,
    });
    // A user links to nothing here that include could expand.
    expect(shaped.headers['x-metalforge-ignored']).toBe('include=emails');
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
