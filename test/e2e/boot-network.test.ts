/**
 * Two tenants and one machine, over real HTTP on loopback: the boot service has its own listener, and what a
 * client that knows a device's MAC can get from it. Tenant B probes tenant A's device on the boot network during
 * and after A's install, and after A's machine is reused for B; nothing of A (install token, user data, SSH
 * keys, customdata) reaches B, and B cannot fail A's install. The simulated machine installs over the same boot
 * listener, on a manual clock, so each probe happens in the phase it is meant for.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { DEFAULT_CATALOG, createCloud, type Cloud } from '../../lib/cloud';
import { ManualClock } from '../../lib/core/clock';
import { loadCatalogFile } from '../../lib/engine/operator';
import { eventually, freshPostgresUrl, removeTempDirs, stopPostgres, tempDir } from '../support/cloud';
import { describeWithPostgres } from '../support/pg-cluster';

/** Only this address may say, in X-Forwarded-For, which machine it forwards; tenants probe from 127.0.0.2. */
const PROXY = '127.0.0.1';
const TENANT = '127.0.0.2';

interface Answer {
  status: number;
  body: string;
}

/** One HTTP exchange from a chosen local address (the loopback network is 127.0.0.0/8). */
function call(
  url: string,
  options: { method?: string; from?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        localAddress: options.from ?? TENANT,
        headers: { ...options.headers, ...(payload !== undefined && { 'content-type': 'application/json' }) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface Device {
  id: string;
  state: string;
  network_ports: { type: string; data: { mac?: string } }[];
  ip_addresses: { address: string; public: boolean; address_family: number }[];
}

const SECRETS = {
  a: {
    userdata: '#cloud-config\n# tenant-a-userdata-secret\n',
    customdata: { secret: 'tenant-a-customdata' },
    key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAItenantA a@a',
  },
  b: {
    userdata: '#cloud-config\n# tenant-b-userdata-secret\n',
    customdata: { secret: 'tenant-b-customdata' },
    key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAItenantB b@b',
  },
};
/** The MAC of a device's first NIC (bond0, listed first, has none of its own). */
const nicMac = (device: Device): string => device.network_ports.find((p) => p.type === 'NetworkPort')!.data.mac!;

const leaksOfA = (text: string) =>
  [SECRETS.a.userdata.trim(), SECRETS.a.customdata.secret, 'AAAAItenantA', 'metalforge.token'].filter((s) => text.includes(s));

describe('the boot network, apart from the API', () => {
  const clock = new ManualClock(new Date());
  let cloud: Cloud;
  let boot: string;
  let api: string;
  const tokens: Record<'a' | 'b', string> = { a: '', b: '' };
  const projects: Record<'a' | 'b', string> = { a: '', b: '' };

  /** Tenant `who`'s API, with its project key. */
  const metal = async <T>(who: 'a' | 'b', method: string, path: string, body?: unknown): Promise<T> => {
    const res = await call(`${api}/metal/v1${path}`, { method, from: TENANT, headers: { 'x-auth-token': tokens[who] }, body });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.body}`);
    return (res.body ? JSON.parse(res.body) : undefined) as T;
  };
  const row = async (id: string) =>
    (
      await cloud.db.query<{ state: string; install_token_armed: boolean; install_generation: number }>(
        'SELECT state, install_token_armed, install_generation FROM devices WHERE id = $1',
        [id],
      )
    )[0];
  /** Moves the manual clock a second at a time (bounded) until `done`, letting jobs and HTTP run in between. */
  const drive = async (done: () => Promise<boolean>, what: string) => {
    for (let step = 0; step < 600; step++) {
      if (await done()) return;
      await clock.advance(1000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`never reached: ${what}`);
  };
  /** The machine has fetched its iPXE script: the install's one hand-out is gone. */
  const tokenTaken = (id: string) => async () => {
    const r = await row(id);
    return r.state === 'provisioning' && !r.install_token_armed;
  };
  const inState = (id: string, state: string) => async () => (await row(id)).state === state;
  /** The token the machine got (computed here as the engine derives it), to show when it stops working. */
  const machineToken = async (id: string) => cloud.engine.installs.phoneHomeToken(id, (await row(id)).install_generation);

  beforeAll(async () => {
    // One machine, so tenant B's device lands on the machine tenant A used.
    const catalog = join(tempDir('metalforge-boot-network-'), 'catalog.json');
    writeFileSync(
      catalog,
      JSON.stringify({ ...loadCatalogFile(DEFAULT_CATALOG), hardware: [{ facilities: ['ny5'], per_facility: { 'c3.small.x86': 1 } }] }),
    );
    cloud = await createCloud({ catalog, clock, simScale: 1, port: 0, bootPath: 'http', bootTrustedProxies: [PROXY] });
    api = await cloud.listen();
    boot = cloud.bootUrl!;
    for (const who of ['a', 'b'] as const) {
      const admin = { 'x-auth-token': cloud.adminToken };
      const project = JSON.parse(
        (await call(`${api}/metal/v1/projects`, { method: 'POST', headers: admin, body: { name: `tenant-${who}` } })).body,
      ) as { id: string };
      projects[who] = project.id;
      tokens[who] = (
        JSON.parse(
          (await call(`${api}/metal/v1/projects/${project.id}/api-keys`, { method: 'POST', headers: admin, body: { description: who } }))
            .body,
        ) as { token: string }
      ).token;
      await metal(who, 'POST', `/projects/${project.id}/ssh-keys`, { label: who, key: SECRETS[who].key });
    }
  }, 180_000);

  afterAll(async () => {
    await cloud?.close();
    removeTempDirs();
    await stopPostgres();
  });

  const create = (who: 'a' | 'b') =>
    metal<Device>(who, 'POST', `/projects/${projects[who]}/devices`, {
      plan: 'c3.small.x86',
      metro: 'ny',
      operating_system: 'ubuntu_24_04',
      hostname: `host-${who}`,
      userdata: SECRETS[who].userdata,
      customdata: SECRETS[who].customdata,
    });

  const BOOT_ROUTES: [string, string][] = [
    ['GET', '/boot/ipxe?mac=52:54:00:00:00:01'],
    ['GET', '/boot/auto.ipxe'],
    ['GET', '/metadata'],
    ['GET', '/user-data'],
    ['POST', '/phone-home'],
    ['POST', '/events'],
    ['GET', '/2009-04-04/meta-data/'],
    ['GET', '/latest/user-data'],
    ['GET', '/installers/osie/vmlinuz-x86_64'],
  ];

  it('serves no boot route on the public API listener, and all of them on the boot listener', async () => {
    for (const [method, path] of BOOT_ROUTES) {
      const res = await call(`${api}${path}`, {
        method,
        body: method === 'POST' ? { token: 'x', state: 'failed', message: 'x' } : undefined,
      });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(JSON.parse(res.body)).toEqual({ errors: [expect.stringContaining('no route')], code: 'not_found' });
    }
    expect((await call(`${boot}/boot/auto.ipxe`)).body).toMatch(/^#!ipxe\n/);
    expect((await call(`${boot}/installers/osie/vmlinuz-x86_64`)).status).toBe(200);
    const unknown = await call(`${boot}/metal/v1/projects`);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).code).toBe('not_found');
  });

  let deviceA: Device;
  let tokenA: string;

  it("gives a tenant probing another tenant's device by MAC during its install no token, no secrets and no way to fail it", async () => {
    deviceA = await create('a');
    const mac = nicMac(deviceA);
    await drive(tokenTaken(deviceA.id), "A's machine to fetch its iPXE script");
    tokenA = await machineToken(deviceA.id);
    // The machine's own token works while it installs (so the refusals below are about the token's life, not its form).
    expect((await call(`${boot}/metadata`, { headers: { 'x-boot-token': tokenA } })).status).toBe(200);

    for (const url of [
      `/boot/ipxe?mac=${mac}`,
      `/boot/ipxe?mac=${mac.toUpperCase().replace(/:/g, '-')}`,
      `/boot/ipxe?mac=${mac}&attempt=2`,
    ]) {
      const script = await call(`${boot}${url}`);
      expect(script.status).toBe(200);
      expect(leaksOfA(script.body)).toEqual([]);
      expect(script.body).not.toContain(tokenA);
    }
    // Without a token, metadata is for the device's own address: a tenant's address, or a forged header from a
    // peer that is not a trusted proxy, gets none.
    const publicIp = deviceA.ip_addresses.find((ip) => ip.public && ip.address_family === 4)!.address;
    for (const path of ['/metadata', '/user-data', '/latest/meta-data/public-keys/0/openssh-key']) {
      for (const headers of [{}, { 'x-forwarded-for': publicIp }] as Record<string, string>[]) {
        const res = await call(`${boot}${path}`, { headers });
        expect({ path, headers, status: res.status }).toEqual({ path, headers, status: 404 });
        expect(leaksOfA(res.body)).toEqual([]);
      }
    }
    for (const token of ['guess', `${deviceA.id}.guess`]) {
      const failing = await call(`${boot}/events`, {
        method: 'POST',
        headers: { 'x-boot-token': token },
        body: { state: 'failed', message: 'x' },
      });
      expect(failing.status).toBe(401);
      expect(JSON.parse(failing.body).code).toBe('unauthorized');
    }
    expect((await row(deviceA.id)).state).toBe('provisioning');

    await drive(inState(deviceA.id, 'active'), "A's install to finish");
  }, 180_000);

  it("ends A's token at phone-home, and answers A's metadata only to A's own address", async () => {
    const headers = { 'x-boot-token': tokenA };
    for (const path of ['/metadata', '/user-data', '/2009-04-04/user-data', '/latest/meta-data/public-keys/0/openssh-key']) {
      const res = await call(`${boot}${path}`, { headers });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(leaksOfA(res.body)).toEqual([]);
    }
    const failing = await call(`${boot}/events`, { method: 'POST', headers, body: { state: 'failed', message: 'x' } });
    expect(failing.status).toBe(401);
    expect((await call(`${boot}/phone-home`, { method: 'POST', headers })).status).toBe(401);
    expect((await row(deviceA.id)).state).toBe('active');

    // From A's address (through the trusted proxy): A's metadata, as Metal's metadata service answered.
    const privateIp = deviceA.ip_addresses.find((ip) => !ip.public)!.address;
    const own = await call(`${boot}/metadata`, { from: PROXY, headers: { 'x-forwarded-for': privateIp } });
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({
      id: deviceA.id,
      customdata: SECRETS.a.customdata,
      ssh_keys: expect.arrayContaining([SECRETS.a.key]),
    });
    expect((await call(`${boot}/user-data`, { from: PROXY, headers: { 'x-forwarded-for': privateIp } })).body).toBe(SECRETS.a.userdata);
    expect((await call(`${boot}/metadata`, { from: PROXY, headers: { 'x-forwarded-for': '198.51.100.7' } })).status).toBe(404);
  });

  it("leaks nothing of A to B when B gets A's machine, and ends B's token when B deletes its device mid-install", async () => {
    await metal('a', 'DELETE', `/devices/${deviceA.id}`);
    await drive(inState(deviceA.id, 'deleted'), "A's device to be deleted");
    const mac = nicMac(deviceA);
    expect(leaksOfA((await call(`${boot}/boot/ipxe?mac=${mac}`)).body)).toEqual([]);

    const deviceB = await create('b');
    expect(nicMac(deviceB)).toBe(mac);
    await drive(tokenTaken(deviceB.id), "B's machine to fetch its iPXE script");
    const tokenB = await machineToken(deviceB.id);
    expect((await call(`${boot}/metadata`, { headers: { 'x-boot-token': tokenB } })).status).toBe(200);
    expect((await call(`${boot}/metadata`, { headers: { 'x-boot-token': tokenA } })).status).toBe(401);
    expect(leaksOfA((await call(`${boot}/boot/ipxe?mac=${mac}`)).body)).toEqual([]);
    // A's private address went back to A's project: it answers nobody's metadata; B's own answers B's, never A's.
    const addressOfA = deviceA.ip_addresses.find((ip) => !ip.public)!.address;
    expect((await call(`${boot}/metadata`, { from: PROXY, headers: { 'x-forwarded-for': addressOfA } })).status).toBe(404);
    const address = deviceB.ip_addresses.find((ip) => !ip.public)!.address;
    expect(address).not.toBe(addressOfA);
    const atAddress = await call(`${boot}/metadata`, { from: PROXY, headers: { 'x-forwarded-for': address } });
    expect(JSON.parse(atAddress.body)).toMatchObject({ id: deviceB.id, customdata: SECRETS.b.customdata });
    expect(leaksOfA(atAddress.body)).toEqual([]);

    await metal('b', 'DELETE', `/devices/${deviceB.id}`);
    for (const path of ['/metadata', '/user-data']) {
      expect((await call(`${boot}${path}`, { headers: { 'x-boot-token': tokenB } })).status).toBe(401);
    }
    expect((await call(`${boot}/phone-home`, { method: 'POST', headers: { 'x-boot-token': tokenB } })).status).toBe(401);
    await drive(inState(deviceB.id, 'deleted'), "B's device to be deleted");
  }, 180_000);
});

describeWithPostgres('two servers on one PostgreSQL behind one boot address', () => {
  it('lets the server the machine reaches hand out its token and finish the install another server started', async () => {
    const databaseUrl = await freshPostgresUrl();
    const adminToken = 'mf_shared_admin_token_for_two_boot_servers';
    // The servers share the key that derives install tokens, as the README asks of servers on one database.
    const previousKey = process.env.METALFORGE_SECRET_KEY;
    process.env.METALFORGE_SECRET_KEY = randomBytes(32).toString('base64');
    const common = { databaseUrl, adminToken, simScale: 0, port: 0, bootPath: 'http' as const };
    // Server B only answers machines; server A runs the jobs and its machines call back at B's address, as they
    // would at a load balancer that sent them there.
    const bLog: string[] = [];
    const b = await createCloud({
      ...common,
      startWorkers: false,
      logger: pino({ level: 'info' }, { write: (line: string) => void bLog.push(line) }),
    });
    let a: Cloud | undefined;
    try {
      await b.listen();
      a = await createCloud({ ...common, bootPublicUrl: b.bootUrl });
      await a.listen();
      expect(a.bootUrl).toBe(b.bootUrl);
      const admin = { 'x-auth-token': adminToken };
      const project = JSON.parse(
        (await call(`${a.url}/metal/v1/projects`, { method: 'POST', headers: admin, body: { name: 'lb' } })).body,
      ) as { id: string };
      const created = await call(`${a.url}/metal/v1/projects/${project.id}/devices`, {
        method: 'POST',
        headers: admin,
        body: { plan: 'c3.small.x86', metro: 'ny', operating_system: 'ubuntu_24_04' },
      });
      const { id } = JSON.parse(created.body) as { id: string };
      await eventually(async () => {
        const res = await call(`${a!.url}/metal/v1/devices/${id}`, { headers: admin });
        return (JSON.parse(res.body) as { state: string }).state === 'active';
      }, 'the device to become active through server B');
      const events = JSON.parse((await call(`${a.url}/metal/v1/devices/${id}/events?per_page=100`, { headers: admin })).body) as {
        events: { body: string }[];
      };
      expect(events.events.map((e) => e.body).join('\n')).toMatch(/phone home/);
      const bRequests = bLog
        .map((line) => JSON.parse(line) as { req?: { method: string; url: string } })
        .flatMap((entry) => (entry.req ? [entry.req] : []));
      const seen = bRequests.map((r) => `${r.method} ${r.url.split('?')[0]}`);
      expect(seen).toEqual(expect.arrayContaining(['GET /boot/ipxe', 'GET /metadata', 'POST /events', 'POST /phone-home']));
    } finally {
      await a?.close();
      await b.close();
      if (previousKey === undefined) delete process.env.METALFORGE_SECRET_KEY;
      else process.env.METALFORGE_SECRET_KEY = previousKey;
    }
  }, 180_000);
});
