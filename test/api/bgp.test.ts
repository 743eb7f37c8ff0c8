/**
 * BGP over HTTP on both stores, with the simulated metro router: a project enables BGP, a device opens sessions,
 * the router is configured with the project's blocks, the session's status and learned routes are read back from
 * it, and a router that cannot be configured shows the session down with a reason. Tenants reach only their own.
 */
import type { Cloud } from '../../lib/cloud';
import { routerSessionId } from '../../lib/engine/network/bgp-rules';
import { RouterUnavailable, SimRouter, type BgpSession, type RouterDriver } from '../../lib/drivers/router';
import { apiClient, availableBackends, deviceInput, eventually, freshPostgresUrl, stopPostgres, testCloud } from '../support/cloud';
import { describeWithPostgres } from '../support/pg-cluster';

jest.setTimeout(180_000);

const PASSWORD = 'Bgp0Secret42';
const JSON_BODY = { 'content-type': 'application/json' };

/** A simulated router that refuses every change while `failing` is set. */
class FlakyRouter extends SimRouter implements RouterDriver {
  failing = false;
  lastSessions: readonly BgpSession[] = [];
  override async reconcile(sessions: readonly BgpSession[]): Promise<void> {
    if (this.failing) throw new RouterUnavailable('unreachable', 'BIRD at /secret/path/bird.ctl did not take "configure": gone');
    this.lastSessions = sessions;
    return super.reconcile(sessions);
  }
}

