import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { FastifyInstance } from 'fastify';
import { BootBackend, BootDevice, bootRequestSerializer, bootRoutes, redactTokens } from '../../lib/boot';
import { MemoryBootBackend, TOKEN, installingDevice } from './memory-backend';

const BASE = 'http://boot.example:8080';

async function serve(backend: BootBackend, options: { publicBaseUrl?: string } = { publicBaseUrl: BASE }): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(bootRoutes, { backend, ...options });
  await app.ready();
  return app;
}

/** The kernel line's key=value arguments. */
function kernelArgs(script: string): Map<string, string> {
  const kernel = script.split('\n').find((line) => line.startsWith('kernel '));
  if (!kernel) throw new Error(`no kernel line in:\n${script}`);
  return new Map(
    kernel
      .split(' ')
      .slice(2)
      .map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] as [string, string]),
  );
}

describe('boot routes', () => {
  let backend: MemoryBootBackend;
  let app: FastifyInstance;
  let device: BootDevice;

  beforeEach(async () => {
    backend = new MemoryBootBackend();
    device = backend.add(installingDevice());
    app = await serve(backend);
  });
  afterEach(() => app.close());

  describe('GET /boot/ipxe', () => {
    it('chains an installing device to its OS installer with the metadata URL and token in the kernel arguments', async () => {
      const res = await app.inject({ url: '/boot/ipxe?mac=52-54-00-AA-00-01' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      const lines = res.body.trim().split('\n');
      expect(lines[0]).toBe('#!ipxe');
      expect(lines).toContain(`initrd ${BASE}/installers/osie/initramfs-x86_64`);
      expect(lines[lines.length - 1]).toBe('boot');
      expect(res.body).toMatch(new RegExp(`^kernel ${BASE}/installers/osie/vmlinuz-x86_64 `, 'm'));
      const args = kernelArgs(res.body);
      expect(args.get('metalforge.metadata_url')).toBe(`${BASE}/metadata`);
      expect(args.get('metalforge.phone_home_url')).toBe(`${BASE}/phone-home`);
      expect(args.get('metalforge.events_url')).toBe(`${BASE}/events`);
      expect(args.get('metalforge.token')).toBe(TOKEN);
      expect(args.get('metalforge.os')).toBe('ubuntu_24_04');
      expect(backend.lookups).toEqual([{ mac: '52:54:00:aa:00:01' }]);
    });

    it('boots a rescuing device into the in-memory rescue system with its token, whatever its OS or custom script', async () => {
      Object.assign(device, { mode: 'rescue', ipxeScriptUrl: 'https://ipxe.example.org/boot.ipxe' });
      const res = await app.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01' });
      expect(res.statusCode).toBe(200);
      const lines = res.body.trim().split('\n');
      expect(lines[1]).toBe('echo metalforge: booting the rescue system (alpine-rescue, in memory) on web-1, leaving its disk as it is');
      expect(res.body).toMatch(new RegExp(`^kernel ${BASE}/installers/alpine-rescue/vmlinuz-lts `, 'm'));
      expect(lines).toContain(`initrd ${BASE}/installers/alpine-rescue/initramfs-lts`);
      expect(lines[lines.length - 1]).toBe('boot');
      const args = kernelArgs(res.body);
      expect(args.get('metalforge.mode')).toBe('rescue');
      expect(args.get('metalforge.token')).toBe(TOKEN);
      expect(args.get('metalforge.metadata_url')).toBe(`${BASE}/metadata`);
      expect(args.get('metalforge.phone_home_url')).toBe(`${BASE}/phone-home`);
      expect(args.has('metalforge.os')).toBe(false);
      // Not handed to the custom script: the rescue system phones home itself once it is up.
      expect(backend.phoneHomes).toEqual([]);
      expect((await app.inject({ url: '/installers/alpine-rescue/initramfs-lts' })).statusCode).toBe(200);
    });

    it('picks the installer by distro from the mapping table', async () => {
      device.operatingSystem = { slug: 'flatcar_stable', distro: 'flatcar', version: 'current' };
      const res = await app.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01' });
      expect(res.body).toMatch(new RegExp(`^kernel ${BASE}/installers/flatcar/flatcar_production_pxe.vmlinuz `, 'm'));
      expect(kernelArgs(res.body).get('flatcar.first_boot')).toBe('1');
    });

    it('finds the device by its boot token too', async () => {
      const res = await app.inject({ url: `/boot/ipxe?token=${TOKEN}` });
      expect(kernelArgs(res.body).get('metalforge.token')).toBe(TOKEN);
    });

    it('tells a device in local mode to boot from disk', async () => {
      device.mode = 'local';
      const res = await app.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:02' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(/^#!ipxe\n/);
      expect(res.body).toMatch(/\nexit\n$/);
      expect(res.body).not.toMatch(/kernel|chain/);
    });

    it('chains to a custom iPXE script and phones home for the device, keeping the token out of the script', async () => {
      device.ipxeScriptUrl = 'https://ipxe.example.org/boot.ipxe';
      const res = await app.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01', remoteAddress: '10.70.1.5' });
      expect(res.body).toMatch(/\nchain --autofree https:\/\/ipxe\.example\.org\/boot\.ipxe\n$/);
      expect(res.body).not.toContain(TOKEN);
      expect(backend.phoneHomes).toEqual([{ token: TOKEN, ip: '10.70.1.5' }]);
    });

    it('chains an active always_pxe device to its custom script on every boot', async () => {
      Object.assign(device, { mode: 'local', alwaysPxe: true, ipxeScriptUrl: 'http://ipxe.example.org/x.ipxe' });
      const res = await app.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01' });
      expect(res.body).toMatch(/\nchain --autofree http:\/\/ipxe\.example\.org\/x\.ipxe\n$/);
      expect(backend.phoneHomes).toEqual([]);
    });

    it('refuses a custom script URL that would inject iPXE commands', async () => {
      device.ipxeScriptUrl = 'http://ipxe.example.org/x.ipxe\nshell';
      const res = await app.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01' });
      expect(res.body).not.toMatch(/chain|^shell/m);
      expect(res.body).toMatch(/\nexit\n$/);
    });

    it('fails the provision at once when the OS has no installer', async () => {
      device.operatingSystem = { slug: 'plan9_4', distro: 'plan9', version: '4' };
      const res = await app.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('echo metalforge: cannot boot web-1: no installer for operating system plan9_4');
      expect(res.body).toMatch(/\nexit\n$/);
      expect(backend.progress).toEqual([
        { token: TOKEN, progress: { state: 'failed', message: 'cannot boot: no installer for operating system plan9_4' } },
      ]);
    });

    it('hands the install token to the first fetch only: a second fetch of the same boot gets no token and changes nothing', async () => {
      const first = await app.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01' });
      expect(kernelArgs(first.body).get('metalforge.token')).toBe(TOKEN);
      const second = await app.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01' });
      expect(second.statusCode).toBe(200);
      expect(second.body).not.toContain(TOKEN);
      expect(second.body).not.toMatch(/^(kernel|chain)/m);
      expect(second.body).toContain('the install token of this network boot was already handed out');
      expect(second.body).toMatch(/\nexit\n$/);
      // A probe must not be able to fail the install it could not read.
      expect(backend.progress).toEqual([]);
      expect(backend.phoneHomes).toEqual([]);
      // The engine boots the machine again (a retry): one more hand-out.
      backend.arm(device.id);
      expect(kernelArgs((await app.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01' })).body).get('metalforge.token')).toBe(TOKEN);
    });

    it('neither phones home nor fails the install for a fetch that got no token', async () => {
      const changes = [
        { ipxeScriptUrl: 'https://ipxe.example.org/boot.ipxe' },
        { operatingSystem: { slug: 'plan9_4', distro: 'plan9', version: '4' } },
      ];
      for (const change of changes) {
        Object.assign(device, { ipxeScriptUrl: undefined }, change);
        await backend.takeInstallToken(device.id);
        const res = await app.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01' });
        expect(res.body).not.toMatch(/^chain/m);
        expect(backend.phoneHomes).toEqual([]);
        expect(backend.progress).toEqual([]);
      }
    });

    it('never lets device fields inject iPXE commands through echo', async () => {
      device.hostname = 'web-1${shell}\nshell';
      const res = await app.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01' });
      expect(res.body).not.toMatch(/\$\{shell\}|^shell/m);
    });

    it('answers an unknown MAC with a script that says so and retries, then gives up with exit', async () => {
      const first = await app.inject({ url: '/boot/ipxe?mac=52:54:00:ff:ff:ff' });
      expect(first.statusCode).toBe(200);
      expect(first.body).toContain('no device is provisioned for MAC 52:54:00:ff:ff:ff (attempt 1 of 3)');
      expect(first.body).toMatch(/\nsleep \d+\n/);
      expect(first.body).toContain(`chain --autofree ${BASE}/boot/ipxe?mac=52:54:00:ff:ff:ff&attempt=2`);
      const last = await app.inject({ url: '/boot/ipxe?mac=52:54:00:ff:ff:ff&attempt=3' });
      expect(last.statusCode).toBe(200);
      expect(last.body).toContain('(attempt 3 of 3)');
      expect(last.body).not.toContain('chain');
      expect(last.body).toMatch(/\nexit\n$/);
    });

    it('answers an unknown token without echoing it', async () => {
      const res = await app.inject({ url: '/boot/ipxe?token=not-a-known-token' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('no device is provisioned for this boot token');
      expect(
        res.body
          .split('\n')
          .filter((line) => line.startsWith('echo'))
          .join('\n'),
      ).not.toContain('not-a-known-token');
    });

    it('rejects a request without a MAC or token, naming the field', async () => {
      const res = await app.inject({ url: '/boot/ipxe' });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors[0]).toMatch(/^query\/mac is required/);
    });

    it('rejects a malformed MAC, naming the field', async () => {
      const res = await app.inject({ url: '/boot/ipxe?mac=not-a-mac' });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toEqual({ errors: [expect.stringMatching(/^query\/mac must match pattern/)], code: 'validation_failed' });
    });

    it('hides a backend failure behind the catalogue message', async () => {
      const broken = await serve({
        findDevice: async () => {
          throw new Error('connection to db-7.internal:5432 refused');
        },
        takeInstallToken: async () => null,
        phoneHome: async () => 'unknown',
      });
      const res = await broken.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01' });
      await broken.close();
      expect(res.statusCode).toBe(500);
      expect(res.json().code).toBe('internal');
      expect(res.body).not.toContain('db-7');
    });

    it('defaults the base URL to the scheme and Host the machine used', async () => {
      const derived = await serve(backend, {});
      const res = await derived.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01', headers: { host: '10.0.0.2:8081' } });
      await derived.close();
      expect(kernelArgs(res.body).get('metalforge.metadata_url')).toBe('http://10.0.0.2:8081/metadata');
    });
  });

  it('GET /boot/auto.ipxe chains to the per-machine script by the booting MAC', async () => {
    const res = await app.inject({ url: '/boot/auto.ipxe' });
    expect(res.body).toBe(`#!ipxe\nchain --autofree ${BASE}/boot/ipxe?mac=\${net0/mac}\n`);
  });

  it('serves the simulated installer files the scripts name, and 404 for others', async () => {
    const kernel = await app.inject({ url: '/installers/osie/vmlinuz-x86_64' });
    expect(kernel.statusCode).toBe(200);
    expect(kernel.body).toContain('osie vmlinuz-x86_64');
    const missing = await app.inject({ url: '/installers/osie/vmlinuz-arm64' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().errors).toEqual(['No installer file osie/vmlinuz-arm64.']);
  });

  it('serves real installer files from installerDir, and 404 for one the directory lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metalforge-installers-'));
    try {
      mkdirSync(join(dir, 'osie'));
      const kernel = Buffer.from([0x4d, 0x5a, 0, 1, 2, 255]);
      writeFileSync(join(dir, 'osie', 'vmlinuz-x86_64'), kernel);
      const real = Fastify({ logger: false });
      await real.register(bootRoutes, { backend: new MemoryBootBackend(), installerDir: dir });
      const res = await real.inject({ url: '/installers/osie/vmlinuz-x86_64' });
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload).toEqual(kernel);
      const absent = await real.inject({ url: '/installers/osie/initramfs-x86_64' });
      expect(absent.statusCode).toBe(404);
      expect(absent.json().errors).toEqual(['No installer file osie/initramfs-x86_64 in the installer directory.']);
      await real.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('GET /metadata', () => {
    it('answers the Metal-style metadata of the device at the source address', async () => {
      const res = await app.inject({ url: '/metadata', remoteAddress: '147.75.10.3' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        id: device.id,
        hostname: 'web-1',
        operating_system: { slug: 'ubuntu_24_04', distro: 'ubuntu', version: '24.04' },
        plan: 'c3.small.x86',
        class: 'c3.small.x86',
        facility: 'ny5',
        metro: 'ny',
        tags: ['web', 'prod'],
        ssh_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0 alice@laptop'],
        network: {
          bonding: { mode: 4, link_aggregation: 'mlag_ha', mac: '52:54:00:aa:00:01' },
          interfaces: [
            { name: 'eth0', mac: '52:54:00:aa:00:01', bond: 'bond0' },
            { name: 'eth1', mac: '52:54:00:aa:00:02', bond: 'bond0' },
          ],
          network_type: 'layer3',
          vlans: [],
          addresses: [
            {
              address_family: 4,
              address: '147.75.10.3',
              cidr: 31,
              netmask: '255.255.255.254',
              gateway: '147.75.10.2',
              public: true,
              management: true,
              enabled: true,
            },
            {
              address_family: 4,
              address: '10.70.1.5',
              cidr: 25,
              netmask: '255.255.255.128',
              gateway: '10.70.1.1',
              public: false,
              management: true,
              enabled: true,
            },
            { address_family: 6, address: '2604:1380:1::3', cidr: 127, public: true, management: true, enabled: true },
          ],
        },
        customdata: { role: 'web' },
        phone_home_url: `${BASE}/phone-home`,
        user_state_url: `${BASE}/events`,
      });
      expect(backend.lookups).toEqual([{ ip: '147.75.10.3' }]);
    });

    it('finds the device by the X-Boot-Token header or ?token=, and carries iqn and spot termination', async () => {
      Object.assign(device, { iqn: 'iqn.2026-11.io.metalforge:device.d1b2c3d4', spot: { terminationTime: '2026-11-22T01:00:00Z' } });
      const byHeader = await app.inject({ url: '/metadata', headers: { 'x-boot-token': TOKEN } });
      const byQuery = await app.inject({ url: `/metadata?token=${TOKEN}` });
      for (const res of [byHeader, byQuery]) {
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ id: device.id, iqn: device.iqn, spot: { termination_time: '2026-11-22T01:00:00Z' } });
      }
    });

    it('describes a layer-2 network so the OS configures it: eth1 out of the bond with its VLANs, the native one untagged', async () => {
      device.network = {
        type: 'hybrid',
        bonded: ['eth0'],
        vlans: [
          { vlan: 1000, interface: 'eth1', native: true },
          { vlan: 1001, interface: 'eth1', native: false },
        ],
      };
      const { network } = (await app.inject({ url: `/metadata?token=${TOKEN}` })).json();
      delete device.network;
      expect(network).toMatchObject({
        bonding: { mode: 4, mac: '52:54:00:aa:00:01' },
        interfaces: [
          { name: 'eth0', mac: '52:54:00:aa:00:01', bond: 'bond0' },
          { name: 'eth1', mac: '52:54:00:aa:00:02' },
        ],
        network_type: 'hybrid',
        vlans: [
          { vlan: 1000, interface: 'eth1', native: true },
          { vlan: 1001, interface: 'eth1', native: false },
        ],
      });
      expect(network.interfaces[1]).not.toHaveProperty('bond');
    });

    it('shows an empty spot object for a spot device not being reclaimed, and none for others', async () => {
      expect((await app.inject({ url: `/metadata?token=${TOKEN}` })).json()).not.toHaveProperty('spot');
      device.spot = {};
      expect((await app.inject({ url: `/metadata?token=${TOKEN}` })).json().spot).toEqual({});
    });

    it('answers 404 for an address no device has, and 401 for an unknown token, in the Metal shape', async () => {
      const byIp = await app.inject({ url: '/metadata', remoteAddress: '192.0.2.9' });
      expect(byIp.statusCode).toBe(404);
      expect(byIp.json()).toEqual({ errors: [expect.stringContaining('No device has the address 192.0.2.9')], code: 'not_found' });
      const byToken = await app.inject({ url: '/metadata', headers: { 'x-boot-token': 'wrong-token' } });
      expect(byToken.statusCode).toBe(401);
      expect(byToken.json()).toEqual({ errors: [expect.stringContaining('belongs to no install in progress')], code: 'unauthorized' });
      expect(byToken.body).not.toContain('wrong-token');
    });

    it('finds an IPv4 device from a dual-stack listener, which sees it as IPv4-mapped IPv6', async () => {
      const res = await app.inject({ url: '/metadata', remoteAddress: '::ffff:10.70.1.5' });
      expect(res.statusCode).toBe(200);
      expect(res.json().id).toBe(device.id);
    });

    it('refuses the token on every secret-bearing route once the install phoned home', async () => {
      expect((await app.inject({ method: 'POST', url: '/phone-home', payload: { token: TOKEN } })).statusCode).toBe(200);
      const headers = { 'x-boot-token': TOKEN };
      for (const url of ['/metadata', '/user-data', '/latest/user-data', '/2009-04-04/meta-data/public-keys/0/openssh-key', '/latest/']) {
        const res = await app.inject({ url, headers });
        expect({ url, status: res.statusCode, code: res.json().code }).toEqual({ url, status: 401, code: 'unauthorized' });
      }
      const failing = await app.inject({ method: 'POST', url: '/events', headers, payload: { state: 'failed', message: 'x' } });
      expect(failing.statusCode).toBe(401);
      expect(backend.progress).toEqual([]);
    });

    it('rejects a malformed token header, naming the header', async () => {
      const res = await app.inject({ url: '/metadata', headers: { 'x-boot-token': 'has spaces' } });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors[0]).toMatch(/^headers\/x-boot-token must match pattern/);
    });
  });

  describe('EC2-style metadata', () => {
    const get = (url: string) => app.inject({ url, headers: { 'x-boot-token': TOKEN } });

    it('lists the meta-data index, directories with a trailing slash, under 2009-04-04 and latest', async () => {
      const expected = [
        'instance-id',
        'hostname',
        'local-hostname',
        'plan',
        'facility',
        'metro',
        'tags',
        'local-ipv4',
        'public-ipv4',
        'public-ipv6',
        'operating-system/',
        'public-keys/',
      ];
      for (const url of ['/2009-04-04/meta-data/', '/2009-04-04/meta-data', '/latest/meta-data/']) {
        const res = await get(url);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/plain/);
        expect(res.body.split('\n')).toEqual(expected);
      }
    });

    it('answers the leaves', async () => {
      const leaves: Record<string, string> = {
        'instance-id': device.id,
        hostname: 'web-1',
        'local-ipv4': '10.70.1.5',
        'public-ipv4': '147.75.10.3',
        'public-ipv6': '2604:1380:1::3',
        tags: 'web\nprod',
        'operating-system/slug': 'ubuntu_24_04',
        'public-keys/': '0=alice@laptop',
        'public-keys/0/': 'openssh-key',
        'public-keys/0/openssh-key': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0 alice@laptop',
      };
      for (const [path, value] of Object.entries(leaves)) {
        const res = await get(`/2009-04-04/meta-data/${path}`);
        expect({ path, status: res.statusCode, body: res.body }).toEqual({ path, status: 200, body: value });
      }
    });

    it('lists spot/ with the termination time only while the device is being reclaimed', async () => {
      expect((await get('/latest/meta-data/spot/termination-time')).statusCode).toBe(404);
      device.spot = { terminationTime: '2026-11-22T01:00:00Z' };
      expect((await get('/latest/meta-data/')).body.split('\n')).toContain('spot/');
      expect((await get('/latest/meta-data/spot/termination-time')).body).toBe('2026-11-22T01:00:00Z');
      expect(JSON.parse((await get('/latest/meta-data/spot/instance-action')).body)).toEqual({
        action: 'terminate',
        time: '2026-11-22T01:00:00Z',
      });
    });

    it('answers 404 for a path that is not there', async () => {
      for (const url of ['/latest/meta-data/ami-id', '/latest/meta-data/hostname/extra', '/latest/meta-data/public-keys/1/openssh-key']) {
        const res = await get(url);
        expect({ url, status: res.statusCode }).toEqual({ url, status: 404 });
        expect(res.json().code).toBe('not_found');
      }
    });

    it('serves user-data at /user-data, /2009-04-04/user-data and /latest/user-data', async () => {
      for (const url of ['/user-data', '/2009-04-04/user-data', '/latest/user-data']) {
        const res = await get(url);
        expect(res.statusCode).toBe(200);
        expect(res.body).toBe('#cloud-config\nhostname: web-1\n');
      }
      expect((await get('/2009-04-04/')).body).toBe('meta-data/\nuser-data');
    });

    it('answers 404 when the device has no user-data, and leaves it out of the version index', async () => {
      delete device.userData;
      const res = await get('/latest/user-data');
      expect(res.statusCode).toBe(404);
      expect(res.json().errors).toEqual([`Device ${device.id} has no user data.`]);
      expect((await get('/latest/')).body).toBe('meta-data/');
    });

    it('finds the device by source address like the JSON metadata', async () => {
      const res = await app.inject({ url: '/latest/meta-data/hostname', remoteAddress: '10.70.1.5' });
      expect(res.body).toBe('web-1');
      expect((await app.inject({ url: '/latest/meta-data/hostname', remoteAddress: '192.0.2.9' })).statusCode).toBe(404);
    });
  });

  describe('POST /phone-home', () => {
    it('accepts the token once, then answers 409 on reuse', async () => {
      const first = await app.inject({ method: 'POST', url: '/phone-home', payload: { token: TOKEN }, remoteAddress: '147.75.10.3' });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({ accepted: true });
      expect(backend.phoneHomes).toEqual([{ token: TOKEN, ip: '147.75.10.3' }]);
      const again = await app.inject({ method: 'POST', url: '/phone-home', payload: { token: TOKEN } });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toEqual({ errors: [expect.stringContaining('already used')], code: 'conflict' });
      expect(again.body).not.toContain(TOKEN);
      expect(backend.phoneHomes).toHaveLength(1);
    });

    it('takes the token from the X-Boot-Token header with no body', async () => {
      const res = await app.inject({ method: 'POST', url: '/phone-home', headers: { 'x-boot-token': TOKEN } });
      expect(res.statusCode).toBe(200);
      expect(backend.phoneHomes.map((p) => p.token)).toEqual([TOKEN]);
    });

    it('takes a form-encoded body, as curl -d sends', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/phone-home',
        payload: `token=${TOKEN}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.statusCode).toBe(200);
    });

    it('answers 401 for an unknown token', async () => {
      const res = await app.inject({ method: 'POST', url: '/phone-home', payload: { token: 'no-such-token' } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ errors: [expect.stringContaining('belongs to no install in progress')], code: 'unauthorized' });
    });

    it('rejects a missing token, naming the field', async () => {
      const res = await app.inject({ method: 'POST', url: '/phone-home', payload: {} });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors[0]).toMatch(/^body\/token is required/);
    });

    it('rejects a token of the wrong type or shape, naming the field and not echoing it', async () => {
      const wrongType = await app.inject({ method: 'POST', url: '/phone-home', payload: { token: { value: 'a' } } });
      expect(wrongType.statusCode).toBe(422);
      expect(wrongType.json().errors[0]).toMatch(/^body\/token must be string/);
      const wrongShape = await app.inject({ method: 'POST', url: '/phone-home', payload: { token: 'secret value!' } });
      expect(wrongShape.statusCode).toBe(422);
      expect(wrongShape.body).not.toContain('secret value');
    });

    it('answers 400 in the Metal shape for a body that is not JSON', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/phone-home',
        payload: '{"token": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ errors: [expect.stringContaining('not valid JSON')], code: 'bad_request' });
    });
  });

  describe('POST /events', () => {
    it('forwards installer progress to the backend', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/events',
        headers: { 'x-boot-token': TOKEN },
        payload: { state: 'running', percentage: 40, message: 'writing image' },
      });
      expect(res.statusCode).toBe(202);
      expect(backend.progress).toEqual([{ token: TOKEN, progress: { state: 'running', percentage: 40, message: 'writing image' } }]);
    });

    it('rejects bad input, naming the field', async () => {
      const cases: [object, RegExp][] = [
        [{ token: TOKEN, state: 'running', percentage: 150, message: 'x' }, /^body\/percentage must be <= 100/],
        [{ token: TOKEN, state: 'done', message: 'x' }, /^body\/state /],
        [{ token: TOKEN, state: 'running' }, /^body\/message is required/],
        [{ state: 'running', message: 'x' }, /^body\/token is required/],
      ];
      for (const [payload, message] of cases) {
        const res = await app.inject({ method: 'POST', url: '/events', payload });
        expect(res.statusCode).toBe(422);
        expect(res.json().errors[0]).toMatch(message);
      }
      expect(backend.progress).toEqual([]);
    });

    it('answers 401 for an unknown token', async () => {
      const res = await app.inject({ method: 'POST', url: '/events', payload: { token: 'nope', state: 'running', message: 'x' } });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('unauthorized');
    });

    it('does not exist, and metadata has no user_state_url, when the backend takes no progress', async () => {
      const minimal = await serve({
        findDevice: (by) => backend.findDevice(by),
        takeInstallToken: (id) => backend.takeInstallToken(id),
        phoneHome: (t, r) => backend.phoneHome(t, r),
      });
      const events = await minimal.inject({ method: 'POST', url: '/events', payload: { token: TOKEN, state: 'running', message: 'x' } });
      const metadata = await minimal.inject({ url: `/metadata?token=${TOKEN}` });
      const script = await minimal.inject({ url: '/boot/ipxe?mac=52:54:00:aa:00:01' });
      await minimal.close();
      expect(events.statusCode).toBe(404);
      expect(metadata.json()).not.toHaveProperty('user_state_url');
      expect(kernelArgs(script.body).has('metalforge.events_url')).toBe(false);
    });
  });
});

describe('bootRequestSerializer', () => {
  it('keeps tokens in query strings out of the access log', async () => {
    const lines: string[] = [];
    const app = Fastify({
      logger: { level: 'info', stream: { write: (line: string) => lines.push(line) }, serializers: { req: bootRequestSerializer } },
    });
    const backend = new MemoryBootBackend();
    backend.add(installingDevice());
    await app.register(bootRoutes, { backend, publicBaseUrl: BASE });
    const res = await app.inject({ url: `/metadata?token=${TOKEN}` });
    await app.close();
    expect(res.statusCode).toBe(200);
    const requestLine = lines.map((line) => JSON.parse(line)).find((entry) => entry.req);
    expect(requestLine.req.url).toBe('/metadata?token=[redacted]');
    expect(lines.join('')).not.toContain(TOKEN);
  });
});

describe('redactTokens', () => {
  it('removes token values from URLs before they reach a log', () => {
    expect(redactTokens('/metadata?token=abc&x=1')).toBe('/metadata?token=[redacted]&x=1');
    expect(redactTokens('/boot/ipxe?mac=aa&TOKEN=abc')).toBe('/boot/ipxe?mac=aa&TOKEN=[redacted]');
    expect(redactTokens('/boot/ipxe?mac=aa')).toBe('/boot/ipxe?mac=aa');
  });
});
