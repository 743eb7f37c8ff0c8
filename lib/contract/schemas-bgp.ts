/**
 * The BGP part of the API contract (Metal's BgpConfig, BgpSession, BgpNeighborData and their inputs), with the
 * rules every side applies to the MD5 password.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Href, Nullable, Uuid } from './schemas';

/** Metal's rule for BgpConfigRequestInput.md5. */
export const MD5_PATTERN = '^(?=.*[a-z])(?=.*[A-Z])(?=.*\\d)[a-zA-Z\\d]{10,20}$';
export const MD5_RULE = '10 to 20 letters and digits, with at least one lowercase letter, one uppercase letter and one digit';
export const MAX_ASN = 4294967295;

export const BgpConfigRequestInput = Type.Object({
  deployment_type: Type.Union([Type.Literal('local'), Type.Literal('global')], {
    description: 'local: routes stay in the metro; global: your own ASN and address space',
  }),
  asn: Type.Integer({ minimum: 1, maximum: MAX_ASN, description: 'your ASN (65000, a private ASN, for local BGP)' }),
  md5: Type.Optional(Type.String({ maxLength: 64, description: `the session password: ${MD5_RULE}` })),
  use_case: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type BgpConfigRequestInput = Static<typeof BgpConfigRequestInput>;

/** A range a project with a global BGP deployment may announce from every metro (Metal's GlobalBgpRange). */
export const GlobalBgpRange = Type.Object({
  id: Uuid,
  address_family: Type.Integer(),
  range: Type.String(),
  project: Href,
  href: Type.String(),
});

const AddressFamily = Type.Union([Type.Literal('ipv4'), Type.Literal('ipv6')]);

export const BgpSession = Type.Object({
  id: Uuid,
  address_family: AddressFamily,
  default_route: Type.Boolean(),
  device: Href,
  href: Type.String(),
  learned_routes: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('unknown'), Type.Literal('up'), Type.Literal('down')]),
  /** metalforge extension: why the session is not up, in the router's words or the engine's. */
  reason: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
export type BgpSession = Static<typeof BgpSession>;

export const BgpSessionList = Type.Object({ bgp_sessions: Type.Array(BgpSession) });

export type GlobalBgpRange = Static<typeof GlobalBgpRange>;
export const GlobalBgpRangeList = Type.Object({ global_bgp_ranges: Type.Array(GlobalBgpRange) });

/** A project's BGP configuration; every field is absent when BGP is not enabled (Metal answered `{}`). */
export const BgpConfig = Type.Partial(
  Type.Object({
    id: Uuid,
    asn: Type.Integer(),
    deployment_type: Type.Union([Type.Literal('local'), Type.Literal('global')]),
    md5: Nullable(Type.String()),
    max_prefix: Type.Integer(),
    status: Type.Union([Type.Literal('requested'), Type.Literal('enabled'), Type.Literal('disabled')]),
    project: Href,
    ranges: Type.Array(GlobalBgpRange),
    sessions: Type.Array(BgpSession),
    href: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    requested_at: Type.String({ format: 'date-time' }),
  }),
);
export type BgpConfig = Static<typeof BgpConfig>;

export const BgpSessionInput = Type.Object({
  address_family: AddressFamily,
  default_route: Type.Optional(Type.Boolean({ default: false })),
});
export type BgpSessionInput = Static<typeof BgpSessionInput>;

const BgpRoute = Type.Object({ route: Type.String(), exact: Type.Boolean() });

export const BgpNeighborData = Type.Object({
  address_family: Type.Integer(),
  customer_as: Type.Integer(),
  customer_ip: Type.String(),
  md5_enabled: Type.Boolean(),
  md5_password: Nullable(Type.String()),
  multihop: Type.Boolean(),
  peer_as: Type.Integer(),
  peer_ips: Type.Array(Type.String()),
  routes_in: Type.Array(BgpRoute),
  routes_out: Type.Array(BgpRoute),
});
export type BgpNeighborData = Static<typeof BgpNeighborData>;

export const BgpSessionNeighbors = Type.Object({ bgp_neighbors: Type.Array(BgpNeighborData) });
