import { execFile } from 'node:child_process';
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
  const res = await fetch(`${face.baseUrl}${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : {} };
}

describe('Redfish face over HTTP', () => {
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

  it('resets like a real BMC: On powers on, On again is 409, ForceOff powers off, unknown types are 400', async () => {
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
    expect((await reset('ForceOff')).status).toBe(204);
    expect(m.power).toBe('off');
    expect((await reset('Nmi')).status).toBe(400);
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

  const redfishtool = async (...args: string[]) => {
    const rhost = new URL(face.baseUrl).host;
    const { stdout } = await run('redfishtool', ['-r', rhost, '-u', ADMIN.username, '-p', ADMIN.password, '-S', 'Never', ...args]);
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
});

const SUSHY = sushyAvailable();
if (!SUSHY) console.warn('python3-sushy is not importable by /usr/bin/python3: skipping the sushy checks of the Redfish face');

/** Each step is a separate sushy connection (session login, work, logout), so the test can look in between. */
const SUSHY_SCRIPT = `
import json, sys, sushy
url, user, password, system_id, step = sys.argv[1:6]
conn = sushy.Sushy(url + '/redfish/v1', username=user, password=password)
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
system.refresh()
out['after'] = str(system.power_state.value)
out['processors'] = system.processors.summary.count
out['macs'] = [nic.mac_address for nic in system.ethernet_interfaces.get_members()]
out['disks'] = sorted(d.capacity_bytes for s in system.storage.get_members() for d in s.drives)
print(json.dumps(out))
`;

(SUSHY ? describe : describe.skip)('Redfish face driven by python3-sushy', () => {
  let face: RedfishFace;
  const machine = machineOf('sushy1');

  beforeAll(async () => {
    face = await startRedfishFace({ machines: [machine, machineOf('sushy2')], credentials: ADMIN });
  });
  afterAll(() => face.close());

  const sushy = async (step: string) => {
    const { stdout } = await run('/usr/bin/python3', ['-c', SUSHY_SCRIPT, face.baseUrl, ADMIN.username, ADMIN.password, 'sushy1', step]);
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
});
