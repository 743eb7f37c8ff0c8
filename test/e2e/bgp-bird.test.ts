/**
 * BGP end to end with real BIRD 2: the API enables BGP for a project and opens a session for an active device; the
 * engine configures a BIRD metro router (on loopback, an unprivileged port); a customer BIRD configured only from
 * GET /devices/{id}/bgp/neighbors announces an address of the project's block and a prefix the project does not
 * own. The router learns the first, rejects the second, and withdraws the route when the session is deleted.
 *
 * The simulated device's private IPv4 address (what the router peers with) is moved onto a loopback address here,
 * so the customer BIRD can bind it without touching the host's interfaces.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cloud } from '../../lib/cloud';
import { SimRouter, startMetroRouter, type BirdProcess, type MetroRouter } from '../../lib/drivers/router';
import { birdc } from '../../lib/drivers/router/bird-control';
import { parseRoutePrefixes } from '../../lib/drivers/router/bird-output';
import { routerSessionId } from '../../lib/engine/network/bgp-rules';
import { describeWithBird, startCustomer } from '../support/bird';
import { apiClient, deviceInput, eventually, testCloud } from '../support/cloud';
import { freePort } from '../support/pg-cluster';

jest.setTimeout(180_000);

const ROUTER_IP = '127.0.0.1';
const DEVICE_PRIVATE_IP = '127.0.0.12';
const PASSWORD = 'Bird2Secret9';
const NOT_OWNED = '192.0.2.0/24';

describeWithBird('BGP through the API with a BIRD metro router and a BIRD customer', () => {
  let root: string;
  let metro: MetroRouter;
  let routerPort: number;
  let cloud: Cloud;
  let customer: BirdProcess | undefined;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'metalforge-bgp-e2e-'));
    routerPort = await freePort();
    metro = await startMetroRouter({ dir: join(root, 'metro'), routerId: ROUTER_IP, listen: { ipv4: ROUTER_IP, port: routerPort } });
    cloud = await testCloud('pglite', {
      routers: (code) => (code === 'ny' ? { router: metro.router, peerIps: { ipv4: [ROUTER_IP] } } : { router: new SimRouter() }),
    });
  });

  afterAll(async () => {
    await Promise.allSettled([customer?.stop(), metro?.bird.stop()]);
    await cloud?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('learns the owned address, rejects the other prefix, and withdraws the route when the session is deleted', async () => {
    const api = apiClient(cloud);
    const projectId = (await api.post('/projects', { name: 'bgp-e2e' })).body.id;
    expect((await api.post(`/projects/${projectId}/bgp-configs`, { deployment_type: 'local', asn: 65000, md5: PASSWORD })).status).toBe(
      204,
    );
    const deviceId = (await api.post(`/projects/${projectId}/devices`, deviceInput({ metro: 'ny', hostname: 'bird-speaker' }))).body.id;
    await eventually(async () => (await api.get(`/devices/${deviceId}`)).body.state === 'active', 'the device to be active', 60_000);
    await cloud.db.query(
      `UPDATE devices SET ip_addresses = (SELECT jsonb_agg(CASE WHEN a->>'public' = 'false' AND (a->>'address_family')::int = 4
         THEN jsonb_set(a, '{address}', to_jsonb($2::text)) ELSE a END) FROM jsonb_array_elements(ip_addresses) a) WHERE id = $1`,
      [deviceId, DEVICE_PRIVATE_IP],
    );
    const block = (await api.post(`/projects/${projectId}/ips`, { type: 'public_ipv4', metro: 'ny', quantity: 4 })).body;
    const owned = `${block.network}/32`;

    const created = await api.post(`/devices/${deviceId}/bgp/sessions`, { address_family: 'ipv4' });
    expect(created.status).toBe(201);
    const sessionId = created.body.id;
    expect(created.body).toMatchObject({ status: 'down', reason: 'Passive' });

    const [neighbor] = (await api.get(`/devices/${deviceId}/bgp/neighbors`)).body.bgp_neighbors;
    expect(neighbor).toMatchObject({
      customer_ip: DEVICE_PRIVATE_IP,
      customer_as: 65000,
      peer_as: 65530,
      peer_ips: [ROUTER_IP],
      md5_enabled: true,
      routes_in: [{ route: `${block.network}/30`, exact: false }],
    });
    customer = await startCustomer(join(root, 'customer'), {
      address: neighbor.customer_ip,
      port: await freePort(),
      asn: neighbor.customer_as,
      router: { address: neighbor.peer_ips[0], port: routerPort, asn: neighbor.peer_as },
      md5Password: neighbor.md5_password,
      announce: [owned, NOT_OWNED],
    });

    const up = await eventually(
      async () => {
        const s = (await api.get(`/bgp/sessions/${sessionId}`)).body;
        return s.status === 'up' && s.learned_routes.length > 0 && s;
      },
      'the session to come up with a learned route',
      60_000,
    );
    expect(up.learned_routes).toEqual([owned]);
    const learned = await eventually(async () => {
      const routes = await metro.router.learnedRoutes(routerSessionId(sessionId));
      return routes.length === 2 && routes;
    }, 'both announcements to reach the router');
    expect(learned).toEqual(
      expect.arrayContaining([
        { prefix: owned, accepted: true },
        { prefix: NOT_OWNED, accepted: false },
      ]),
    );
    expect(parseRoutePrefixes(await birdc(metro.bird.socket, ['show', 'route']))).toContain(owned);

    expect((await api.delete(`/bgp/sessions/${sessionId}`)).status).toBe(204);
    await eventually(
      async () => !parseRoutePrefixes(await birdc(metro.bird.socket, ['show', 'route'])).includes(owned),
      'the route to be withdrawn',
    );
    expect(await metro.router.sessionStates()).toEqual([]);
  });
});
