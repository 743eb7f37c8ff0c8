/**
 * VLANs with real packets: the cloud's switch is a VLAN-filtering Linux bridge in a namespace (LinuxBridgeSwitch),
 * each machine's eth1 is a veth from a namespace of its own into it, and only the API changes what the bridge
 * carries. Two devices put on VLAN 1001 reach each other over it, a third on VLAN 1002 reaches neither until it
 * is moved to 1001; a port with two VLANs carries both tagged; a device back in layer 3 carries no VLAN traffic. Only addresses inside the lab's
 * namespaces are used; the lab is removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CATALOG, type Cloud } from '../../lib/cloud';
import { LinuxBridgeSwitch } from '../../lib/drivers/switch';
import { loadCatalogFile } from '../../lib/engine/operator';
import { apiClient, testCloud } from '../support/cloud';
import { eventually } from '../support/eventually';
import { createSwitchLab, describeWithSwitchLab, type SwitchLab } from '../support/switch-lab';

const VLANS = [1001, 1002];
/** Generous: under User-mode Linux (test/uml-run) every process the switch driver starts is slow. */
const STEP_TIMEOUT_MS = 300_000;

describeWithSwitchLab('VLANs on a real Linux bridge, changed through the API', () => {
  let lab: SwitchLab;
  let cloud: Cloud;
  let api: ReturnType<typeof apiClient>;
  /** Lab machine number (1-based) of each machine, in the order the cloud first wires them. */
  const labMachine = new Map<string, number>();
  /** Device id → its lab machine number and its eth1 port id. */
  const devices: { id: string; machine: number; eth1: string }[] = [];
  const vlanIds = new Map<number, string>();

  beforeAll(async () => {
    lab = await createSwitchLab({ machines: 3, vlans: VLANS });
    // eth0 of each machine is on the bridge too (a port that carries nothing in hybrid mode), without a host behind it.
    for (const port of lab.ports)
      for (const args of [
        ['link', 'add', `e0${port}`, 'type', 'veth', 'peer', 'name', `e0${port}p`],
        ['link', 'set', `e0${port}`, 'master', lab.bridge, 'up'],
      ])
        execFileSync('ip', ['-n', lab.switchNs, ...args]);
    const catalogFile = join(mkdtempSync(join(tmpdir(), 'metalforge-l2-')), 'catalog.json');
    const catalog = loadCatalogFile(DEFAULT_CATALOG);
    writeFileSync(catalogFile, JSON.stringify({ ...catalog, hardware: [{ facilities: ['ny5'], per_facility: { 'c3.small.x86': 3 } }] }));
    const bridge = new LinuxBridgeSwitch({ bridge: lab.bridge, netns: lab.switchNs });
    cloud = await testCloud('pglite', {
      catalog: catalogFile,
      switches: () => ({
        switch: bridge,
        portName: (machineId, nic) => {
          if (!labMachine.has(machineId)) labMachine.set(machineId, labMachine.size + 1);
          const port = lab.ports[labMachine.get(machineId)! - 1];
          return nic === 'eth1' ? port : `e0${port}`;
        },
      }),
    });
    api = apiClient(cloud);
    const project = (await api.post('/projects', { name: 'l2' })).body.id;
    for (let n = 1; n <= 3; n++) {
      const created = await api.post(`/projects/${project}/devices`, {
        hostname: `l2-${n}`,
        plan: 'c3.small.x86',
        metro: 'ny',
        operating_system: 'ubuntu_24_04',
      });
      expect(created.status).toBe(201);
      await eventually(async () => (await api.get(`/devices/${created.body.id}`)).body.state === 'active', 'the device to be active');
      const device = (await api.get(`/devices/${created.body.id}`)).body;
      const [{ machine_id: machineId }] = await cloud.db.query<{ machine_id: string }>('SELECT machine_id FROM devices WHERE id = $1', [
        device.id,
      ]);
      if (!labMachine.has(machineId)) labMachine.set(machineId, labMachine.size + 1);
      const eth1 = device.network_ports.find((p: { name: string }) => p.name === 'eth1').id;
      devices.push({ id: device.id, machine: labMachine.get(machineId)!, eth1 });
    }
    for (const vxlan of VLANS) {
      const vlan = await api.post(`/projects/${project}/virtual-networks`, { metro: 'ny', vxlan, description: `lab ${vxlan}` });
      expect(vlan.status).toBe(201);
      vlanIds.set(vxlan, vlan.body.id);
    }
  }, STEP_TIMEOUT_MS);

  afterAll(async () => {
    await cloud?.close();
    lab?.destroy();
  });

  type LabDevice = (typeof devices)[number];
  /** Whether `from` reaches `to` untagged (vlan undefined) or over its subinterface of `vlan` (tagged frames). */
  const reaches = (from: LabDevice, to: LabDevice, vlan?: number) => lab.reaches(from.machine, lab.address(to.machine, vlan));
  const portAction = async (port: string, action: string, body?: unknown) => {
    const res = await api.post(`/ports/${port}/${action}`, body);
    expect(res.status).toBe(200);
    return res.body;
  };
  const assign = (d: LabDevice, vxlan: number) => portAction(d.eth1, 'assign', { vnid: vlanIds.get(vxlan) });
  const bridgeVlans = (d: LabDevice) =>
    JSON.parse(execFileSync('bridge', ['-n', lab.switchNs, '-j', 'vlan', 'show', 'dev', lab.ports[d.machine - 1]], { encoding: 'utf8' }))
      .flatMap((p: { vlans?: { vlan: number; flags?: string[] }[] }) => p.vlans ?? [])
      .map((v: { vlan: number; flags?: string[] }) => `${v.vlan}${v.flags?.includes('Egress Untagged') ? ' untagged' : ''}`);

  it(
    'passes a VLAN between the two devices on it and not to the one on another VLAN, until that one is moved',
    async () => {
      const [a, b, c] = devices;
      for (const d of devices) expect((await portAction(d.eth1, 'disbond')).network_type).toBe('hybrid');
      // Hybrid eth1 without a VLAN carries nothing.
      expect(reaches(a, b)).toBe(false);

      // One VLAN on a layer-2 port is carried untagged, as on Metal.
      await assign(a, 1001);
      await assign(b, 1001);
      await assign(c, 1002);
      expect(bridgeVlans(a)).toEqual(['1001 untagged']);
      expect(reaches(a, b)).toBe(true);
      expect(reaches(b, a)).toBe(true);
      expect(reaches(c, a)).toBe(false);
      expect(reaches(c, b)).toBe(false);

      await portAction(c.eth1, 'unassign', { vnid: vlanIds.get(1002) });
      const moved = await assign(c, 1001);
      expect(moved.virtual_networks).toEqual([expect.objectContaining({ vxlan: 1001 })]);
      expect(reaches(c, a)).toBe(true);
      expect(reaches(c, b)).toBe(true);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'carries two VLANs tagged on one port, each only to the ports that carry it',
    async () => {
      const [a, b, c] = devices;
      await assign(a, 1002);
      await assign(b, 1002);
      expect(bridgeVlans(b)).toEqual(['1001', '1002']);
      expect(reaches(a, b, 1001)).toBe(true);
      expect(reaches(a, b, 1002)).toBe(true);
      // c still carries only 1001, untagged: neither a's tagged 1002 nor its tagged 1001 reach it.
      expect(reaches(a, c, 1002)).toBe(false);
      expect(reaches(a, c, 1001)).toBe(false);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'carries no VLAN traffic for a device whose eth1 goes back into the bond (layer 3)',
    async () => {
      const [a, b] = devices;
      for (const vxlan of VLANS) await portAction(a.eth1, 'unassign', { vnid: vlanIds.get(vxlan) });
      expect((await portAction(a.eth1, 'bond')).network_type).toBe('layer3');
      expect(bridgeVlans(a)).toEqual([]);
      expect(reaches(b, a, 1001)).toBe(false);
      expect(reaches(b, a, 1002)).toBe(false);
      expect(reaches(b, a)).toBe(false);
    },
    STEP_TIMEOUT_MS,
  );
});
