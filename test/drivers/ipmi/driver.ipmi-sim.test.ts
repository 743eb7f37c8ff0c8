/**
 * The native IPMI driver against real peers: ipmi_sim (a real RMCP+ BMC) through the simulator's IPMI face, with
 * ipmitool as an independent client checking that both see the same machine state.
 * Cipher suite 17 is not covered here: ipmi_sim 2.0.33 does not offer it (its key derivation is unit-tested).
 */
import { once } from 'node:events';
import { createIpmiDriver, IpmiDriverOptions, RmcpPlusSession, CIPHER_SUITES, setSelClock } from '../../../lib/drivers/ipmi';
import { BmcDriver, DriverError } from '../../../lib/drivers/types';
import { Clock, systemClock } from '../../../lib/core/clock';
import { IpmiFace, IpmiFacePool } from '../../../lib/sim/ipmi-face';
import type { SimMachine } from '../../../lib/sim/machine';
import { describeWithTools, ipmitool, scriptedRandom, simMachine } from '../../sim/ipmi-face/tools';

const describeIpmi = describeWithTools(['ipmi_sim', 'ipmitool']);

/** Short wire timeouts and backoffs keep failure paths fast on loopback. */
const FAST: IpmiDriverOptions = {
  requestTimeoutMs: 300,
  sendsPerRequest: 2,
  backoffMs: 20,
  maxBackoffMs: 200,
  powerPollIntervalMs: 50,
};

async function rejection(promise: Promise<unknown>): Promise<DriverError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DriverError);
  return err as DriverError;
}

