/** The layer-2 rules as pure functions: the network type table, VLAN changes, batches and what each NIC carries. */
import {
  applyBatch,
  assignVlan,
  nextNetworkType,
  nicVlans,
  portOperation,
  PortRuleError,
  sameSwitchPorts,
  setNative,
  unassignVlan,
  chooseVxlan,
  PORT_TRANSITIONS,
  type NetworkState,
} from '../../../lib/engine/network/port-rules';
import { NETWORK_TYPES } from '../../../lib/contract/schemas';

const v100 = { id: 'a', vxlan: 100 };
const v200 = { id: 'b', vxlan: 200 };
const layer3: NetworkState = {
  type: 'layer3',
  ports: ['bond0', 'eth0', 'eth1'].map((name) => ({ id: name, name, vlans: [], native: null })),
};
const carried = (s: NetworkState) => nicVlans(s, (nic) => `m:${nic}`);
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    if (err instanceof PortRuleError) return err.message;
    throw err;
  }
  throw new Error('not refused');
};

describe('the network type table', () => {
  it('names only the five network types and leads every one somewhere else', () => {
    for (const tr of PORT_TRANSITIONS) {
      expect(NETWORK_TYPES).toContain(tr.from);
      expect(NETWORK_TYPES).toContain(tr.to);
    }
    for (const type of NETWORK_TYPES) expect(PORT_TRANSITIONS.some((tr) => tr.from === type && tr.to !== type)).toBe(true);
  });

  it('follows Metal: eth1 leaves the bond for hybrid, bond0 converts to layer 2, VLANs on a routed bond make it hybrid-bonded', () => {
    expect(nextNetworkType('layer3', 'disbond', 'eth1')).toBe('hybrid');
    expect(nextNetworkType('layer3', 'disbond', 'eth0')).toBeUndefined();
    expect(nextNetworkType('layer3', 'convert_layer2', 'bond0')).toBe('layer2-bonded');
    expect(nextNetworkType('layer2-bonded', 'disbond', 'eth0')).toBe('layer2-individual');
    expect(nextNetworkType('layer3', 'assign', 'bond0')).toBe('hybrid-bonded');
    expect(nextNetworkType('hybrid-bonded', 'unassign_last', 'bond0')).toBe('layer3');
    expect(nextNetworkType('layer3', 'assign', 'eth1')).toBeUndefined();
  });
});

describe('VLAN changes', () => {
  it('carries a bond’s VLANs on both NICs, the native one untagged', () => {
    let s = portOperation(layer3, 'bond0', 'convert_layer2');
    s = assignVlan(assignVlan(s, 'bond0', v200), 'bond0', v100);
    s = setNative(s, 'bond0', 'a');
    expect(s.type).toBe('layer2-bonded');
    expect(carried(s)).toEqual([
      { port: 'm:eth0', native: 100, tagged: [200] },
      { port: 'm:eth1', native: 100, tagged: [200] },
    ]);
  });

  it('in hybrid carries VLANs on eth1 only (its only one untagged, as Metal did), and nothing in layer3', () => {
    const hybrid = assignVlan(portOperation(layer3, 'eth1', 'disbond'), 'eth1', v100);
    expect(carried(hybrid)).toEqual([
      { port: 'm:eth0', native: null, tagged: [] },
      { port: 'm:eth1', native: 100, tagged: [] },
    ]);
    expect(carried(assignVlan(hybrid, 'eth1', v200))[1]).toEqual({ port: 'm:eth1', native: null, tagged: [100, 200] });
    // A routed bond carries no untagged VLAN, even its only one.
    expect(carried(assignVlan(layer3, 'bond0', v100))[0]).toEqual({ port: 'm:eth0', native: null, tagged: [100] });
    expect(carried(layer3).every((p) => p.native === null && p.tagged.length === 0)).toBe(true);
  });

  it('carries each NIC’s own VLANs when individual', () => {
    let s = portOperation(portOperation(layer3, 'bond0', 'convert_layer2'), 'bond0', 'disbond');
    s = assignVlan(assignVlan(s, 'eth0', v100), 'eth1', v200);
    expect(carried(s)).toEqual([
      { port: 'm:eth0', native: 100, tagged: [] },
      { port: 'm:eth1', native: 200, tagged: [] },
    ]);
  });

  it('refuses what the table forbids, a native VLAN not assigned, and converting with VLANs, naming the fix', () => {
    expect(refusal(() => assignVlan(layer3, 'eth0', v100))).toBe(
      "port: cannot assign a VLAN to eth0 while the device's network type is layer3; allowed on bond0 in layer3, hybrid-bonded, layer2-bonded; eth1 in hybrid; a NIC in layer2-individual",
    );
    const l2 = assignVlan(portOperation(layer3, 'bond0', 'convert_layer2'), 'bond0', v100);
    expect(refusal(() => setNative(l2, 'bond0', 'b'))).toBe('vnid: VLAN b is not assigned to bond0; assign it first, then make it native');
    expect(refusal(() => portOperation(l2, 'bond0', 'convert_layer3'))).toBe(
      'port: bond0 carries VLAN 100; unassign it before converting to layer 3',
    );
    expect(refusal(() => setNative(assignVlan(layer3, 'bond0', v100), 'bond0', 'a'))).toMatch(
      /^vnid: bond0 cannot have a native VLAN while/,
    );
  });

  it('goes back to layer3 when a hybrid-bonded bond’s last VLAN goes', () => {
    const s = unassignVlan(assignVlan(layer3, 'bond0', v100), 'bond0', 'a');
    expect(s.type).toBe('layer3');
    expect(carried(s)).toEqual(carried(layer3));
  });

  it('applies a batch as a whole: assignments, unassignments, one native VLAN', () => {
    const l2 = assignVlan(portOperation(layer3, 'bond0', 'convert_layer2'), 'bond0', v100);
    const s = applyBatch(l2, 'bond0', [
      { vlan: v200, state: 'assigned', native: true },
      { vlan: v100, state: 'unassigned', native: false },
    ]);
    expect(carried(s)[0]).toEqual({ port: 'm:eth0', native: 200, tagged: [] });
    expect(
      refusal(() =>
        applyBatch(l2, 'bond0', [
          { vlan: v100, state: 'assigned', native: true },
          { vlan: v200, state: 'assigned', native: true },
        ]),
      ),
    ).toBe('vlan_assignments: 100, 200 are all marked native; a port has one native VLAN at most');
  });
});

describe('small rules', () => {
  it('compares read-back switch ports as sets and chooses the first free VXLAN id', () => {
    expect(sameSwitchPorts([{ port: 'p', native: null, tagged: [2, 1] }], [{ port: 'p', native: null, tagged: [1, 2] }])).toBe(true);
    expect(sameSwitchPorts([{ port: 'p', native: 1, tagged: [] }], [{ port: 'p', native: null, tagged: [1] }])).toBe(false);
    expect(chooseVxlan(new Set([1000, 1001, 1003]))).toBe(1002);
  });
});
