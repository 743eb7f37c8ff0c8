/** The simulator's IPMI face: real ipmi_sim processes driven by ipmitool, wired to in-process SimMachines. */
import { once } from 'node:events';
import { BMC_EMU, IpmiFacePool, lanConf, startIpmiFace } from '../../../lib/sim/ipmi-face';
import { describeWithTools, ipmitool, simMachine } from './tools';

const describeIpmi = describeWithTools(['ipmi_sim', 'ipmitool']);

function isRunning(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ipmi_sim configuration', () => {
  it('writes a LAN channel on the loopback port, the chassis hook and an admin user', () => {
    const conf = lanConf({
      name: 'metalforge-m1',
      port: 40623,
      guid: 'ab'.repeat(16),
      hookCommand: '/tmp/x/chassis-control m1',
      username: 'admin',
      password: 'pw',
    });
    expect(conf).toContain('addr 127.0.0.1 40623');
    expect(conf).toContain('chassis_control "/tmp/x/chassis-control m1"');
    expect(conf).toMatch(/^user 2 true "admin" "pw" admin /m);
    expect(conf).toMatch(/^startlan 1$[\s\S]*^endlan$/m);
    expect(BMC_EMU).toContain('mc_enable 0x20');
  });
});

describeIpmi('IPMI face (ipmi_sim + chassis hook)', () => {
  let pool: IpmiFacePool;

  beforeAll(async () => {
    pool = await IpmiFacePool.create();
  });

  afterAll(async () => {
    await pool.close();
  });

  it('refuses credentials ipmi_sim cannot hold', async () => {
    await expect(pool.start(simMachine('bad-password'), { password: 'has"quote' })).rejects.toThrow(RangeError);
    await expect(pool.start(simMachine('long-password'), { password: 'x'.repeat(21) })).rejects.toThrow(RangeError);
  });

  it('gives each machine its own BMC: power through one face changes only that machine', async () => {
    const [a, b] = [simMachine('rack1-a'), simMachine('rack1-b')];
    const [faceA, faceB] = await Promise.all([pool.start(a), pool.start(b)]);
    expect(faceA.port).not.toBe(faceB.port);
    expect(faceA.endpoint).toEqual({
      driver: 'ipmi',
      address: `127.0.0.1:${faceA.port}`,
      username: 'admin',
      password: faceA.password,
    });

    await ipmitool(faceA, 'chassis', 'power', 'on');
    expect(a.power).toBe('on');
    expect(b.power).toBe('off');
    expect(await ipmitool(faceA, 'chassis', 'power', 'status')).toContain('Chassis Power is on');
    expect(await ipmitool(faceB, 'chassis', 'power', 'status')).toContain('Chassis Power is off');

    const booted = once(a, 'booted');
    await ipmitool(faceA, 'chassis', 'power', 'reset');
    await booted;
    await ipmitool(faceA, 'chassis', 'power', 'soft');
    expect(a.power).toBe('off');
  });

  it('maps ipmitool boot devices onto the machine and reports the machine override back', async () => {
    const machine = simMachine('boot-face');
    const face = await pool.start(machine);
    for (const [arg, device] of [
      ['pxe', 'pxe'],
      ['disk', 'disk'],
      ['cdrom', 'cdrom'],
      ['bios', 'bios'],
      ['none', 'none'],
    ] as const) {
      await ipmitool(face, 'chassis', 'bootdev', arg);
      expect(machine.boot.device).toBe(device);
    }
    machine.setBootDevice('cdrom');
    expect(await ipmitool(face, 'chassis', 'bootparam', 'get', '5')).toContain('Force Boot from CD/DVD');
    machine.setBootDevice('uefi_http'); // no IPMI selector: reported as no override
    expect(await ipmitool(face, 'chassis', 'bootparam', 'get', '5')).toContain('No override');
  });

  it('turns an injected busy fault into completion code 0xFF', async () => {
    const face = await pool.start(simMachine('busy-face', { faults: { bmcBusyRate: 1 } }));
    await expect(ipmitool(face, 'raw', '0x00', '0x01')).rejects.toThrow(/rsp=0xff/);
  });

  it('stops ipmi_sim on close, and restart keeps the port', async () => {
    const face = await pool.start(simMachine('lifecycle'));
    const firstPid = face.pid;
    await face.restart();
    expect(face.pid).not.toBe(firstPid);
    expect(isRunning(firstPid)).toBe(false);
    expect(await ipmitool(face, 'chassis', 'power', 'status')).toContain('Chassis Power is off');
    const pid = face.pid;
    await face.close();
    await face.close();
    expect(isRunning(pid)).toBe(false);
  });

  it('startIpmiFace runs one machine with its own hook server and cleans up on close', async () => {
    const machine = simMachine('single');
    const face = await startIpmiFace(machine, { username: 'operator', password: 'Secret-1' });
    expect(face.address).toBe(`127.0.0.1:${face.port}`);
    await ipmitool(face, 'chassis', 'power', 'on');
    expect(machine.power).toBe('on');
    const pid = face.pid;
    await face.close();
    expect(isRunning(pid)).toBe(false);
  });
});