describeIpmi('native IPMI driver against ipmi_sim', () => {
  let pool: IpmiFacePool;
  const drivers: BmcDriver[] = [];
  const held: RmcpPlusSession[] = [];

  const driverFor = (face: IpmiFace, options: IpmiDriverOptions = {}) => {
    const driver = createIpmiDriver(face.endpoint, { ...FAST, ...options });
    drivers.push(driver);
    return driver;
  };
  const faceFor = async (machine: SimMachine) => pool.start(machine, { password: 'Pa55-word' });

  /** Opens sessions until ipmi_sim answers "insufficient resources"; returns how many it granted. */
  async function exhaustSessions(face: IpmiFace): Promise<number> {
    const params = {
      host: '127.0.0.1',
      port: face.port,
      username: face.username,
      password: face.password,
      suite: CIPHER_SUITES[3],
      requestTimeoutMs: 500,
      attempts: 2,
    };
    for (let granted = 0; granted < 200; granted++) {
      try {
        held.push(await RmcpPlusSession.open(params));
      } catch (err) {
        expect(err).toMatchObject({ kind: 'busy' });
        return granted;
      }
    }
    throw new Error('ipmi_sim granted 200 sessions: no session limit to test against');
  }
  const releaseSessions = async (count = held.length) => Promise.all(held.splice(0, count).map((s) => s.close()));

  beforeAll(async () => {
    pool = await IpmiFacePool.create({ timeoutHangMs: 1000, setClock: setSelClock });
  });

  afterEach(async () => {
    await releaseSessions();
  });

  afterAll(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    await pool.close();
  });

  it('reads the power state, and ipmitool sees the same', async () => {
    const machine = simMachine('power-read');
    const face = await faceFor(machine);
    const driver = driverFor(face);
    expect(await driver.power.powerState()).toBe('off');
    expect(await ipmitool(face, 'chassis', 'power', 'status')).toContain('Chassis Power is off');
    await machine.setPower('on');
    expect(await driver.power.powerState()).toBe('on');
    expect(await ipmitool(face, 'chassis', 'power', 'status')).toContain('Chassis Power is on');
  });

  it('powers on, cycles, resets and powers off, idempotently', async () => {
    const machine = simMachine('power-actions');
    const face = await faceFor(machine);
    const driver = driverFor(face);
    const transitions: string[] = [];
    machine.on('power', (state: string) => transitions.push(state));

    await driver.power.setPower('on');
    expect(machine.power).toBe('on');
    expect(await ipmitool(face, 'chassis', 'power', 'status')).toContain('Chassis Power is on');
    await driver.power.setPower('on');
    expect(transitions).toEqual(['on']); // already on: no Chassis Control sent

    await driver.power.setPower('cycle'); // ipmi_sim: power 0 now, power 1 after its 1 s timer
    expect(transitions).toEqual(['on', 'off', 'on']);
    expect(await driver.power.powerState()).toBe('on');

    const booted = once(machine, 'booted');
    await driver.power.setPower('reset');
    await booted;
    expect(transitions).toEqual(['on', 'off', 'on']); // a warm reset keeps power on

    await driver.power.setPower('soft_off');
    expect(machine.power).toBe('off');
    await driver.power.setPower('off');
    expect(transitions).toEqual(['on', 'off', 'on', 'off']);
    expect(await ipmitool(face, 'chassis', 'power', 'status')).toContain('Chassis Power is off');

    await driver.power.setPower('reset'); // reset of an off machine powers it on
    expect(machine.power).toBe('on');
  });

  it('sets each boot device, reads it back, and ipmitool reports the same selector', async () => {
    const machine = simMachine('boot');
    const face = await faceFor(machine);
    const driver = driverFor(face);
    expect(await driver.boot!.getBootDevice()).toMatchObject({ device: 'none' });
    const ipmitoolNames = {
      pxe: 'Force PXE',
      disk: 'Force Boot from default Hard-Drive',
      cdrom: 'Force Boot from CD/DVD',
      bios: 'Force Boot into BIOS Setup',
    };
    for (const [device, name] of Object.entries(ipmitoolNames) as [keyof typeof ipmitoolNames, string][]) {
      await driver.boot!.setBootDevice(device, { persistent: false, efi: true });
      expect(machine.boot.device).toBe(device);
      expect((await driver.boot!.getBootDevice()).device).toBe(device);
      expect(await ipmitool(face, 'chassis', 'bootparam', 'get', '5')).toContain(`Boot Device Selector : ${name}`);
    }
  });

  it('reports not_applied when the BMC accepts a boot device but drops it', async () => {
    const machine = simMachine('boot-drop', { faults: { dropBootSettingRate: 1 } });
    const driver = driverFor(await faceFor(machine), { retries: 0 });
    const err = await rejection(driver.boot!.setBootDevice('pxe'));
    expect(err.kind).toBe('not_applied');
    expect(err.message).toMatch(/dropped the setting/);
    expect(machine.boot.device).toBe('none');
  });

  it('refuses UEFI HTTP boot as unsupported', async () => {
    const driver = driverFor(await faceFor(simMachine('boot-http')));
    expect((await rejection(driver.boot!.setBootDevice('uefi_http'))).kind).toBe('unsupported');
  });

  it('rejects a wrong password with auth_failed, never echoing it, and leaves the BMC usable', async () => {
    const face = await faceFor(simMachine('auth'));
    const secret = 'Wr0ng-Secret-42';
    const wrong = createIpmiDriver({ ...face.endpoint, password: secret }, FAST);
    drivers.push(wrong);
    const err = await rejection(wrong.power.powerState());
    expect(err.kind).toBe('auth_failed');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/wrong password/);
    expect(err.message).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain(secret);
    expect(await driverFor(face).power.powerState()).toBe('off');
  });

  it('retries busy answers (failing chassis hook → completion code 0xFF) and succeeds', async () => {
    const random = scriptedRandom([0, 0]); // the first two BMC calls fail as busy
    const machine = simMachine('busy', { faults: { bmcBusyRate: 0.5 }, random });
    const driver = driverFor(await faceFor(machine), { retries: 3 });
    expect(await driver.power.powerState()).toBe('off');
    expect(random()).toBe(0.999); // both injected faults were consumed by retries
  });

  it('gives up with an actionable busy error when the BMC keeps failing', async () => {
    const machine = simMachine('busy-forever', { faults: { bmcBusyRate: 1 } });
    const driver = driverFor(await faceFor(machine), { retries: 2 });
    const err = await rejection(driver.power.powerState());
    expect(err.kind).toBe('busy');
    expect(err.message).toMatch(/0xff/);
    expect(err.message).toMatch(/gave up on Get Chassis Status after 3 attempts/);
  });

  it('waits out a hung BMC (injected timeout fault) and retries on a new session', async () => {
    const random = scriptedRandom([0]); // the first BMC call hangs for the pool's timeoutHangMs
    const machine = simMachine('hang', { faults: { bmcTimeoutRate: 0.5 }, random });
    const driver = driverFor(await faceFor(machine), { retries: 8, backoffMs: 100 });
    expect(await driver.power.powerState()).toBe('off');
    expect(random()).toBe(0.999);
  });

  it('re-opens the session when the BMC lost it (ipmi_sim restarted)', async () => {
    const machine = simMachine('bmc-reset');
    const face = await faceFor(machine);
    const driver = driverFor(face);
    expect(await driver.power.powerState()).toBe('off');
    await face.restart();
    await machine.setPower('on');
    expect(await driver.power.powerState()).toBe('on');
  });

  it('recovers from session exhaustion with backoff once sessions are freed', async () => {
    const face = await faceFor(simMachine('exhaustion'));
    expect(await exhaustSessions(face)).toBeGreaterThan(10);
    let backoffs = 0;
    // The first backoff proves the driver met "insufficient resources"; free the sessions then.
    const clock: Clock = {
      now: () => systemClock.now(),
      sleep: (ms) => {
        if (backoffs++ === 0) void releaseSessions();
        return systemClock.sleep(ms);
      },
    };
    const driver = driverFor(face, { clock, retries: 10 });
    expect(await driver.power.powerState()).toBe('off');
    expect(backoffs).toBeGreaterThan(0);
  });

  it('gives up with an actionable error when sessions stay exhausted', async () => {
    const face = await faceFor(simMachine('exhausted'));
    await exhaustSessions(face);
    const err = await rejection(driverFor(face, { retries: 2 }).power.powerState());
    expect(err.kind).toBe('busy');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/insufficient resources/);
    expect(err.message).toMatch(/close stale sessions/);
    expect(err.message).not.toContain(face.password);
  });

  it('serves concurrent callers over one shared session', async () => {
    const face = await faceFor(simMachine('concurrent'));
    const limit = await exhaustSessions(face);
    await releaseSessions();
    const driver = driverFor(face, { maxConcurrentPerBmc: 4 });
    const states = await Promise.all(Array.from({ length: 20 }, () => driver.power.powerState()));
    expect(states).toEqual(Array(20).fill('off'));
    expect(await exhaustSessions(face)).toBe(limit - 1);
  });

  it('refuses cipher suite 17, which ipmi_sim 2.0.33 does not offer, as unsupported', async () => {
    const face = await faceFor(simMachine('suite-17'));
    const driver = createIpmiDriver({ ...face.endpoint, cipherSuite: 17 }, FAST);
    drivers.push(driver);
    const err = await rejection(driver.power.powerState());
    expect(err.kind).toBe('unsupported');
    expect(err.message).toMatch(/invalid authentication algorithm/);
  });

  it('closes an idle session before opening the next one, so re-opening never leaks sessions', async () => {
    const face = await faceFor(simMachine('idle'));
    const driver = driverFor(face, { sessionIdleMs: -1, retries: 0 }); // every command counts as after an idle period
    for (let i = 0; i < 70; i++) expect(await driver.power.powerState()).toBe('off'); // more commands than ipmi_sim has sessions
  });

  it('close() closes its session on the BMC', async () => {
    const face = await faceFor(simMachine('close'));
    await exhaustSessions(face);
    await releaseSessions(1);
    const driver = driverFor(face);
    expect(await driver.power.powerState()).toBe('off'); // takes the last free session
    expect(await exhaustSessions(face)).toBe(0);
    await driver.close();
    await driver.close();
    expect(await exhaustSessions(face)).toBe(1); // the driver's session was given back
    expect((await rejection(driver.power.powerState())).message).toMatch(/closed/);
  });
});
