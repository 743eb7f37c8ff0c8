import { createRedfishDriver, RedfishDriverOptions } from '../../../lib/drivers/redfish';
import { BmcDriver, DriverError } from '../../../lib/drivers/types';
import type { SimMachine } from '../../../lib/sim/machine';
import { RedfishFace, RequestRecord, startRedfishFace } from '../../../lib/sim/redfish-face';
import { machineOf, toolExists } from '../../sim/redfish-face/fixtures';

const ADMIN = { username: 'admin', password: 'driver-secret' };
const FAST: RedfishDriverOptions = { pollIntervalMs: 5, backoffMs: 1, maxBackoffMs: 5, requestTimeoutMs: 5000 };

const machines: Record<string, SimMachine> = {
  gen1: machineOf('gen1'),
  gen2: machineOf('gen2'),
  drop3: machineOf('drop3', { faults: { dropBootSettingRate: 1 } }),
  lenovo4: machineOf('lenovo4', { manufacturer: 'Lenovo' }),
  smc5: machineOf('smc5', { manufacturer: 'Supermicro' }),
  dell6: machineOf('dell6', { manufacturer: 'Dell Inc.' }),
  hpe7: machineOf('hpe7', { manufacturer: 'HPE' }),
  flaky8: machineOf('flaky8', { faults: { bmcBusyRate: 0.5 }, seed: 3 }),
  busy9: machineOf('busy9', { faults: { bmcBusyRate: 1 } }),
  hung10: machineOf('hung10', { faults: { bmcTimeoutRate: 1 } }),
  slow11: machineOf('slow11', { scale: 1, timings: { powerOnMs: 300, powerOffMs: 300, postMs: 0, installMs: 0 } }),
  own12: machineOf('own12'),
  gen13: machineOf('gen13'),
  slowbmc14: machineOf('slowbmc14', { faults: { bmcDelayMs: 300 } }),
};

let face: RedfishFace;
const requests: RequestRecord[] = [];
const drivers: BmcDriver[] = [];

function driverFor(
  id: string,
  extra: Partial<Parameters<typeof createRedfishDriver>[0]> = {},
  options: RedfishDriverOptions = {},
): BmcDriver {
  const driver = createRedfishDriver(
    { driver: 'redfish', address: face.systemUrl(id), caCert: face.caCert, ...ADMIN, ...extra },
    { ...FAST, ...options },
  );
  drivers.push(driver);
  return driver;
}

const requestsTo = (fragment: string) => requests.filter((r) => r.path.includes(fragment));

async function driverError(work: Promise<unknown>): Promise<DriverError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DriverError);
  return error as DriverError;
}

beforeAll(async () => {
  face = await startRedfishFace({
    machines: Object.values(machines),
    credentials: (id) => (id === 'own12' ? { username: 'ops', password: 'own-secret' } : ADMIN),
    busyRetryAfterSeconds: 0,
    stallMs: 2000,
    onRequest: (record) => requests.push(record),
  });
});

afterAll(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await face.close();
});

