/**
 * Two tenants probing each other on the API: each holds a project key of its own project. Every route that takes
 * an id answers 404 for the other tenant's objects (404, not 403: existence does not leak), nothing of the other
 * tenant changes, and no list or answer carries anything of the other tenant.
 * (The account model has one user, the operator; tenants are projects reached through project keys.)
 */
import type { Cloud } from '../../lib/cloud';
import { apiClient, deviceInput, sshPublicKey, testCloud } from '../support/cloud';

jest.setTimeout(180_000);

type Client = ReturnType<typeof apiClient>;

interface Tenant {
  name: string;
  client: Client;
  projectId: string;
  deviceId: string;
  sshKeyId: string;
  apiKeyId: string;
  spotRequestId: string;
  eventIds: string[];
  /** Strings that appear only in this tenant's objects. */
  marks: string[];
}

describe('two tenants probing each other on the API', () => {
  let cloud: Cloud;
  let a: Tenant;
  let b: Tenant;

  async function tenant(name: string): Promise<Tenant> {
    const admin = apiClient(cloud);
    const projectId = (await admin.post('/projects', { name: `${name}-project`, customdata: { owner: `${name}-customdata` } })).body.id;
    const key = (await admin.post(`/projects/${projectId}/api-keys`, { description: `${name}-key` })).body;
    const client = apiClient(cloud, key.token);
    const device = await client.post(
      `/projects/${projectId}/devices`,
      deviceInput({ hostname: `${name}-host`, userdata: `#!/bin/sh\necho ${name}-userdata` }),
    );
    expect(device.status).toBe(201);
    const sshKey = await client.post(`/projects/${projectId}/ssh-keys`, { label: `${name}-ssh`, key: sshPublicKey(name) });
    expect(sshKey.status).toBe(201);
    const spot = await client.post(`/projects/${projectId}/spot-market-requests`, {
      devices_min: 1,
      devices_max: 1,
      max_bid_price: 0.0001,
      metro: 'ny',
      instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: `${name}-spot` },
    });
    expect(spot.status).toBe(201);
    expect((await client.put(`/projects/${projectId}/webhook`, { url: `https://${name}.example.com/hook` })).status).toBe(200);
    const events = (await client.get(`/projects/${projectId}/events?per_page=100`)).body.events.map((e: { id: string }) => e.id);
    return {
      name,
      client,
      projectId,
      deviceId: device.body.id,
      sshKeyId: sshKey.body.id,
      apiKeyId: key.id,
      spotRequestId: spot.body.id,
      eventIds: events,
      marks: [
        projectId,
        device.body.id,
        sshKey.body.id,
        key.id,
        spot.body.id,
        ...events,
        `${name}-project`,
        `${name}-host`,
        `${name}-ssh`,
        `${name}-key`,
        `${name}-spot`,
        `${name}-customdata`,
        `${name}.example.com`,
      ],
    };
  }

  beforeAll(async () => {
    cloud = await testCloud('pglite');
    a = await tenant('tenant-a');
    b = await tenant('tenant-b');
  });
  afterAll(async () => {
    await cloud?.close();
  });

  /** Every route that takes an id, aimed at `victim`'s objects. */
  const probes = (victim: Tenant): [string, string, unknown?][] => [
    ['GET', `/projects/${victim.projectId}`],
    ['PUT', `/projects/${victim.projectId}`, { name: 'taken' }],
    ['DELETE', `/projects/${victim.projectId}`],
    ['GET', `/projects/${victim.projectId}/devices`],
    ['POST', `/projects/${victim.projectId}/devices`, deviceInput({ hostname: 'intruder' })],
    ['GET', `/projects/${victim.projectId}/events`],
    ['GET', `/projects/${victim.projectId}/ssh-keys`],
    ['POST', `/projects/${victim.projectId}/ssh-keys`, { label: 'intruder', key: sshPublicKey('intruder') }],
    ['GET', `/projects/${victim.projectId}/api-keys`],
    ['POST', `/projects/${victim.projectId}/api-keys`, { description: 'intruder' }],
    ['GET', `/projects/${victim.projectId}/spot-market-requests`],
    [
      'POST',
      `/projects/${victim.projectId}/spot-market-requests`,
      {
        devices_min: 1,
        devices_max: 1,
        max_bid_price: 1,
        metro: 'ny',
        instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04' },
      },
    ],
    ['PUT', `/projects/${victim.projectId}/webhook`, { url: 'https://intruder.example.com/' }],
    ['GET', `/devices/${victim.deviceId}`],
    ['PUT', `/devices/${victim.deviceId}`, { hostname: 'taken' }],
    ['POST', `/devices/${victim.deviceId}/actions`, { type: 'power_off' }],
    ['GET', `/devices/${victim.deviceId}/events`],
    ['DELETE', `/devices/${victim.deviceId}`],
    ['GET', `/ssh-keys/${victim.sshKeyId}`],
    ['PUT', `/ssh-keys/${victim.sshKeyId}`, { label: 'taken' }],
    ['DELETE', `/ssh-keys/${victim.sshKeyId}`],
    ['GET', `/spot-market-requests/${victim.spotRequestId}`],
    ['PUT', `/spot-market-requests/${victim.spotRequestId}`, { max_bid_price: 99 }],
    ['DELETE', `/spot-market-requests/${victim.spotRequestId}`],
    ['DELETE', `/api-keys/${victim.apiKeyId}`],
    ['DELETE', `/user/api-keys/${victim.apiKeyId}`],
  ];

  const call = (client: Client, method: string, path: string, body?: unknown) =>
    method === 'GET'
      ? client.get(path)
      : method === 'DELETE'
        ? client.delete(path)
        : method === 'PUT'
          ? client.put(path, body)
          : client.post(path, body);

  it.each([
    ['a', 'b'],
    ['b', 'a'],
  ])("tenant %s gets 404 (never 403 or 2xx) on every route aimed at tenant %s's objects", async (attackerName) => {
    const [attacker, victim] = attackerName === 'a' ? [a, b] : [b, a];
    const leaks: string[] = [];
    for (const [method, path, body] of probes(victim)) {
      const res = await call(attacker.client, method, path, body);
      const wrong = res.status !== 404 && !(res.status === 403 && /project API key cannot/.test(res.body?.errors?.[0] ?? ''));
      if (wrong || victim.marks.slice(5).some((m) => res.raw.includes(m)))
        leaks.push(`${method} ${path} → ${res.status} ${res.raw.slice(0, 200)}`);
    }
    expect(leaks).toEqual([]);
  });

  it("the probes changed nothing of the other tenant's", async () => {
    for (const t of [a, b]) {
      const device = await t.client.get(`/devices/${t.deviceId}`);
      expect(device.status).toBe(200);
      expect(device.body.hostname).toBe(`${t.name}-host`);
      expect((await t.client.get(`/projects/${t.projectId}`)).body.name).toBe(`${t.name}-project`);
      expect((await t.client.get(`/ssh-keys/${t.sshKeyId}`)).body.label).toBe(`${t.name}-ssh`);
      expect((await t.client.get(`/spot-market-requests/${t.spotRequestId}`)).body.max_bid_price).toBe(0.0001);
      const devices = (await t.client.get(`/projects/${t.projectId}/devices`)).body.devices;
      expect(devices.map((d: { hostname: string }) => d.hostname)).not.toContain('intruder');
    }
  });

  it("no list or answer a tenant can read carries anything of the other tenant's", async () => {
    for (const [me, other] of [
      [a, b],
      [b, a],
    ]) {
      const reads = [
        '/projects?per_page=100',
        '/events?per_page=100',
        `/projects/${me.projectId}`,
        `/projects/${me.projectId}/devices?per_page=100`,
        `/projects/${me.projectId}/events?per_page=100`,
        `/projects/${me.projectId}/ssh-keys`,
        `/projects/${me.projectId}/api-keys`,
        `/projects/${me.projectId}/spot-market-requests`,
        `/devices/${me.deviceId}`,
        `/devices/${me.deviceId}/events`,
        `/ssh-keys/${me.sshKeyId}`,
        `/spot-market-requests/${me.spotRequestId}`,
        '/ssh-keys',
        '/user/api-keys',
        '/user',
      ];
      for (const path of reads) {
        const res = await me.client.get(path);
        expect(res.status).toBeLessThan(500);
        const leaked = other.marks.filter((m) => res.raw.includes(m));
        expect({ path, leaked }).toEqual({ path, leaked: [] });
      }
      const projects = (await me.client.get('/projects?per_page=100')).body.projects.map((p: { id: string }) => p.id);
      expect(projects).toEqual([me.projectId]);
    }
  });
});