describe.each(availableBackends())('BGP over HTTP on %s', (backend) => {
  let cloud: Cloud;
  const routers = new Map<string, FlakyRouter>();
  let admin: ReturnType<typeof apiClient>;
  let projectId: string;
  let deviceId: string;

  beforeAll(async () => {
    cloud = await testCloud(backend, {
      routers: (metro) => {
        const router = new FlakyRouter();
        routers.set(metro, router);
        return { router };
      },
    });
    admin = apiClient(cloud);
    projectId = (await admin.post('/projects', { name: 'bgp' })).body.id;
    const device = await admin.post(`/projects/${projectId}/devices`, deviceInput({ metro: 'ny', hostname: 'speaker' }));
    expect(device.status).toBe(201);
    deviceId = device.body.id;
    await eventually(async () => (await admin.get(`/devices/${deviceId}`)).body.state === 'active', 'the device to be active');
  });
  afterAll(async () => {
    await cloud.close();
    if (backend === 'postgres') await stopPostgres();
  });

  it('answers {} before BGP is enabled, and refuses sessions until it is', async () => {
    expect(await admin.get(`/projects/${projectId}/bgp-config`)).toMatchObject({ status: 200, body: {} });
    const res = await admin.post(`/devices/${deviceId}/bgp/sessions`, { address_family: 'ipv4' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.stringMatching(/^device: the device's project has no BGP configuration; enable BGP first/)]);
  });

  it('refuses bad configurations naming the field and the fix', async () => {
    const bad = async (body: object) => (await admin.post(`/projects/${projectId}/bgp-configs`, body)).body.errors;
    expect(await bad({ deployment_type: 'private', asn: 65000 })).toEqual(['deployment_type: must be one of local, global']);
    expect(await bad({ deployment_type: 'local', asn: 0 })).toEqual([expect.stringMatching(/^asn: must be at least 1/)]);
    expect(await bad({ deployment_type: 'local', asn: 4294967296 })).toEqual([expect.stringMatching(/^asn: must be at most 4294967295/)]);
    expect(await bad({ deployment_type: 'local', asn: 65530 })).toEqual([
      expect.stringMatching(/^asn: 65530 is the metro routers' own ASN/),
    ]);
    const md5 = await bad({ deployment_type: 'local', asn: 65000, md5: 'short' });
    expect(md5).toEqual([
      'md5: must be 10 to 20 letters and digits, with at least one lowercase letter, one uppercase letter and one digit (it is 5 characters long)',
    ]);
    expect(await bad({ deployment_type: 'local' })).toEqual(['asn: is required']);
  });

  it('enables BGP once; the same request again is done, another is refused; md5 is sealed at rest', async () => {
    const body = { deployment_type: 'local', asn: 65000, md5: PASSWORD, unknown_field: 1 };
    expect((await admin.post(`/projects/${projectId}/bgp-configs`, body)).status).toBe(204);
    expect((await admin.post(`/projects/${projectId}/bgp-configs`, body)).status).toBe(204);
    const other = await admin.post(`/projects/${projectId}/bgp-configs`, { ...body, asn: 65001 });
    expect(other.status).toBe(422);
    expect(other.body.errors[0]).toMatch(/^project: already has a BGP configuration \(local, ASN 65000\)/);
    const config = await admin.get(`/projects/${projectId}/bgp-config`);
    expect(config.body).toMatchObject({
      deployment_type: 'local',
      asn: 65000,
      md5: PASSWORD,
      max_prefix: 10,
      status: 'enabled',
      sessions: [],
    });
    const [stored] = await cloud.db.query<{ md5_sealed: string }>('SELECT md5_sealed FROM bgp_configs WHERE project_id = $1', [projectId]);
    expect(stored.md5_sealed).not.toContain(PASSWORD);
    const events = await cloud.db.query<{ body: string }>('SELECT body FROM events WHERE project_id = $1', [projectId]);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it('opens a session, configures the metro router with the project blocks, and reads status and routes back', async () => {
    const elastic = (await admin.post(`/projects/${projectId}/ips`, { type: 'public_ipv4', metro: 'ny', quantity: 4 })).body;
    const created = await admin.post(`/devices/${deviceId}/bgp/sessions`, { address_family: 'ipv4', default_route: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ address_family: 'ipv4', default_route: true, status: 'down', learned_routes: [] });
    const id = created.body.id;
    const twice = await Promise.all([1, 2].map(() => admin.post(`/devices/${deviceId}/bgp/sessions`, { address_family: 'ipv4' })));
    for (const res of twice) {
      expect(res.status).toBe(422);
      expect(res.body.errors[0]).toMatch(/^address_family: device .* already has an ipv4 BGP session/);
    }

    const router = routers.get('ny')!;
    const device = (await admin.get(`/devices/${deviceId}`)).body;
    const privateIp = device.ip_addresses.find(
      (a: { public: boolean; address_family: number }) => !a.public && a.address_family === 4,
    ).address;
    expect(router.lastSessions).toEqual([
      {
        id: routerSessionId(id),
        neighborIp: privateIp,
        neighborAsn: 65000,
        localAsn: 65530,
        md5Password: PASSWORD,
        maxPrefixes: 10,
        allowedPrefixes: [{ prefix: `${elastic.network}/30` }],
        defaultRoute: true,
      },
    ]);

    const neighbors = await admin.get(`/devices/${deviceId}/bgp/neighbors`);
    expect(neighbors.body.bgp_neighbors).toEqual([
      {
        address_family: 4,
        customer_as: 65000,
        customer_ip: privateIp,
        md5_enabled: true,
        md5_password: PASSWORD,
        multihop: true,
        peer_as: 65530,
        peer_ips: ['169.254.255.1', '169.254.255.2'],
        routes_in: [{ route: `${elastic.network}/30`, exact: false }],
        routes_out: [{ route: '0.0.0.0/0', exact: true }],
      },
    ]);

    // The customer's speaker connects and announces one of its addresses and a prefix it does not own.
    const peer = router.peer(routerSessionId(id));
    peer.connect({ asn: 65000, md5Password: PASSWORD });
    peer.announce([`${elastic.network}/32`, '192.0.2.0/24']);
    const up = await admin.get(`/bgp/sessions/${id}`);
    expect(up.body).toMatchObject({ id, status: 'up', reason: null, learned_routes: [`${elastic.network}/32`] });
    expect((await admin.get(`/projects/${projectId}/bgp/sessions`)).body.bgp_sessions).toEqual([up.body]);
    expect((await admin.get(`/devices/${deviceId}/bgp/sessions`)).body.bgp_sessions).toEqual([up.body]);
    expect((await admin.get(`/projects/${projectId}/bgp-config`)).body.sessions).toEqual([up.body]);

    // The default route is turned off and on again (the body is a bare JSON boolean, as in Metal's spec).
    const off = await admin.put(`/bgp/sessions/${id}`, JSON.stringify(false), JSON_BODY);
    expect(off).toMatchObject({ status: 200, body: { id, default_route: false } });
    expect(router.lastSessions[0].defaultRoute).toBe(false);
    expect((await admin.put(`/bgp/sessions/${id}`, JSON.stringify('yes'), JSON_BODY)).status).toBe(422);
    expect((await admin.put(`/bgp/sessions/${id}`, JSON.stringify(true), JSON_BODY)).body.default_route).toBe(true);
    expect(router.lastSessions[0].defaultRoute).toBe(true);

    // A new global block reaches the router's filter at once.
    const global = (await admin.post(`/projects/${projectId}/ips`, { type: 'global_ipv4', quantity: 1 })).body;
    expect(router.lastSessions[0].allowedPrefixes).toEqual([{ prefix: `${elastic.network}/30` }, { prefix: `${global.network}/32` }]);
    expect((await admin.get(`/devices/${deviceId}/bgp/neighbors`)).body.bgp_neighbors[0].routes_in).toEqual([
      { route: `${elastic.network}/30`, exact: false },
      { route: `${global.network}/32`, exact: true },
    ]);
  });

  it('shows a session down with the reason when the router cannot be configured, and applies it once the router is back', async () => {
    const router = routers.get('ny')!;
    router.failing = true;
    const created = await admin.post(`/devices/${deviceId}/bgp/sessions`, { address_family: 'ipv6' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'down',
      reason: 'the metro router did not answer; the change is applied again when the session is next read',
    });
    expect(created.raw).not.toContain('/secret/path');
    // The other session is untouched.
    expect((await admin.get(`/devices/${deviceId}/bgp/sessions`)).body.bgp_sessions[0]).toMatchObject({
      address_family: 'ipv4',
      status: 'up',
    });
    router.failing = false;
    const again = await admin.get(`/bgp/sessions/${created.body.id}`);
    expect(again.body).toMatchObject({ status: 'down', reason: 'Passive' });
    expect(router.lastSessions.map((s) => s.id)).toContain(routerSessionId(created.body.id));
    const v6 = (await admin.get(`/devices/${deviceId}/bgp/neighbors`)).body.bgp_neighbors[1];
    expect(v6).toMatchObject({ address_family: 6, peer_ips: ['fc00::e', 'fc00::f'], routes_in: [], routes_out: [] });
    expect((await admin.delete(`/bgp/sessions/${created.body.id}`)).status).toBe(204);
  });

  it('keeps tenants apart: another project key gets 404, a read-only key cannot write', async () => {
    const otherProject = (await admin.post('/projects', { name: 'other' })).body.id;
    const otherKey = (await admin.post(`/projects/${otherProject}/api-keys`, { description: 'other' })).body.token;
    const other = apiClient(cloud, otherKey);
    const [session] = (await admin.get(`/devices/${deviceId}/bgp/sessions`)).body.bgp_sessions;
    for (const path of [
      `/projects/${projectId}/bgp-config`,
      `/projects/${projectId}/bgp/sessions`,
      `/devices/${deviceId}/bgp/sessions`,
      `/devices/${deviceId}/bgp/neighbors`,
      `/bgp/sessions/${session.id}`,
    ]) {
      expect((await other.get(path)).status).toBe(404);
    }
    expect((await other.delete(`/bgp/sessions/${session.id}`)).status).toBe(404);
    expect((await other.post(`/devices/${deviceId}/bgp/sessions`, { address_family: 'ipv6' })).status).toBe(404);
    expect((await other.post(`/projects/${projectId}/bgp-configs`, { deployment_type: 'local', asn: 65000 })).status).toBe(404);

    const reader = (await admin.post(`/projects/${projectId}/api-keys`, { description: 'ro', read_only: true })).body.token;
    const ro = apiClient(cloud, reader);
    expect((await ro.get(`/bgp/sessions/${session.id}`)).status).toBe(200);
    expect((await ro.delete(`/bgp/sessions/${session.id}`)).status).toBe(403);
    expect((await ro.put(`/bgp/sessions/${session.id}`, JSON.stringify(false), JSON_BODY)).status).toBe(403);
    expect((await other.put(`/bgp/sessions/${session.id}`, JSON.stringify(false), JSON_BODY)).status).toBe(404);
    expect((await ro.post(`/devices/${deviceId}/bgp/sessions`, { address_family: 'ipv6' })).status).toBe(403);
  });

  it('deletes a session: the router drops it and the event log says so', async () => {
    const [session] = (await admin.get(`/devices/${deviceId}/bgp/sessions`)).body.bgp_sessions;
    expect((await admin.delete(`/bgp/sessions/${session.id}`)).status).toBe(204);
    expect(routers.get('ny')!.lastSessions).toEqual([]);
    expect((await admin.get(`/bgp/sessions/${session.id}`)).status).toBe(404);
    expect((await admin.delete(`/bgp/sessions/${session.id}`)).status).toBe(404);
    const events = await cloud.db.query<{ type: string }>(
      `SELECT type FROM events WHERE project_id = $1 AND type LIKE 'bgp%' ORDER BY seq`,
      [projectId],
    );
    expect(events.map((e) => e.type)).toEqual([
      'bgp_config.enabled',
      'bgp_session.created',
      'bgp_session.updated',
      'bgp_session.updated',
      'bgp_session.created',
      'bgp_session.deleted',
      'bgp_session.deleted',
    ]);
  });

  it('opens a session once under an Idempotency-Key: the retry gets the same answer, marked replayed', async () => {
    const key = { 'idempotency-key': 'bgp-session-once' };
    const first = await admin.post(`/devices/${deviceId}/bgp/sessions`, { address_family: 'ipv4' }, key);
    expect(first.status).toBe(201);
    const again = await admin.post(`/devices/${deviceId}/bgp/sessions`, { address_family: 'ipv4' }, key);
    expect([again.status, again.headers['idempotent-replayed'], again.body.id]).toEqual([201, 'true', first.body.id]);
    expect((await admin.get(`/devices/${deviceId}/bgp/sessions`)).body.bgp_sessions.map((x: { id: string }) => x.id)).toEqual([
      first.body.id,
    ]);
  });

  it('gives a router that lost its sessions (restarted) the sessions again when they are read', async () => {
    const router = routers.get('ny')!;
    await router.reconcile([]);
    expect(router.lastSessions).toEqual([]);
    const [session] = (await admin.get(`/devices/${deviceId}/bgp/sessions`)).body.bgp_sessions;
    expect(router.lastSessions.map((x) => x.id)).toEqual([routerSessionId(session.id)]);
  });

  it("ends a deleted device's sessions: the router drops them by a durable job, and the event log says so", async () => {
    expect(routers.get('ny')!.lastSessions).toHaveLength(1);
    expect((await admin.delete(`/devices/${deviceId}`)).status).toBe(204);
    // The job's row goes when the job completes, just after its router call returns.
    await eventually(
      async () =>
        routers.get('ny')!.lastSessions.length === 0 &&
        (await cloud.db.query("SELECT id FROM jobs WHERE kind = 'reconcile_router'")).length === 0,
      'the metro router to drop the session and its job to complete',
    );
    expect((await admin.get(`/projects/${projectId}/bgp/sessions`)).body.bgp_sessions).toEqual([]);
    const [ended] = await cloud.db.query<{ body: string }>(
      "SELECT body FROM events WHERE project_id = $1 AND type = 'bgp_session.deleted' ORDER BY seq DESC LIMIT 1",
      [projectId],
    );
    expect(ended.body).toBe('BGP session (ipv4) deleted with its device');
  });

  it("lists a global deployment's global IPv4 reservations as its global BGP ranges, and none for a local one", async () => {
    const global = (await admin.post('/projects', { name: 'anycast' })).body.id;
    expect((await admin.post(`/projects/${global}/bgp-configs`, { deployment_type: 'global', asn: 65100 })).status).toBe(204);
    const reserved = (await admin.post(`/projects/${global}/ips`, { type: 'global_ipv4', quantity: 1 })).body;
    await admin.post(`/projects/${global}/ips`, { type: 'public_ipv4', metro: 'ny', quantity: 4 });
    expect((await admin.get(`/projects/${global}/global-bgp-ranges`)).body).toEqual({
      global_bgp_ranges: [
        {
          id: reserved.id,
          address_family: 4,
          range: `${reserved.network}/32`,
          project: { href: `/metal/v1/projects/${global}` },
          href: `/metal/v1/ips/${reserved.id}`,
        },
      ],
    });
    expect((await admin.get(`/projects/${projectId}/global-bgp-ranges`)).body).toEqual({ global_bgp_ranges: [] });
  });
});

describeWithPostgres('one metro router, two servers on one PostgreSQL', () => {
  afterAll(() => stopPostgres());

  it('changes the router one server at a time, each from the store: it ends holding every session', async () => {
    const databaseUrl = await freshPostgresUrl();
    const router = new FlakyRouter();
    const options = { databaseUrl, adminToken: 'mf_bgp_two_servers_admin', routers: () => ({ router }) };
    const [a, b] = [await testCloud('postgres', options), await testCloud('postgres', options)];
    try {
      const [apiA, apiB] = [apiClient(a), apiClient(b)];
      const project = (await apiA.post('/projects', { name: 'two-servers' })).body.id;
      expect((await apiA.post(`/projects/${project}/bgp-configs`, { deployment_type: 'local', asn: 65200 })).status).toBe(204);
      const ids: string[] = [];
      for (let i = 0; i < 6; i++)
        ids.push((await apiA.post(`/projects/${project}/devices`, deviceInput({ hostname: `two-${i}` }))).body.id);
      await eventually(
        async () => (await Promise.all(ids.map(async (id) => (await apiA.get(`/devices/${id}`)).body.state))).every((s) => s === 'active'),
        'the devices to be active',
      );
      const created = await Promise.all(
        ids.map((id, i) => (i % 2 ? apiA : apiB).post(`/devices/${id}/bgp/sessions`, { address_family: 'ipv4' })),
      );
      expect(created.map((r) => r.status)).toEqual(Array(6).fill(201));
      expect(router.lastSessions.map((x) => x.id).sort()).toEqual(created.map((r) => routerSessionId(r.body.id)).sort());
    } finally {
      await a.close();
      await b.close();
    }
  });
});