describe('Redfish driver: power', () => {
  it('declares its features and capabilities', () => {
    const driver = driverFor('gen1');
    expect(driver.name).toBe('redfish');
    expect([...driver.features].sort()).toEqual(['boot_device', 'inventory', 'power', 'virtual_media']);
    expect(driver.boot && driver.media && driver.inventory).toBeTruthy();
  });

  it('powers on and off idempotently: asking for the current state sends no reset', async () => {
    const m = machines.gen1;
    const driver = driverFor('gen1');
    const transitions: string[] = [];
    m.on('power', (state) => transitions.push(state));
    expect(await driver.power.powerState()).toBe('off');
    await driver.power.setPower('off');
    await driver.power.setPower('on');
    await driver.power.setPower('on');
    expect(await driver.power.powerState()).toBe('on');
    await driver.power.setPower('soft_off');
    await driver.power.setPower('off');
    expect(transitions).toEqual(['on', 'off']);
    const resets = requestsTo('/Systems/gen1/Actions/ComputerSystem.Reset');
    expect(resets.map((r) => r.status)).toEqual([204, 204]); // never a 409 for On-when-on
  });

  it('cycles and resets: an off machine ends on, an on machine goes off and on again', async () => {
    const m = machines.gen2;
    const driver = driverFor('gen2');
    const transitions: string[] = [];
    m.on('power', (state) => transitions.push(state));
    await driver.power.setPower('cycle');
    expect(transitions).toEqual(['on']);
    await driver.power.setPower('cycle');
    expect(transitions).toEqual(['on', 'off', 'on']);
    const booted: string[] = [];
    m.on('booted', (event) => booted.push(event.source));
    await driver.power.setPower('reset');
    await new Promise((resolve) => setImmediate(resolve));
    expect(booted).toEqual(['disk']);
    expect(m.power).toBe('on');
  });

  it('retries a Dell 409 on On right after a power-off until the BMC accepts it', async () => {
    const m = machines.dell6;
    const driver = driverFor('dell6');
    await driver.power.setPower('on');
    await driver.power.setPower('off');
    await driver.power.setPower('on');
    expect(m.power).toBe('on');
    const statuses = requestsTo('/Systems/dell6/Actions').map((r) => r.status);
    expect(statuses).toEqual([204, 204, 409, 204]);
  });

  it('follows the 202 task monitor of a slow reset and then sees the settled PowerState', async () => {
    const m = machines.slow11;
    const driver = driverFor('slow11');
    await driver.power.setPower('on');
    expect(m.power).toBe('on');
    expect(requestsTo('/Systems/slow11/Actions').map((r) => r.status)).toEqual([202]);
    const monitorPolls = requests.filter((r) => r.path.startsWith('/redfish/v1/TaskService/TaskMonitors/'));
    expect(monitorPolls.map((r) => r.status).at(-1)).toBe(200);
  });
});

describe('Redfish driver: boot override', () => {
  it('sets a one-time PXE boot with If-Match and reads it back', async () => {
    const m = machines.gen13;
    const driver = driverFor('gen13');
    await driver.boot!.setBootDevice('pxe');
    expect(m.boot).toEqual({ device: 'pxe', persistent: false, efi: true });
    expect(await driver.boot!.getBootDevice()).toEqual({ device: 'pxe', persistent: false, efi: true });
    await driver.boot!.setBootDevice('disk', { persistent: true, efi: false });
    expect(await driver.boot!.getBootDevice()).toEqual({ device: 'disk', persistent: true, efi: false });
    const patches = requestsTo('/Systems/gen13').filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => [r.status, r.ifMatch?.startsWith('W/"')])).toEqual([
      [204, true],
      [204, true],
    ]);
  });

  it('reports a dropped setting as not_applied', async () => {
    const error = await driverError(driverFor('drop3').boot!.setBootDevice('pxe'));
    expect(error.kind).toBe('not_applied');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/BootSourceOverrideTarget=None/);
    expect(machines.drop3.boot.device).toBe('none');
  });

  it('retries a 412 on a weak ETag with the W/ stripped (strong If-Match BMC)', async () => {
    const driver = driverFor('lenovo4');
    await driver.boot!.setBootDevice('bios');
    expect(machines.lenovo4.boot.device).toBe('bios');
    const patches = requestsTo('/Systems/lenovo4').filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.status)).toEqual([412, 204]);
    expect(patches[0].ifMatch).toMatch(/^W\//);
    expect(patches[1].ifMatch).toBe(patches[0].ifMatch!.slice(2));
  });

  it('uses UsbCd for a virtual CD on Supermicro', async () => {
    await driverFor('smc5').boot!.setBootDevice('cdrom');
    expect(machines.smc5.boot).toEqual({ device: 'cdrom', persistent: false, efi: true });
    expect(await driverFor('smc5').boot!.getBootDevice()).toEqual({ device: 'cdrom', persistent: false, efi: true });
  });

  it('PATCHes the @Redfish.Settings object when the system has one', async () => {
    await driverFor('hpe7').boot!.setBootDevice('uefi_http');
    expect(machines.hpe7.boot.device).toBe('uefi_http');
    const patches = requests.filter((r) => r.method === 'PATCH' && r.path.includes('/Systems/hpe7'));
    expect(patches.map((r) => [r.path, r.status])).toEqual([['/redfish/v1/Systems/hpe7/Settings', 204]]);
  });
});

