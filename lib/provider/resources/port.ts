/**
 * metal_port: takes over one port of a device and makes it as configured: in or out of its bond, a bond port in
 * layer 2 or layer 3, the VLANs it carries and its native VLAN. Create and update converge the same way; destroy
 * leaves the port as it is unless reset_on_delete.
 */
import type { PortVlanAssignmentInput } from '../../client/ports';
import { MetalError } from '../../contract/errors';
import type { Port } from '../../contract/schemas-layer2';
import type { ProviderClient } from '../config';
import { defineResource, requiresReplace, useStateForUnknown, type ResourceContext } from '../framework';
import { METAL_PORT_RESOURCE, type MetalPortResourceModel as Model } from '../generated/models';
import { bool, formatDuration, num, pollUntil, readUnlessGone, reportApiError, str, strings } from './support';

const report = { fields: { vnid: 'vlan_ids' }, attributes: METAL_PORT_RESOURCE.arguments };

/** A VLAN a port carries: its id and its VLAN id (vxlan). */
interface CarriedVlan {
  id: string;
  vxlan: number;
}

/** A port with the VLANs it carries resolved to ids and vxlans. */
export interface PortView {
  port: Port;
  vlans: CarriedVlan[];
  nativeVlanId: string | null;
}

/** The port and its VLANs. */
export async function readPort(client: ProviderClient, id: string): Promise<PortView> {
  const port = await client.api.ports.get(id);
  const vlans = port.virtual_networks.map(({ id: vlanId, vxlan }) => ({ id: vlanId, vxlan }));
  return { port, vlans, nativeVlanId: port.native_virtual_network?.id ?? null };
}

const isBondPort = (port: Port) => port.type === 'NetworkBondPort';
const isLayer2 = (port: Port) => port.network_type.startsWith('layer2');

/** What the resource and the data source read from a port. */
export function portAttributes({ port, vlans, nativeVlanId }: PortView) {
  return {
    id: port.id,
    name: port.name,
    network_type: port.network_type,
    type: port.type,
    mac: port.data.mac,
    bond_id: port.bond?.id ?? null,
    bond_name: port.bond?.name ?? null,
    bonded: port.data.bonded,
    disbond_supported: port.disbond_operation_supported,
    native_vlan_id: nativeVlanId,
    vlan_ids: vlans.map((v) => v.id).sort(),
    vxlan_ids: vlans.map((v) => v.vxlan).sort((a, b) => a - b),
  };
}

function portState(view: PortView, held: Model): Model {
  return {
    ...portAttributes(view),
    port_id: view.port.id,
    layer2: isBondPort(view.port) ? isLayer2(view.port) || (held.layer2 === null ? null : false) : held.layer2,
    reset_on_delete: held.reset_on_delete ?? null,
  };
}

/** What a port should be. vlans undefined: the VLANs it carries are not managed (neither list is configured). */
interface Desired {
  bonded: boolean;
  layer2: boolean;
  vlans?: { vnids: string[]; by: 'id' | 'vxlan' };
  nativeVlanId: string | undefined;
}

function desiredOf(config: Model): Desired {
  const ids = strings(config.vlan_ids);
  const vxlans = Array.isArray(config.vxlan_ids) ? config.vxlan_ids.map((v) => String(num(v))) : undefined;
  return {
    bonded: bool(config.bonded)!,
    layer2: bool(config.layer2) ?? false,
    vlans: ids ? { vnids: ids, by: 'id' } : vxlans ? { vnids: vxlans, by: 'vxlan' } : undefined,
    nativeVlanId: str(config.native_vlan_id),
  };
}

/** How long a VLAN assignment batch may take before the apply gives up waiting on it. */
const BATCH_TIMEOUT_MS = 10 * 60_000;

