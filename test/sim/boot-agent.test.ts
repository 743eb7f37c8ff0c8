import Fastify, { FastifyInstance } from 'fastify';
import { BootDevice, bootRoutes } from '../../lib/boot';
import { Clock, ManualClock } from '../../lib/core/clock';
import { BootOutcome, attachBootAgent } from '../../lib/sim/boot-agent';
import { SimFaults, SimMachine, SimTimings } from '../../lib/sim/machine';
import { MemoryBootBackend, TOKEN, installingDevice } from '../boot/memory-backend';

const MAC = '52:54:00:aa:00:01';

/** A ManualClock that records the sleeps asked of it, so a test can advance exactly when the agent waits. */
class WatchedClock implements Clock {
  readonly sleeps: number[] = [];
  private readonly inner = new ManualClock();
  now = () => this.inner.now();
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return this.inner.sleep(ms);
  }
  advance(ms: number): Promise<void> {
    return this.inner.advance(ms);
  }
}

function machine(options: { faults?: Partial<SimFaults>; timings?: SimTimings; scale?: number; clock?: Clock } = {}) {
  return new SimMachine({
    id: 'sim-0001',
    inventory: { cpus: [{ count: 1, cores: 8 }], memoryMiB: 32768, drives: [], nics: [{ mac: MAC, name: 'eth0' }] },
    scale: options.scale ?? 0,
    ...options,
  });
}