describe('Redfish driver: virtual media and inventory', () => {
  it('inserts, re-inserts idempotently, swaps and ejects media through the actions', async () => {
    const m = machines.gen13;
    const driver = driverFor('gen13');
    expect(await driver.media!.mediaStatus()).toEqual({ inserted: false });
    await driver.media!.insertMedia('http://10.0.0.1/a.iso');
    await driver.media!.insertMedia('http://10.0.0.1/a.iso');
    expect(m.mediaStatus).toEqual({ inserted: true, image: 'http://10.0.0.1/a.iso' });
    await driver.media!.insertMedia('http://10.0.0.1/b.iso');
    expect(await driver.media!.mediaStatus()).toEqual({ inserted: true, image: 'http://10.0.0.1/b.iso' });
    await driver.media!.ejectMedia();
    await driver.media!.ejectMedia();
    expect(m.mediaStatus).toEqual({ inserted: false });
    const actions = requestsTo('/Managers/gen13/VirtualMedia/Cd/Actions').map((r) => r.path.split('.').pop());
    expect(actions).toEqual(['InsertMedia', 'EjectMedia', 'InsertMedia', 'EjectMedia']);
  });

  it('falls back to PATCH on a BMC without virtual media actions', async () => {
    const driver = driverFor('lenovo4');
    await driver.media!.insertMedia('http://10.0.0.1/c.iso');
    expect(machines.lenovo4.mediaStatus).toEqual({ inserted: true, image: 'http://10.0.0.1/c.iso' });
    await driver.media!.ejectMedia();
    expect(machines.lenovo4.mediaStatus).toEqual({ inserted: false });
    expect(
      requestsTo('/Managers/lenovo4/VirtualMedia/Cd')
        .filter((r) => r.method !== 'GET')
        .map((r) => [r.method, r.status]),
    ).toEqual([
      ['PATCH', 412],
      ['PATCH', 204],
      ['PATCH', 412],
      ['PATCH', 204],
    ]);
  });

  it('maps the inventory to HardwareInventory', async () => {
    const inventory = await driverFor('gen2').inventory!.inventory();
    expect(inventory).toEqual(machines.gen2.inventory);
  });
});

