/**
 * metal_device_network_type: how a device's ports are set up. Metal has no one call for it: the type is the
 * outcome of bonding and converting the device's ports, so each target type is a list of port steps, each taken
 * only when the ports are not already so. Destroying the resource leaves the device as it is (as the old provider).
 */
import type { Device } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineResource, requiresReplace, type Diagnostics } from '../framework';
import type { MetalDeviceNetworkTypeResourceModel as Model } from '../generated/models';
import { readUnlessGone, reportApiError, str } from './support';

export const SETTABLE_NETWORK_TYPES = ['layer3', 'hybrid', 'hybrid-bonded', 'layer2-individual', 'layer2-bonded'] as const;
type Target = (typeof SETTABLE_NETWORK_TYPES)[number];

type DevicePort = Device['network_ports'][number];
interface Ports {
  bond: DevicePort;
  /** The bond's ethernet ports, eth0 first. */
  members: DevicePort[];
}

/** One change of the device's ports: `needed` says whether the ports are not yet as the step makes them. */
interface Step {
  needed(ports: Ports): boolean;
  run(client: ProviderClient, ports: Ports): Promise<unknown>;
}

const layer2 = (ports: Ports) => ports.bond.network_type.startsWith('layer2');
/** Each port out of the bond rejoins it (from hybrid only eth1 may be bonded, not bond0 as a whole). */
const bondAll: Step = {
  needed: (p) => p.members.some((m) => !m.data.bonded),
  run: async (client, p) => {
    for (const member of p.members.filter((m) => !m.data.bonded)) await client.api.ports.bond(member.id, false);
  },
};
const toLayer3: Step = { needed: layer2, run: (client, p) => client.api.ports.convertToLayer3(p.bond.id) };
const toLayer2: Step = { needed: (p) => !layer2(p), run: (client, p) => client.api.ports.convertToLayer2(p.bond.id) };
/** hybrid: eth1 leaves the bond to carry VLANs while bond0 keeps the addresses on eth0. */
const disbondSecond: Step = {
  needed: (p) => p.members[1]?.data.bonded === true,
  run: (client, p) => client.api.ports.disbond(p.members[1].id, false),
};
const disbondAll: Step = {
  needed: (p) => p.members.some((m) => m.data.bonded),
  run: (client, p) => client.api.ports.disbond(p.bond.id, true),
};

// Every path first bonds the ports: Metal converts a bond only while its ports are in it.
const STEPS: Record<Target, Step[]> = {
  layer3: [bondAll, toLayer3],
  // A layer 3 bond that carries VLANs: the VLANs are other resources' business (as in the old provider).
  'hybrid-bonded': [bondAll, toLayer3],
  hybrid: [bondAll, toLayer3, disbondSecond],
  'layer2-bonded': [bondAll, toLayer2],
  'layer2-individual': [bondAll, toLayer2, disbondAll],
};

function portsOf(device: Device): Ports | undefined {
  const bond = device.network_ports.find((p) => p.type === 'NetworkBondPort');
  if (!bond) return undefined;
  // Every ethernet port: one out of the bond shows no bond.
  const members = device.network_ports.filter((p) => p.type === 'NetworkPort').sort((a, b) => a.name.localeCompare(b.name));
  return { bond, members };
}

/** Layer 3 with VLANs is reported as hybrid-bonded; a state holding either keeps its spelling for both. */
function typeState(device: Device, held: string | undefined): string {
  const alike = ['layer3', 'hybrid-bonded'];
  return held !== undefined && alike.includes(held) && alike.includes(device.network_type) ? held : device.network_type;
}

async function setType(client: ProviderClient, deviceId: string, target: Target): Promise<Device> {
  let device = await client.api.devices.get(deviceId);
  for (const step of STEPS[target]) {
    const ports = portsOf(device);
    if (!ports) throw new Error(`device ${deviceId} has no bond port; its network type cannot be changed`);
    if (!step.needed(ports)) continue;
    await step.run(client, ports);
    device = await client.api.devices.get(deviceId);
  }
  return device;
}

const isTarget = (type: string | undefined): type is Target => (SETTABLE_NETWORK_TYPES as readonly string[]).includes(type ?? '');

export const deviceNetworkTypeResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_device_network_type',
  planModifiers: { device_id: [requiresReplace] },
  validate(config, ctx) {
    const type = str(config.type);
    if (type !== undefined && !isTarget(type))
      ctx.diagnostics.error('Invalid type', `type must be one of ${SETTABLE_NETWORK_TYPES.join(', ')}, not "${type}".`, ['type']);
  },
  async create({ planned }, ctx) {
    return apply(planned, ctx, 'Cannot set the network type');
  },
  async read({ state }, ctx) {
    const device = await readUnlessGone(() => ctx.client.api.devices.get(str(state.device_id) ?? str(state.id)!));
    return device && { id: device.id, device_id: device.id, type: typeState(device, str(state.type)) };
  },
  async update({ planned }, ctx) {
    return apply(planned, ctx, `Cannot change the network type of device ${String(planned.device_id)}`);
  },
  async delete() {
    // The device keeps its network type: nothing to undo.
  },
  importState: (id) => ({ id, device_id: id }),
});

async function apply(planned: Model, ctx: { client: ProviderClient; diagnostics: Diagnostics }, summary: string) {
  const deviceId = str(planned.device_id)!;
  const target = str(planned.type);
  if (!isTarget(target)) return;
  try {
    const device = await setType(ctx.client, deviceId, target);
    const type = typeState(device, target);
    if (type === target) return { id: device.id, device_id: device.id, type };
    ctx.diagnostics.error(summary, `type: device ${deviceId} is ${type} after the port changes, not ${target}.`, ['type']);
  } catch (error) {
    reportApiError(ctx.diagnostics, error, summary, { attributes: ['device_id', 'type'] });
  }
}