/** Resolves once `predicate` holds, checking after each turn of the event loop (no timing involved). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('boot agent against a listening boot service', () => {
  let backend: MemoryBootBackend;
  let device: BootDevice;
  let server: FastifyInstance;
  let bootBaseUrl: string;
  let outcomes: BootOutcome[];
  let detach: (() => void) | undefined;

  beforeEach(async () => {
    backend = new MemoryBootBackend();
    device = backend.add(installingDevice());
    server = Fastify({ logger: false });
    // No publicBaseUrl: the service names itself by the Host the machine used, as on a real network.
    await server.register(bootRoutes, { backend });
    bootBaseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
    outcomes = [];
  });
  afterEach(async () => {
    detach?.();
    detach = undefined;
    await server.close();
  });

  const attach = (machines: SimMachine[], clock?: Clock) => {
    detach = attachBootAgent(machines, { bootBaseUrl, clock, onOutcome: (outcome) => outcomes.push(outcome) });
  };
  const pxeBoot = async (m: SimMachine) => {
    m.setBootDevice('pxe');
    await m.setPower('on');
  };

  it('installs over the network and phones home with the device token, then reboots into the OS', async () => {
    const m = machine();
    const boots: string[] = [];
    m.on('booted', ({ source }) => boots.push(source));
    attach([m]);
    await pxeBoot(m);
    await until(() => outcomes.length > 0);
    expect(outcomes[0]).toMatchObject({ machineId: 'sim-0001', kind: 'installed', deviceId: device.id });
    expect(outcomes[0].console).toEqual(['metalforge: installing ubuntu_24_04 on web-1']);
    expect(backend.phoneHomes).toEqual([{ token: TOKEN, ip: '127.0.0.1' }]);
    expect(backend.progress.map((p) => [p.token, p.progress.state, p.progress.percentage])).toEqual([
      [TOKEN, 'running', 0],
      [TOKEN, 'running', 50],
    ]);
    expect(backend.lookups).toContainEqual({ token: TOKEN });
    await until(() => boots.length === 2);
    expect(boots).toEqual(['pxe', 'disk']);
    expect(JSON.stringify(outcomes)).not.toContain(TOKEN);
  });

  it('writes the installed OS to the disk', async () => {
    const m = machine();
    attach([m]);
    await pxeBoot(m);
    await until(() => outcomes.length > 0);
    expect(outcomes[0].kind).toBe('installed');
    expect(m.disk).toBe('ubuntu_24_04');
  });

  it('boots a rescuing device into the rescue system, which phones home and leaves the disk as it was', async () => {
    backend.devices.length = 0;
    device = backend.add(installingDevice({ mode: 'rescue', ipxeScriptUrl: 'https://ipxe.example.org/custom.ipxe' }));
    const m = machine();
    m.writeDisk('debian_12');
    const boots: string[] = [];
    m.on('booted', ({ source }) => boots.push(source));
    attach([m]);
    await pxeBoot(m);
    await until(() => outcomes.length > 0);
    expect(outcomes[0]).toMatchObject({ kind: 'rescued', deviceId: device.id });
    expect(outcomes[0].console).toEqual([
      'metalforge: booting the rescue system (alpine-rescue, in memory) on web-1, leaving its disk as it is',
    ]);
    expect(backend.phoneHomes).toEqual([{ token: TOKEN, ip: '127.0.0.1' }]);
    // Its metadata (SSH keys) was read with the token; it reports no install progress and does not reboot.
    expect(backend.lookups).toContainEqual({ token: TOKEN });
    expect(backend.progress).toEqual([]);
    expect(m.disk).toBe('debian_12');
    expect(boots).toEqual(['pxe']);
    expect(m.power).toBe('on');
  });

  it('reports a failed install and never phones home when the install fails', async () => {
    const m = machine({ faults: { installFailureRate: 1 } });
    attach([m]);
    await pxeBoot(m);
    await until(() => outcomes.length > 0);
    expect(outcomes[0]).toMatchObject({ kind: 'install_failed', deviceId: device.id });
    expect(backend.phoneHomes).toEqual([]);
    const last = backend.progress[backend.progress.length - 1];
    expect(last.token).toBe(TOKEN);
    expect(last.progress).toMatchObject({ state: 'failed', message: expect.stringContaining('install failed') });
    expect(m.power).toBe('on');
  });

  it('does nothing on a boot from disk', async () => {
    const m = machine();
    const booted: string[] = [];
    m.on('booted', ({ source }) => booted.push(source));
    attach([m]);
    await m.setPower('on');
    await until(() => booted.length === 1);
    // Netboot the same machine afterwards: only that boot may have reached the service.
    m.setBootDevice('pxe');
    await m.setPower('reset');
    await until(() => outcomes.length > 0);
    expect(booted[0]).toBe('disk');
    expect(backend.lookups.filter((by) => by.mac !== undefined)).toEqual([{ mac: MAC }]);
  });

  it('boots from disk when the script says exit', async () => {
    device.mode = 'local';
    const m = machine();
    attach([m]);
    await pxeBoot(m);
    await until(() => outcomes.length > 0);
    expect(outcomes[0]).toMatchObject({ kind: 'exited', console: ['metalforge: web-1 boots from its local disk'] });
    expect(backend.lookups).toEqual([{ mac: MAC }]);
    expect(backend.phoneHomes).toEqual([]);
  });

  it('follows the unknown-machine retries to the end, then exits', async () => {
    device.interfaces = [{ name: 'eth0', mac: '52:54:00:bb:bb:bb' }];
    const m = machine();
    attach([m]);
    await pxeBoot(m);
    await until(() => outcomes.length > 0);
    expect(outcomes[0].kind).toBe('exited');
    expect(outcomes[0].console).toEqual([
      `metalforge: no device is provisioned for MAC ${MAC} (attempt 1 of 3)`,
      `metalforge: no device is provisioned for MAC ${MAC} (attempt 2 of 3)`,
      `metalforge: no device is provisioned for MAC ${MAC} (attempt 3 of 3)`,
      'metalforge: giving up: booting from the next device',
    ]);
  });

  it('stops at a custom iPXE script, which the service has phoned home for', async () => {
    device.ipxeScriptUrl = 'http://ipxe.example.invalid/boot.ipxe';
    const m = machine();
    attach([m]);
    await pxeBoot(m);
    await until(() => outcomes.length > 0);
    expect(outcomes[0]).toMatchObject({ kind: 'chained', url: 'http://ipxe.example.invalid/boot.ipxe' });
    expect(backend.phoneHomes.map((p) => p.token)).toEqual([TOKEN]);
  });

  it('reports an error naming the failed request when the token is already used', async () => {
    await backend.phoneHome(TOKEN, {});
    // A backend that still hands out the used token: the service's 409 reaches the outcome.
    device.mode = 'install';
    backend.tokens.set(device.id, TOKEN);
    const m = machine();
    attach([m]);
    await pxeBoot(m);
    await until(() => outcomes.length > 0);
    expect(outcomes[0]).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/^POST http:\/\/127\.0\.0\.1:\d+\/phone-home answered 409: .*already used/),
    });
    expect(m.power).toBe('on');
  });

  it('falls back to the disk when its boot finds the install token already handed out', async () => {
    await backend.takeInstallToken(device.id);
    const m = machine();
    attach([m]);
    await pxeBoot(m);
    await until(() => outcomes.length > 0);
    expect(outcomes[0]).toMatchObject({ kind: 'exited' });
    expect(outcomes[0].console.join('\n')).toContain('already handed out');
    expect(backend.phoneHomes).toEqual([]);
    expect(backend.progress).toEqual([]);
  });

  it('reports an error naming the service when it cannot be reached', async () => {
    const gone = Fastify({ logger: false });
    const goneUrl = await gone.listen({ host: '127.0.0.1', port: 0 });
    await gone.close();
    const m = machine();
    detach = attachBootAgent([m], { bootBaseUrl: goneUrl, onOutcome: (outcome) => outcomes.push(outcome) });
    await pxeBoot(m);
    await until(() => outcomes.length > 0);
    expect(outcomes[0]).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:\d+\/boot\/ipxe failed: \S/),
    });
  });

  describe('on an injectable clock', () => {
    const timings: SimTimings = { powerOnMs: 0, powerOffMs: 0, postMs: 0, installMs: 60000 };

    it('phones home only once installMs has passed on the clock', async () => {
      const clock = new WatchedClock();
      const m = machine({ scale: 1, timings, clock });
      attach([m], clock);
      await pxeBoot(m);
      await until(() => clock.sleeps.length === 1);
      expect(clock.sleeps).toEqual([30000]);
      expect(backend.progress.map((p) => p.progress.percentage)).toEqual([0]);
      await clock.advance(30000);
      await until(() => clock.sleeps.length === 2);
      expect(clock.sleeps).toEqual([30000, 30000]);
      expect(backend.progress.map((p) => p.progress.percentage)).toEqual([0, 50]);
      expect(backend.phoneHomes).toEqual([]);
      await clock.advance(29999);
      expect(backend.phoneHomes).toEqual([]);
      await clock.advance(1);
      await until(() => outcomes.length > 0);
      expect(outcomes[0].kind).toBe('installed');
      expect(backend.phoneHomes).toHaveLength(1);
    });

    it('abandons the install when the machine powers off', async () => {
      const clock = new WatchedClock();
      const m = machine({ scale: 1, timings, clock });
      attach([m], clock);
      await pxeBoot(m);
      await until(() => clock.sleeps.length === 1);
      await m.setPower('off');
      await clock.advance(60000);
      await until(() => outcomes.length > 0);
      expect(outcomes[0].kind).toBe('aborted');
      expect(backend.progress.map((p) => p.progress.percentage)).toEqual([0]);
      expect(backend.phoneHomes).toEqual([]);
    });
  });

  it('stops netbooting once detached', async () => {
    const m = machine();
    const booted: string[] = [];
    m.on('booted', ({ source }) => booted.push(source));
    attach([m]);
    detach?.();
    await pxeBoot(m);
    await until(() => booted.length === 1);
    // Run a second, attached machine to completion: had the first reached the service, its lookup would show.
    const other = machine();
    attach([other]);
    await pxeBoot(other);
    await until(() => outcomes.length > 0);
    expect(backend.lookups.filter((by) => by.mac !== undefined)).toHaveLength(1);
  });
});
