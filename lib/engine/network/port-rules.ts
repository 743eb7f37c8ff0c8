/**
 * The rules of a device's layer-2 network, as pure functions over plain data: the network types and the
 * transitions Metal allowed between them (a declared table, like the device lifecycle), which ports may carry VLANs
 * in each type, the checks of a VLAN change, and what each NIC's switch port carries for a network.
 *
 * A device has bond0 over its NICs (eth0, eth1). In layer3 the bond routes and no port carries a VLAN; in
 * hybrid-bonded the bond routes and also carries tagged VLANs; in hybrid eth1 leaves the bond and carries the VLANs
 * while bond0 (eth0) routes; in layer2-bonded the bond carries only VLANs; in layer2-individual each NIC carries
 * its own.
 */
import { NETWORK_TYPES } from '../../contract/schemas';
import { sha256 } from '../../core/ids';
import type { SwitchPortVlans } from '../../drivers/switch';
import type { DeviceNetwork } from '../../store/layer2';

export type NetworkType = (typeof NETWORK_TYPES)[number];

export type PortEvent = 'assign' | 'unassign' | 'unassign_last' | 'bond' | 'disbond' | 'convert_layer2' | 'convert_layer3';

export interface PortTransition {
  from: NetworkType;
  event: PortEvent;
  /** The port the event is asked on: bond0, eth1, or any NIC. */
  port: 'bond0' | 'eth1' | 'nic';
  to: NetworkType;
}

const t = (from: NetworkType[], event: PortEvent, port: PortTransition['port'], to: NetworkType): PortTransition[] =>
  from.map((f) => ({ from: f, event, port, to }));

export const PORT_TRANSITIONS: readonly PortTransition[] = [
  // VLANs on a routed bond make it hybrid-bonded; the last one going makes it layer3 again.
  ...t(['layer3', 'hybrid-bonded'], 'assign', 'bond0', 'hybrid-bonded'),
  ...t(['hybrid-bonded'], 'unassign', 'bond0', 'hybrid-bonded'),
  ...t(['hybrid-bonded'], 'unassign_last', 'bond0', 'layer3'),
  // eth1 out of the bond carries VLANs while bond0 (eth0) routes.
  ...t(['layer3', 'hybrid'], 'disbond', 'eth1', 'hybrid'),
  ...t(['hybrid'], 'assign', 'eth1', 'hybrid'),
  ...t(['hybrid'], 'unassign', 'eth1', 'hybrid'),
  ...t(['hybrid'], 'unassign_last', 'eth1', 'hybrid'),
  ...t(['hybrid', 'layer3'], 'bond', 'eth1', 'layer3'),
  ...t(['layer3'], 'bond', 'bond0', 'layer3'),
  ...t(['layer3'], 'bond', 'nic', 'layer3'),
  ...t(['hybrid-bonded'], 'bond', 'bond0', 'hybrid-bonded'),
  ...t(['hybrid-bonded'], 'bond', 'nic', 'hybrid-bonded'),
  // The bond carries only VLANs.
  ...t(['layer3', 'hybrid-bonded', 'layer2-bonded'], 'convert_layer2', 'bond0', 'layer2-bonded'),
  ...t(['layer2-bonded'], 'assign', 'bond0', 'layer2-bonded'),
  ...t(['layer2-bonded'], 'unassign', 'bond0', 'layer2-bonded'),
  ...t(['layer2-bonded'], 'unassign_last', 'bond0', 'layer2-bonded'),
  ...t(['layer2-bonded', 'layer2-individual'], 'bond', 'bond0', 'layer2-bonded'),
  ...t(['layer2-bonded', 'layer2-individual'], 'bond', 'nic', 'layer2-bonded'),
  // Each NIC on its own.
  ...t(['layer2-bonded', 'layer2-individual'], 'disbond', 'bond0', 'layer2-individual'),
  ...t(['layer2-bonded', 'layer2-individual'], 'disbond', 'nic', 'layer2-individual'),
  ...t(['layer2-individual'], 'convert_layer2', 'bond0', 'layer2-individual'),
  ...t(['layer2-individual'], 'assign', 'nic', 'layer2-individual'),
  ...t(['layer2-individual'], 'unassign', 'nic', 'layer2-individual'),
  ...t(['layer2-individual'], 'unassign_last', 'nic', 'layer2-individual'),
  // Back to routing (VLANs must be unassigned first, as on Metal).
  ...t(['layer3', 'layer2-bonded', 'layer2-individual'], 'convert_layer3', 'bond0', 'layer3'),
];

