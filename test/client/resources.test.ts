/** Every resource-family method sends the method, path, query and body of the contract, and unwraps the answer. */
import type { MetalClient } from '../../lib/client';
import { harness, isolateNetwork } from './harness';

isolateNetwork();

interface Case {
  call: (c: MetalClient) => Promise<unknown>;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query as sent, relative to the origin. */
  url: string;
  body?: unknown;
  /** What the server answers (status 200 unless `status`). */
  reply?: unknown;
  status?: number;
  /** What the call resolves to. */
  result: unknown;
}

const one = { id: 'x1' };
const V = '/metal/v1';
const page = (key: string) => ({ [key]: [one], meta: undefined });
const listed = { items: [one], meta: undefined };

const sshKey = { label: 'ops', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG ops@host' };
const machine = {
  facility: 'ny5',
  plan: 'c3.small.x86',
  macs: ['0c:c4:7a:00:00:01'],
  bmc: { driver: 'redfish' as const, address: 'https://127.0.0.1:8443', username: 'admin', password: 'bmc-pass' },
};

const cases: Record<string, Case> = {
  'user.get': { call: (c) => c.user.get(), method: 'GET', url: `${V}/user`, reply: one, result: one },

  'projects.list': {
    call: (c) => c.projects.list({ page: 2, per_page: 50 }),
    method: 'GET',
    url: `${V}/projects?page=2&per_page=50`,
    reply: page('projects'),
    result: listed,
  },
  'projects.create': {
    call: (c) => c.projects.create({ name: 'edge', tags: ['a'] }),
    method: 'POST',
    url: `${V}/projects`,
    body: { name: 'edge', tags: ['a'] },
    status: 201,
    reply: one,
    result: one,
  },
  'projects.get': {
    call: (c) => c.projects.get('p1', { include: ['devices', 'ssh_keys'] }),
    method: 'GET',
    url: `${V}/projects/p1?include=devices,ssh_keys`,
    reply: one,
    result: one,
  },
  'projects.update': {
    call: (c) => c.projects.update('p1', { name: 'core' }),
    method: 'PUT',
    url: `${V}/projects/p1`,
    body: { name: 'core' },
    reply: one,
    result: one,
  },
  'projects.delete': { call: (c) => c.projects.delete('p1'), method: 'DELETE', url: `${V}/projects/p1`, status: 204, result: undefined },

  'devices.list': {
    call: (c) =>
      c.devices.list('p1', {
        include: ['plan', 'project.organization'],
        exclude: ['ssh_keys', 'facility'],
        state: 'active',
        hostname: 'web-1',
        tag: 'prod',
        page: 3,
      }),
    method: 'GET',
    url: `${V}/projects/p1/devices?include=plan,project.organization&exclude=ssh_keys,facility&state=active&hostname=web-1&tag=prod&page=3`,
    reply: page('devices'),
    result: listed,
  },
  'devices.create': {
    call: (c) => c.devices.create('p1', { plan: 'c3.small.x86', metro: 'ny', operating_system: 'ubuntu_24_04', hostname: 'web-1' }),
    method: 'POST',
    url: `${V}/projects/p1/devices`,
    body: { plan: 'c3.small.x86', metro: 'ny', operating_system: 'ubuntu_24_04', hostname: 'web-1' },
    status: 201,
    reply: one,
    result: one,
  },
  'devices.get': {
    call: (c) => c.devices.get('d1', { include: ['plan'], exclude: ['project'] }),
    method: 'GET',
    url: `${V}/devices/d1?include=plan&exclude=project`,
    reply: one,
    result: one,
  },
  'devices.get (waiting)': {
    call: (c) => c.devices.get('d1', { include: ['plan'], wait: { states: ['active', 'failed'], timeoutSeconds: 20 } }),
    method: 'GET',
    url: `${V}/devices/d1?include=plan&wait_for_state=active,failed&wait_timeout=20`,
    reply: one,
    result: one,
  },
  'devices.update': {
    call: (c) => c.devices.update('d1', { locked: true }),
    method: 'PUT',
    url: `${V}/devices/d1`,
    body: { locked: true },
    reply: one,
    result: one,
  },
  'devices.delete': { call: (c) => c.devices.delete('d1'), method: 'DELETE', url: `${V}/devices/d1`, status: 204, result: undefined },
  'devices.delete force': {
    call: (c) => c.devices.delete('d1', { forceDelete: true }),
    method: 'DELETE',
    url: `${V}/devices/d1?force_delete=true`,
    status: 204,
    result: undefined,
  },
  'devices.action': {
    call: (c) => c.devices.action('d1', { type: 'reinstall', operating_system: 'debian_12', preserve_data: true }),
    method: 'POST',
    url: `${V}/devices/d1/actions`,
    body: { type: 'reinstall', operating_system: 'debian_12', preserve_data: true },
    status: 202,
    result: undefined,
  },

  'plans.list': {
    call: (c) => c.plans.list({ metro: 'ny' }),
    method: 'GET',
    url: `${V}/plans?metro=ny`,
    reply: page('plans'),
    result: listed,
  },
  'metros.list': { call: (c) => c.metros.list(), method: 'GET', url: `${V}/locations/metros`, reply: page('metros'), result: listed },
  'metros.get (id encoded)': {
    call: (c) => c.metros.get('a b/c'),
    method: 'GET',
    url: `${V}/locations/metros/a%20b%2Fc`,
    reply: one,
    result: one,
  },
  'facilities.list': { call: (c) => c.facilities.list(), method: 'GET', url: `${V}/facilities`, reply: page('facilities'), result: listed },
  'operatingSystems.list': {
    call: (c) => c.operatingSystems.list(),
    method: 'GET',
    url: `${V}/operating-systems`,
    reply: page('operating_systems'),
    result: listed,
  },
  'capacity.metros': {
    call: (c) => c.capacity.metros(),
    method: 'GET',
    url: `${V}/capacity/metros`,
    reply: { capacity: { ny: { 'c3.small.x86': { level: 'normal', available_servers: 12 } } } },
    result: { capacity: { ny: { 'c3.small.x86': { level: 'normal', available_servers: 12 } } } },
  },

  'sshKeys.list': { call: (c) => c.sshKeys.list(), method: 'GET', url: `${V}/ssh-keys`, reply: page('ssh_keys'), result: listed },
  'sshKeys.create': {
    call: (c) => c.sshKeys.create(sshKey),
    method: 'POST',
    url: `${V}/ssh-keys`,
    body: sshKey,
    status: 201,
    reply: one,
    result: one,
  },
  'sshKeys.listForProject': {
    call: (c) => c.sshKeys.listForProject('p1'),
    method: 'GET',
    url: `${V}/projects/p1/ssh-keys`,
    reply: page('ssh_keys'),
    result: listed,
  },
  'sshKeys.createForProject': {
    call: (c) => c.sshKeys.createForProject('p1', sshKey),
    method: 'POST',
    url: `${V}/projects/p1/ssh-keys`,
    body: sshKey,
    status: 201,
    reply: one,
    result: one,
  },
  'sshKeys.get': { call: (c) => c.sshKeys.get('k1'), method: 'GET', url: `${V}/ssh-keys/k1`, reply: one, result: one },
  'sshKeys.update': {
    call: (c) => c.sshKeys.update('k1', { label: 'ops2' }),
    method: 'PUT',
    url: `${V}/ssh-keys/k1`,
    body: { label: 'ops2' },
    reply: one,
    result: one,
  },
  'sshKeys.delete': { call: (c) => c.sshKeys.delete('k1'), method: 'DELETE', url: `${V}/ssh-keys/k1`, status: 204, result: undefined },

  'events.list': {
    call: (c) => c.events.list({ per_page: 100 }),
    method: 'GET',
    url: `${V}/events?per_page=100`,
    reply: page('events'),
    result: listed,
  },
  'events.listForProject': {
    call: (c) => c.events.listForProject('p1'),
    method: 'GET',
    url: `${V}/projects/p1/events`,
    reply: page('events'),
    result: listed,
  },
  'events.listForDevice': {
    call: (c) => c.events.listForDevice('d1', { page: 2 }),
    method: 'GET',
    url: `${V}/devices/d1/events?page=2`,
    reply: page('events'),
    result: listed,
  },

  'apiKeys.list': { call: (c) => c.apiKeys.list(), method: 'GET', url: `${V}/user/api-keys`, reply: page('api_keys'), result: listed },
  'apiKeys.create': {
    call: (c) => c.apiKeys.create({ description: 'ci', read_only: true }),
    method: 'POST',
    url: `${V}/user/api-keys`,
    body: { description: 'ci', read_only: true },
    status: 201,
    reply: { id: 'k1', token: 'shown-once' },
    result: { id: 'k1', token: 'shown-once' },
  },
  'apiKeys.delete': { call: (c) => c.apiKeys.delete('k1'), method: 'DELETE', url: `${V}/user/api-keys/k1`, status: 204, result: undefined },
  'apiKeys.listForProject': {
    call: (c) => c.apiKeys.listForProject('p1'),
    method: 'GET',
    url: `${V}/projects/p1/api-keys`,
    reply: page('api_keys'),
    result: listed,
  },
  'apiKeys.createForProject': {
    call: (c) => c.apiKeys.createForProject('p1', {}),
    method: 'POST',
    url: `${V}/projects/p1/api-keys`,
    body: {},
    status: 201,
    reply: one,
    result: one,
  },
  'apiKeys.deleteProjectKey': {
    call: (c) => c.apiKeys.deleteProjectKey('k2'),
    method: 'DELETE',
    url: `${V}/api-keys/k2`,
    status: 204,
    result: undefined,
  },

  'operator.metros.create': {
    call: (c) => c.operator.metros.create({ code: 'fr', name: 'Frankfurt', country: 'DE', kind: 'core', latitude: 50.1, longitude: 8.7 }),
    method: 'POST',
    url: `${V}/operator/metros`,
    body: { code: 'fr', name: 'Frankfurt', country: 'DE', kind: 'core', latitude: 50.1, longitude: 8.7 },
    status: 201,
    reply: one,
    result: one,
  },
  'operator.metros.list': {
    call: (c) => c.operator.metros.list(),
    method: 'GET',
    url: `${V}/operator/metros`,
    reply: page('metros'),
    result: listed,
  },
  'operator.facilities.create': {
    call: (c) => c.operator.facilities.create({ code: 'fr2', name: 'FR2', metro: 'fr' }),
    method: 'POST',
    url: `${V}/operator/facilities`,
    body: { code: 'fr2', name: 'FR2', metro: 'fr' },
    status: 201,
    reply: one,
    result: one,
  },
  'operator.facilities.list': {
    call: (c) => c.operator.facilities.list(),
    method: 'GET',
    url: `${V}/operator/facilities`,
    reply: page('facilities'),
    result: listed,
  },
  'operator.plans.list': {
    call: (c) => c.operator.plans.list(),
    method: 'GET',
    url: `${V}/operator/plans`,
    reply: page('plans'),
    result: listed,
  },
  'operator.operatingSystems.create': {
    call: (c) => c.operator.operatingSystems.create({ slug: 'alpine_3', name: 'Alpine 3', distro: 'alpine', version: '3' }),
    method: 'POST',
    url: `${V}/operator/operating-systems`,
    body: { slug: 'alpine_3', name: 'Alpine 3', distro: 'alpine', version: '3' },
    status: 201,
    reply: one,
    result: one,
  },
  'operator.operatingSystems.list': {
    call: (c) => c.operator.operatingSystems.list(),
    method: 'GET',
    url: `${V}/operator/operating-systems`,
    reply: page('operating_systems'),
    result: listed,
  },
  'operator.machines.create': {
    call: (c) => c.operator.machines.create(machine),
    method: 'POST',
    url: `${V}/operator/machines`,
    body: machine,
    status: 201,
    reply: one,
    result: one,
  },
  'operator.machines.list': {
    call: (c) => c.operator.machines.list(),
    method: 'GET',
    url: `${V}/operator/machines`,
    reply: page('machines'),
    result: listed,
  },
  'operator.machines.get': {
    call: (c) => c.operator.machines.get('m1'),
    method: 'GET',
    url: `${V}/operator/machines/m1`,
    reply: one,
    result: one,
  },
  'operator.machines.delete': {
    call: (c) => c.operator.machines.delete('m1'),
    method: 'DELETE',
    url: `${V}/operator/machines/m1`,
    status: 204,
    result: undefined,
  },

  'ips.listForProject': {
    call: (c) => c.ips.listForProject('p1', { types: ['public_ipv4', 'global_ipv4'] }),
    method: 'GET',
    url: `${V}/projects/p1/ips?types=public_ipv4,global_ipv4`,
    reply: page('ip_addresses'),
    result: listed,
  },
  'ips.reserve': {
    call: (c) => c.ips.reserve('p1', { type: 'public_ipv4', quantity: 4, metro: 'ny', details: 'web' }),
    method: 'POST',
    url: `${V}/projects/p1/ips`,
    body: { type: 'public_ipv4', quantity: 4, metro: 'ny', details: 'web' },
    status: 201,
    reply: one,
    result: one,
  },
  'ips.get': { call: (c) => c.ips.get('i1'), method: 'GET', url: `${V}/ips/i1`, reply: one, result: one },
  'ips.update': {
    call: (c) => c.ips.update('i1', { tags: ['b'] }),
    method: 'PUT',
    url: `${V}/ips/i1`,
    body: { tags: ['b'] },
    reply: one,
    result: one,
  },
  'ips.delete': { call: (c) => c.ips.delete('i1'), method: 'DELETE', url: `${V}/ips/i1`, status: 204, result: undefined },
  'ips.available': {
    call: (c) => c.ips.available('i1', 31),
    method: 'GET',
    url: `${V}/ips/i1/available?cidr=31`,
    reply: { available: ['198.51.100.0/31'] },
    result: { available: ['198.51.100.0/31'] },
  },
  'ips.assign': {
    call: (c) => c.ips.assign('d1', { address: '198.51.100.9/32' }),
    method: 'POST',
    url: `${V}/devices/d1/ips`,
    body: { address: '198.51.100.9/32' },
    status: 201,
    reply: one,
    result: one,
  },
  'ips.listForDevice': {
    call: (c) => c.ips.listForDevice('d1', { per_page: 100 }),
    method: 'GET',
    url: `${V}/devices/d1/ips?per_page=100`,
    reply: page('ip_addresses'),
    result: listed,
  },
  'ips.getAssignment': { call: (c) => c.ips.getAssignment('a1'), method: 'GET', url: `${V}/ips/a1`, reply: one, result: one },
  'ips.unassign': { call: (c) => c.ips.unassign('a1'), method: 'DELETE', url: `${V}/ips/a1`, status: 204, result: undefined },

  'bgp.requestConfig': {
    call: (c) => c.bgp.requestConfig('p1', { deployment_type: 'local', asn: 65000 }),
    method: 'POST',
    url: `${V}/projects/p1/bgp-configs`,
    body: { deployment_type: 'local', asn: 65000 },
    status: 204,
    result: undefined,
  },
  'bgp.config': { call: (c) => c.bgp.config('p1'), method: 'GET', url: `${V}/projects/p1/bgp-config`, reply: one, result: one },
  'bgp.createSession': {
    call: (c) => c.bgp.createSession('d1', { address_family: 'ipv4', default_route: false }),
    method: 'POST',
    url: `${V}/devices/d1/bgp/sessions`,
    body: { address_family: 'ipv4', default_route: false },
    status: 201,
    reply: one,
    result: one,
  },
  'bgp.sessionsOfDevice': {
    call: (c) => c.bgp.sessionsOfDevice('d1'),
    method: 'GET',
    url: `${V}/devices/d1/bgp/sessions`,
    reply: { bgp_sessions: [one] },
    result: [one],
  },
  'bgp.getSession': { call: (c) => c.bgp.getSession('s1'), method: 'GET', url: `${V}/bgp/sessions/s1`, reply: one, result: one },
  'bgp.deleteSession': {
    call: (c) => c.bgp.deleteSession('s1'),
    method: 'DELETE',
    url: `${V}/bgp/sessions/s1`,
    status: 204,
    result: undefined,
  },
  'bgp.neighbors': {
    call: (c) => c.bgp.neighbors('d1'),
    method: 'GET',
    url: `${V}/devices/d1/bgp/neighbors`,
    reply: { bgp_neighbors: [one] },
    result: [one],
  },

  'vlans.create': {
    call: (c) => c.vlans.create('p1', { metro: 'ny', vxlan: 1040, description: 'db' }),
    method: 'POST',
    url: `${V}/projects/p1/virtual-networks`,
    body: { metro: 'ny', vxlan: 1040, description: 'db' },
    status: 201,
    reply: one,
    result: one,
  },
  'vlans.list': {
    call: (c) => c.vlans.list('p1', { metro: 'ny' }),
    method: 'GET',
    url: `${V}/projects/p1/virtual-networks?metro=ny`,
    reply: { virtual_networks: [one] },
    result: [one],
  },
  'vlans.get': { call: (c) => c.vlans.get('v1'), method: 'GET', url: `${V}/virtual-networks/v1`, reply: one, result: one },
  'vlans.delete': { call: (c) => c.vlans.delete('v1'), method: 'DELETE', url: `${V}/virtual-networks/v1`, status: 204, result: undefined },
  'ports.get': { call: (c) => c.ports.get('e1'), method: 'GET', url: `${V}/ports/e1`, reply: one, result: one },
  'ports.assign': {
    call: (c) => c.ports.assign('e1', '1040'),
    method: 'POST',
    url: `${V}/ports/e1/assign`,
    body: { vnid: '1040' },
    reply: one,
    result: one,
  },
  'ports.unassign': {
    call: (c) => c.ports.unassign('e1', 'v1'),
    method: 'POST',
    url: `${V}/ports/e1/unassign`,
    body: { vnid: 'v1' },
    reply: one,
    result: one,
  },
  'ports.bond': {
    call: (c) => c.ports.bond('b1', true),
    method: 'POST',
    url: `${V}/ports/b1/bond?bulk_enable=true`,
    body: {},
    reply: one,
    result: one,
  },
  'ports.disbond': {
    call: (c) => c.ports.disbond('e1'),
    method: 'POST',
    url: `${V}/ports/e1/disbond?bulk_disable=false`,
    body: {},
    reply: one,
    result: one,
  },
  'ports.convertToLayer2': {
    call: (c) => c.ports.convertToLayer2('b1'),
    method: 'POST',
    url: `${V}/ports/b1/convert/layer-2`,
    body: {},
    reply: one,
    result: one,
  },
  'ports.convertToLayer3': {
    call: (c) => c.ports.convertToLayer3('b1', { request_ips: [{ address_family: 4, public: true }] }),
    method: 'POST',
    url: `${V}/ports/b1/convert/layer-3`,
    body: { request_ips: [{ address_family: 4, public: true }] },
    reply: one,
    result: one,
  },
  'ports.assignNative': {
    call: (c) => c.ports.assignNative('e1', 'v1'),
    method: 'POST',
    url: `${V}/ports/e1/native-vlan?vnid=v1`,
    body: {},
    reply: one,
    result: one,
  },
  'ports.removeNative': {
    call: (c) => c.ports.removeNative('e1'),
    method: 'DELETE',
    url: `${V}/ports/e1/native-vlan`,
    reply: one,
    result: one,
  },
  'ports.createBatch': {
    call: (c) => c.ports.createBatch('e1', [{ vlan: '1040', state: 'assigned', native: true }]),
    method: 'POST',
    url: `${V}/ports/e1/vlan-assignments/batches`,
    body: { vlan_assignments: [{ vlan: '1040', state: 'assigned', native: true }] },
    status: 201,
    reply: one,
    result: one,
  },
  'ports.getBatch': {
    call: (c) => c.ports.getBatch('e1', 'b9'),
    method: 'GET',
    url: `${V}/ports/e1/vlan-assignments/batches/b9`,
    reply: one,
    result: one,
  },
  'ports.listBatches': {
    call: (c) => c.ports.listBatches('e1'),
    method: 'GET',
    url: `${V}/ports/e1/vlan-assignments/batches`,
    reply: { batches: [one] },
    result: [one],
  },
  'metalGateways.create': {
    call: (c) => c.metalGateways.create('p1', { virtual_network_id: 'v1', private_ipv4_subnet_size: 8 }),
    method: 'POST',
    url: `${V}/projects/p1/metal-gateways`,
    body: { virtual_network_id: 'v1', private_ipv4_subnet_size: 8 },
    status: 201,
    reply: one,
    result: one,
  },
  'metalGateways.list': {
    call: (c) => c.metalGateways.list('p1'),
    method: 'GET',
    url: `${V}/projects/p1/metal-gateways`,
    reply: { metal_gateways: [one] },
    result: [one],
  },
  'metalGateways.get': {
    call: (c) => c.metalGateways.get('g1', { include: ['ip_reservation'] }),
    method: 'GET',
    url: `${V}/metal-gateways/g1?include=ip_reservation`,
    reply: one,
    result: one,
  },
  'metalGateways.delete': {
    call: (c) => c.metalGateways.delete('g1'),
    method: 'DELETE',
    url: `${V}/metal-gateways/g1`,
    status: 204,
    result: undefined,
  },
};

describe('resource families', () => {
  it.each(Object.entries(cases))('%s', async (_name, c) => {
    const { client, api } = harness();
    const sent: Array<{ url: string; body: unknown; key: string | null }> = [];
    api.intercept(/.*/, c.method).reply(function (uri, body) {
      const key = this.req.headers['idempotency-key'];
      sent.push({ url: uri, body: body === '' ? undefined : body, key: typeof key === 'string' ? key : null });
      return c.reply === undefined ? [c.status ?? 200] : [c.status ?? 200, c.reply];
    });
    await expect(c.call(client)).resolves.toEqual(c.result);
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe(c.url);
    expect(sent[0].body).toEqual(c.body);
    // Every POST carries a key, so it can be retried safely; other methods need none.
    expect(sent[0].key !== null).toBe(c.method === 'POST');
  });
});
