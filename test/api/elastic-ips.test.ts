/**
 * Elastic IPs over HTTP: an address or subnet of a project's reserved block is assigned to one of its devices,
 * listed with the device's addresses and skipped by /available, unassigned and moved; overlaps, foreign metros,
 * other tenants and read-only keys are refused; a reservation in use cannot be released; a device's deletion
 * frees its addresses; the device's metadata lists them; of concurrent assignments of one address one wins.
 */
import { metalMetadata } from '../../lib/boot/metadata';
import type { Cloud } from '../../lib/cloud';
import { EngineBootBackend } from '../../lib/engine/boot-backend';
import { apiClient, availableBackends, deviceInput, stopPostgres, testCloud } from '../support/cloud';
import { eventually } from '../support/eventually';

jest.setTimeout(180_000);

interface Assignment {
  id: string;
  address: string;
  cidr: number;
  management: boolean;
  assigned_to: { href: string };
}

describe.each(availableBackends())('elastic IPs over HTTP on %s', (backend) => {
  let cloud: Cloud;
  let admin: ReturnType<typeof apiClient>;
  let projectId: string;
  const devices: Record<'a' | 'b' | 'far', { id: string; hostname: string }> = {} as never;
  let block: { id: string; network: string; cidr: number };
  let base: string;
  let last: number;
  const at = (offset: number, cidr = 32) => `${base}.${last + offset}/${cidr}`;
  const ipsOf = async (deviceId: string) => (await admin.get(`/devices/${deviceId}/ips`)).body.ip_addresses as Assignment[];
  const available = async (cidr = 32) => (await admin.get(`/ips/${block.id}/available?cidr=${cidr}`)).body.available as string[];

  beforeAll(async () => {
    cloud = await testCloud(backend);
    admin = apiClient(cloud);
    projectId = (await admin.post('/projects', { name: 'eip' })).body.id;
    for (const [name, metro] of [
      ['a', 'ny'],
      ['b', 'ny'],
      ['far', 'da'],
    ] as const) {
      const created = await admin.post(`/projects/${projectId}/devices`, deviceInput({ hostname: `eip-${name}`, metro }));
      expect(created.status).toBe(201);
      devices[name] = { id: created.body.id, hostname: created.body.hostname };
    }
    for (const d of Object.values(devices)) {
      await eventually(async () => (await admin.get(`/devices/${d.id}`)).body.state === 'active', `${d.hostname} to be active`, 120_000);
    }
    block = (await admin.post(`/projects/${projectId}/ips`, { type: 'public_ipv4', metro: 'ny', quantity: 8 })).body;
    base = block.network.split('.').slice(0, 3).join('.');
    last = Number(block.network.split('.')[3]);
  });
  afterAll(async () => {
    await cloud.close();
    if (backend === 'postgres') await stopPostgres();
  });

  let first: Assignment;

  it('assigns a /32 of a reserved /29 to a device, lists it with the device, and skips it in /available', async () => {
    const res = await admin.post(`/devices/${devices.a.id}/ips`, { address: at(1), customdata: { role: 'vip' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: 'IPAssignment',
      address: `${base}.${last + 1}`,
      network: `${base}.${last + 1}`,
      cidr: 32,
      netmask: '255.255.255.255',
      address_family: 4,
      // The block's gateway, as Metal showed it.
      gateway: `${base}.${last + 1}`,
      public: true,
      management: false,
      manageable: true,
      global_ip: false,
      assigned_to: { href: `/metal/v1/devices/${devices.a.id}` },
      parent_block: { network: block.network, cidr: 29, netmask: '255.255.255.248', href: `/metal/v1/ips/${block.id}` },
      metro: { code: 'ny' },
      customdata: { role: 'vip' },
    });
    first = res.body;
    expect((await admin.get(`/ips/${first.id}`)).body).toEqual(first);
    expect((await admin.get(`/ips/${block.id}`)).body.assignments).toEqual([{ href: `/metal/v1/ips/${first.id}` }]);
    const listedBlocks = (await admin.get(`/projects/${projectId}/ips`)).body.ip_addresses as { id: string; assignments: unknown[] }[];
    expect(listedBlocks.find((b) => b.id === block.id)?.assignments).toEqual([{ href: `/metal/v1/ips/${first.id}` }]);
    const expanded = await admin.get(`/devices/${devices.a.id}/ips?include=parent_block`);
    const mine = (expanded.body.ip_addresses as { id: string; parent_block: { id?: string } }[]).find((a) => a.id === first.id);
    expect(mine?.parent_block.id).toBe(block.id);
    const change = await admin.put(`/ips/${first.id}`, { tags: ['x'] });
    expect(change.status).toBe(422);
    expect(change.body.errors[0]).toMatch(
      /is an elastic IP of device .*; change its block \(PUT \/ips\/.*\), or unassign it and assign it again$/,
    );
    const listed = await ipsOf(devices.a.id);
    expect(listed.filter((a) => a.management).length).toBeGreaterThan(0);
    expect(listed.find((a) => a.id === first.id)).toEqual(first);
    // The device itself lists it after its own addresses, as Metal's device did.
    const shown = (await admin.get(`/devices/${devices.a.id}`)).body.ip_addresses as Assignment[];
    expect(shown.at(-1)).toEqual(first);
    expect(shown.slice(0, -1).every((a) => a.management)).toBe(true);
    expect(await available()).toEqual([0, 2, 3, 4, 5, 6, 7].map((i) => at(i)));
    expect(await available(30)).toEqual([at(4, 30)]);
  });

  it('refuses overlaps (naming the holder), blocks larger than the reservation and addresses outside every block', async () => {
    const overlap = await admin.post(`/devices/${devices.b.id}/ips`, { address: at(0, 30) });
    expect(overlap.status).toBe(422);
    expect(overlap.body.errors).toEqual([
      `address: ${at(0, 30)} overlaps ${at(1)}, assigned to device ${devices.a.hostname} (${devices.a.id}); unassign it first (DELETE /ips/{id}) or pick a free block (GET /ips/${block.id}/available)`,
    ]);
    const same = await admin.post(`/devices/${devices.a.id}/ips`, { address: at(1) });
    expect(same.status).toBe(422);
    const larger = await admin.post(`/devices/${devices.b.id}/ips`, { address: `${base}.${last - (last % 16)}/28` });
    expect(larger.status).toBe(422);
    expect(larger.body.errors[0]).toMatch(/is larger than the reserved block .*\/29; give a prefix length from \/29 to \/32 inside it$/);
    const outside = await admin.post(`/devices/${devices.b.id}/ips`, { address: '203.0.113.77/32' });
    expect(outside.status).toBe(422);
    expect(outside.body.errors[0]).toContain(`is in none of the project's reserved blocks: the project's IPv4 blocks are`);
    expect(outside.body.errors[0]).toContain(`${block.network}/29`);
    const bad = await admin.post(`/devices/${devices.b.id}/ips`, { address: `${base}.${last + 1}/30` });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatch(/^address: .* has host bits set; the block is /);
  });

  it('refuses a block of another metro, and assigns global addresses in any metro, to several devices at once', async () => {
    const wrong = await admin.post(`/devices/${devices.far.id}/ips`, { address: at(2) });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([
      `address: ${at(2)} is in metro ny; the device is in metro da: assign it to a device in ny, or use a block reserved in da or a global_ipv4 one`,
    ]);
    const global = (await admin.post(`/projects/${projectId}/ips`, { type: 'global_ipv4', quantity: 1 })).body;
    const assigned = await admin.post(`/devices/${devices.far.id}/ips`, { address: `${global.network}/32` });
    expect(assigned.status).toBe(201);
    expect(assigned.body).toMatchObject({ global_ip: true, public: true, cidr: 32, address: global.network });
    expect(assigned.body.metro).toBeUndefined();
    // Anycast: the same global address on devices in other metros at once (concurrently too), but once per device.
    const anycast = await Promise.all(
      [devices.a, devices.b].map((d) => admin.post(`/devices/${d.id}/ips`, { address: `${global.network}/32` })),
    );
    expect(anycast.map((r) => r.status)).toEqual([201, 201]);
    const again = await admin.post(`/devices/${devices.far.id}/ips`, { address: `${global.network}/32` });
    expect(again.status).toBe(422);
    expect(again.body.errors[0]).toMatch(/overlaps .*, assigned to device eip-far/);
    for (const id of [assigned.body.id, ...anycast.map((r) => r.body.id)]) expect((await admin.delete(`/ips/${id}`)).status).toBe(204);
    expect((await admin.delete(`/ips/${global.id}`)).status).toBe(204);
  });

  it('assigns IPv6 subnets of a reserved /56', async () => {
    const v6 = (await admin.post(`/projects/${projectId}/ips`, { type: 'public_ipv6', metro: 'ny', quantity: 1 })).body;
    const subnet = `${v6.network}/64`;
    const assigned = await admin.post(`/devices/${devices.b.id}/ips`, { address: subnet });
    expect(assigned.status).toBe(201);
    expect(assigned.body).toMatchObject({ address_family: 6, cidr: 64, address: v6.network, parent_block: { cidr: 56 } });
    expect((await admin.post(`/devices/${devices.a.id}/ips`, { address: `${v6.network.replace(/::$/, '::1')}/128` })).status).toBe(422);
    expect((await admin.get(`/ips/${v6.id}/available?cidr=64`)).body.available[0]).not.toBe(subnet);
    expect((await admin.delete(`/ips/${assigned.body.id}`)).status).toBe(204);
    expect((await admin.delete(`/ips/${v6.id}`)).status).toBe(204);
  });

  it('keeps tenants apart (404) and read-only keys out (403)', async () => {
    const otherProject = (await admin.post('/projects', { name: 'eip-other' })).body.id;
    const other = apiClient(cloud, (await admin.post(`/projects/${otherProject}/api-keys`, { description: 'other' })).body.token);
    expect((await other.post(`/devices/${devices.a.id}/ips`, { address: at(3) })).status).toBe(404);
    expect((await other.get(`/devices/${devices.a.id}/ips`)).status).toBe(404);
    expect((await other.get(`/ips/${first.id}`)).status).toBe(404);
    expect((await other.delete(`/ips/${first.id}`)).status).toBe(404);
    const reader = apiClient(
      cloud,
      (await admin.post(`/projects/${projectId}/api-keys`, { description: 'ro', read_only: true })).body.token,
    );
    expect((await reader.post(`/devices/${devices.a.id}/ips`, { address: at(3) })).status).toBe(403);
    expect((await reader.delete(`/ips/${first.id}`)).status).toBe(403);
    expect((await reader.get(`/ips/${first.id}`)).status).toBe(200);
  });

  it('moves an address: unassign, then assign to another device; its metadata lists it', async () => {
    expect((await admin.delete(`/ips/${first.id}`)).status).toBe(204);
    expect((await admin.get(`/ips/${first.id}`)).status).toBe(404);
    expect((await ipsOf(devices.a.id)).some((a) => a.id === first.id)).toBe(false);
    const moved = await admin.post(`/devices/${devices.b.id}/ips`, { address: at(1) });
    expect(moved.status).toBe(201);
    expect(moved.body.assigned_to.href).toBe(`/metal/v1/devices/${devices.b.id}`);
    first = moved.body;

    const management = (await ipsOf(devices.b.id)).find((a) => a.management)!;
    const boot = new EngineBootBackend(cloud.engine.ctx, cloud.engine.installs);
    const seen = await boot.findDevice({ ip: management.address });
    expect(seen?.id).toBe(devices.b.id);
    const metadata = metalMetadata(seen!, { phoneHome: 'http://boot/phone-home' });
    expect(metadata.network.addresses).toContainEqual(
      expect.objectContaining({ address: `${base}.${last + 1}`, cidr: 32, management: false, public: true, netmask: '255.255.255.255' }),
    );
  });

  it('refuses to release a reservation in use, naming the devices', async () => {
    const refused = await admin.delete(`/ips/${block.id}`);
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      `id: ${block.network}/29 is assigned to device(s) ${devices.b.hostname} (${devices.b.id}); unassign its addresses first (DELETE /ips/{assignment id})`,
    ]);
  });

  it('gives exactly one of concurrent assignments of one address', async () => {
    const answers = await Promise.all(
      [devices.a, devices.b, devices.a, devices.b].map((d) => admin.post(`/devices/${d.id}/ips`, { address: at(6, 31) })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422, 422, 422]);
    const winner = answers.find((a) => a.status === 201)!.body;
    expect((await admin.delete(`/ips/${winner.id}`)).status).toBe(204);
  });

  it("frees a device's addresses when the device is deleted", async () => {
    expect((await admin.delete(`/devices/${devices.b.id}`)).status).toBe(204);
    expect((await admin.get(`/ips/${first.id}`)).status).toBe(404);
    expect(await available()).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => at(i)));
    const events = (await admin.get(`/projects/${projectId}/events?per_page=100`)).body.events as { body: string }[];
    expect(events.map((e) => e.body)).toContain(`IP ${at(1)} released with its device`);
    expect((await admin.delete(`/ips/${block.id}`)).status).toBe(204);
  });
});
