import './setup-cdktf';
import { BareMetalDevice, PrivateNetwork } from '../../lib/constructs';
import { expectProblems, resolved, stackWithProject, synthObject } from './helpers';

const ref = (type: string, name: string, attribute = 'id') =>
  expect.stringMatching(new RegExp(`^\\$\\{${type}\\.${name}_[0-9A-F]+\\.${attribute}\\}$`));

describe('PrivateNetwork', () => {
  test('creates the VLAN, switches every device to hybrid, attaches eth1 after the switch, and no gateway by default', () => {
    const { stack, project } = stackWithProject();
    const a = new BareMetalDevice(stack, 'a', { project, metro: 'ny' });
    const b = new BareMetalDevice(stack, 'b', { project, metro: 'ny' });
    const network = new PrivateNetwork(stack, 'backend', { project, metro: 'ny', devices: [a, b], vxlan: 1040, description: 'db' });
    const resources = synthObject(stack).resource;
    expect(Object.values(resources.metal_vlan)).toEqual([
      { project_id: ref('metal_project', 'project'), metro: 'ny', vxlan: 1040, description: 'db' },
    ]);
    expect(Object.values(resources.metal_device_network_type)).toEqual([
      { device_id: ref('metal_device', 'a_device'), type: 'hybrid' },
      { device_id: ref('metal_device', 'b_device'), type: 'hybrid' },
    ]);
    expect(Object.values(resources.metal_port_vlan_attachment)).toEqual(
      ['a', 'b'].map((name) => ({
        device_id: ref('metal_device_network_type', `backend_network-type-${name}`),
        port_name: 'eth1',
        vlan_vnid: ref('metal_vlan', 'backend_vlan', 'vxlan'),
      })),
    );
    expect(resources.metal_gateway).toBeUndefined();
    expect([network.gateway, network.portName, network.attachments.length]).toEqual([undefined, 'eth1', 2]);
    expect(resolved(stack, network.vlanId)).toMatch(/^\$\{metal_vlan\.backend_vlan_[0-9A-F]+\.id\}$/);
  });

  test('puts the VLAN on bond0 for the bonded types and behind a gateway with a private block', () => {
    const { stack, project } = stackWithProject();
    const a = new BareMetalDevice(stack, 'a', { project, metro: 'da' });
    new PrivateNetwork(stack, 'l2', {
      project,
      metro: 'da',
      devices: [a],
      networkType: 'layer2-bonded',
      gateway: { privateIpv4SubnetSize: 16 },
    });
    const resources = synthObject(stack).resource;
    expect(Object.values(resources.metal_device_network_type)).toEqual([
      { device_id: ref('metal_device', 'a_device'), type: 'layer2-bonded' },
    ]);
    expect(Object.values(resources.metal_port_vlan_attachment).map((r) => r.port_name)).toEqual(['bond0']);
    expect(Object.values(resources.metal_vlan)[0]).not.toHaveProperty('vxlan');
    expect(Object.values(resources.metal_gateway)).toEqual([
      { project_id: ref('metal_project', 'project'), vlan_id: ref('metal_vlan', 'l2_vlan'), private_ipv4_subnet_size: 16 },
    ]);
    // The gateway's block is read back, for the members' addresses.
    expect(Object.values(synthObject(stack).data.metal_reserved_ip_block)).toEqual([
      { id: ref('metal_gateway', 'l2_gateway', 'ip_reservation_id') },
    ]);
  });

  test('addDevice puts a device on an existing network, with the same checks', () => {
    const { stack, project } = stackWithProject();
    const network = new PrivateNetwork(stack, 'net', { project, metro: 'ny' });
    const a = new BareMetalDevice(stack, 'a', { project, metro: 'ny' });
    network.addDevice(a);
    expect(Object.values(synthObject(stack).resource.metal_device_network_type)).toEqual([
      { device_id: ref('metal_device', 'a_device'), type: 'hybrid' },
    ]);
    expect([network.devices, network.attachments.length]).toEqual([[a], 1]);
    expectProblems(() => network.addDevice(a), ['devices lists "a" twice']);
    const far = new BareMetalDevice(stack, 'far', { project, metro: 'sv' });
    expectProblems(() => network.addDevice(far), ['device "far" is in metro "sv", the VLAN in "ny"']);
  });

  test('collects every problem: unknown metro, layer3, bad vxlan, bad gateway size, a device twice, a device in another metro', () => {
    const { stack, project } = stackWithProject();
    const a = new BareMetalDevice(stack, 'a', { project, metro: 'ny' });
    const far = new BareMetalDevice(stack, 'far', { project, metro: 'da' });
    expectProblems(
      () =>
        new PrivateNetwork(stack, 'bad', {
          project,
          metro: 'ny',
          devices: [a, a, far],
          networkType: 'layer3' as never,
          vxlan: 4000,
          gateway: { privateIpv4SubnetSize: 12 },
        }),
      [
        'networkType "layer3" carries no VLAN; use "hybrid"',
        'vxlan is 4000; a VLAN id is a whole number from 2 to 3999',
        'gateway.privateIpv4SubnetSize is 12; use one of 8, 16, 32, 64, 128',
        'devices lists "a" twice',
        'device "far" is in metro "da", the VLAN in "ny"',
      ],
    );
    expectProblems(() => new PrivateNetwork(stack, 'nowhere', { project, metro: 'zz', devices: [] }), ['metro']);
  });

  test('an existing VLAN by id is read through the data source', () => {
    const { stack } = stackWithProject();
    const vlan = PrivateNetwork.fromVlanId(stack, 'existing', '3f1f3e4c-0000-4000-8000-000000000009');
    expect(vlan.vlanId).toBe('3f1f3e4c-0000-4000-8000-000000000009');
    expect(Object.values(synthObject(stack).data.metal_vlan)).toEqual([{ vlan_id: '3f1f3e4c-0000-4000-8000-000000000009' }]);
    expectProblems(() => PrivateNetwork.fromVlanId(stack, 'empty', ' '), ['vlanId is empty']);
  });
});
