/** The simulator's IPMI face: real ipmi_sim processes driven by ipmitool, wired to in-process SimMachines. */
import { setSelClock } from '../../../lib/drivers/ipmi';
import { once } from 'node:events';
import { bmcEmulation, IpmiFacePool, lanConf, sensorDefinitions, startIpmiFace } from '../../../lib/sim/ipmi-face';
import { SimMachine } from '../../../lib/sim/machine';
import { describeWithTools, ipmitool, simMachine, solActivate } from './tools';

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
      solPort: 40624,
    });
    expect(conf).toContain('addr 127.0.0.1 40623');
    expect(conf).toContain('sol "tcp:127.0.0.1:40624" 115200');
    expect(conf).toContain('chassis_control "/tmp/x/chassis-control m1"');
    expect(conf).toMatch(/^user 2 true "admin" "pw" admin /m);
    expect(conf).toMatch(/^startlan 1$[\s\S]*^endlan$/m);
  });

  it('describes the BMC, one SDR and sensor per reading, the FRU and the SEL in the emulation file', () => {
    const machine = simMachine('emu');
    const emulation = bmcEmulation(machine.id, machine.inventory, 'off');
    const sensors = sensorDefinitions(machine.inventory);
    expect(sensors.map((s) => s.name)).toEqual(['Inlet Temp', 'CPU1 Temp', 'Fan1', 'Fan2', 'Fan3', 'Fan4', 'Pwr Consumption']);
    expect(emulation.match(/^main_sdr_add /gm)).toHaveLength(sensors.length);
    expect(emulation.match(/^sensor_add /gm)).toHaveLength(sensors.length);
    expect(emulation).toMatch(/^sel_enable 0x20 1000 /m);
    expect(emulation).toMatch(/^mc_add_fru_data 0x20 0 \d+ data /m);
    expect(emulation.trim().split('\n').pop()).toBe('mc_enable 0x20');
  });
});

