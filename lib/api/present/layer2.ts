/** VLANs, ports, their VLAN assignments and assignment batches as the Metal API shows them. */
import { METAL_API_BASE, href } from '../../contract/hrefs';
import type { MetalGateway, Port, PortVlanAssignment, PortVlanAssignmentBatch, VirtualNetwork } from '../../contract/schemas-layer2';
import type { BatchRow, GatewayView, PortView, VlanRow, VlanUsers, World } from '../../engine';
import { metroLite } from './catalog';
import { presentPort } from './devices';
import { presentIpBlock } from './ip-assignments';

const iso = (at: Date | string) => new Date(at).toISOString();

/** A VLAN; `users` are the devices whose ports carry it (its `instances`) and its metal gateway. */
export function presentVlan(row: VlanRow, world: World, users?: VlanUsers): VirtualNetwork {
  const metro = world.metros.get(row.metro_id)!;
  return {
    id: row.id,
    vxlan: row.vxlan,
    description: row.description,
    metro: metroLite(metro),
    metro_code: metro.code,
    assigned_to: href(`/projects/${row.project_id}`),
    assigned_to_virtual_circuit: false,
    instances: (users?.device_ids ?? []).map((id) => href(`/devices/${id}`)),
    metal_gateways: users?.gateway_id ? [href(`/metal-gateways/${users.gateway_id}`)] : [],
    tags: row.tags,
    created_at: iso(row.created_at),
    href: `${METAL_API_BASE}/virtual-networks/${row.id}`,
  };
}

export const presentPortView = (view: PortView): Port => presentPort(view.port, view.network);

/** A port's VLAN assignments, one per VLAN it carries (an assignment is named by its VLAN's id). */
export function presentAssignments(view: PortView): PortVlanAssignment[] {
  const { port, network } = view;
  return port.vlans.map((v) => ({
    id: v.id,
    native: port.native_vlan_id === v.id,
    port: href(`/ports/${port.id}`),
    state: 'assigned',
    virtual_network: href(`/virtual-networks/${v.id}`),
    vlan: v.vxlan,
    created_at: iso(v.created_at),
    updated_at: iso(network.updated_at),
  }));
}

export function presentBatch(row: BatchRow, view: PortView): PortVlanAssignmentBatch {
  return {
    id: row.id,
    state: row.state,
    error_messages: row.error_messages,
    quantity: row.vlan_assignments.length,
    port: presentPortView(view),
    project: href(`/projects/${row.project_id}`),
    vlan_assignments: row.vlan_assignments.map((a) => ({ id: a.vlan_id, native: a.native, state: a.state, vlan: a.vxlan })),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** A metal gateway: active as soon as it exists (the simulated fabric routes at once). */
export function presentGateway(view: GatewayView, world: World): MetalGateway {
  const { gateway } = view;
  return {
    id: gateway.id,
    state: 'active',
    virtual_network: presentVlan(view.vlan, world),
    ip_reservation: presentIpBlock(view.reservation, world),
    project: href(`/projects/${gateway.project_id}`),
    href: `${METAL_API_BASE}/metal-gateways/${gateway.id}`,
    created_at: iso(gateway.created_at),
    updated_at: iso(gateway.updated_at),
  };
}