/** The ports that carry VLANs in each network type (bond0 carries them on both NICs). */
export const VLAN_PORTS: Record<NetworkType, readonly string[]> = {
  layer3: [],
  'hybrid-bonded': ['bond0'],
  hybrid: ['eth1'],
  'layer2-bonded': ['bond0'],
  'layer2-individual': ['eth0', 'eth1'],
};

/**
 * Whether a device of this type holds IP addresses: its bond routes (layer3, hybrid-bonded, hybrid). As on Metal, a
 * device converted to a layer-2 type loses them ("IP assignments of the port will be removed") and requests new
 * ones when it comes back to layer 3.
 */
export const holdsAddresses = (type: NetworkType): boolean => type === 'layer3' || type === 'hybrid-bonded' || type === 'hybrid';

/** Types whose ports may have a native (untagged) VLAN: not where the bond's untagged traffic is routed. */
const NATIVE_ALLOWED: Record<NetworkType, readonly string[]> = { ...VLAN_PORTS, 'hybrid-bonded': [] };

/** Whether a NIC is in bond0 in a network type: every NIC, but eth1 in hybrid and none when individual. */
export const inBond = (type: NetworkType, nic: string): boolean => type !== 'layer2-individual' && !(type === 'hybrid' && nic === 'eth1');

const matches = (tr: PortTransition, port: string) => tr.port === port || (tr.port === 'nic' && port !== 'bond0');

/** The network type `event` on `port` leads to from `from`, or undefined when the table has no such transition. */
export function nextNetworkType(from: NetworkType, event: PortEvent, port: string): NetworkType | undefined {
  return PORT_TRANSITIONS.find((tr) => tr.from === from && tr.event === event && matches(tr, port))?.to;
}

/** Where `event` is allowed, in words for an error message (e.g. "bond0 in layer3, hybrid-bonded"). */
export function whereAllowed(event: PortEvent): string {
  const by = new Map<string, NetworkType[]>();
  for (const tr of PORT_TRANSITIONS.filter((x) => x.event === event)) by.set(tr.port, [...(by.get(tr.port) ?? []), tr.from]);
  return [...by].map(([port, types]) => `${port === 'nic' ? 'a NIC' : port} in ${[...new Set(types)].join(', ')}`).join('; ');
}

/** A VLAN as a port carries it. */
export interface PortVlan {
  id: string;
  vxlan: number;
}

export interface PortState {
  id: string;
  name: string;
  vlans: PortVlan[];
  /** The native VLAN's id: one of `vlans`, or null. */
  native: string | null;
}

/** A device's network: its type and its ports (bond0 first). */
export interface NetworkState {
  type: NetworkType;
  ports: PortState[];
}

const EVENT_WORDS: Record<PortEvent, string> = {
  assign: 'assign a VLAN to',
  unassign: 'unassign a VLAN from',
  unassign_last: 'unassign the last VLAN from',
  bond: 'bond',
  disbond: 'disbond',
  convert_layer2: 'convert to layer 2',
  convert_layer3: 'convert to layer 3',
};

/** A table lookup that names the port, the type and where the event is allowed when the table forbids it. */
function step(state: NetworkState, event: PortEvent, port: string): NetworkType {
  const to = nextNetworkType(state.type, event, port);
  if (!to)
    throw new PortRuleError(
      `port: cannot ${EVENT_WORDS[event]} ${port} while the device's network type is ${state.type}; allowed on ${whereAllowed(event)}`,
    );
  return to;
}

/** A change the rules refuse; its message names the field and the fix. */
export class PortRuleError extends Error {}

const withPort = (state: NetworkState, name: string, f: (p: PortState) => PortState): PortState[] =>
  state.ports.map((p) => (p.name === name ? f(p) : p));

/** The VLANs carried anywhere on the device (for convert checks). */
const carried = (state: NetworkState) => state.ports.filter((p) => p.vlans.length > 0);

