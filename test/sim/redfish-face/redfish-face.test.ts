import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SimMachine } from '../../../lib/sim/machine';
import { RedfishFace, RequestRecord, startRedfishFace } from '../../../lib/sim/redfish-face';
import { machineOf, sushyAvailable, toolExists } from './fixtures';

const run = promisify(execFile);
const ADMIN = { username: 'admin', password: 'face-secret' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN_AUTH = basic(ADMIN.username, ADMIN.password);

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, any>;
}

async function call(
  face: RedfishFace,
  method: string,
  path: string,
  init: { auth?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.auth) headers.Authorization = init.auth;
  if (init.token) headers['X-Auth-Token'] = init.token;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const url = new URL(path, face.baseUrl);
  // Over HTTPS the client trusts the face's CA, as an operator's tools trust a BMC's.
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method, headers, ca: face.caCert, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) answerHeaders.set(name, String(value));
        resolve({ status: res.statusCode ?? 0, headers: answerHeaders, json: text ? JSON.parse(text) : {} });
      });
    });
    req.on('error', reject);
    req.end(init.body === undefined ? undefined : JSON.stringify(init.body));
  });
}

describe('Redfish face over HTTP (http: true)', () => {
  let face: RedfishFace;
  const machines: Record<string, SimMachine> = {
    m1: machineOf('m1'),
    m2: machineOf('m2'),
    smc3: machineOf('smc3', { manufacturer: 'Supermicro' }),
    lenovo4: machineOf('lenovo4', { manufacturer: 'Lenovo' }),
    drop5: machineOf('drop5', { faults: { dropBootSettingRate: 1 } }),
    busy6: machineOf('busy6', { faults: { bmcBusyRate: 1 } }),
    hung7: machineOf('hung7', { faults: { bmcTimeoutRate: 1 } }),
    slow8: machineOf('slow8', { scale: 1, timings: { powerOnMs: 1500, powerOffMs: 1500, postMs: 0, installMs: 0 } }),
    own9: machineOf('own9'),
  };
  const requests: RequestRecord[] = [];

  beforeAll(async () => {
    face = await startRedfishFace({
      machines: Object.values(machines),
      credentials: (id) => (id === 'own9' ? { username: 'ops', password: 'own-secret' } : ADMIN),
      http: true,
      sessionLimit: 2,
      busyRetryAfterSeconds: 3,
      stallMs: 20,
      onRequest: (record) => requests.push(record),
    });
  });
  afterAll(() => face.close());

  it('serves the version document and the service root without credentials', async () => {
    expect((await call(face, 'GET', '/redfish')).json).toEqual({ v1: '/redfish/v1/' });
    const root = await call(face, 'GET', '/redfish/v1/');
    expect(root.status).toBe(200);
    expect(root.headers.get('odata-version')).toBe('4.0');
    expect(root.json.Links.Sessions['@odata.id']).toBe('/redfish/v1/SessionService/Sessions');
    expect(root.json.Systems['@odata.id']).toBe('/redfish/v1/Systems');
  });

  it('answers 401 without credentials or with a wrong password, and lists only the systems an account may see', async () => {
    expect((await call(face, 'GET', '/redfish/v1/Systems')).status).toBe(401);
    const wrong = await call(face, 'GET', '/redfish/v1/Systems', { auth: basic('admin', 'nope') });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.json)).not.toContain('face-secret');
    const all = await call(face, 'GET', '/redfish/v1/Systems', { auth: ADMIN_AUTH });
    expect(all.json.Members.map((m: any) => m['@odata.id'])).not.toContain('/redfish/v1/Systems/own9');
    expect(all.json['Members@odata.count']).toBe(Object.keys(machines).length - 1);
    const ops = await call(face, 'GET', '/redfish/v1/Systems', { auth: basic('ops', 'own-secret') });
    expect(ops.json.Members).toEqual([{ '@odata.id': '/redfish/v1/Systems/own9' }]);
    expect((await call(face, 'GET', '/redfish/v1/Systems/own9', { auth: ADMIN_AUTH })).status).toBe(401);
  });

  it('creates, uses and deletes sessions, and answers 503 when the session table is full', async () => {
    const login = () =>
      call(face, 'POST', '/redfish/v1/SessionService/Sessions', {
        body: { UserName: 'admin', Password: 'face-secret' },
      });
    const first = await login();
    expect(first.status).toBe(201);
    const token = first.headers.get('x-auth-token')!;
    const location = first.headers.get('location')!;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(location).toMatch(/^\/redfish\/v1\/SessionService\/Sessions\/\d+$/);
    expect((await call(face, 'GET', '/redfish/v1/Systems/m1', { token })).status).toBe(200);

    const second = await login();
    expect(second.status).toBe(201);
    const full = await login();
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('3');
    expect(face.sessionCount()).toBe(2);

    expect((await call(face, 'DELETE', location, { token })).status).toBe(204);
    expect((await call(face, 'GET', '/redfish/v1/Systems/m1', { token })).status).toBe(401);
    expect(face.sessionCount()).toBe(1);
    face.expireSessions();
    expect(face.sessionCount()).toBe(0);
    expect((await call(face, 'POST', '/redfish/v1/SessionService/Sessions', { body: { UserName: 'admin', Password: 'x' } })).status).toBe(
      401,
    );
  });

  it('shows PowerState, Boot with allowable values, reset actions and a weak ETag', async () => {
    const system = await call(face, 'GET', '/redfish/v1/Systems/m1', { auth: ADMIN_AUTH });
    expect(system.headers.get('etag')).toMatch(/^W\/"[0-9a-f]+"$/);
    expect(system.json.PowerState).toBe('Off');
    expect(system.json.Boot).toEqual({
      BootSourceOverrideTarget: 'None',
      BootSourceOverrideEnabled: 'Disabled',
      BootSourceOverrideMode: 'UEFI',
      'BootSourceOverrideTarget@Redfish.AllowableValues': ['None', 'Pxe', 'Hdd', 'Cd', 'BiosSetup', 'UefiHttp'],
    });
    expect(system.json.Actions['#ComputerSystem.Reset']['ResetType@Redfish.AllowableValues']).toEqual([
      'On',
      'ForceOff',
      'GracefulShutdown',
      'GracefulRestart',
      'ForceRestart',
      'PowerCycle',
      'PushPowerButton',
      'Nmi',
    ]);
    expect(system.json.Links.ManagedBy).toEqual([{ '@odata.id': '/redfish/v1/Managers/m1' }]);
  });

  it('checks If-Match: a stale ETag gets 412 and changes nothing, the current one applies the boot override', async () => {
    const m = machines.m2;
    const stale = await call(face, 'PATCH', '/redfish/v1/Systems/m2', {
      auth: ADMIN_AUTH,
      headers: { 'If-Match': 'W/"0000"' },
      body: { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } },
    });
    expect(stale.status).toBe(412);
    expect(m.boot.device).toBe('none');
    const etag = (await call(face, 'GET', '/redfish/v1/Systems/m2', { auth: ADMIN_AUTH })).headers.get('etag')!;
    const ok = await call(face, 'PATCH', '/redfish/v1/Systems/m2', {
      auth: ADMIN_AUTH,
      headers: { 'If-Match': etag },
      body: {
        Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once', BootSourceOverrideMode: 'Legacy' },
      },
    });
    expect(ok.status).toBe(204);
    expect(m.boot).toEqual({ device: 'pxe', persistent: false, efi: false });
    const bad = await call(face, 'PATCH', '/redfish/v1/Systems/m2', {
      auth: ADMIN_AUTH,
      body: { Boot: { BootSourceOverrideTarget: 'Floppy' } },
    });
    expect(bad.status).toBe(400);
    expect(m.boot.device).toBe('pxe');
  });

  it('resets like a real BMC: On powers on, On again is 409, ForceOff powers off, Nmi needs power, unknown types are 400', async () => {
    const m = machines.m1;
    const reset = (ResetType: string) =>
      call(face, 'POST', '/redfish/v1/Systems/m1/Actions/ComputerSystem.Reset', {
        auth: ADMIN_AUTH,
        body: { ResetType },
      });
    expect((await reset('On')).status).toBe(204);
    expect(m.power).toBe('on');
    const again = await reset('On');
    expect(again.status).toBe(409);
    expect(again.json.error['@Message.ExtendedInfo'][0].Message).toMatch(/already powered on/);
    expect((await reset('Nmi')).status).toBe(204);
    expect(m.power).toBe('on');
    expect((await reset('ForceOff')).status).toBe(204);
    expect(m.power).toBe('off');
    expect((await reset('Nmi')).status).toBe(409);
    expect((await reset('PushPowerButton')).status).toBe(204);
    expect(m.power).toBe('on');
    expect((await reset('PushPowerButton')).status).toBe(204);
    expect(m.power).toBe('off');
    expect((await reset('Suspend')).status).toBe(400);
    expect(m.power).toBe('off');
  });

  it('answers a slow reset with 202 and a task monitor that completes', async () => {
    const m = machines.slow8;
    const started = await call(face, 'POST', '/redfish/v1/Systems/slow8/Actions/ComputerSystem.Reset', {
      auth: ADMIN_AUTH,
      body: { ResetType: 'On' },
    });
    expect(started.status).toBe(202);
    const monitor = started.headers.get('location')!;
    expect(monitor).toMatch(/^\/redfish\/v1\/TaskService\/TaskMonitors\/\d+$/);
    expect(Number(started.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(started.json.TaskState).toBe('Running');
    expect((await call(face, 'GET', '/redfish/v1/Systems/slow8', { auth: ADMIN_AUTH })).json.PowerState).toBe('PoweringOn');
    let poll = await call(face, 'GET', monitor, { auth: ADMIN_AUTH });
    while (poll.status === 202) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      poll = await call(face, 'GET', monitor, { auth: ADMIN_AUTH });
    }
    expect(poll.status).toBe(200);
    expect(poll.json.TaskState).toBe('Completed');
    expect(m.power).toBe('on');
    const task = await call(face, 'GET', `/redfish/v1/TaskService/Tasks/${started.json.Id}`, { auth: ADMIN_AUTH });
    expect(task.json.TaskState).toBe('Completed');
  });

  it('injects the machine faults: busy is 503 with Retry-After, a hung BMC drops the connection', async () => {
    const busy = await call(face, 'GET', '/redfish/v1/Systems/busy6', { auth: ADMIN_AUTH });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('3');
    await expect(call(face, 'GET', '/redfish/v1/Systems/hung7', { auth: ADMIN_AUTH })).rejects.toThrow();
  });

  it('accepts a boot PATCH but silently keeps the old value when the machine drops settings', async () => {
    const res = await call(face, 'PATCH', '/redfish/v1/Systems/drop5', {
      auth: ADMIN_AUTH,
      body: { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } },
    });
    expect(res.status).toBe(204);
    const system = await call(face, 'GET', '/redfish/v1/Systems/drop5', { auth: ADMIN_AUTH });
    expect(system.json.Boot.BootSourceOverrideTarget).toBe('None');
  });

  it('behaves like Supermicro for a Supermicro machine: UsbCd, and Enabled is required', async () => {
    const system = await call(face, 'GET', '/redfish/v1/Systems/smc3', { auth: ADMIN_AUTH });
    expect(system.json.Boot['BootSourceOverrideTarget@Redfish.AllowableValues']).toContain('UsbCd');
    expect(system.json.Boot['BootSourceOverrideTarget@Redfish.AllowableValues']).not.toContain('Cd');
    const missing = await call(face, 'PATCH', '/redfish/v1/Systems/smc3', {
      auth: ADMIN_AUTH,
      body: { Boot: { BootSourceOverrideTarget: 'UsbCd' } },
    });
    expect(missing.status).toBe(400);
    const ok = await call(face, 'PATCH', '/redfish/v1/Systems/smc3', {
      auth: ADMIN_AUTH,
      body: { Boot: { BootSourceOverrideTarget: 'UsbCd', BootSourceOverrideEnabled: 'Continuous' } },
    });
    expect(ok.status).toBe(204);
    expect(machines.smc3.boot).toEqual({ device: 'cdrom', persistent: true, efi: true });
  });

  it('inserts and ejects virtual media through actions, or through PATCH on a PATCH-only BMC', async () => {
    const cd = '/redfish/v1/Managers/m1/VirtualMedia/Cd';
    expect((await call(face, 'GET', '/redfish/v1/Managers/m1/VirtualMedia', { auth: ADMIN_AUTH })).json.Members).toEqual([
      { '@odata.id': cd },
    ]);
    const insert = await call(face, 'POST', `${cd}/Actions/VirtualMedia.InsertMedia`, {
      auth: ADMIN_AUTH,
      body: { Image: 'http://10.0.0.1/boot.iso' },
    });
    expect(insert.status).toBe(204);
    expect(machines.m1.mediaStatus).toEqual({ inserted: true, image: 'http://10.0.0.1/boot.iso' });
    expect((await call(face, 'GET', cd, { auth: ADMIN_AUTH })).json).toMatchObject({
      Inserted: true,
      Image: 'http://10.0.0.1/boot.iso',
      ImageName: 'boot.iso',
    });
    expect((await call(face, 'POST', `${cd}/Actions/VirtualMedia.EjectMedia`, { auth: ADMIN_AUTH, body: {} })).status).toBe(204);
    expect(machines.m1.mediaStatus).toEqual({ inserted: false });

    const lenovoCd = '/redfish/v1/Managers/lenovo4/VirtualMedia/Cd';
    expect((await call(face, 'GET', lenovoCd, { auth: ADMIN_AUTH })).json.Actions).toBeUndefined();
    expect(
      (
        await call(face, 'POST', `${lenovoCd}/Actions/VirtualMedia.InsertMedia`, {
          auth: ADMIN_AUTH,
          body: { Image: 'http://x/a.iso' },
        })
      ).status,
    ).toBe(405);
    expect((await call(face, 'PATCH', lenovoCd, { auth: ADMIN_AUTH, body: { Image: 'http://x/a.iso', Inserted: true } })).status).toBe(204);
    expect(machines.lenovo4.mediaStatus).toEqual({ inserted: true, image: 'http://x/a.iso' });
    expect((await call(face, 'PATCH', lenovoCd, { auth: ADMIN_AUTH, body: { Image: null, Inserted: false } })).status).toBe(204);
    expect(machines.lenovo4.mediaStatus).toEqual({ inserted: false });
  });

  it('serves the inventory: processors, memory, drives and NICs', async () => {
    const get = async (path: string) => (await call(face, 'GET', path, { auth: ADMIN_AUTH })).json;
    const base = '/redfish/v1/Systems/m2';
    const inv = machines.m2.inventory;
    const system = await get(base);
    expect(system.ProcessorSummary).toMatchObject({ Count: 2, CoreCount: 32, Model: 'Xeon Gold 6326' });
    expect(system.MemorySummary.TotalSystemMemoryGiB).toBe(128);
    const cpus = await get(`${base}/Processors`);
    expect(cpus['Members@odata.count']).toBe(2);
    expect((await get(cpus.Members[1]['@odata.id'])).TotalCores).toBe(16);
    const dimms = await get(`${base}/Memory`);
    let total = 0;
    for (const member of dimms.Members) total += (await get(member['@odata.id'])).CapacityMiB;
    expect(total).toBe(inv.memoryMiB);
    const storage = await get(`${base}/Storage/1`);
    const drives = await Promise.all(storage.Drives.map((d: any) => get(d['@odata.id'])));
    expect(drives.map((d) => [d.CapacityBytes, d.MediaType, d.Protocol])).toEqual([
      [480_000_000_000, 'SSD', 'SATA'],
      [3_840_000_000_000, 'SSD', 'NVMe'],
      [8_000_000_000_000, 'HDD', 'SATA'],
    ]);
    const nic = await get(`${base}/EthernetInterfaces/eth0`);
    expect(nic.MACAddress).toBe(inv.nics[0].mac);
  });

  it('never reports credentials to the request observer', () => {
    expect(requests.length).toBeGreaterThan(10);
    expect(JSON.stringify(requests)).not.toMatch(/face-secret|own-secret/);
  });
});

