/**
 * Rescue end to end on the simulated data center over the real boot service: the rescue action's job sets a
 * one-time PXE boot through the sim driver and power-cycles the machine, the machine's boot agent fetches its
 * iPXE script over HTTP, boots the in-memory rescue system, reads its metadata and phones home; a reboot then
 * boots the disk, which still holds the OS its install wrote.
 */
import type { Cloud } from '../../lib/cloud';
import { apiClient, deviceState, eventually, sshPublicKey, testCloud } from '../support/cloud';

describe('rescue on a simulated machine over the boot network', () => {
  let cloud: Cloud;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    cloud = await testCloud('pglite', { bootPath: 'http' });
    await cloud.listen();
    api = apiClient(cloud);
  }, 180_000);
  afterAll(() => cloud?.close());

  it('boots the rescue system without touching the disk, and reboots into the installed OS', async () => {
    const project = (await api.post('/projects', { name: 'rescue' })).body.id;
    await api.post(`/projects/${project}/ssh-keys`, { label: 'ops', key: sshPublicKey('ops@rescue') });
    const userdata = '#cloud-config\nhostname: keep-me\n';
    const created = await api.post(`/projects/${project}/devices`, {
      plan: 'c3.small.x86',
      metro: 'ny',
      operating_system: 'debian_12',
      hostname: 'rescue-e2e',
      userdata,
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    await eventually(async () => (await deviceState(cloud, id)) === 'active', 'the device to be installed over the boot network');

    const [{ name }] = await cloud.db.query<{ name: string }>(
      'SELECT m.bmc_address AS name FROM machines m JOIN devices d ON d.machine_id = m.id WHERE d.id = $1',
      [id],
    );
    const machine = cloud.sim.get(name)!;
    expect(machine.disk).toBe('debian_12');
    const boots: { source: string; image?: string }[] = [];
    machine.on('booted', (boot) => boots.push(boot));

    expect((await api.post(`/devices/${id}/actions`, { type: 'rescue' })).status).toBe(202);
    await eventually(async () => (await deviceState(cloud, id)) === 'rescue', 'the rescue system to phone home');
    expect(boots).toEqual([{ source: 'pxe', image: undefined }]);
    expect(machine.power).toBe('on');
    expect(machine.disk).toBe('debian_12');
    const bodies = async () =>
      (await api.get(`/devices/${id}/events?per_page=100`)).body.events.map((e: { body: string }) => e.body).reverse();
    // The job's own "network boot started" may come after a fast machine's phone-home (then it is not written).
    expect((await bodies()).filter((b: string) => /rescuing|rescue boot/.test(b))).toEqual([
      'rescue-e2e: active → rescuing (rescue)',
      'rescue-e2e: rescue boot started',
      'rescue-e2e: rescuing → rescue (phone home)',
    ]);
    // Its token ended with the phone-home: the boot network hands a second PXE fetch the local disk.
    const mac = machine.inventory.nics[0].mac;
    const again = await (await fetch(`${cloud.bootUrl}/boot/ipxe?mac=${mac}`)).text();
    expect(again).toMatch(/boots from its local disk\nexit\n$/);

    expect((await api.post(`/devices/${id}/actions`, { type: 'reboot' })).status).toBe(202);
    await eventually(async () => boots.length === 2, 'the machine to reboot');
    expect(boots[1]).toEqual({ source: 'disk', image: 'debian_12' });
    expect(await deviceState(cloud, id)).toBe('active');
    expect(machine.disk).toBe('debian_12');
    const device = (await api.get(`/devices/${id}`)).body;
    expect(device).toMatchObject({ state: 'active', operating_system: { slug: 'debian_12' }, userdata });
    expect(await bodies()).toContain('rescue-e2e: reboot requested, leaving rescue for the OS on its disk');
  }, 60_000);
});