const pronoun = (ports: PortState[]) => (ports.flatMap((p) => p.vlans).length > 1 ? 'them' : 'it');

function requireNoVlans(state: NetworkState, what: string): void {
  const busy = carried(state);
  if (busy.length)
    throw new PortRuleError(
      `port: ${busy.map((p) => `${p.name} carries VLAN ${p.vlans.map((v) => v.vxlan).join(', ')}`).join('; ')}; unassign ${pronoun(busy)} before ${what}`,
    );
}

/** Assigns `vlan` to `port` (already assigned: nothing changes). */
export function assignVlan(state: NetworkState, port: string, vlan: PortVlan): NetworkState {
  const p = state.ports.find((x) => x.name === port)!;
  if (p.vlans.some((v) => v.id === vlan.id)) return state;
  const type = step(state, 'assign', port);
  const ports = withPort(state, port, (x) => ({ ...x, vlans: [...x.vlans, vlan].sort((a, b) => a.vxlan - b.vxlan) }));
  return { type, ports };
}

/** Unassigns `vlanId` from `port` (not assigned: nothing changes); a native VLAN stops being native. */
export function unassignVlan(state: NetworkState, port: string, vlanId: string): NetworkState {
  const p = state.ports.find((x) => x.name === port)!;
  if (!p.vlans.some((v) => v.id === vlanId)) return state;
  const type = step(state, p.vlans.length === 1 ? 'unassign_last' : 'unassign', port);
  const ports = withPort(state, port, (x) => ({
    ...x,
    vlans: x.vlans.filter((v) => v.id !== vlanId),
    native: x.native === vlanId ? null : x.native,
  }));
  return { type, ports };
}

/** Makes an assigned VLAN the port's native one (null: none). */
export function setNative(state: NetworkState, port: string, vlanId: string | null): NetworkState {
  const p = state.ports.find((x) => x.name === port)!;
  if (vlanId !== null) {
    const vlan = p.vlans.find((v) => v.id === vlanId);
    if (!vlan) throw new PortRuleError(`vnid: VLAN ${vlanId} is not assigned to ${port}; assign it first, then make it native`);
    if (!NATIVE_ALLOWED[state.type].includes(port))
      throw new PortRuleError(
        `vnid: ${port} cannot have a native VLAN while the device's network type is ${state.type} (its untagged traffic is routed); convert the port to layer 2 first`,
      );
  }
  return { ...state, ports: withPort(state, port, (x) => ({ ...x, native: vlanId })) };
}

/** A port operation other than a VLAN change: bond, disbond, convert. */
export function portOperation(
  state: NetworkState,
  port: string,
  event: 'bond' | 'disbond' | 'convert_layer2' | 'convert_layer3',
): NetworkState {
  const type = step(state, event, port);
  if (type === state.type) return state;
  if (event === 'convert_layer3') requireNoVlans(state, 'converting to layer 3');
  // Ports that stop carrying VLANs in the new type must carry none now.
  const leaving = state.ports.filter((p) => p.vlans.length > 0 && !VLAN_PORTS[type].includes(p.name));
  if (leaving.length)
    throw new PortRuleError(
      `port: ${leaving.map((p) => `${p.name} carries VLAN ${p.vlans.map((v) => v.vxlan).join(', ')}`).join('; ')}, which a ${type} device cannot carry there; unassign ${pronoun(leaving)} first`,
    );
  return { ...state, type };
}

/** One entry of a VLAN assignment batch, resolved to its VLAN. */
export interface BatchEntry {
  vlan: PortVlan;
  state: 'assigned' | 'unassigned';
  native: boolean;
}

/** The network after a batch on `port`: assignments first, then unassignments, then the native VLAN. */
export function applyBatch(state: NetworkState, port: string, entries: readonly BatchEntry[]): NetworkState {
  let next = state;
  for (const e of entries.filter((x) => x.state === 'assigned')) next = assignVlan(next, port, e.vlan);
  for (const e of entries.filter((x) => x.state === 'unassigned')) next = unassignVlan(next, port, e.vlan.id);
  const natives = entries.filter((e) => e.native);
  if (natives.length > 1)
    throw new PortRuleError(
      `vlan_assignments: ${natives.map((e) => e.vlan.vxlan).join(', ')} are all marked native; a port has one native VLAN at most`,
    );
  if (natives.length === 1) {
    const [native] = natives;
    if (native.state === 'unassigned')
      throw new PortRuleError(`vlan_assignments: VLAN ${native.vlan.vxlan} is unassigned and native; assign it to make it native`);
    next = setNative(next, port, native.vlan.id);
  }
  return next;
}

