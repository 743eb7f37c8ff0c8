/**
 * The layer-2 part of the API contract: Metal's VirtualNetwork (a VLAN), Port, PortVlanAssignment and
 * PortVlanAssignmentBatch with their inputs, and the bounds every side applies to them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Href, IpReservation, MetroLite, NetworkPort, Nullable, Tags, UUID_PATTERN, Uuid } from './schemas';

/** VXLAN ids a project may choose (Metal's range); without one, the first free id from 1000 to 1999 is taken. */
export const VXLAN_RANGE = { min: 2, max: 3999 } as const;

/** How a VLAN is named in a request: its UUID, or its VXLAN id in the port's metro (e.g. "1001"). */
const Vnid = Type.String({ minLength: 1, maxLength: 36, description: 'the VLAN\'s UUID, or its VXLAN id (e.g. "1001")' });

export const VirtualNetworkCreateInput = Type.Object({
  metro: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the metro code (or id) of the VLAN' })),
  facility: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'deprecated: a facility of the metro' })),
  vxlan: Type.Optional(
    Type.Integer({
      minimum: VXLAN_RANGE.min,
      maximum: VXLAN_RANGE.max,
      description: 'the VLAN id, unique in the metro; left out, the first free one from 1000 to 1999',
    }),
  ),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  tags: Type.Optional(Tags),
});
export type VirtualNetworkCreateInput = Static<typeof VirtualNetworkCreateInput>;

export const VirtualNetworkUpdateInput = Type.Object({
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  tags: Type.Optional(Tags),
});
export type VirtualNetworkUpdateInput = Static<typeof VirtualNetworkUpdateInput>;

export const VirtualNetwork = Type.Object({
  id: Uuid,
  vxlan: Type.Integer(),
  description: Nullable(Type.String()),
  metro: MetroLite,
  metro_code: Type.String(),
  assigned_to: Href,
  assigned_to_virtual_circuit: Type.Boolean(),
  /** The devices whose ports carry the VLAN. */
  instances: Type.Array(Href),
  metal_gateways: Type.Array(Href),
  tags: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  href: Type.String(),
});
export type VirtualNetwork = Static<typeof VirtualNetwork>;

export const VirtualNetworkList = Type.Object({ virtual_networks: Type.Array(VirtualNetwork) });

export const VirtualNetworkListQuery = Type.Object({
  metro: Type.Optional(Type.String({ maxLength: 64, description: 'only the VLANs of this metro (code or id)' })),
  facility: Type.Optional(Type.String({ maxLength: 64, description: "deprecated: only the VLANs of this facility's metro" })),
  include: Type.Optional(Type.String({ maxLength: 512 })),
  exclude: Type.Optional(Type.String({ maxLength: 512 })),
});
export type VirtualNetworkListQuery = Static<typeof VirtualNetworkListQuery>;

/** Metal's Port is the device's NetworkPort. */
export const Port = NetworkPort;
export type Port = Static<typeof Port>;

export const PortAssignInput = Type.Object({ vnid: Vnid });
export type PortAssignInput = Static<typeof PortAssignInput>;

export const NativeVlanQuery = Type.Object({ vnid: Vnid });

export const BondQuery = Type.Object({
  bulk_enable: Type.Optional(Type.Boolean({ description: "bond every NIC of the port's device (they are bonded together anyway)" })),
});
export const DisbondQuery = Type.Object({
  bulk_disable: Type.Optional(
    Type.Boolean({ description: "disbond every NIC of the port's device (they leave the bond together anyway)" }),
  ),
});

/** Addresses to request when converting back to layer 3 (Metal's three kinds when absent). */
export const PortConvertLayer3Input = Type.Object({
  request_ips: Type.Optional(
    Type.Array(Type.Object({ address_family: Type.Optional(Type.Integer()), public: Type.Optional(Type.Boolean()) }), { maxItems: 3 }),
  ),
});
export type PortConvertLayer3Input = Static<typeof PortConvertLayer3Input>;

const AssignmentState = Type.Union([Type.Literal('assigned'), Type.Literal('unassigned')]);

/** Entries one batch may hold: a whole trunk's VLANs in one change (a switch port carries up to 4094). */
export const BATCH_MAX_ENTRIES = 1000;

/** Metal's sizes of the private block a gateway takes (its number of addresses), for every side that checks one. */
export const GATEWAY_SUBNET_SIZES: readonly number[] = [8, 16, 32, 64, 128];

export const PortVlanAssignmentBatchCreateInput = Type.Object({
  vlan_assignments: Type.Array(
    Type.Object({
      vlan: Vnid,
      state: Type.Optional(AssignmentState),
      native: Type.Optional(Type.Boolean()),
    }),
    { minItems: 1, maxItems: BATCH_MAX_ENTRIES },
  ),
});
export type PortVlanAssignmentBatchCreateInput = Static<typeof PortVlanAssignmentBatchCreateInput>;

export const PortVlanAssignment = Type.Object({
  id: Uuid,
  native: Type.Boolean(),
  port: Href,
  state: Type.Union([Type.Literal('assigned'), Type.Literal('unassigning')]),
  virtual_network: Href,
  vlan: Type.Integer(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
export type PortVlanAssignment = Static<typeof PortVlanAssignment>;

export const PortVlanAssignmentList = Type.Object({ vlan_assignments: Type.Array(PortVlanAssignment) });

const UuidParam = Type.String({ pattern: UUID_PATTERN, description: 'a UUID' });
/** A port's assignment is named by its VLAN's id. */
export const AssignmentParams = Type.Object({ id: UuidParam, assignment_id: UuidParam });
export const BatchParams = Type.Object({ id: UuidParam, batch_id: UuidParam });

export const PortVlanAssignmentBatch = Type.Object({
  id: Uuid,
  state: Type.Union([Type.Literal('queued'), Type.Literal('in_progress'), Type.Literal('completed'), Type.Literal('failed')]),
  error_messages: Type.Array(Type.String()),
  quantity: Type.Integer(),
  port: Port,
  project: Href,
  vlan_assignments: Type.Array(Type.Object({ id: Uuid, native: Type.Boolean(), state: AssignmentState, vlan: Type.Integer() })),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
export type PortVlanAssignmentBatch = Static<typeof PortVlanAssignmentBatch>;

export const PortVlanAssignmentBatchList = Type.Object({ batches: Type.Array(PortVlanAssignmentBatch) });

export const MetalGatewayCreateInput = Type.Object({
  virtual_network_id: Type.String({ pattern: UUID_PATTERN, description: 'the VLAN the gateway routes' }),
  private_ipv4_subnet_size: Type.Optional(
    Type.Integer({ description: 'take a private IPv4 block of this many addresses (8, 16, 32, 64 or 128) for the gateway' }),
  ),
  ip_reservation_id: Type.Optional(
    Type.String({ pattern: UUID_PATTERN, description: "or use this IPv4 block of the project, in the VLAN's metro" }),
  ),
});
export type MetalGatewayCreateInput = Static<typeof MetalGatewayCreateInput>;

export const MetalGateway = Type.Object({
  id: Uuid,
  state: Type.Union([Type.Literal('ready'), Type.Literal('active'), Type.Literal('deleting')]),
  virtual_network: VirtualNetwork,
  ip_reservation: IpReservation,
  project: Href,
  href: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
export type MetalGateway = Static<typeof MetalGateway>;

export const MetalGatewayList = Type.Object({ metal_gateways: Type.Array(MetalGateway) });
