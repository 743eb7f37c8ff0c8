/**
 * metal_port_vlan_attachment: one VLAN on one port of a device, named as the old provider names it (device, port
 * name, VLAN number). `native` changes in place; any other change replaces the attachment.
 */
import type { Device } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineResource, requiresReplace, useStateForUnknown } from '../framework';
import { METAL_PORT_VLAN_ATTACHMENT_RESOURCE, type MetalPortVlanAttachmentResourceModel as Model } from '../generated/models';
import { readPort } from './port';
import { bool, hrefId, isNotFound, num, readUnlessGone, reportApiError, str } from './support';

const report = { fields: { vnid: 'vlan_vnid' }, attributes: METAL_PORT_VLAN_ATTACHMENT_RESOURCE.arguments };

class AttachmentProblem extends Error {
  constructor(
    message: string,
    readonly attribute: keyof Model,
  ) {
    super(message);
  }
}

function namedPort(device: Device, name: string) {
  const port = device.network_ports.find((p) => p.name === name);
  if (!port) {
    const names = device.network_ports.map((p) => p.name).join(', ');
    throw new AttachmentProblem(`device ${device.id} has no port "${name}"; its ports are ${names}`, 'port_name');
  }
  return port;
}

/** The VLAN with this number in the device's project and metro. */
async function vlanOfDevice(client: ProviderClient, device: Device, vxlan: number): Promise<string> {
  const projectId = hrefId(device.project)!;
  const vlans = await client.api.vlans.list(projectId, { metro: device.metro.code });
  const vlan = vlans.find((v) => v.vxlan === vxlan && v.metro_code === device.metro.code);
  if (!vlan) throw new AttachmentProblem(`project ${projectId} has no VLAN ${vxlan} in metro ${device.metro.code}`, 'vlan_vnid');
  return vlan.id;
}

async function attach(planned: Model, client: ProviderClient): Promise<Model> {
  const device = await client.api.devices.get(str(planned.device_id)!);
  const port = namedPort(device, str(planned.port_name)!);
  const vlanId = await vlanOfDevice(client, device, num(planned.vlan_vnid)!);
  const view = await readPort(client, port.id);
  if (!view.vlans.some((v) => v.id === vlanId)) await client.api.ports.assign(port.id, vlanId);
  const native = bool(planned.native) ?? false;
  if (native && view.nativeVlanId !== vlanId) await client.api.ports.assignNative(port.id, vlanId);
  return { ...planned, id: `${port.id}:${vlanId}`, port_id: port.id, vlan_id: vlanId };
}

function reportProblem(diagnostics: Parameters<typeof reportApiError>[0], error: unknown, summary: string) {
  if (error instanceof AttachmentProblem) diagnostics.error(summary, `${error.attribute}: ${error.message}.`, [error.attribute]);
  else reportApiError(diagnostics, error, summary, report);
}

const keep = [useStateForUnknown];

export const portVlanAttachmentResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_port_vlan_attachment',
  planModifiers: {
    id: keep,
    vlan_id: keep,
    port_id: keep,
    device_id: [requiresReplace],
    port_name: [requiresReplace],
    vlan_vnid: [requiresReplace],
    force_bond: [requiresReplace],
  },
  async create({ planned }, ctx) {
    try {
      return await attach(planned, ctx.client);
    } catch (error) {
      reportProblem(ctx.diagnostics, error, 'Cannot attach the VLAN to the port');
    }
  },
  async read({ state }, ctx) {
    const device = await readUnlessGone(() => ctx.client.api.devices.get(str(state.device_id)!));
    const port = device?.network_ports.find((p) => p.name === str(state.port_name));
    if (!device || !port) return null;
    const view = await readPort(ctx.client, port.id);
    // An import knows the VLAN by number only.
    const vlan = view.vlans.find((v) =>
      str(state.vlan_id) !== undefined ? v.id === str(state.vlan_id) : v.vxlan === num(state.vlan_vnid),
    );
    if (!vlan) return null;
    return {
      id: `${port.id}:${vlan.id}`,
      port_id: port.id,
      vlan_id: vlan.id,
      vlan_vnid: vlan.vxlan,
      native: view.nativeVlanId === vlan.id || (state.native === null ? null : false),
      force_bond: state.force_bond ?? null,
    };
  },
  async update({ planned, prior }, ctx) {
    const portId = str(prior.port_id)!;
    try {
      if (bool(planned.native) === true) await ctx.client.api.ports.assignNative(portId, str(prior.vlan_id)!);
      else if (bool(prior.native) === true) await ctx.client.api.ports.removeNative(portId);
      return planned;
    } catch (error) {
      reportProblem(ctx.diagnostics, error, `Cannot change the native VLAN of port ${portId}`);
    }
  },
  async delete({ state }, ctx) {
    const portId = str(state.port_id)!;
    const { ports } = ctx.client.api;
    try {
      const view = await readUnlessGone(() => readPort(ctx.client, portId));
      if (view === null) return;
      if (view.nativeVlanId === str(state.vlan_id)) await ports.removeNative(portId);
      if (view.vlans.some((v) => v.id === str(state.vlan_id))) await ports.unassign(portId, str(state.vlan_id)!);
      // The port rejoins its bond once it carries no VLAN, if asked to.
      const after = await readPort(ctx.client, portId);
      if (bool(state.force_bond) === true && after.vlans.length === 0 && !after.port.data.bonded) await ports.bond(portId, false);
    } catch (error) {
      if (!isNotFound(error)) reportProblem(ctx.diagnostics, error, `Cannot detach VLAN ${String(state.vlan_vnid)} from port ${portId}`);
    }
  },
  importState(id, ctx) {
    const [deviceId, portName, vnid] = id.split(':');
    const vlanVnid = Number(vnid);
    if (!deviceId || !portName || !Number.isInteger(vlanVnid)) {
      ctx.diagnostics.error('Invalid import id', `Import a port VLAN attachment as <device_id>:<port_name>:<vlan_vnid>, not "${id}".`);
      return {};
    }
    return { device_id: deviceId, port_name: portName, vlan_vnid: vlanVnid };
  },
});
