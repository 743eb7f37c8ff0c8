/**
 * Request and response schemas of the machine-facing routes (JSON Schema via TypeBox: ajv validates requests,
 * fast-json-stringify writes responses, and the TypeScript types derive from the same objects).
 */
import { Static, Type } from '@sinclair/typebox';

/** Both separators iPXE can print (${net0/mac} and ${net0/mac:hexhyp}), any case. */
export const MacAddress = Type.String({ pattern: '^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$' });

/** Tokens are opaque to the boot service; the pattern only keeps them URL- and header-safe. */
export const BootToken = Type.String({ minLength: 1, maxLength: 512, pattern: '^[A-Za-z0-9._~-]+$' });

export const ErrorResponse = Type.Object({
  errors: Type.Array(Type.String()),
  code: Type.Optional(Type.String()),
});

export const IpxeQuery = Type.Object(
  {
    mac: Type.Optional(MacAddress),
    token: Type.Optional(BootToken),
    attempt: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type IpxeQuery = Static<typeof IpxeQuery>;

export const TokenQuery = Type.Object({ token: Type.Optional(BootToken) }, { additionalProperties: false });
export type TokenQuery = Static<typeof TokenQuery>;

export const TokenHeaders = Type.Object({ 'x-boot-token': Type.Optional(BootToken) });
export type TokenHeaders = Static<typeof TokenHeaders>;

export const IpxeText = Type.String({ description: 'An iPXE script, starting with #!ipxe' });
export const PlainText = Type.String();

export const MetadataAddress = Type.Object({
  address_family: Type.Union([Type.Literal(4), Type.Literal(6)]),
  address: Type.String(),
  cidr: Type.Integer(),
  netmask: Type.Optional(Type.String()),
  gateway: Type.Optional(Type.String()),
  public: Type.Boolean(),
  management: Type.Boolean(),
  enabled: Type.Boolean(),
});

export const Metadata = Type.Object({
  id: Type.String(),
  hostname: Type.String(),
  iqn: Type.Optional(Type.String()),
  operating_system: Type.Object({ slug: Type.String(), distro: Type.String(), version: Type.String() }),
  plan: Type.String(),
  class: Type.String(),
  facility: Type.String(),
  metro: Type.String(),
  tags: Type.Array(Type.String()),
  ssh_keys: Type.Array(Type.String()),
  network: Type.Object({
    /** bond0: Linux bonding mode (4, 802.3ad) and the MAC it takes; absent when no NIC is bonded. */
    bonding: Type.Optional(Type.Object({ mode: Type.Integer(), link_aggregation: Type.String(), mac: Type.String() })),
    interfaces: Type.Array(Type.Object({ name: Type.String(), mac: Type.String(), bond: Type.Optional(Type.String()) })),
    addresses: Type.Array(MetadataAddress),
    /** Metal's network type of the device (layer3, hybrid, hybrid-bonded, layer2-bonded, layer2-individual). */
    network_type: Type.String(),
    /** The VLANs (VXLAN ids) each interface (bond0 or a NIC) carries; the native one untagged. */
    vlans: Type.Array(
      Type.Object({
        vlan: Type.Integer(),
        interface: Type.String(),
        native: Type.Boolean(),
        /** The VLAN's metal gateway, when it has one: its address and the block's prefix length. */
        gateway: Type.Optional(Type.Object({ address: Type.String(), cidr: Type.Integer() })),
      }),
    ),
  }),
  customdata: Type.Record(Type.String(), Type.Unknown()),
  phone_home_url: Type.String(),
  user_state_url: Type.Optional(Type.String()),
  spot: Type.Optional(Type.Object({ termination_time: Type.Optional(Type.String()) })),
});
export type Metadata = Static<typeof Metadata>;

/** Body of /phone-home and /events: the token may come here or in the X-Boot-Token header. */
export const PhoneHomeBody = Type.Object({ token: Type.Optional(BootToken) }, { additionalProperties: false });
export type PhoneHomeBody = Static<typeof PhoneHomeBody>;

export const AcceptedResponse = Type.Object({ accepted: Type.Literal(true) });

export const EventBody = Type.Object(
  {
    token: Type.Optional(BootToken),
    state: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
    percentage: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    message: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);
export type EventBody = Static<typeof EventBody>;
