/**
 * Ports over HTTP with the simulated switch: a device's ports as Metal showed them, conversions and VLAN
 * assignments reaching the switch, the device showing its network type, batches moving from queued to completed
 * (or failed with the switch's reason, the port unchanged), concurrent batches on one port applied one after the
 * other, 422s naming the field and the fix, and another tenant's port and VLANs out of reach.
 */
import type { Cloud } from '../../lib/cloud';
import { SimSwitch } from '../../lib/drivers/switch';
import { apiClient, deviceInput, eventually, testCloud } from '../support/cloud';

jest.setTimeout(180_000);

interface PortBody {
  id: string;
  name: string;
  network_type: string;
  data: { bonded: boolean };
  native_virtual_network: { id: string; vxlan: number } | null;
  virtual_networks: { id: string; vxlan: number }[];
}

describe('ports over HTTP', () => {
  let cloud: Cloud;
  let admin: ReturnType<typeof apiClient>;
  let projectId: string;
  const switches = new Map<string, SimSwitch>();
  /** A metro's switch: the cloud opens it on its first port change, a test may reach it before. */
  const switchOf = (metro: string) => {
    if (!switches.has(metro)) switches.set(metro, new SimSwitch());
    return switches.get(metro)!;
  };

  /** An active device in `metro` and its ports by name. */
  async function device(hostname: string, metro = 'ny') {
    const created = await admin.post(`/projects/${projectId}/devices`, deviceInput({ hostname, metro }));
    expect(created.status).toBe(201);
    await eventually(async () => (await admin.get(`/devices/${created.body.id}`)).body.state === 'active', `${hostname} to be active`);
    const body = (await admin.get(`/devices/${created.body.id}`)).body;
    const ports: Record<string, PortBody> = Object.fromEntries(body.network_ports.map((p: PortBody) => [p.name, p]));
    const machineNic = async (nic: string) => {
      const [{ machine_id: machineId }] = await cloud.db.query<{ machine_id: string }>('SELECT machine_id FROM devices WHERE id = $1', [
        body.id,
      ]);
      return (await switchOf(metro).readPorts([`${machineId}:${nic}`]))[0];
    };
    return { id: body.id as string, ports, nic: machineNic };
  }
  const vlan = async (metro = 'ny') => (await admin.post(`/projects/${projectId}/virtual-networks`, { metro })).body;
  const batchDone = (portId: string, batchId: string) =>
    eventually(async () => {
      const b = (await admin.get(`/ports/${portId}/vlan-assignments/batches/${batchId}`)).body;
      return b.state === 'completed' || b.state === 'failed' ? b : undefined;
    }, 'the batch to finish');

  beforeAll(async () => {
    cloud = await testCloud('pglite', {
      switches: (metro) => ({ switch: switchOf(metro), portName: (machineId, nic) => `${machineId}:${nic}` }),
    });
    admin = apiClient(cloud);
    projectId = (await admin.post('/projects', { name: 'ports' })).body.id;
  });
  afterAll(() => cloud.close());

  it('shows a device layer3 with bond0 over eth0 and eth1, and converts it to hybrid and back', async () => {
    const d = await device('hybrid');
    expect((await admin.get(`/ports/${d.ports.eth1.id}`)).body).toMatchObject({
      name: 'eth1',
      network_type: 'layer3',
      data: { bonded: true },
      virtual_networks: [],
      native_virtual_network: null,
    });
    const v = await vlan();
    const disbonded = await admin.post(`/ports/${d.ports.eth1.id}/disbond`);
    expect(disbonded.body).toMatchObject({ network_type: 'hybrid', data: { bonded: false }, bond: null });
    const assigned = await admin.post(`/ports/${d.ports.eth1.id}/assign`, { vnid: String(v.vxlan) });
    expect(assigned.body.virtual_networks).toEqual([{ id: v.id, vxlan: v.vxlan, href: `/metal/v1/virtual-networks/${v.id}` }]);
    // Its only VLAN is carried untagged, as on Metal.
    expect(await d.nic('eth1')).toMatchObject({ native: v.vxlan, tagged: [] });
    expect(await d.nic('eth0')).toMatchObject({ native: null, tagged: [] });
    const shown = (await admin.get(`/devices/${d.id}`)).body;
    expect(shown.network_type).toBe('hybrid');
    expect((await admin.get(`/virtual-networks/${v.id}`)).body.instances).toEqual([{ href: `/metal/v1/devices/${d.id}` }]);

    const bondRefused = await admin.post(`/ports/${d.ports.eth1.id}/bond`);
    expect(bondRefused).toMatchObject({
      status: 422,
      body: { errors: [`port: eth1 carries VLAN ${v.vxlan}, which a layer3 device cannot carry there; unassign it first`] },
    });
    await admin.post(`/ports/${d.ports.eth1.id}/unassign`, { vnid: v.id });
    expect((await admin.post(`/ports/${d.ports.eth1.id}/bond`)).body).toMatchObject({ network_type: 'layer3', data: { bonded: true } });
    expect(await d.nic('eth1')).toMatchObject({ native: null, tagged: [] });
  });

  it('converts bond0 to layer 2 with a native VLAN, carried on both NICs, and lists the assignments', async () => {
    const d = await device('l2');
    const [a, b] = [await vlan(), await vlan()];
    await admin.post(`/ports/${d.ports.bond0.id}/convert/layer-2`, { vnid: a.id });
    await admin.post(`/ports/${d.ports.bond0.id}/assign`, { vnid: b.id });
    const native = await admin.post(`/ports/${d.ports.bond0.id}/native-vlan?vnid=${a.vxlan}`);
    expect(native.body).toMatchObject({ network_type: 'layer2-bonded', native_virtual_network: { id: a.id } });
    for (const nic of ['eth0', 'eth1']) expect(await d.nic(nic)).toMatchObject({ native: a.vxlan, tagged: [b.vxlan] });
    const list = (await admin.get(`/ports/${d.ports.bond0.id}/vlan-assignments`)).body.vlan_assignments;
    expect(list.map((x: { vlan: number; native: boolean }) => [x.vlan, x.native])).toEqual([
      [a.vxlan, true],
      [b.vxlan, false],
    ]);
    expect((await admin.get(`/ports/${d.ports.bond0.id}/vlan-assignments/${b.id}`)).body).toMatchObject({
      vlan: b.vxlan,
      state: 'assigned',
    });
    expect((await admin.delete(`/ports/${d.ports.bond0.id}/native-vlan`)).body.native_virtual_network).toBeNull();
    expect(await d.nic('eth0')).toMatchObject({ native: null, tagged: [a.vxlan, b.vxlan].sort((x, y) => x - y) });

    const convert3 = await admin.post(`/ports/${d.ports.bond0.id}/convert/layer-3`, {});
    expect(convert3.status).toBe(422);
    expect(convert3.body.errors).toEqual([
      `port: bond0 carries VLAN ${[a.vxlan, b.vxlan].sort((x, y) => x - y).join(', ')}; unassign them before converting to layer 3`,
    ]);
    const deleteInUse = await admin.delete(`/virtual-networks/${a.id}`);
    expect(deleteInUse).toMatchObject({
      status: 422,
      body: { errors: [`id: VLAN ${a.vxlan} is assigned to l2 (bond0); unassign it from those ports first`] },
    });
  });

  it('takes a device’s IP assignments (elastic too) when it leaves layer 3, and gives it new ones, those request_ips names, back in layer 3', async () => {
    const d = await device('addresses');
    const kinds = (body: { ip_addresses: { address_family: number; public: boolean }[] }) =>
      body.ip_addresses.map((a) => `${a.public ? 'public' : 'private'} ${a.address_family}`).sort();
    const before = (await admin.get(`/devices/${d.id}`)).body;
    expect(kinds(before)).toEqual(['private 4', 'public 4', 'public 6']);
    const block = (await admin.post(`/projects/${projectId}/ips`, { type: 'public_ipv4', metro: 'ny', quantity: 2 })).body;
    expect((await admin.post(`/devices/${d.id}/ips`, { address: `${block.network}/32` })).status).toBe(201);

    // A switch that refuses the conversion leaves the device as it was, addresses and all.
    switchOf('ny').refuseNext('port busy');
    expect((await admin.post(`/ports/${d.ports.bond0.id}/convert/layer-2`)).status).toBe(422);
    expect((await admin.get(`/devices/${d.id}/ips`)).body.ip_addresses).toHaveLength(4);

    const layer2 = await admin.post(`/ports/${d.ports.bond0.id}/convert/layer-2`);
    expect(layer2.body.network_type).toBe('layer2-bonded');
    expect((await admin.get(`/devices/${d.id}`)).body.ip_addresses).toEqual([]);
    expect((await admin.get(`/devices/${d.id}/ips`)).body.ip_addresses).toEqual([]);
    // The elastic block stays the project's, with nothing assigned.
    expect((await admin.get(`/ips/${block.id}`)).body.assignments).toEqual([]);
    const [released] = await cloud.db.query<{ body: string }>(
      "SELECT body FROM events WHERE device_id = $1 AND type = 'ip_assignment.changed' ORDER BY seq DESC LIMIT 1",
      [d.id],
    );
    expect(released.body).toBe(`IP ${block.network}/32 released as its device left layer 3 (layer2-bonded)`);
    const onLayer2 = await admin.post(`/devices/${d.id}/ips`, { address: `${block.network}/32` });
    expect(onLayer2).toMatchObject({
      status: 422,
      body: {
        errors: [expect.stringMatching(/^device: addresses is layer2-bonded, where its bond does not route; convert bond0 to layer 3/)],
      },
    });

    const bad = await admin.post(`/ports/${d.ports.bond0.id}/convert/layer-3`, {
      request_ips: [{ public: true }, { address_family: 6, public: false }],
    });
    expect(bad).toMatchObject({
      status: 422,
      body: {
        errors: [
          'request_ips[0].address_family: is required; give 4 or 6',
          'request_ips[1].public: IPv6 addresses are public only; set public to true or leave the entry out',
        ],
      },
    });
    // Back in layer 3 with a switch that refuses: the addresses it took go back, the device stays in layer 2.
    switchOf('ny').refuseNext('port busy');
    expect((await admin.post(`/ports/${d.ports.bond0.id}/convert/layer-3`, {})).status).toBe(422);
    expect((await admin.get(`/devices/${d.id}`)).body).toMatchObject({ network_type: 'layer2-bonded', ip_addresses: [] });

    const layer3 = await admin.post(`/ports/${d.ports.bond0.id}/convert/layer-3`, {
      request_ips: [
        { address_family: 4, public: false },
        { address_family: 6, public: true },
      ],
    });
    expect(layer3.body.network_type).toBe('layer3');
    const after = (await admin.get(`/devices/${d.id}`)).body;
    expect(kinds(after)).toEqual(['private 4', 'public 6']);
    expect((await admin.get(`/devices/${d.id}/ips`)).body.ip_addresses).toHaveLength(2);
    // Without request_ips, Metal's three kinds.
    await admin.post(`/ports/${d.ports.bond0.id}/convert/layer-2`);
    await admin.post(`/ports/${d.ports.bond0.id}/convert/layer-3`);
    expect(kinds((await admin.get(`/devices/${d.id}`)).body)).toEqual(['private 4', 'public 4', 'public 6']);
  });

  it('refuses an unknown VLAN, one of another metro, a native VLAN not assigned and a forbidden transition, naming the field', async () => {
    const d = await device('bad-input');
    const elsewhere = await vlan('da');
    const here = await vlan();
    const unknown = await admin.post(`/ports/${d.ports.bond0.id}/assign`, { vnid: '3999' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([
      expect.stringMatching(/^vnid: unknown VLAN "3999"; .*create it with POST \/projects\/.*\/virtual-networks$/),
    ]);
    const otherMetro = await admin.post(`/ports/${d.ports.bond0.id}/assign`, { vnid: elsewhere.id });
    expect(otherMetro.body.errors).toEqual([
      `vnid: VLAN ${elsewhere.vxlan} is in metro da, the device in metro ny; use a VLAN of metro ny`,
    ]);
    const notAssigned = await admin.post(`/ports/${d.ports.bond0.id}/native-vlan?vnid=${here.id}`);
    expect(notAssigned.body.errors).toEqual([`vnid: VLAN ${here.id} is not assigned to bond0; assign it first, then make it native`]);
    const forbidden = await admin.post(`/ports/${d.ports.eth0.id}/assign`, { vnid: here.id });
    expect(forbidden.status).toBe(422);
    expect(forbidden.body.errors[0]).toMatch(/^port: cannot assign a VLAN to eth0 while the device's network type is layer3; allowed on /);
    // A batch names its VLANs by id (any case) or VXLAN id; every bad entry is listed, by its index.
    const batch = await admin.post(`/ports/${d.ports.bond0.id}/vlan-assignments/batches`, {
      vlan_assignments: [
        { vlan: '3998', state: 'assigned' },
        { vlan: here.id.toUpperCase(), state: 'assigned' },
        { vlan: elsewhere.id, state: 'assigned' },
        { vlan: String(here.vxlan), state: 'assigned' },
        { vlan: here.id, state: 'unassigned' },
      ],
    });
    expect(batch.status).toBe(422);
    expect(batch.body.errors).toEqual([
      expect.stringMatching(/^vlan_assignments\[0\]\.vlan: unknown VLAN "3998"/),
      `vlan_assignments[2].vlan: VLAN ${elsewhere.vxlan} is in metro da, the device in metro ny; use a VLAN of metro ny`,
      `vlan_assignments: VLAN ${here.vxlan} is listed more than once; list each VLAN once`,
    ]);
  });

  it('moves batches from queued to completed, or to failed with the switch’s reason and the port unchanged', async () => {
    const d = await device('batches');
    const [a, b, c] = [await vlan(), await vlan(), await vlan()];
    await admin.post(`/ports/${d.ports.bond0.id}/convert/layer-2`);
    const created = await admin.post(`/ports/${d.ports.bond0.id}/vlan-assignments/batches`, {
      vlan_assignments: [
        { vlan: String(a.vxlan), state: 'assigned', native: true },
        { vlan: b.id, state: 'assigned' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'queued', quantity: 2, error_messages: [] });
    const done = await batchDone(d.ports.bond0.id, created.body.id);
    expect(done).toMatchObject({ state: 'completed', port: { native_virtual_network: { id: a.id } } });
    expect(await d.nic('eth1')).toMatchObject({ native: a.vxlan, tagged: [b.vxlan] });

    switchOf('ny').refuseNext('no room for another VLAN');
    const refused = await admin.post(`/ports/${d.ports.bond0.id}/vlan-assignments/batches`, {
      vlan_assignments: [{ vlan: c.id, state: 'assigned' }],
    });
    const failed = await batchDone(d.ports.bond0.id, refused.body.id);
    expect(failed.state).toBe('failed');
    expect(failed.error_messages).toEqual([
      'port: the switch did not take the change (the switch refused the change: no room for another VLAN); the port is unchanged, try again',
    ]);
    expect(failed.port.virtual_networks.map((v: { id: string }) => v.id)).toEqual([a.id, b.id]);
    expect(await d.nic('eth0')).toMatchObject({ native: a.vxlan, tagged: [b.vxlan] });
    const list = (await admin.get(`/ports/${d.ports.bond0.id}/vlan-assignments/batches`)).body.batches;
    expect(list.map((x: { state: string }) => x.state)).toEqual(['completed', 'failed']);
  });

  it('applies concurrent batches on one port one after the other: every VLAN ends assigned', async () => {
    const d = await device('concurrent');
    const vlans = [await vlan(), await vlan(), await vlan(), await vlan()];
    await admin.post(`/ports/${d.ports.bond0.id}/convert/layer-2`);
    const created = await Promise.all(
      vlans.map((v) =>
        admin.post(`/ports/${d.ports.bond0.id}/vlan-assignments/batches`, { vlan_assignments: [{ vlan: v.id, state: 'assigned' }] }),
      ),
    );
    for (const b of created) expect((await batchDone(d.ports.bond0.id, b.body.id)).state).toBe('completed');
    const all = vlans.map((v) => v.vxlan).sort((x, y) => x - y);
    const port = (await admin.get(`/ports/${d.ports.bond0.id}`)).body;
    expect(port.virtual_networks.map((v: { vxlan: number }) => v.vxlan)).toEqual(all);
    expect(await d.nic('eth0')).toMatchObject({ tagged: all });
  });

  it("answers 404 for another tenant's port and refuses its VLANs as unknown", async () => {
    const d = await device('tenant-a');
    const mine = await vlan();
    const otherProject = (await admin.post('/projects', { name: 'tenant-b' })).body.id;
    const b = apiClient(cloud, (await admin.post(`/projects/${otherProject}/api-keys`, { description: 'b' })).body.token);
    expect((await b.get(`/ports/${d.ports.bond0.id}`)).status).toBe(404);
    expect((await b.post(`/ports/${d.ports.bond0.id}/assign`, { vnid: mine.id })).status).toBe(404);
    expect((await b.post(`/ports/${d.ports.eth1.id}/disbond`)).status).toBe(404);
    expect((await b.get(`/ports/${d.ports.bond0.id}/vlan-assignments/batches`)).status).toBe(404);

    // The other tenant's device cannot be given this project's VLAN: it is unknown there, not revealed.
    const theirs = await b.post(`/projects/${otherProject}/devices`, deviceInput({ hostname: 'tenant-b-host' }));
    await eventually(async () => (await b.get(`/devices/${theirs.body.id}`)).body.state === 'active', 'the device to be active');
    const bond = (await b.get(`/devices/${theirs.body.id}`)).body.network_ports[0];
    const refused = await b.post(`/ports/${bond.id}/assign`, { vnid: mine.id });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0]).toMatch(new RegExp(`^vnid: unknown VLAN "${mine.id}"`));
    expect(refused.body.errors[0]).not.toContain(projectId);
  });
});