describeIpmi('IPMI face (ipmi_sim + chassis hook)', () => {
  let pool: IpmiFacePool;

  beforeAll(async () => {
    pool = await IpmiFacePool.create({ setClock: setSelClock });
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

  it('keeps persistent and EFI boot flags: bootparam get 5 reports them and the override survives a boot', async () => {
    const machine = simMachine('flags');
    const face = await pool.start(machine);
    await ipmitool(face, 'chassis', 'bootdev', 'pxe', 'options=efiboot,persistent');
    expect(machine.boot).toEqual({ device: 'pxe', persistent: true, efi: true });
    const persistent = await ipmitool(face, 'chassis', 'bootparam', 'get', '5');
    expect(persistent).toContain('Boot parameter data: e004000000');
    expect(persistent).toMatch(/- Boot Flag Valid\n\s+- Options apply to all future boots\n\s+- BIOS EFI boot/);
    expect(persistent).toContain('Boot Device Selector : Force PXE');
    const booted = once(machine, 'booted');
    await ipmitool(face, 'chassis', 'power', 'on');
    expect(await booted).toEqual([{ source: 'pxe', image: undefined }]);
    expect(await ipmitool(face, 'chassis', 'bootparam', 'get', '5')).toContain('Options apply to all future boots');

    // Without options ipmitool asks for a one-time legacy boot, and that is what the BMC keeps.
    await ipmitool(face, 'chassis', 'bootdev', 'disk');
    expect(machine.boot).toEqual({ device: 'disk', persistent: false, efi: false });
    const oneTime = await ipmitool(face, 'chassis', 'bootparam', 'get', '5');
    expect(oneTime).toContain('Boot parameter data: 8008000000');
    expect(oneTime).toMatch(/Options apply to only next boot\n\s+- BIOS PC Compatible \(legacy\) boot/);
  });

  it('lists sensors like a BMC: temperatures, fans and power draw that follow the machine power', async () => {
    const machine = simMachine('sensors');
    const face = await pool.start(machine);
    const readings = async () =>
      Object.fromEntries(
        (await ipmitool(face, 'sdr', 'list'))
          .trim()
          .split('\n')
          .map((line) => line.split('|').map((cell) => cell.trim()))
          .map(([name, reading, status]) => [name, `${reading} ${status}`]),
      );
    expect(await readings()).toEqual({
      'Inlet Temp': '22 degrees C ok',
      'CPU1 Temp': '22 degrees C ok',
      Fan1: '0 RPM ok',
      Fan2: '0 RPM ok',
      Fan3: '0 RPM ok',
      Fan4: '0 RPM ok',
      'Pwr Consumption': '12 Watts ok',
    });
    await ipmitool(face, 'chassis', 'power', 'on');
    const on = await readings();
    expect(on['CPU1 Temp']).toBe('41 degrees C ok');
    expect(on.Fan1).toBe('5760 RPM ok');
    expect(Number(on['Pwr Consumption'].split(' ')[0])).toBeGreaterThan(12);
  });

  it('prints the FRU inventory from the machine: rack chassis, board and product with serial and maker', async () => {
    const machine = new SimMachine({
      id: 'fru-1',
      inventory: {
        manufacturer: 'Contoso',
        model: 'R650',
        serial: 'CN7-0042',
        cpus: [{ count: 2, cores: 8 }],
        memoryMiB: 65536,
        drives: [],
        nics: [],
      },
      scale: 0,
    });
    const fru = Object.fromEntries(
      (await ipmitool(await pool.start(machine), 'fru', 'print'))
        .split('\n')
        .filter((line) => line.includes(' : '))
        .map((line) => line.split(' : ').map((cell) => cell.trim())),
    );
    expect(fru).toMatchObject({
      'FRU Device Description': 'Builtin FRU Device (ID 0)',
      'Chassis Type': 'Rack Mount Chassis',
      'Board Mfg': 'Contoso',
      'Board Product': 'R650 mainboard',
      'Product Manufacturer': 'Contoso',
      'Product Name': 'R650',
      'Product Serial': 'CN7-0042',
      'Product Asset Tag': 'fru-1',
    });
  });

  it('records power and boot changes in the SEL with the time they happened', async () => {
    const machine = simMachine('sel');
    const face = await pool.start(machine);
    expect(await ipmitool(face, 'sel', 'info')).toMatch(/^Entries\s+: 0$/m);
    await ipmitool(face, 'chassis', 'bootdev', 'pxe');
    const booted = once(machine, 'booted');
    await ipmitool(face, 'chassis', 'power', 'on');
    await booted;
    await ipmitool(face, 'chassis', 'power', 'off');
    const entries = (await ipmitool(face, 'sel', 'list'))
      .trim()
      .split('\n')
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(entries.map(([, , , sensor, event, direction]) => [sensor, event, direction])).toEqual([
      ['System ACPI Power State #0x50', 'S0/G0: working', 'Asserted'],
      ['System Boot Initiated #0x51', 'User requested PXE boot', 'Asserted'],
      ['System ACPI Power State #0x50', 'S4/S5: soft-off', 'Asserted'],
    ]);
    // A date, not "Pre-Init": the face set the SEL clock when ipmi_sim started.
    const today = new Date();
    const mmddyy = [today.getUTCMonth() + 1, today.getUTCDate(), today.getUTCFullYear() % 100]
      .map((n) => String(n).padStart(2, '0'))
      .join('/');
    expect(entries.every(([, date]) => date === mmddyy)).toBe(true);
  });

  it('answers Serial-over-LAN: sol info shows it enabled, sol activate reaches the console banner on Enter', async () => {
    const machine = simMachine('sol-1');
    const face = await pool.start(machine);
    expect(await ipmitool(face, 'sol', 'info')).toMatch(/^Enabled\s+: true$/m);
    await ipmitool(face, 'chassis', 'power', 'on');
    const session = await solActivate(face, 'sol-1 login: ');
    expect(session).toContain('[SOL Session operational.');
    expect(session).toContain('SimServer serial console (ttyS0, 115200 8N1)');
    expect(session).toContain('sol-1 login: ');
  });

  it('turns an injected busy fault into completion code 0xFF', async () => {
    const face = await pool.start(simMachine('busy-face', { faults: { bmcBusyRate: 1 } }));
    await expect(ipmitool(face, 'raw', '0x00', '0x01')).rejects.toThrow(/rsp=0xff/);
  });

  it('stops ipmi_sim on close; restart keeps the port and the SEL, and lists each sensor once', async () => {
    const machine = simMachine('lifecycle');
    const face = await pool.start(machine);
    const firstPid = face.pid;
    await ipmitool(face, 'chassis', 'power', 'on');
    await face.restart();
    expect(face.pid).not.toBe(firstPid);
    expect(isRunning(firstPid)).toBe(false);
    expect(await ipmitool(face, 'chassis', 'power', 'status')).toContain('Chassis Power is on');
    const sensors = (await ipmitool(face, 'sdr', 'list')).trim().split('\n');
    expect(sensors).toHaveLength(sensorDefinitions(machine.inventory).length);
    expect(sensors.find((line) => line.startsWith('Fan1'))).toMatch(/\| 5760 RPM/);
    expect(await ipmitool(face, 'sel', 'list')).toMatch(/S0\/G0: working/);
    const pid = face.pid;
    await face.close();
    await face.close();
    expect(isRunning(pid)).toBe(false);
  });

  it('startIpmiFace runs one machine with its own hook server and cleans up on close', async () => {
    const machine = simMachine('single');
    const face = await startIpmiFace(machine, { username: 'operator', password: 'Secret-1', setClock: setSelClock });
    expect(face.address).toBe(`127.0.0.1:${face.port}`);
    await ipmitool(face, 'chassis', 'power', 'on');
    expect(machine.power).toBe('on');
    const pid = face.pid;
    await face.close();
    expect(isRunning(pid)).toBe(false);
  });
});