interface Wait {
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * Applies VLAN changes to a port as one assignment batch (as Metal's own provider did, so a port with many VLANs
 * changes in one switch operation) and waits for it. A refused entry is reported at `entryPath(i)`'s attribute; a
 * batch that fails reports the switch's reasons.
 */
async function applyVlanBatch(
  client: ProviderClient,
  id: string,
  assignments: PortVlanAssignmentInput[],
  entryPath: (index: number) => string,
  wait: Wait,
): Promise<void> {
  if (!assignments.length) return;
  const { ports } = client.api;
  const batch = await ports.createBatch(id, assignments).catch((error: unknown) => {
    if (!(error instanceof MetalError)) throw error;
    // "vlan_assignments[i].vlan: ..." names the entry; the user wrote the VLAN in a list of the configuration.
    const inConfig = error.errors.map((m) => m.replace(/^vlan_assignments\[(\d+)\]\.vlan:/, (_, i: string) => `${entryPath(Number(i))}:`));
    throw new MetalError(error.code, inConfig);
  });
  const { value, outcome } = await pollUntil(
    () => ports.getBatch(id, batch.id),
    (b) => b.state === 'completed' || b.state === 'failed',
    { ...wait, firstIntervalMs: 20, maxIntervalMs: 2000 },
  );
  if (value.state === 'failed')
    throw new Error(
      `The VLAN assignment batch ${batch.id} failed: ${value.error_messages.join('; ')}. The port is unchanged; apply again.`,
    );
  if (outcome !== 'done')
    throw new Error(
      `The VLAN assignment batch ${batch.id} is still ${value.state} after ${formatDuration(wait.timeoutMs)}; it may still finish. Apply again to converge.`,
    );
}

/** Makes the port what `desired` says, step by step in the order Metal requires; returns the port as it ends. */
async function converge(client: ProviderClient, id: string, desired: Desired, wait: Wait): Promise<PortView> {
  const { ports } = client.api;
  const view = await readPort(client, id);
  const bondPort = isBondPort(view.port);
  const { vlans, nativeVlanId } = desired;
  const nameOf = (vlan: CarriedVlan) => (vlans?.by === 'id' ? vlan.id : String(vlan.vxlan));
  const carries = (vnid: string) => view.vlans.some((vlan) => nameOf(vlan) === vnid);
  const wanted = (vlan: CarriedVlan) => vlans?.vnids.includes(nameOf(vlan)) ?? true;
  const list = vlans?.by === 'vxlan' ? 'vxlan_ids' : 'vlan_ids';

  // A native VLAN goes before its VLAN can; VLANs go before a bond port returns to layer 3 (refused while it carries any).
  if (view.nativeVlanId !== null && view.nativeVlanId !== nativeVlanId) await ports.removeNative(id);
  const leaving = view.vlans.filter((v) => !wanted(v));
  await applyVlanBatch(
    client,
    id,
    leaving.map((v) => ({ vlan: v.id, state: 'unassigned' })),
    () => list,
    wait,
  );
  if (desired.bonded && !view.port.data.bonded) await ports.bond(id, bondPort);
  if (!desired.bonded && view.port.data.bonded) await ports.disbond(id, bondPort);
  if (bondPort && desired.layer2 && !isLayer2(view.port)) await ports.convertToLayer2(id);
  if (bondPort && !desired.layer2 && isLayer2(view.port)) await ports.convertToLayer3(id);
  const joining = (vlans?.vnids ?? []).filter((v) => !carries(v));
  await applyVlanBatch(
    client,
    id,
    joining.map((vnid) => ({ vlan: vnid, state: 'assigned' })),
    (i) => `${list}[${vlans!.vnids.indexOf(joining[i])}]`,
    wait,
  );
  if (nativeVlanId !== undefined && nativeVlanId !== view.nativeVlanId) await ports.assignNative(id, nativeVlanId);
  return readPort(client, id);
}

/** Create and update: refuse layer2 on an ethernet port, then converge. */
async function applyConfig(config: Model, planned: Model, ctx: ResourceContext<ProviderClient>, summary: string) {
  const id = str(planned.port_id)!;
  try {
    if (config.layer2 === true && !isBondPort(await ctx.client.api.ports.get(id))) {
      ctx.diagnostics.error('layer2 on an ethernet port', `layer2 applies to bond ports only; port ${id} is an ethernet port.`, ['layer2']);
      return;
    }
    const wait = { timeoutMs: ctx.timeout(BATCH_TIMEOUT_MS), signal: ctx.signal };
    return portState(await converge(ctx.client, id, desiredOf(config), wait), planned);
  } catch (error) {
    reportApiError(ctx.diagnostics, error, summary, report);
  }
}

const keep = [useStateForUnknown];

export const portResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_port',
  planModifiers: {
    id: keep,
    port_id: [requiresReplace],
    name: keep,
    type: keep,
    mac: keep,
    bond_id: keep,
    bond_name: keep,
    disbond_supported: keep,
  },
  validate(config, ctx) {
    if (config.vlan_ids !== null && config.vxlan_ids !== null)
      ctx.diagnostics.error('Conflicting VLAN lists', 'Set vlan_ids (VLAN UUIDs) or vxlan_ids (VLAN numbers), not both.', ['vxlan_ids']);
  },
  async create({ config, planned }, ctx) {
    return applyConfig(config, planned, ctx, 'Cannot configure the port');
  },
  async read({ state }, ctx) {
    const view = await readUnlessGone(() => readPort(ctx.client, str(state.id)!));
    return view && portState(view, state);
  },
  async update({ config, planned }, ctx) {
    return applyConfig(config, planned, ctx, `Cannot change port ${String(planned.port_id)}`);
  },
  async delete({ state }, ctx) {
    if (bool(state.reset_on_delete) !== true) return;
    const id = str(state.id)!;
    try {
      // A bond port goes back to layer 3 without VLANs, bonded; an ethernet port back into its bond without VLANs.
      const reset: Desired = { bonded: true, layer2: false, vlans: { vnids: [], by: 'id' }, nativeVlanId: undefined };
      await readUnlessGone(() => converge(ctx.client, id, reset, { timeoutMs: ctx.timeout(BATCH_TIMEOUT_MS), signal: ctx.signal }));
    } catch (error) {
      reportApiError(ctx.diagnostics, error, `Cannot reset port ${id}`, report);
    }
  },
  importState: (id) => ({ id, port_id: id }),
});
