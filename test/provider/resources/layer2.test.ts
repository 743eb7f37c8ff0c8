/**
 * metal_vlan, metal_device_network_type, metal_port_vlan_attachment, metal_port, metal_gateway and the VLAN, port
 * and gateway data sources through the provider runtime against a real metalforge cloud.
 */
import { valuesEqual, type ValueObject } from '../../../lib/provider/framework/values';
import { startRuntimeWorld, type RuntimeWorld } from './runtime-harness';

jest.setTimeout(180_000);

describe('layer 2', () => {
  let world: RuntimeWorld;
  const errors = (diagnostics: { severity: string }[]) => diagnostics.filter((d) => d.severity === 'error');
  const applied = async (typeName: string, prior: ValueObject | null, values: ValueObject | null) => {
    const result = await world.apply(typeName, prior, values);
    expect(errors(result.diagnostics)).toEqual([]);
    return result;
  };
  const read = async (typeName: string, values: ValueObject) => {
    const result = await world.read(typeName, values);
    expect(errors(result.diagnostics)).toEqual([]);
    return result.state!;
  };
  const quiet = async (typeName: string, state: ValueObject, values: ValueObject) => {
    expect(valuesEqual((await world.refresh(typeName, state)).state, state)).toBe(true);
    const plan = await world.plan(typeName, state, values);
    expect([plan.requiresReplace, valuesEqual(plan.planned, state)]).toEqual([[], true]);
  };
  const activeDevice = async (projectId: string, metro = 'ny') => {
    const device = await world.client.devices.create(projectId, { plan: 'c3.small.x86', metro, operating_system: 'ubuntu_22_04' });
    return world.client.devices.get(device.id, { wait: { states: ['active'] } });
  };
  const portOf = async (deviceId: string, name: string) =>
    (await world.client.devices.get(deviceId)).network_ports.find((p) => p.name === name)!;

  beforeAll(async () => {
    world = await startRuntimeWorld({ simScale: 0.002 });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('configurations are checked before any API call, each problem at its attribute', async () => {
    const validate = async (typeName: string, values: ValueObject, kind: 'resource' | 'data' = 'resource') => {
      const config = world.config(typeName, values, kind);
      const diagnostics =
        kind === 'resource'
          ? await world.runtime.validateResourceConfig(typeName, config)
          : await world.runtime.validateDataSourceConfig(typeName, config);
      return diagnostics.filter((d) => d.severity === 'error').map((d) => [d.path, d.detail]);
    };
    const id = '3f1f3e4c-0000-4000-8000-000000000001';
    expect(await validate('metal_vlan', { project_id: id, metro: 'ny', vxlan: 4000 })).toEqual([
      [['vxlan'], expect.stringContaining('from 2 to 3999')],
    ]);
    expect(await validate('metal_vlan', { project_id: id })).toEqual([[['metro'], expect.stringContaining('Set metro')]]);
    expect(await validate('metal_gateway', { project_id: id, vlan_id: id, private_ipv4_subnet_size: 12 })).toEqual([
      [['private_ipv4_subnet_size'], expect.stringContaining('8, 16, 32, 64, 128')],
    ]);
    expect(await validate('metal_gateway', { project_id: id, vlan_id: id })).toEqual([
      [['private_ipv4_subnet_size'], expect.stringContaining('Set ip_reservation_id')],
    ]);
    expect(await validate('metal_port', { port_id: id, bonded: true, vlan_ids: [id], vxlan_ids: [1000] })).toEqual([
      [['vxlan_ids'], expect.stringContaining('not both')],
    ]);
    expect(await validate('metal_device_network_type', { device_id: id, type: 'layer4' })).toEqual([
      [['type'], expect.stringContaining('layer3, hybrid')],
    ]);
    expect(await validate('metal_port', { device_id: id }, 'data')).toEqual([
      [['port_id'], expect.stringContaining('device_id with name')],
    ]);
    expect(await validate('metal_vlan', { vxlan: 1000 }, 'data')).toEqual([[['vlan_id'], expect.stringContaining('Set vlan_id')]]);
  });

  it('metal_vlan: creates, is quiet, replaces on any change, refuses a taken vxlan at its attribute, imports, reads as data, deletes', async () => {
    const project = await world.client.projects.create({ name: 'vlans' });
    const values = { project_id: project.id, metro: 'NY', vxlan: 1040, description: 'db' };
    const { state } = await applied('metal_vlan', null, values);
    expect(state).toMatchObject({ metro: 'NY', vxlan: 1040, description: 'db', project_id: project.id });
    expect(await world.client.vlans.get(String(state!.id))).toMatchObject({ vxlan: 1040, metro_code: 'ny', description: 'db' });
    await quiet('metal_vlan', state!, values);
    expect((await world.plan('metal_vlan', state!, { ...values, description: 'other' })).requiresReplace).toEqual([['description']]);

    const taken = await world.apply('metal_vlan', null, values);
    expect(errors(taken.diagnostics)).toEqual([expect.objectContaining({ path: ['vxlan'] })]);
    const invalid = await world.apply('metal_vlan', null, { ...values, vxlan: 4000 });
    expect(errors(invalid.diagnostics)).toEqual([expect.objectContaining({ path: ['vxlan'], detail: expect.stringContaining('3999') })]);

    const automatic = (await applied('metal_vlan', null, { project_id: project.id, metro: 'ny' })).state!;
    expect(automatic.vxlan).toEqual(expect.any(Number));

    const imported = await world.import('metal_vlan', String(state!.id));
    expect(imported.state).toMatchObject({ id: state!.id, vxlan: 1040, metro: 'ny', project_id: project.id });

    const byId = await read('metal_vlan', { vlan_id: state!.id });
    const byNumber = await read('metal_vlan', { project_id: project.id, vxlan: 1040, metro: 'ny' });
    expect(byId).toMatchObject({ id: state!.id, description: 'db', assigned_devices_ids: [] });
    expect(byNumber.id).toBe(state!.id);
    const missing = await world.read('metal_vlan', { project_id: project.id, vxlan: 1041, metro: 'ny' });
    expect(errors(missing.diagnostics)).toEqual([expect.objectContaining({ summary: 'VLAN not found', path: ['vxlan'] })]);

    for (const s of [state!, automatic]) expect((await applied('metal_vlan', s, null)).state).toBeNull();
    await expect(world.client.vlans.get(String(state!.id))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('metal_device_network_type, metal_port_vlan_attachment and the port data source: hybrid, eth1 on the VLAN, native in place, layer2 and back', async () => {
    const project = await world.client.projects.create({ name: 'hybrid' });
    const device = await activeDevice(project.id);
    const vlan = await world.client.vlans.create(project.id, { metro: 'ny', vxlan: 1050 });
    const second = await world.client.vlans.create(project.id, { metro: 'ny', vxlan: 1051 });

    const typeValues = { device_id: device.id, type: 'hybrid' };
    const typed = (await applied('metal_device_network_type', null, typeValues)).state!;
    expect(typed).toEqual({ id: device.id, device_id: device.id, type: 'hybrid' });
    expect((await world.client.devices.get(device.id)).network_type).toBe('hybrid');
    await quiet('metal_device_network_type', typed, typeValues);

    const attachValues = { device_id: device.id, port_name: 'eth1', vlan_vnid: 1050 };
    const attached = (await applied('metal_port_vlan_attachment', null, attachValues)).state!;
    const eth1 = await portOf(device.id, 'eth1');
    expect(attached).toMatchObject({ id: `${eth1.id}:${vlan.id}`, port_id: eth1.id, vlan_id: vlan.id });
    expect(eth1.virtual_networks.map((v) => v.href)).toEqual([expect.stringContaining(vlan.id)]);
    await quiet('metal_port_vlan_attachment', attached, attachValues);
    expect((await world.plan('metal_port_vlan_attachment', attached, { ...attachValues, vlan_vnid: 1051 })).requiresReplace).toEqual([
      ['vlan_vnid'],
    ]);

    const secondValues = { device_id: device.id, port_name: 'eth1', vlan_vnid: 1051 };
    const secondState = (await applied('metal_port_vlan_attachment', null, secondValues)).state!;
    const native = await applied('metal_port_vlan_attachment', secondState, { ...secondValues, native: true });
    expect(native.requiresReplace).toEqual([]);
    expect(native.state).toMatchObject({ native: true });
    expect((await world.client.ports.get(eth1.id)).native_virtual_network).toMatchObject({ id: second.id });

    // The port as data, by device and name and by id.
    const port = await read('metal_port', { device_id: device.id, name: 'eth1' });
    expect(port).toMatchObject({ id: eth1.id, type: 'NetworkPort', bonded: false, native_vlan_id: second.id, vxlan_ids: [1050, 1051] });
    expect(port.vlan_ids).toEqual([vlan.id, second.id].sort());
    // eth0 stays in the bond; eth1 left it.
    const eth0 = await portOf(device.id, 'eth0');
    expect(await read('metal_port', { port_id: eth0.id })).toMatchObject({ bond_name: 'bond0', bonded: true, network_type: 'hybrid' });
    expect((await read('metal_vlan', { vlan_id: vlan.id })).assigned_devices_ids).toEqual([device.id]);

    const wrongPort = await world.apply('metal_port_vlan_attachment', null, { ...attachValues, port_name: 'eth7' });
    expect(errors(wrongPort.diagnostics)).toEqual([
      expect.objectContaining({ path: ['port_name'], detail: expect.stringContaining('eth0') }),
    ]);
    const noVlan = await world.apply('metal_port_vlan_attachment', null, { ...attachValues, vlan_vnid: 1999 });
    expect(errors(noVlan.diagnostics)).toEqual([expect.objectContaining({ path: ['vlan_vnid'] })]);

    const reimported = await world.import('metal_port_vlan_attachment', `${device.id}:eth1:1050`);
    expect(reimported.state).toMatchObject({ id: attached.id, vlan_id: vlan.id, port_id: eth1.id });

    // Detached (native first), then the device goes layer2-bonded and back to layer3.
    expect((await applied('metal_port_vlan_attachment', native.state, null)).state).toBeNull();
    expect((await applied('metal_port_vlan_attachment', attached, null)).state).toBeNull();
    expect((await world.client.ports.get(eth1.id)).virtual_networks).toEqual([]);
    for (const type of ['layer2-bonded', 'layer2-individual', 'layer3']) {
      const changed = await applied('metal_device_network_type', typed, { ...typeValues, type });
      expect([changed.requiresReplace, changed.state?.type, (await world.client.devices.get(device.id)).network_type]).toEqual([
        [],
        type,
        type,
      ]);
    }
    expect((await world.import('metal_device_network_type', device.id)).state).toEqual({
      id: device.id,
      device_id: device.id,
      type: 'layer3',
    });
  });

  it('metal_port: bond0 to layer 2 with VLANs by number, more in place as one batch, an unknown one named at its place, layer2 refused on an ethernet port, then reset on delete', async () => {
    const project = await world.client.projects.create({ name: 'ports' });
    const device = await activeDevice(project.id);
    const vlan = await world.client.vlans.create(project.id, { metro: 'ny', vxlan: 1060 });
    const bond0 = await portOf(device.id, 'bond0');

    const values = { port_id: bond0.id, bonded: true, layer2: true, vxlan_ids: [1060], reset_on_delete: true };
    const { state } = await applied('metal_port', null, values);
    expect(state).toMatchObject({ id: bond0.id, name: 'bond0', network_type: 'layer2-bonded', vlan_ids: [vlan.id], vxlan_ids: [1060] });
    await quiet('metal_port', state!, values);
    // More VLANs on the port in place, as one assignment batch; the other list follows.
    const more = await Promise.all([1061, 1062, 1063].map((vxlan) => world.client.vlans.create(project.id, { metro: 'ny', vxlan })));
    const grown = await applied('metal_port', state, { ...values, vxlan_ids: [1060, 1061, 1062, 1063] });
    expect(grown.requiresReplace).toEqual([]);
    expect(grown.state).toMatchObject({
      id: bond0.id,
      vxlan_ids: [1060, 1061, 1062, 1063],
      vlan_ids: [vlan, ...more].map((v) => v.id).sort(),
    });
    const batches = await world.client.ports.listBatches(bond0.id);
    expect(batches.map((b) => [b.state, b.vlan_assignments.map((a) => a.vlan).sort()])).toEqual([
      ['completed', [1060]],
      ['completed', [1061, 1062, 1063]],
    ]);
    // A VLAN that does not exist is named at its place in the list; the port keeps what it had.
    const unknown = await world.apply('metal_port', grown.state, { ...values, vxlan_ids: [1060, 1061, 1062, 1063, 1999] });
    expect(errors(unknown.diagnostics)).toEqual([
      expect.objectContaining({ path: ['vxlan_ids', 4], detail: expect.stringContaining('unknown VLAN "1999"') }),
    ]);
    expect((await world.client.ports.get(bond0.id)).virtual_networks).toHaveLength(4);

    const layer2OnEth = await world.apply('metal_port', null, {
      port_id: (await portOf(device.id, 'eth0')).id,
      bonded: true,
      layer2: true,
    });
    expect(errors(layer2OnEth.diagnostics)).toEqual([expect.objectContaining({ path: ['layer2'] })]);

    expect((await applied('metal_port', grown.state, null)).state).toBeNull();
    const reset = await world.client.ports.get(bond0.id);
    expect([reset.network_type, reset.virtual_networks]).toEqual(['layer3', []]);
  });

  it('metal_gateway and its data source: a private block for a VLAN, replaced on any change, imported, deleted', async () => {
    const project = await world.client.projects.create({ name: 'gateways' });
    const vlan = await world.client.vlans.create(project.id, { metro: 'ny' });
    const values = { project_id: project.id, vlan_id: vlan.id, private_ipv4_subnet_size: 8 };
    const { state } = await applied('metal_gateway', null, values);
    expect(state).toMatchObject({ project_id: project.id, vlan_id: vlan.id, private_ipv4_subnet_size: 8, vrf_id: null });
    expect(['ready', 'active']).toContain(state!.state);
    const block = await world.client.ips.get(String(state!.ip_reservation_id));
    expect(block).toMatchObject({ type: 'private_ipv4', cidr: 29 });
    await quiet('metal_gateway', state!, values);
    expect((await world.plan('metal_gateway', state!, { ...values, private_ipv4_subnet_size: 16 })).requiresReplace).toEqual([
      ['private_ipv4_subnet_size'],
    ]);
    const both = await world.apply('metal_gateway', null, { ...values, ip_reservation_id: block.id });
    expect(errors(both.diagnostics)).toEqual([expect.objectContaining({ path: ['private_ipv4_subnet_size'] })]);

    expect((await read('metal_gateway', { gateway_id: state!.id })).ip_reservation_id).toBe(block.id);
    expect((await world.import('metal_gateway', String(state!.id))).state).toMatchObject({ vlan_id: vlan.id, private_ipv4_subnet_size: 8 });
    expect((await applied('metal_gateway', state, null)).state).toBeNull();
    await expect(world.client.metalGateways.get(String(state!.id))).rejects.toMatchObject({ code: 'not_found' });
  });
});