describe('Redfish driver: sessions, auth and faults', () => {
  it('logs in with a session, discovers the only visible system and deletes the session on close', async () => {
    const before = face.sessionCount();
    const driver = createRedfishDriver(
      { driver: 'redfish', address: face.baseUrl, caCert: face.caCert, username: 'ops', password: 'own-secret' },
      FAST,
    );
    await driver.power.setPower('on');
    expect(machines.own12.power).toBe('on');
    expect(face.sessionCount()).toBe(before + 1);
    expect(requestsTo('/Systems/own12').every((r) => r.auth === 'session')).toBe(true);
    await driver.close();
    await driver.close();
    expect(face.sessionCount()).toBe(before);
    expect((await driverError(driver.power.powerState())).kind).toBe('unreachable');
  });

  it('asks for the system path when the account sees several systems', async () => {
    const error = await driverError(
      createRedfishDriver({ driver: 'redfish', address: face.baseUrl, caCert: face.caCert, ...ADMIN }, FAST).power.powerState(),
    );
    expect(error.kind).toBe('protocol');
    expect(error.message).toMatch(/put the system path in the address/);
  });

  it('logs in again once when the session expired', async () => {
    const driver = driverFor('gen1');
    await driver.power.powerState();
    face.expireSessions();
    const mark = requests.length;
    expect(await driver.power.powerState()).toBe(machines.gen1.power);
    expect(requests.slice(mark).map((r) => `${r.method} ${r.status}`)).toEqual(['GET 401', 'POST 201', 'GET 200']);
  });

  it('fails with auth_failed for a wrong password and never puts the password in the message', async () => {
    const error = await driverError(driverFor('gen1', { password: 'wrong-pass-123' }).power.powerState());
    expect(error.kind).toBe('auth_failed');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('admin');
    expect(error.message).not.toContain('wrong-pass-123');
  });

  it('falls back to basic auth when the session table is full', async () => {
    const small = await startRedfishFace({
      machines: [machineOf('solo1')],
      credentials: ADMIN,
      sessionLimit: 0,
      onRequest: (r) => requests.push(r),
    });
    try {
      const driver = createRedfishDriver({ driver: 'redfish', address: small.baseUrl, caCert: small.caCert, ...ADMIN }, FAST);
      await driver.power.setPower('on');
      expect(await driver.power.powerState()).toBe('on');
      expect(requestsTo('/Systems/solo1').every((r) => r.auth === 'basic')).toBe(true);
      await driver.close();
    } finally {
      await small.close();
    }
  });

  it('retries busy answers with backoff and succeeds', async () => {
    const driver = driverFor('flaky8');
    await driver.power.setPower('on');
    await driver.boot!.setBootDevice('pxe');
    expect(machines.flaky8.boot.device).toBe('pxe');
    expect(requestsTo('/Systems/flaky8').some((r) => r.status === 503)).toBe(true);
  });

  it('gives up with busy after the retry budget on a BMC that stays busy', async () => {
    const error = await driverError(driverFor('busy9', {}, { busyRetries: 2 }).power.powerState());
    expect(error.kind).toBe('busy');
    expect(error.retryable).toBe(true);
    expect(requestsTo('/Systems/busy9')).toHaveLength(3);
  });

  it('times out a request to a hung BMC', async () => {
    const error = await driverError(driverFor('hung10', {}, { requestTimeoutMs: 100, busyRetries: 1 }).power.powerState());
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/no answer within 100 ms/);
  });

  it('waits for a slow BMC within the request timeout, and times out below it', async () => {
    expect(await driverFor('slowbmc14').power.powerState()).toBe('off');
    const error = await driverError(driverFor('slowbmc14', {}, { requestTimeoutMs: 50, busyRetries: 0 }).power.powerState());
    expect(error.kind).toBe('timeout');
  });

  it('reports a refused connection as unreachable', async () => {
    const closed = await startRedfishFace({ machines: [], credentials: ADMIN });
    const address = closed.baseUrl;
    await closed.close();
    const driver = createRedfishDriver(
      { driver: 'redfish', address: `${address}/redfish/v1/Systems/x`, ...ADMIN },
      { ...FAST, busyRetries: 0 },
    );
    expect((await driverError(driver.power.powerState())).kind).toBe('unreachable');
    await driver.close();
  });
});

const OPENSSL = toolExists('openssl', ['version']);
if (!OPENSSL) console.warn('openssl is not installed: skipping the Redfish driver TLS tests (they need a generated CA)');

(OPENSSL ? describe : describe.skip)('Redfish driver: TLS', () => {
  let tlsFace: RedfishFace;
  let caCert: string;
  const machine = machineOf('tls1');

  beforeAll(async () => {
    tlsFace = await startRedfishFace({ machines: [machine], credentials: ADMIN });
    caCert = tlsFace.caCert!;
  });
  afterAll(() => tlsFace.close());

  const tlsDriver = (extra: { caCert?: string; insecure?: boolean }) => {
    const driver = createRedfishDriver({ driver: 'redfish', address: tlsFace.baseUrl, ...ADMIN, ...extra }, { ...FAST, busyRetries: 0 });
    drivers.push(driver);
    return driver;
  };

  it('trusts the BMC through a custom CA', async () => {
    expect(tlsFace.baseUrl).toMatch(/^https:/);
    await tlsDriver({ caCert }).power.setPower('on');
    expect(machine.power).toBe('on');
  });

  it('refuses an untrusted certificate with an actionable message', async () => {
    const error = await driverError(tlsDriver({}).power.powerState());
    expect(error.kind).toBe('protocol');
    expect(error.message).toMatch(/caCert/);
  });

  it('skips verification only when insecure is set', async () => {
    expect(await tlsDriver({ insecure: true }).power.powerState()).toBe('on');
  });
});