/** A loopback listener that collects the events a face POSTs to it. */
async function eventListener(): Promise<{ url: string; events: any[]; next: () => Promise<any>; close: () => Promise<void> }> {
  const events: any[] = [];
  const waiting: ((event: any) => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      events.push(event);
      waiting.shift()?.(event);
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  let seen = 0;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    events,
    next: () =>
      seen < events.length ? Promise.resolve(events[seen++]) : new Promise((resolve) => waiting.push((e) => resolve((seen++, e)))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('Redfish face over HTTPS (the default)', () => {
  let face: RedfishFace;
  const m = machineOf('tls1');
  const other = machineOf('tls2');

  beforeAll(async () => {
    face = await startRedfishFace({ machines: [m, other], credentials: ADMIN, eventRetryIntervalMs: 20 });
  });
  afterAll(() => face.close());

  const get = async (path: string, auth = ADMIN_AUTH) => (await call(face, 'GET', path, { auth })).json;

  it('speaks HTTPS with a certificate signed by its CA, and redirects plain HTTP on the same port to HTTPS', async () => {
    expect(face.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(face.caCert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect((await call(face, 'GET', '/redfish/v1/')).json.Id).toBe('RootService');
    await expect(fetch(`${face.baseUrl}/redfish/v1/`)).rejects.toThrow(); // not trusted without the CA
    const plain = await fetch(`${face.baseUrl.replace('https:', 'http:')}/redfish/v1/Systems`, { redirect: 'manual' });
    expect(plain.status).toBe(308);
    expect(plain.headers.get('location')).toBe(`${face.baseUrl}/redfish/v1/Systems`);
  });

  it('links System, Chassis and Manager both ways, and the chassis reads power and thermal sensors', async () => {
    const root = await get('/redfish/v1/');
    expect(root.Chassis['@odata.id']).toBe('/redfish/v1/Chassis');
    expect((await get('/redfish/v1/Chassis')).Members).toEqual([
      { '@odata.id': '/redfish/v1/Chassis/tls1' },
      { '@odata.id': '/redfish/v1/Chassis/tls2' },
    ]);
    const system = await get('/redfish/v1/Systems/tls1');
    const chassis = await get(system.Links.Chassis[0]['@odata.id']);
    const manager = await get(system.Links.ManagedBy[0]['@odata.id']);
    expect(chassis.Links.ComputerSystems).toEqual([{ '@odata.id': '/redfish/v1/Systems/tls1' }]);
    expect(chassis.Links.ManagedBy).toEqual([{ '@odata.id': '/redfish/v1/Managers/tls1' }]);
    expect(manager.Links.ManagerForChassis).toEqual([{ '@odata.id': '/redfish/v1/Chassis/tls1' }]);
    expect(manager.Links.ManagerForServers).toEqual([{ '@odata.id': '/redfish/v1/Systems/tls1' }]);

    const offPower = await get(chassis.Power['@odata.id']);
    const offThermal = await get(chassis.Thermal['@odata.id']);
    expect(offThermal.Fans.map((f: any) => f.Reading)).toEqual([0, 0, 0, 0]);
    await call(face, 'POST', '/redfish/v1/Systems/tls1/Actions/ComputerSystem.Reset', { auth: ADMIN_AUTH, body: { ResetType: 'On' } });
    const onPower = await get(chassis.Power['@odata.id']);
    const onThermal = await get(chassis.Thermal['@odata.id']);
    expect(onPower.PowerControl[0].PowerConsumedWatts).toBeGreaterThan(offPower.PowerControl[0].PowerConsumedWatts);
    expect(onPower.PowerSupplies.map((p: any) => p.Name)).toEqual(['PSU1', 'PSU2']);
    expect(onThermal.Fans.every((f: any) => f.Reading > 1000 && f.ReadingUnits === 'RPM')).toBe(true);
    const cpu = onThermal.Temperatures.find((t: any) => t.Name === 'CPU1 Temp');
    const inlet = onThermal.Temperatures.find((t: any) => t.Name === 'Inlet Temp');
    expect(cpu.ReadingCelsius).toBeGreaterThan(inlet.ReadingCelsius);
    expect(onThermal.Temperatures.map((t: any) => t.Name)).toEqual(['Inlet Temp', 'CPU1 Temp', 'CPU2 Temp']);
  });

  it('keeps AssetTag and IndicatorLED, PATCHable on the System or the Chassis, and refuses values outside the list', async () => {
    expect((await call(face, 'PATCH', '/redfish/v1/Chassis/tls2', { auth: ADMIN_AUTH, body: { AssetTag: 'rack7-u12' } })).status).toBe(204);
    expect((await call(face, 'PATCH', '/redfish/v1/Systems/tls2', { auth: ADMIN_AUTH, body: { IndicatorLED: 'Blinking' } })).status).toBe(
      204,
    );
    expect(await get('/redfish/v1/Systems/tls2')).toMatchObject({ AssetTag: 'rack7-u12', IndicatorLED: 'Blinking' });
    expect(await get('/redfish/v1/Chassis/tls2')).toMatchObject({ AssetTag: 'rack7-u12', IndicatorLED: 'Blinking' });
    const bad = await call(face, 'PATCH', '/redfish/v1/Chassis/tls2', { auth: ADMIN_AUTH, body: { IndicatorLED: 'Flashing' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/IndicatorLED must be one of Off, Lit, Blinking/);
    expect((await get('/redfish/v1/Chassis/tls2')).IndicatorLED).toBe('Blinking');
  });

  it('manages accounts with roles: ReadOnly reads but cannot change, a new password replaces the old one', async () => {
    const service = await get('/redfish/v1/AccountService');
    expect((await get(service.Roles['@odata.id'])).Members.map((r: any) => r['@odata.id'].split('/').pop())).toEqual([
      'Administrator',
      'Operator',
      'ReadOnly',
    ]);
    const created = await call(face, 'POST', '/redfish/v1/AccountService/Accounts', {
      auth: ADMIN_AUTH,
      body: { UserName: 'viewer', Password: 'view-pass-1', RoleId: 'ReadOnly' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ UserName: 'viewer', RoleId: 'ReadOnly', Password: null });
    const location = created.headers.get('location')!;
    const viewer = basic('viewer', 'view-pass-1');
    expect((await call(face, 'GET', '/redfish/v1/Systems/tls1', { auth: viewer })).status).toBe(200);
    const denied = await call(face, 'POST', '/redfish/v1/Systems/tls1/Actions/ComputerSystem.Reset', {
      auth: viewer,
      body: { ResetType: 'ForceOff' },
    });
    expect(denied.status).toBe(403);
    expect(m.power).toBe('on');
    expect(
      (await call(face, 'POST', '/redfish/v1/AccountService/Accounts', { auth: viewer, body: { UserName: 'x', Password: 'y' } })).status,
    ).toBe(403);

    // The viewer changes its own password: the old one stops working at once, the new one logs in.
    expect((await call(face, 'PATCH', location, { auth: viewer, body: { Password: 'view-pass-2' } })).status).toBe(204);
    expect((await call(face, 'GET', '/redfish/v1/Systems/tls1', { auth: viewer })).status).toBe(401);
    const login = await call(face, 'POST', '/redfish/v1/SessionService/Sessions', {
      body: { UserName: 'viewer', Password: 'view-pass-2' },
    });
    expect(login.status).toBe(201);
    expect((await call(face, 'GET', '/redfish/v1/Systems/tls1', { token: login.headers.get('x-auth-token')! })).status).toBe(200);

    const problem = await call(face, 'POST', '/redfish/v1/AccountService/Accounts', {
      auth: ADMIN_AUTH,
      body: { UserName: 'op', Password: 'p', RoleId: 'Root' },
    });
    expect(problem.status).toBe(400);
    expect(problem.json.error.message).toMatch(/RoleId must be one of Administrator, Operator, ReadOnly/);
    expect((await call(face, 'DELETE', location, { auth: ADMIN_AUTH })).status).toBe(204);
    expect((await call(face, 'GET', '/redfish/v1/Systems/tls1', { auth: basic('viewer', 'view-pass-2') })).status).toBe(401);
    expect(JSON.stringify(await get('/redfish/v1/AccountService/Accounts/1'))).not.toContain(ADMIN.password);
  });

  it('delivers power and boot events to a subscriber and logs them in the SEL', async () => {
    const listener = await eventListener();
    try {
      const subscribed = await call(face, 'POST', '/redfish/v1/EventService/Subscriptions', {
        auth: ADMIN_AUTH,
        body: { Destination: listener.url, Context: 'ops-console', Protocol: 'Redfish' },
      });
      expect(subscribed.status).toBe(201);
      await call(face, 'POST', '/redfish/v1/Systems/tls2/Actions/ComputerSystem.Reset', { auth: ADMIN_AUTH, body: { ResetType: 'On' } });
      const powered = await listener.next();
      expect(powered.Context).toBe('ops-console');
      expect(powered.Events[0]).toMatchObject({
        MessageId: 'ResourceEvent.1.3.ResourcePoweredOn',
        OriginOfCondition: { '@odata.id': '/redfish/v1/Systems/tls2' },
      });
      expect((await listener.next()).Events[0]).toMatchObject({
        MessageId: 'Metalforge.1.0.SystemBooted',
        Message: 'The system /redfish/v1/Systems/tls2 booted from Hdd.',
      });
      await call(face, 'POST', '/redfish/v1/Systems/tls2/Actions/ComputerSystem.Reset', {
        auth: ADMIN_AUTH,
        body: { ResetType: 'ForceOff' },
      });
      expect((await listener.next()).Events[0].MessageId).toBe('ResourceEvent.1.3.ResourcePoweredOff');

      const sel = '/redfish/v1/Systems/tls2/LogServices/SEL';
      expect((await get('/redfish/v1/Systems/tls2/LogServices')).Members).toEqual([{ '@odata.id': sel }]);
      const entries = await Promise.all((await get(`${sel}/Entries`)).Members.map((e: any) => get(e['@odata.id'])));
      expect(entries.map((e) => [e.EntryType, e.SensorType, e.MessageId])).toEqual([
        ['SEL', 'System ACPI PowerState', 'ResourceEvent.1.3.ResourcePoweredOn'],
        ['SEL', 'System Boot/Restart Initiated', 'Metalforge.1.0.SystemBooted'],
        ['SEL', 'System ACPI PowerState', 'ResourceEvent.1.3.ResourcePoweredOff'],
      ]);
      expect((await call(face, 'POST', `${sel}/Actions/LogService.ClearLog`, { auth: ADMIN_AUTH, body: {} })).status).toBe(204);
      expect((await get(`${sel}/Entries`)).Members).toEqual([]);

      // Unsubscribed: the next change reaches a newer subscriber but not this one.
      expect((await call(face, 'DELETE', subscribed.headers.get('location')!, { auth: ADMIN_AUTH })).status).toBe(204);
      const later = await eventListener();
      try {
        await call(face, 'POST', '/redfish/v1/EventService/Subscriptions', { auth: ADMIN_AUTH, body: { Destination: later.url } });
        await call(face, 'POST', '/redfish/v1/Systems/tls2/Actions/ComputerSystem.Reset', { auth: ADMIN_AUTH, body: { ResetType: 'On' } });
        expect((await later.next()).Events[0].MessageId).toBe('ResourceEvent.1.3.ResourcePoweredOn');
        expect((await later.next()).Events[0].MessageId).toBe('Metalforge.1.0.SystemBooted');
      } finally {
        await later.close();
      }
      expect((await get(`${sel}/Entries`)).Members).toHaveLength(2);
      expect(listener.events).toHaveLength(3);
      const refused = await call(face, 'POST', '/redfish/v1/EventService/Subscriptions', {
        auth: ADMIN_AUTH,
        body: { Destination: 'ftp://x' },
      });
      expect(refused.status).toBe(400);
      expect(refused.json.error.message).toMatch(/Destination must be an http/);
    } finally {
      await listener.close();
    }
  });

  it('resets the manager: its sessions are gone, the host keeps running', async () => {
    const manager = await get('/redfish/v1/Managers/tls1');
    expect(manager.Actions['#Manager.Reset']['ResetType@Redfish.AllowableValues']).toEqual(['GracefulRestart', 'ForceRestart']);
    const login = await call(face, 'POST', '/redfish/v1/SessionService/Sessions', {
      body: { UserName: 'admin', Password: ADMIN.password },
    });
    const token = login.headers.get('x-auth-token')!;
    expect((await call(face, 'POST', manager.Actions['#Manager.Reset'].target, { token, body: { ResetType: 'On' } })).status).toBe(400);
    expect(
      (await call(face, 'POST', manager.Actions['#Manager.Reset'].target, { token, body: { ResetType: 'GracefulRestart' } })).status,
    ).toBe(204);
    expect((await call(face, 'GET', '/redfish/v1/Systems/tls1', { token })).status).toBe(401);
    expect(m.power).toBe('on');
  });
});

const REDFISHTOOL = toolExists('redfishtool', ['-V']);
if (!REDFISHTOOL) console.warn('redfishtool is not installed: skipping the redfishtool checks of the Redfish face');

(REDFISHTOOL ? describe : describe.skip)('Redfish face driven by redfishtool', () => {
  let face: RedfishFace;
  const machine = machineOf('rt1');
  const other = machineOf('rt2');

  beforeAll(async () => {
    face = await startRedfishFace({ machines: [machine, other], credentials: ADMIN });
  });
  afterAll(() => face.close());

  /**
   * redfishtool in its default mode: the unauthenticated service root over http:// (the face redirects it to
   * https://), everything else over https://. redfishtool has no CA option: it never verifies certificates
   * (requests with verify=False throughout redfishtoolTransport.py), so there is nothing to point at the face's CA.
   */
  const redfishtool = async (...args: string[]) => {
    const rhost = new URL(face.baseUrl).host;
    const { stdout } = await run('redfishtool', ['-r', rhost, '-u', ADMIN.username, '-p', ADMIN.password, ...args]);
    return stdout;
  };

  it('powers a system on and off with "Systems reset", with basic and with session auth', async () => {
    await redfishtool('-I', 'rt1', 'Systems', 'reset', 'On');
    expect(machine.power).toBe('on');
    expect(other.power).toBe('off');
    expect(JSON.parse(await redfishtool('-I', 'rt1', 'Systems', 'get', '-P', 'PowerState'))).toEqual({
      PowerState: 'On',
    });
    await redfishtool('-A', 'Session', '-I', 'rt1', 'Systems', 'reset', 'ForceOff');
    expect(machine.power).toBe('off');
    expect(JSON.parse(await redfishtool('-A', 'Session', '-I', 'rt1', 'Systems', 'get', '-P', 'PowerState'))).toEqual({
      PowerState: 'Off',
    });
  });

  it('lists the systems and reads one whole', async () => {
    const list = JSON.parse(await redfishtool('Systems'));
    expect(list.Members).toEqual([{ '@odata.id': '/redfish/v1/Systems/rt1' }, { '@odata.id': '/redfish/v1/Systems/rt2' }]);
    const system = JSON.parse(await redfishtool('-I', 'rt2', 'Systems', 'get'));
    expect(system).toMatchObject({ Id: 'rt2', PowerState: 'Off', Manufacturer: 'Contoso' });
  });

  it('prints the inventory: processors, DIMMs, fans and power supplies, each present and healthy', async () => {
    const rows = (await redfishtool('-I', 'rt2', 'Systems', 'Inventory'))
      .trim()
      .split('\n')
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(rows[0]).toEqual(['Component', 'Present', 'Functional']);
    expect(rows.slice(1).map(([name]) => name)).toEqual([
      'CPU0',
      'CPU1',
      ...Array.from({ length: 8 }, (_, i) => `DIMM${i}`),
      'Fan1',
      'Fan2',
      'Fan3',
      'Fan4',
      'PSU1',
      'PSU2',
    ]);
    expect(rows.slice(1).every(([, present, functional]) => present === 'Enabled' && functional === 'OK')).toBe(true);
  });

  it('reads Chassis power and thermal, and Managers, through their subcommands', async () => {
    expect(JSON.parse(await redfishtool('Chassis')).Members).toEqual([
      { '@odata.id': '/redfish/v1/Chassis/rt1' },
      { '@odata.id': '/redfish/v1/Chassis/rt2' },
    ]);
    expect(JSON.parse(await redfishtool('-I', 'rt2', 'Chassis', 'Power')).PowerSupplies).toHaveLength(2);
    expect(JSON.parse(await redfishtool('-I', 'rt2', 'Chassis', 'Thermal')).Fans).toHaveLength(4);
    const managers = JSON.parse(await redfishtool('Managers', 'list'));
    expect(managers.Members.map((m: any) => m.Id)).toEqual(['rt1', 'rt2']);
    await redfishtool('-I', 'rt2', 'Managers', 'reset', 'GracefulRestart');
  });

  it('sets the asset tag and the indicator LED, and reads the SEL', async () => {
    await redfishtool('-I', 'rt2', 'Systems', 'setAssetTag', 'rack9-u3');
    await redfishtool('-I', 'rt2', 'Systems', 'setIndicatorLed', 'Lit');
    expect(JSON.parse(await redfishtool('-I', 'rt2', 'Chassis', 'get', '-P', 'AssetTag'))).toEqual({ AssetTag: 'rack9-u3' });
    expect(JSON.parse(await redfishtool('-I', 'rt2', 'Systems', 'get', '-P', 'IndicatorLED'))).toEqual({ IndicatorLED: 'Lit' });
    const logs = JSON.parse(await redfishtool('-I', 'rt1', 'Systems', 'Logs', 'list'));
    expect(logs.Members.map((l: any) => l.Id)).toEqual(['SEL']);
    const entries = JSON.parse(await redfishtool('-I', 'rt1', 'Systems', 'Logs', '-i', 'SEL', '-E'));
    expect(entries.Members.length).toBeGreaterThanOrEqual(3); // on, boot, off from the first test
  });

  it('adds a user and changes its password with AccountService: the new password works, the old one not', async () => {
    const roles = JSON.parse(await redfishtool('AccountService', 'Roles', 'list'));
    expect(roles.Members.map((r: any) => r.Id)).toEqual(['Administrator', 'Operator', 'ReadOnly']);
    await redfishtool('AccountService', 'adduser', 'oncall', 'First-pass1', 'Operator');
    const accounts = JSON.parse(await redfishtool('AccountService', 'Accounts', 'list'));
    expect(accounts.Members.map((a: any) => a.UserName)).toEqual(['admin', 'oncall']);
    await redfishtool('AccountService', 'setpassword', 'oncall', 'Second-pass2');
    const as = (password: string) =>
      run('redfishtool', ['-r', new URL(face.baseUrl).host, '-u', 'oncall', '-p', password, '-I', 'rt2', 'Systems', 'get', '-P', 'Id']);
    await expect(as('First-pass1')).rejects.toThrow();
    expect(JSON.parse((await as('Second-pass2')).stdout)).toEqual({ Id: 'rt2' });
  });
});

const SUSHY = sushyAvailable();
if (!SUSHY) console.warn('python3-sushy is not importable by /usr/bin/python3: skipping the sushy checks of the Redfish face');

/** Each step is a separate sushy connection (session login, work, logout), so the test can look in between. */
const SUSHY_SCRIPT = `
import json, sys, sushy
url, user, password, system_id, step, ca_file = sys.argv[1:7]
conn = sushy.Sushy(url + '/redfish/v1', username=user, password=password, verify=ca_file)
system = conn.get_system('/redfish/v1/Systems/' + system_id)
out = {'power': str(system.power_state.value)}
if step == 'boot-pxe-and-power-on':
    system.set_system_boot_options(sushy.BOOT_SOURCE_TARGET_PXE, enabled=sushy.BOOT_SOURCE_ENABLED_ONCE)
    system.reset_system(sushy.RESET_ON)
elif step == 'power-off':
    system.reset_system(sushy.RESET_FORCE_OFF)
elif step in ('insert', 'eject'):
    manager = conn.get_manager('/redfish/v1/Managers/' + system_id)
    media = manager.virtual_media.get_member(manager.virtual_media.members_identities[0])
    if step == 'insert':
        media.insert_media('http://10.0.0.9/installer.iso')
    else:
        media.eject_media()
    media.refresh()
    out['inserted'] = media.inserted
elif step == 'chassis':
    chassis = conn.get_chassis(system.json['Links']['Chassis'][0]['@odata.id'])
    out['chassis_systems'] = [s.identity for s in chassis.systems]
    out['fans'] = [f.reading for f in chassis.thermal.fans]
    out['supplies'] = [p.name for p in chassis.power.power_supplies]
    manager = chassis.managers[0]
    out['manager_resets'] = sorted(str(v.value) for v in manager.get_allowed_reset_manager_values())
    out['system_resets'] = sorted(str(v.value) for v in system.get_allowed_reset_system_values())
    system.set_indicator_led(sushy.IndicatorLED.BLINKING)
    system.refresh()
    out['led'] = str(system.indicator_led.value)
elif step == 'subscribe':
    events = conn.get_event_service()
    created = events.subscriptions.create({'Destination': sys.argv[7], 'Context': 'sushy', 'Protocol': 'Redfish'})
    out['subscription'] = created.destination
    events.submit_test_event('t1', '2026-01-01T00:00:00Z', 'Alert', 'A test event', [], 'Base.1.8.Success', None, 'OK')
system.refresh()
out['after'] = str(system.power_state.value)
out['processors'] = system.processors.summary.count
out['macs'] = [nic.mac_address for nic in system.ethernet_interfaces.get_members()]
out['disks'] = sorted(d.capacity_bytes for s in system.storage.get_members() for d in s.drives)
print(json.dumps(out))
# Log out now, while TLS still works: sushy closes its session when the last reference to it goes (resources hold one).
system = manager = media = chassis = events = created = None
del conn
`;

(SUSHY ? describe : describe.skip)('Redfish face driven by python3-sushy', () => {
  let face: RedfishFace;
  let caDir: string;
  let caFile: string;
  const machine = machineOf('sushy1');

  beforeAll(async () => {
    face = await startRedfishFace({ machines: [machine, machineOf('sushy2')], credentials: ADMIN });
    // sushy verifies the certificate against the face's CA (verify=<CA bundle path>).
    caDir = mkdtempSync(join(tmpdir(), 'sushy-ca-'));
    caFile = join(caDir, 'ca.pem');
    writeFileSync(caFile, face.caCert!);
  });
  afterAll(async () => {
    await face.close();
    rmSync(caDir, { recursive: true, force: true });
  });

  const sushy = async (step: string, ...extra: string[]) => {
    const { stdout } = await run(
      '/usr/bin/python3',
      ['-c', SUSHY_SCRIPT, face.baseUrl, ADMIN.username, ADMIN.password, 'sushy1', step, caFile, ...extra],
      {
        // requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's verify=<path>: point them at the CA too.
        env: { ...process.env, REQUESTS_CA_BUNDLE: caFile, CURL_CA_BUNDLE: caFile },
      },
    );
    return JSON.parse(stdout);
  };

  it('sets a one-time PXE boot and powers on: the machine boots from PXE once', async () => {
    const booted: { source: string }[] = [];
    machine.on('booted', (event) => booted.push(event));
    const out = await sushy('boot-pxe-and-power-on');
    expect(out).toMatchObject({ power: 'Off', after: 'On', processors: 64 });
    expect(out.macs).toEqual(machine.inventory.nics.map((n) => n.mac));
    expect(out.disks).toEqual(machine.inventory.drives.map((d) => d.sizeBytes).sort((a, b) => a - b));
    expect(machine.power).toBe('on');
    await new Promise((resolve) => setImmediate(resolve));
    expect(booted).toEqual([{ source: 'pxe', image: undefined }]);
    expect(machine.boot.device).toBe('none'); // one-time override consumed by the boot
    expect(face.sessionCount()).toBe(0); // sushy logged out
  });

  it('inserts and ejects virtual media, and powers off', async () => {
    expect((await sushy('insert')).inserted).toBe(true);
    expect(machine.mediaStatus).toEqual({ inserted: true, image: 'http://10.0.0.9/installer.iso' });
    expect((await sushy('eject')).inserted).toBe(false);
    expect(machine.mediaStatus).toEqual({ inserted: false });
    expect((await sushy('power-off')).after).toBe('Off');
    expect(machine.power).toBe('off');
  });

  it('follows the system to its chassis and manager, reads fans and supplies, and sets the indicator LED', async () => {
    const out = await sushy('chassis');
    expect(out).toMatchObject({
      chassis_systems: ['sushy1'],
      fans: [0, 0, 0, 0],
      supplies: ['PSU1', 'PSU2'],
      manager_resets: ['ForceRestart', 'GracefulRestart'],
      led: 'Blinking',
    });
    expect(out.system_resets).toEqual(
      ['ForceOff', 'ForceRestart', 'GracefulRestart', 'GracefulShutdown', 'Nmi', 'On', 'PowerCycle', 'PushPowerButton'].sort(),
    );
  });

  it('subscribes to events through the EventService, and the subscriber receives the next power change', async () => {
    const listener = await eventListener();
    try {
      expect((await sushy('subscribe', listener.url)).subscription).toBe(listener.url);
      expect((await listener.next()).Events[0]).toMatchObject({ MessageId: 'Base.1.8.Success', Message: 'A test event' });
      await machine.setPower('on');
      const powered = await listener.next();
      expect(powered.Context).toBe('sushy');
      expect(powered.Events[0].MessageId).toBe('ResourceEvent.1.3.ResourcePoweredOn');
    } finally {
      await listener.close();
    }
  });
});