/**
 * The VLAN a port carries untagged: its native VLAN, or, as on Metal, its only VLAN when it carries one on a
 * port that may carry untagged layer-2 traffic (not a routed bond).
 */
export function untaggedVlan(state: NetworkState, port: PortState): PortVlan | undefined {
  if (port.native !== null) return port.vlans.find((v) => v.id === port.native);
  return port.vlans.length === 1 && NATIVE_ALLOWED[state.type].includes(port.name) ? port.vlans[0] : undefined;
}

/** Whether two networks are the same (type, and per port the same VLANs and native one). */
export function sameNetwork(a: NetworkState, b: NetworkState): boolean {
  const key = (s: NetworkState) => JSON.stringify([s.type, s.ports.map((p) => [p.name, p.vlans.map((v) => v.vxlan).sort(), p.native])]);
  return key(a) === key(b);
}

/**
 * What each NIC's switch port carries for a network: a bond's VLANs on every NIC of the bond, a NIC's own on it
 * (untaggedVlan untagged, the rest tagged); nothing in layer3. `switchPort` names a NIC's switch port.
 */
export function nicVlans(state: NetworkState, switchPort: (nic: string) => string): SwitchPortVlans[] {
  const bond = state.ports.find((p) => p.name === 'bond0');
  const carriers = VLAN_PORTS[state.type];
  return state.ports
    .filter((p) => p.name !== 'bond0')
    .map((nic) => {
      const source = carriers.includes(nic.name) ? nic : carriers.includes('bond0') ? bond : undefined;
      if (!source) return { port: switchPort(nic.name), native: null, tagged: [] };
      const native = untaggedVlan(state, source)?.vxlan ?? null;
      return {
        port: switchPort(nic.name),
        native,
        tagged: source.vlans
          .map((v) => v.vxlan)
          .filter((v) => v !== native)
          .sort((a, b) => a - b),
      };
    });
}

/** Whether what the switch reads back is what was asked (tagged compared as sets). */
export function sameSwitchPorts(wanted: readonly SwitchPortVlans[], read: readonly SwitchPortVlans[]): boolean {
  const key = (ports: readonly SwitchPortVlans[]) =>
    JSON.stringify(
      [...ports].sort((a, b) => a.port.localeCompare(b.port)).map((p) => [p.port, p.native, [...p.tagged].sort((x, y) => x - y)]),
    );
  return key(wanted) === key(read);
}

/** VXLAN ids a project chooses from (Metal's range), and where they are chosen when none is given. */
export const VXLAN_MIN = 2;
export const VXLAN_MAX = 3999;
export const VXLAN_AUTO = { first: 1000, last: 1999 } as const;

/** The first free VXLAN id of the automatic range, or undefined when all are taken. */
export function chooseVxlan(taken: ReadonlySet<number>): number | undefined {
  for (let v = VXLAN_AUTO.first; v <= VXLAN_AUTO.last; v++) if (!taken.has(v)) return v;
  return undefined;
}

/**
 * A stable UUID for a named port of a machine (the same machine shows the same port ids to every device on it);
 * migration 031's port_id() derives the same in SQL.
 */
export function portId(machineId: string, name: string): string {
  const h = sha256(`${machineId}/${name}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The network of a device just placed on a machine, as the store creates it: layer3, bond0 over one port per NIC. */
export function freshNetwork(deviceId: string, machineId: string, macs: readonly string[]): DeviceNetwork {
  const port = (name: string, mac: string | null) => ({
    id: portId(machineId, name),
    device_id: deviceId,
    name,
    mac,
    native_vlan_id: null,
    vlans: [],
  });
  return { network_type: 'layer3', ports: [port('bond0', null), ...macs.map((mac, i) => port(`eth${i}`, mac))] };
}
