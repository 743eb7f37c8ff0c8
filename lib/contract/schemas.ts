/**
 * The API contract: request and response schemas as JSON Schema (TypeBox), shared by the server (ajv validates
 * them, fast-json-stringify serialises with them, the OpenAPI document is generated from them) and the client
 * (types derive from them). Field names and shapes follow the Metal v1 OpenAPI description for what is covered.
 * This module imports nothing of api or client.
 */
import { Type, type Static, type TOptional, type TSchema } from '@sinclair/typebox';
import { BID_FIELDS } from './bid-rules';
import { SIZE_PATTERN } from './catalog-rules';

// ---------------------------------------------------------------- shared pieces

export const Href = Type.Object({ href: Type.String() });
export type Href = Static<typeof Href>;

/**
 * A property Metal sent as null when it had no value (OpenAPI 3.0's `nullable`, which ajv and fast-json-stringify
 * know). Typed clients (packngo, the SDKs) read null as absent.
 */
export const Nullable = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });

/**
 * Properties of Metal's shapes that metalforge has no value for: always null, present so clients find every field.
 * Written the OpenAPI 3.0 way (3.0 has no null type), which the serializer and the OpenAPI document share.
 */
const AlwaysNull = Type.Unsafe<null>({
  type: 'string',
  nullable: true,
  enum: [null],
  description: 'always null: metalforge has no value for it',
});

export const Meta = Type.Object({
  first: Href,
  last: Href,
  previous: Type.Optional(Href),
  next: Type.Optional(Href),
  self: Href,
  total: Type.Integer(),
  current_page: Type.Integer(),
  last_page: Type.Integer(),
});
export type Meta = Static<typeof Meta>;

export const ErrorBody = Type.Object({
  errors: Type.Array(Type.String()),
  code: Type.Optional(Type.String()),
});

export const Tags = Type.Array(Type.String({ maxLength: 80 }), { maxItems: 50 });
export const CustomData = Type.Record(Type.String(), Type.Unknown());

/** RFC 1123 hostname: dot-separated labels of letters, digits and inner hyphens, each ≤ 63 characters. */
export const HOSTNAME_PATTERN =
  '^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$';

export const HOSTNAME_RULE =
  'a hostname: letters, digits and hyphens in dot-separated labels of at most 63 characters, not starting or ending with a hyphen';

/** A hostname field: the pattern ajv checks, and the rule its error (and the OpenAPI document) states. */
export const Hostname = Type.String({ pattern: HOSTNAME_PATTERN, description: HOSTNAME_RULE });

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const Uuid = Type.String({ format: 'uuid', description: 'a UUID' });

/** Far beyond any real list, and small enough that page × per_page stays an exact integer offset in SQL. */
export const MAX_PAGE = 1_000_000;

/**
 * Known fields an update cannot change: refused by name (with `why`) rather than ignored like unknown fields, so
 * nobody believes a change happened.
 */
export const fixedFields = (names: string[], why: string) =>
  Object.fromEntries(names.map((name) => [name, Type.Optional(Type.Not(Type.Unknown(), { description: why }))]));

export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 10 })),
  include: Type.Optional(Type.String()),
  exclude: Type.Optional(Type.String()),
});
export type PageQuery = Static<typeof PageQuery>;

/** Lists the spec leaves unpaginated (the catalogue) take only include / exclude and return everything. */
export const ShapeQuery = Type.Pick(PageQuery, ['include', 'exclude']);
export type ShapeQuery = Static<typeof ShapeQuery>;

// ---------------------------------------------------------------- catalogue: metros, facilities, plans, OS

export const Metro = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  country: Type.String(),
  href: Type.String(),
  /** metalforge extension: core data center or small edge site. */
  kind: Type.Union([Type.Literal('core'), Type.Literal('edge')]),
  latitude: Type.Number(),
  longitude: Type.Number(),
});
export type Metro = Static<typeof Metro>;

/** A metro as other objects embed it. */
export const MetroLite = Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), country: Type.String(), href: Type.String() });

export const Facility = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  href: Type.String(),
  features: Type.Array(Type.String()),
  /** Street addresses are the operator's business: metalforge has none. */
  address: AlwaysNull,
  ip_ranges: Type.Array(Type.String()),
  metro: MetroLite,
});
export type Facility = Static<typeof Facility>;

export const DriveType = Type.Union([Type.Literal('HDD'), Type.Literal('SSD'), Type.Literal('NVME')]);

export const PlanSpecs = Type.Object({
  cpus: Type.Array(Type.Object({ count: Type.Integer({ minimum: 1 }), type: Type.String(), cores: Type.Integer({ minimum: 1 }) })),
  memory: Type.Object({ total: Type.String({ pattern: SIZE_PATTERN, description: 'a size such as "64GB" or "1TB"' }) }),
  drives: Type.Array(
    Type.Object({
      count: Type.Integer({ minimum: 1 }),
      type: DriveType,
      size: Type.String({ pattern: SIZE_PATTERN, description: 'a size such as "480GB" or "3.8TB"' }),
      category: Type.String(),
    }),
  ),
  nics: Type.Array(Type.Object({ count: Type.Integer({ minimum: 1 }), type: Type.String() })),
  gpu: Type.Optional(Type.Array(Type.Object({ count: Type.Integer({ minimum: 1 }), type: Type.String() }))),
  features: Type.Object({ raid: Type.Boolean(), txt: Type.Boolean(), uefi: Type.Boolean() }),
});
export type PlanSpecs = Static<typeof PlanSpecs>;

export const DeploymentType = Type.Union([Type.Literal('on_demand'), Type.Literal('spot_market')]);

export const Plan = Type.Object({
  id: Uuid,
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  class: Type.String(),
  line: Type.String(),
  type: Type.String(),
  categories: Type.Array(Type.String()),
  deployment_types: Type.Array(DeploymentType),
  specs: PlanSpecs,
  pricing: Type.Object({ hour: Type.Number() }),
  /** Facilities where the plan has machines, with the hourly price there. */
  available_in: Type.Array(Type.Object({ href: Type.String(), code: Type.String(), price: Type.Object({ hour: Type.Number() }) })),
  available_in_metros: Type.Array(Type.Object({ href: Type.String(), code: Type.String(), price: Type.Object({ hour: Type.Number() }) })),
  legacy: Type.Boolean(),
  href: Type.String(),
});
export type Plan = Static<typeof Plan>;

const NullableDate = Nullable(Type.String({ format: 'date' }));

export const OperatingSystem = Type.Object({
  id: Uuid,
  slug: Type.String(),
  name: Type.String(),
  distro: Type.String(),
  distro_label: Type.String(),
  version: Type.String(),
  provisionable_on: Type.Array(Type.String()),
  /** metalforge installs no licensed images: no OS adds to a plan's price. */
  licensed: Type.Boolean(),
  pricing: Type.Object({}),
  preinstallable: Type.Boolean(),
  default_operating_system: Type.Boolean(),
  lifecycle_state: Type.String(),
  build_date: NullableDate,
  release_date: NullableDate,
  deprecation_date: NullableDate,
  end_of_service_date: NullableDate,
  end_of_life_date: NullableDate,
  release_notes: Nullable(Type.String()),
  href: Type.String(),
});
export type OperatingSystem = Static<typeof OperatingSystem>;

export const CapacityLevel = Type.Union([Type.Literal('normal'), Type.Literal('limited'), Type.Literal('unavailable')]);
export type CapacityLevel = Static<typeof CapacityLevel>;

export const CapacityList = Type.Object({
  capacity: Type.Record(
    Type.String(),
    Type.Record(Type.String(), Type.Object({ level: CapacityLevel, available_servers: Type.Integer() })),
  ),
});
export type CapacityList = Static<typeof CapacityList>;

// ---------------------------------------------------------------- projects, keys, events

export const Project = Type.Object({
  id: Uuid,
  name: Type.String(),
  organization: Href,
  created_at: Type.String(),
  updated_at: Type.String(),
  href: Type.String(),
  tags: Type.Array(Type.String()),
  customdata: CustomData,
  devices: Type.Array(Href),
  ssh_keys: Type.Array(Href),
  members: Type.Array(Href),
  memberships: Type.Array(Href),
  invitations: Type.Array(Href),
  volumes: Type.Array(Href),
  max_devices: Type.Object({}),
  network_status: Type.Object({}),
  bgp_config: AlwaysNull,
  payment_method: AlwaysNull,
  url: AlwaysNull,
  backend_transfer_enabled: Type.Boolean(),
  type: Type.Literal('default'),
});
export type Project = Static<typeof Project>;

export const ProjectCreateInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    organization_id: Type.Optional(Uuid),
    customdata: Type.Optional(CustomData),
    tags: Type.Optional(Tags),
    backend_transfer_enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ProjectCreateInput = Static<typeof ProjectCreateInput>;

export const ProjectUpdateInput = Type.Partial(Type.Omit(ProjectCreateInput, ['organization_id']), { additionalProperties: false });
export type ProjectUpdateInput = Static<typeof ProjectUpdateInput>;

export const SshKey = Type.Object({
  id: Uuid,
  label: Type.String(),
  key: Type.String(),
  fingerprint: Type.String(),
  tags: Type.Array(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
  href: Type.String(),
  entity: Href,
});
export type SshKey = Static<typeof SshKey>;

/** OpenSSH public key: "<type> <base64> [comment]". */
export const SSH_KEY_PATTERN =
  '^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com) [A-Za-z0-9+/]+={0,3}( .*)?$';

export const SshKeyCreateInput = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 80 }),
    key: Type.String({
      pattern: SSH_KEY_PATTERN,
      maxLength: 16384,
      description: 'an OpenSSH public key such as "ssh-ed25519 AAAA... you@host"',
    }),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
export type SshKeyCreateInput = Static<typeof SshKeyCreateInput>;

export const SshKeyUpdateInput = Type.Partial(SshKeyCreateInput, { additionalProperties: false });
export type SshKeyUpdateInput = Static<typeof SshKeyUpdateInput>;

export const ApiKey = Type.Object({
  id: Uuid,
  description: Type.String(),
  read_only: Type.Boolean(),
  /** Only in the response that created the key; never returned again. */
  token: Type.Optional(Type.String()),
  token_prefix: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  href: Type.String(),
  /** The project of a project key, null for a user key; `user` the other way round. */
  project: Nullable(Href),
  user: Nullable(Href),
});
export type ApiKey = Static<typeof ApiKey>;

export const ApiKeyCreateInput = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 200 })),
    read_only: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ApiKeyCreateInput = Static<typeof ApiKeyCreateInput>;

export const Event = Type.Object({
  id: Uuid,
  type: Type.String(),
  body: Type.String(),
  state: Type.String(),
  interpolated: Type.String(),
  created_at: Type.String(),
  href: Type.String(),
  relationships: Type.Array(Href),
  modified_by: AlwaysNull,
  ip: AlwaysNull,
});
export type Event = Static<typeof Event>;

// ---------------------------------------------------------------- devices

export const DEVICE_STATES = [
  'queued',
  'provisioning',
  'deprovisioning',
  'reinstalling',
  'active',
  'inactive',
  'failed',
  'powering_on',
  'powering_off',
  'deleted',
] as const;
export type DeviceStateName = (typeof DEVICE_STATES)[number];

export const IpAddress = Type.Object({
  id: Uuid,
  address: Type.String(),
  address_family: Type.Integer(),
  netmask: Type.String(),
  cidr: Type.Integer(),
  gateway: Type.String(),
  network: Type.String(),
  public: Type.Boolean(),
  management: Type.Boolean(),
  href: Type.String(),
});
export type IpAddress = Static<typeof IpAddress>;

/** An address as a device shows it: the stored address plus what Metal's IPAssignment said about it. */
export const IpAssignment = Type.Composite([
  IpAddress,
  Type.Object({
    type: Type.Literal('IPAssignment'),
    assigned_to: Href,
    created_at: Type.String(),
    enabled: Type.Boolean(),
    global_ip: Type.Boolean(),
    manageable: Type.Boolean(),
    /** Absent for a global elastic IP, which serves every metro. */
    metro: Type.Optional(MetroLite),
    parent_block: Type.Object({ network: Type.String(), netmask: Type.String(), cidr: Type.Integer(), href: Type.String() }),
    /** An elastic IP's own customdata. */
    customdata: Type.Optional(CustomData),
  }),
]);
export type IpAssignment = Static<typeof IpAssignment>;

/** An elastic IP to assign to a device: an address or subnet of one of its project's reserved blocks. */
export const IpAssignmentInput = Type.Object({
  address: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'CIDR text inside a reserved block of the project, e.g. 198.51.100.9/32 (a lone address means its /32 or /128)',
  }),
  customdata: Type.Optional(CustomData),
});
export type IpAssignmentInput = Static<typeof IpAssignmentInput>;

export const NETWORK_TYPES = ['layer3', 'layer2-bonded', 'layer2-individual', 'hybrid', 'hybrid-bonded'] as const;

/** A VLAN as a port shows it: its link, with its id and VXLAN id (the VLAN id on the wire). */
export const VirtualNetworkRef = Type.Object({ id: Uuid, vxlan: Type.Integer(), href: Type.String() });

/** A network port as Metal showed it: bond0 (NetworkBondPort) over eth0 and eth1 (NetworkPort). */
export const NetworkPort = Type.Object({
  id: Uuid,
  name: Type.String(),
  type: Type.Union([Type.Literal('NetworkPort'), Type.Literal('NetworkBondPort')]),
  data: Type.Object({ mac: Nullable(Type.String()), bonded: Type.Boolean() }),
  /** The bond an ethernet port is a member of (null for the bond itself). */
  bond: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  network_type: Type.Union(NETWORK_TYPES.map((t) => Type.Literal(t))),
  /** The VLAN untagged frames belong to (one of virtual_networks), or null. */
  native_virtual_network: Nullable(VirtualNetworkRef),
  /** The VLANs the port carries. */
  virtual_networks: Type.Array(VirtualNetworkRef),
  disbond_operation_supported: Type.Boolean(),
  href: Type.String(),
});
export type NetworkPort = Static<typeof NetworkPort>;

export const BillingCycle = Type.Union([Type.Literal('hourly'), Type.Literal('daily'), Type.Literal('monthly'), Type.Literal('yearly')]);

export const Device = Type.Object({
  id: Uuid,
  short_id: Type.String(),
  hostname: Type.String(),
  description: Type.String(),
  state: Type.String({ enum: [...DEVICE_STATES] }),
  /** metalforge extension: why a device is `failed`, in words an operator can act on. */
  failure_reason: Type.Optional(Type.String()),
  /** While the device is queued, provisioning or reinstalling; null otherwise. */
  provisioning_percentage: Nullable(Type.Number()),
  provisioning_events: Type.Array(Href),
  billing_cycle: Type.String(),
  plan: Plan,
  metro: MetroLite,
  facility: Facility,
  operating_system: OperatingSystem,
  project: Href,
  project_lite: Href,
  ip_addresses: Type.Array(IpAssignment),
  network_ports: Type.Array(NetworkPort),
  network_type: Type.String({ enum: [...NETWORK_TYPES] }),
  /** Linux bonding mode of bond0: 5 (balance-tlb), as Metal reported for layer-3 devices. */
  bonding_mode: Type.Integer(),
  network_frozen: Type.Boolean(),
  /** The login user of the installed OS. */
  user: Type.String(),
  ssh_keys: Type.Array(Href),
  userdata: Type.String(),
  customdata: CustomData,
  ipxe_script_url: Type.String(),
  always_pxe: Type.Boolean(),
  locked: Type.Boolean(),
  tags: Type.Array(Type.String()),
  spot_instance: Type.Boolean(),
  spot_price_max: Nullable(Type.Number()),
  termination_time: Nullable(Type.String()),
  /** For 24 hours after the install, as on Metal; null after. */
  root_password: Nullable(Type.String()),
  hardware_reservation: Nullable(Href),
  /** metalforge has no serial-over-SSH console service. */
  sos: AlwaysNull,
  switch_uuid: AlwaysNull,
  iqn: AlwaysNull,
  image_url: AlwaysNull,
  firmware_set_id: AlwaysNull,
  created_by: AlwaysNull,
  storage: AlwaysNull,
  volumes: Type.Array(Href),
  created_at: Type.String(),
  updated_at: Type.String(),
  href: Type.String(),
  actions: Type.Array(Type.Object({ type: Type.String(), name: Type.String() })),
});
export type Device = Static<typeof Device>;

/** Fields Metal clients send that metalforge accepts and ignores (so existing tooling keeps working). */
const AcceptedMetalDeviceFields = {
  features: Type.Optional(Type.Array(Type.String())),
  no_ssh_keys: Type.Optional(Type.Boolean()),
  private_ipv4_subnet_size: Type.Optional(Type.Integer()),
  public_ipv4_subnet_size: Type.Optional(Type.Integer()),
  storage: Type.Optional(Type.Unknown()),
  network_frozen: Type.Optional(Type.Boolean()),
};

/**
 * Object options requiring at least one of the fields (a place: metro or facility). Being in the schema, it is
 * reported with the other missing fields of the same request, all in one answer.
 */
const requireOneOf = (...fields: string[]) => ({ anyOf: fields.map((field) => ({ required: [field] })) });

export const DeviceCreateInput = Type.Object(
  {
    hostname: Type.Optional(Hostname),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    plan: Type.String({ minLength: 1 }),
    metro: Type.Optional(Type.String({ minLength: 1 })),
    /** One facility code or a list of them (as Metal took both); "any" lets metalforge choose. */
    facility: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })])),
    operating_system: Type.String({ minLength: 1 }),
    /** packngo repeats the path's project id in the body; it must name the same project. */
    project_id: Type.Optional(Type.String()),
    billing_cycle: Type.Optional(BillingCycle),
    userdata: Type.Optional(Type.String({ maxLength: 65536 })),
    customdata: Type.Optional(CustomData),
    ipxe_script_url: Type.Optional(Type.String({ maxLength: 2048 })),
    always_pxe: Type.Optional(Type.Boolean()),
    locked: Type.Optional(Type.Boolean()),
    tags: Type.Optional(Tags),
    project_ssh_keys: Type.Optional(Type.Array(Uuid)),
    user_ssh_keys: Type.Optional(Type.Array(Uuid)),
    hardware_reservation_id: Type.Optional(Type.String()),
    spot_instance: Type.Optional(Type.Boolean()),
    spot_price_max: Type.Optional(Type.Number({ minimum: 0 })),
    termination_time: Type.Optional(Type.String({ format: 'date-time' })),
    /** The address blocks to assign (default: public IPv4, public IPv6, private IPv4); the engine checks sizes. */
    ip_addresses: Type.Optional(
      Type.Array(
        Type.Object({
          address_family: Type.Integer({ description: '4 or 6' }),
          public: Type.Optional(Type.Boolean({ default: true })),
          cidr: Type.Optional(Type.Integer({ description: 'block size: 28 to 32 for IPv4, 124 to 127 for IPv6' })),
          ip_reservations: Type.Optional(
            Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16, description: "the project's reservations to carve the block from" }),
          ),
        }),
        { maxItems: 3 },
      ),
    ),
    ...AcceptedMetalDeviceFields,
  },
  { additionalProperties: false, ...requireOneOf('metro', 'facility') },
);
export type DeviceCreateInput = Static<typeof DeviceCreateInput>;

const REINSTALL_HINT = 'is changed by reinstalling: POST /devices/{id}/actions with {"type":"reinstall","operating_system":...}';

export const DeviceUpdateInput = Type.Object(
  {
    hostname: Type.Optional(Hostname),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    userdata: Type.Optional(Type.String({ maxLength: 65536 })),
    customdata: Type.Optional(CustomData),
    ipxe_script_url: Type.Optional(Type.String({ maxLength: 2048 })),
    always_pxe: Type.Optional(Type.Boolean()),
    locked: Type.Optional(Type.Boolean()),
    tags: Type.Optional(Tags),
    billing_cycle: Type.Optional(BillingCycle),
    spot_instance: Type.Optional(Type.Boolean()),
    network_frozen: Type.Optional(Type.Boolean()),
    ...fixedFields(['plan', 'metro', 'facility'], 'cannot be changed on a device; create a new device there'),
    ...fixedFields(['operating_system'], REINSTALL_HINT),
  },
  { additionalProperties: false },
);
export type DeviceUpdateInput = Static<typeof DeviceUpdateInput>;

export const DEVICE_ACTIONS = ['power_on', 'power_off', 'reboot', 'reinstall', 'rescue', 'convert_to_on_demand'] as const;
export type DeviceActionType = (typeof DEVICE_ACTIONS)[number];

export const DeviceActionInput = Type.Object(
  {
    type: Type.String({ enum: [...DEVICE_ACTIONS] }),
    operating_system: Type.Optional(Type.String({ minLength: 1 })),
    preserve_data: Type.Optional(Type.Boolean()),
    deprovision_fast: Type.Optional(Type.Boolean()),
    force_delete: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type DeviceActionInput = Static<typeof DeviceActionInput>;

// ---------------------------------------------------------------- IP addresses, organizations

/** The address fields an assignment and its block (reservation) share, as the spec's IPAssignment and IPReservation. */
const IpCommon = {
  id: Uuid,
  address: Type.String(),
  address_family: Type.Integer(),
  cidr: Type.Integer(),
  netmask: Type.String(),
  network: Type.String(),
  gateway: Type.String(),
  public: Type.Boolean(),
  management: Type.Boolean(),
  manageable: Type.Boolean(),
  enabled: Type.Boolean(),
  global_ip: Type.Boolean(),
  created_at: Type.String(),
  href: Type.String(),
  metro: MetroLite,
};

/**
 * A block of addresses (GET /projects/{id}/ips, /ips/{id}): one a project reserved from the metro's (or the global)
 * pools, or the management block a device's address was carved from.
 */
export const IpReservation = Type.Object({
  ...IpCommon,
  type: Type.Union([Type.Literal('public_ipv4'), Type.Literal('private_ipv4'), Type.Literal('public_ipv6'), Type.Literal('global_ipv4')]),
  /** Global addresses belong to no metro. */
  metro: Type.Optional(MetroLite),
  state: Type.String(),
  addon: Type.Boolean(),
  bill: Type.Boolean(),
  assignments: Type.Array(Href),
  project: Href,
  tags: Type.Array(Type.String()),
  customdata: CustomData,
  details: Type.Optional(Type.String()),
});
export type IpReservation = Static<typeof IpReservation>;

export const IP_RESERVATION_TYPES = ['public_ipv4', 'global_ipv4', 'private_ipv4', 'public_ipv6'] as const;

/**
 * The quantities a reservation of each type may ask for, as Metal offered them: public and private IPv4 in blocks
 * of 1 to 256 addresses (/32 to /24), global IPv4 one address at a time, public IPv6 one /56 at a time.
 */
export const RESERVABLE_QUANTITIES: Record<(typeof IP_RESERVATION_TYPES)[number], readonly number[]> = {
  public_ipv4: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  private_ipv4: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  global_ipv4: [1],
  public_ipv6: [1],
};

/** POST /projects/{id}/ips, as the spec's IPReservationRequestInput. */
export const IpReservationRequestInput = Type.Object(
  {
    type: Type.String({ enum: [...IP_RESERVATION_TYPES], description: 'public_ipv4 or global_ipv4 (or public_ipv6, private_ipv4)' }),
    quantity: Type.Integer({ minimum: 1, maximum: 256, description: 'addresses in the block: a power of two; 1 for global_ipv4' }),
    metro: Type.Optional(Type.String({ minLength: 1, description: 'metro code; leave out for global_ipv4' })),
    facility: Type.Optional(Type.String()),
    details: Type.Optional(Type.String({ maxLength: 1000 })),
    comments: Type.Optional(Type.String()),
    tags: Type.Optional(Tags),
    customdata: Type.Optional(CustomData),
    fail_on_approval_required: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type IpReservationRequestInput = Static<typeof IpReservationRequestInput>;

/** PUT/PATCH /ips/{id} on a reservation, as the spec's IPAssignmentUpdateInput. */
export const IpReservationUpdateInput = Type.Object(
  { details: Type.Optional(Type.String({ maxLength: 1000 })), tags: Type.Optional(Tags), customdata: Type.Optional(CustomData) },
  { additionalProperties: false },
);
export type IpReservationUpdateInput = Static<typeof IpReservationUpdateInput>;

export const IpAvailabilitiesList = Type.Object({ available: Type.Array(Type.String()) });

/** POST /operator/ip-pools: a pool projects reserve from (or, for global_ipv4, anycast addresses for every metro). */
export const IpPoolInput = Type.Object(
  {
    type: Type.String({ enum: [...IP_RESERVATION_TYPES] }),
    metro: Type.Optional(Type.String({ minLength: 1, description: 'metro code; leave out for global_ipv4' })),
    network: Type.String({ minLength: 1, maxLength: 64, description: 'a CIDR block, e.g. 198.51.100.0/24 or 2001:db8:100::/40' }),
  },
  { additionalProperties: false },
);
export type IpPoolInput = Static<typeof IpPoolInput>;

/** An address pool as the operator sees it; sizes are decimal strings (an IPv6 pool outgrows JSON numbers). */
export const IpPool = Type.Object({
  id: Uuid,
  type: Type.String(),
  metro: Type.Optional(Type.String()),
  network: Type.String(),
  address_family: Type.Integer(),
  size: Type.String(),
  allocated: Type.String(),
  free: Type.String(),
  created_at: Type.String(),
});
export type IpPool = Static<typeof IpPool>;
export const IpPoolList = Type.Object({ ip_pools: Type.Array(IpPool) });

export const IpAssignmentList = Type.Object({ ip_addresses: Type.Array(IpAssignment) });
export const IpReservationList = Type.Object({ ip_addresses: Type.Array(IpReservation), meta: Type.Optional(Meta) });

export const Organization = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  customdata: CustomData,
  created_at: Type.String(),
  updated_at: Type.String(),
  href: Type.String(),
  projects: Type.Array(Href),
  members: Type.Array(Href),
  memberships: Type.Array(Href),
});
export type Organization = Static<typeof Organization>;

// ---------------------------------------------------------------- operator API: enrol the world

export const MetroInput = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z]{2,4}$', description: '2-4 lower-case letters, e.g. "ny"' }),
    name: Type.String({ minLength: 1, maxLength: 80 }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'an ISO 3166 two-letter country code, e.g. "US"' }),
    kind: Type.Union([Type.Literal('core'), Type.Literal('edge')]),
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    price_factor: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type MetroInput = Static<typeof MetroInput>;

export const FacilityInput = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z]{2,4}[0-9]{1,3}$', description: 'a metro code followed by a number, e.g. "ny5"' }),
    name: Type.String({ minLength: 1, maxLength: 80 }),
    metro: Type.String({ minLength: 1 }),
    features: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);
export type FacilityInput = Static<typeof FacilityInput>;

export const PlanInput = Type.Object(
  {
    slug: Type.String({ pattern: '^[a-z0-9]+(\\.[a-z0-9]+)+$', description: 'dot-separated lower-case words, e.g. "c3.small.x86"' }),
    name: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    category: Type.String({ minLength: 1 }),
    line: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    specs: PlanSpecs,
    pricing: Type.Object({ hour: Type.Number({ minimum: 0 }) }),
    deployment_types: Type.Optional(Type.Array(DeploymentType)),
  },
  { additionalProperties: false },
);
export type PlanInput = Static<typeof PlanInput>;

export const OperatingSystemInput = Type.Object(
  {
    slug: Type.String({ pattern: '^[a-z0-9_]+$', description: 'lower-case letters, digits and underscores, e.g. "ubuntu_24_04"' }),
    name: Type.String({ minLength: 1 }),
    distro: Type.String({ minLength: 1 }),
    version: Type.String({ minLength: 1 }),
    provisionable_on: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);
export type OperatingSystemInput = Static<typeof OperatingSystemInput>;

export const BmcDriverName = Type.Union([Type.Literal('sim'), Type.Literal('redfish'), Type.Literal('ipmi')]);

export const MachineInput = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 80 })),
    facility: Type.String({ minLength: 1 }),
    plan: Type.String({ minLength: 1 }),
    macs: Type.Array(
      Type.String({ pattern: '^([0-9a-f]{2}:){5}[0-9a-f]{2}$', description: 'a lower-case colon-separated MAC, e.g. "0c:c4:7a:12:34:56"' }),
      { minItems: 1 },
    ),
    bmc: Type.Object(
      {
        driver: BmcDriverName,
        address: Type.String({ minLength: 1 }),
        username: Type.Optional(Type.String()),
        password: Type.Optional(Type.String()),
        insecure: Type.Optional(Type.Boolean()),
        ca_cert: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type MachineInput = Static<typeof MachineInput>;

/** A machine as the operator sees it: BMC credentials are never returned. */
export const Machine = Type.Object({
  id: Uuid,
  name: Type.String(),
  state: Type.String(),
  facility: Type.String(),
  plan: Type.String(),
  macs: Type.Array(Type.String()),
  bmc: Type.Object({ driver: Type.String(), address: Type.String(), username: Type.Optional(Type.String()), has_password: Type.Boolean() }),
  device: Type.Optional(Href),
  last_error: Type.Optional(Type.String()),
  inventory: Type.Optional(Type.Unknown()),
  created_at: Type.String(),
  href: Type.String(),
});
export type Machine = Static<typeof Machine>;

// ---------------------------------------------------------------- list envelopes

export const listOf = <K extends string, T extends TSchema>(key: K, item: T) =>
  Type.Object({ [key]: Type.Array(item), meta: Type.Optional(Meta) } as Record<K, ReturnType<typeof Type.Array<T>>> & {
    meta: TOptional<typeof Meta>;
  });

export const ProjectList = listOf('projects', Project);
export const DeviceList = listOf('devices', Device);
export const PlanList = listOf('plans', Plan);
export const MetroList = listOf('metros', Metro);
export const FacilityList = listOf('facilities', Facility);
export const OperatingSystemList = listOf('operating_systems', OperatingSystem);
export const SshKeyList = listOf('ssh_keys', SshKey);
export const ApiKeyList = listOf('api_keys', ApiKey);
export const EventList = listOf('events', Event);
export const MachineList = listOf('machines', Machine);
export const OrganizationList = listOf('organizations', Organization);

export interface Paged<T> {
  items: T[];
  meta: Meta;
}

// ---------------------------------------------------------------- spot market

export const SpotMarketRequestKind = Type.Union([Type.Literal('one_time'), Type.Literal('persistent')]);

export const SpotMarketRequestCreateInput = Type.Object(
  {
    ...BID_FIELDS,
    metro: Type.Optional(Type.String({ minLength: 1 })),
    /** Deprecated in Metal; a facility names its metro. */
    facilities: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    end_at: Type.Optional(Type.String({ format: 'date-time' })),
    /** metalforge extension: one_time (default; reclaimed devices are not replaced) or persistent (they are). */
    kind: Type.Optional(SpotMarketRequestKind),
    instance_parameters: Type.Object(
      {
        plan: Type.String({ minLength: 1 }),
        operating_system: Type.String({ minLength: 1 }),
        hostname: Type.Optional(Hostname),
        hostnames: Type.Optional(Type.Array(Hostname, { minItems: 1 })),
        description: Type.Optional(Type.String({ maxLength: 1024 })),
        billing_cycle: Type.Optional(BillingCycle),
        userdata: Type.Optional(Type.String({ maxLength: 65536 })),
        customdata: Type.Optional(CustomData),
        always_pxe: Type.Optional(Type.Boolean()),
        ipxe_script_url: Type.Optional(Type.String({ maxLength: 2048 })),
        locked: Type.Optional(Type.Boolean()),
        tags: Type.Optional(Tags),
        project_ssh_keys: Type.Optional(Type.Array(Uuid)),
        user_ssh_keys: Type.Optional(Type.Array(Uuid)),
        termination_time: Type.Optional(Type.String({ format: 'date-time' })),
        features: Type.Optional(Type.Array(Type.String())),
        no_ssh_keys: Type.Optional(Type.Boolean()),
        private_ipv4_subnet_size: Type.Optional(Type.Integer()),
        public_ipv4_subnet_size: Type.Optional(Type.Integer()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, ...requireOneOf('metro', 'facilities') },
);
export type SpotMarketRequestCreateInput = Static<typeof SpotMarketRequestCreateInput>;

const SPOT_FIXED_HINT = 'cannot be changed on a spot market request; close it and create another';

/**
 * PUT /spot-market-requests/{id} (a metalforge addition: Metal could not change a request). Only the bid and its
 * limits change; where and what the devices are (metro, plan, instance_parameters, kind) stay fixed.
 */
export const SpotMarketRequestUpdateInput = Type.Object(
  {
    max_bid_price: Type.Optional(BID_FIELDS.max_bid_price),
    devices_min: Type.Optional(BID_FIELDS.devices_min),
    devices_max: Type.Optional(BID_FIELDS.devices_max),
    /** null clears it: the request then stays open until deleted. OpenAPI 3.0's `nullable` (ajv knows it) keeps one error message per field. */
    end_at: Type.Optional(Type.Unsafe<string | null>({ type: 'string', format: 'date-time', nullable: true })),
    ...fixedFields(['metro', 'facilities', 'kind', 'instance_parameters'], SPOT_FIXED_HINT),
  },
  { additionalProperties: false },
);
export type SpotMarketRequestUpdateInput = Static<typeof SpotMarketRequestUpdateInput>;

/** A device of a spot market request, as the request lists it (Metal's requests hid their devices). */
export const SpotMarketRequestDevice = Type.Object({
  id: Uuid,
  hostname: Type.String(),
  state: Type.String({ enum: [...DEVICE_STATES] }),
  ip_addresses: Type.Array(IpAddress),
  termination_time: Type.Optional(Type.String()),
  href: Type.String(),
});

export const SpotMarketRequest = Type.Object({
  id: Uuid,
  href: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  devices_min: Type.Integer(),
  devices_max: Type.Integer(),
  max_bid_price: Type.Number(),
  /** null: open until deleted. */
  end_at: Nullable(Type.String()),
  metro: Metro,
  /** Metal's facility and instance links; the metro and `devices` say the same here. */
  facilities: AlwaysNull,
  instances: AlwaysNull,
  project: Href,
  plan: Type.Object({ id: Uuid, slug: Type.String(), href: Type.String() }),
  kind: SpotMarketRequestKind,
  /** metalforge extensions: open until end_at, deletion or (one-time) all its devices are gone. */
  state: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  closed_reason: Type.Optional(Type.String()),
  filled_total: Type.Integer(),
  /** The pool's current clearing price: what each of its devices pays per hour (never more than the bid). */
  price: Type.Optional(Type.Number()),
  instance_parameters: Type.Record(Type.String(), Type.Unknown()),
  devices: Type.Array(SpotMarketRequestDevice),
});
export type SpotMarketRequest = Static<typeof SpotMarketRequest>;

export const SpotMarketRequestList = Type.Object({ spot_market_requests: Type.Array(SpotMarketRequest) });

const PlanPrices = Type.Record(Type.String(), Type.Object({ price: Type.Number() }));

/** GET /market/spot/prices: {spot_market_prices: {facility: {plan: {price}}}}. */
export const SpotMarketPricesList = Type.Object({ spot_market_prices: Type.Record(Type.String(), PlanPrices) });
/** GET /market/spot/prices/metros: {spot_market_prices: {metro: {plan: {price}}}}. */
export const SpotMarketPricesPerMetroList = SpotMarketPricesList;
/** GET /market/spot/prices/history: datapoints [unix seconds, price], oldest first. */
export const SpotPricesHistoryReport = Type.Object({
  prices_history: Type.Object({ datapoints: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 })) }),
});

export const WebhookInput = Type.Object(
  {
    url: Type.String({
      pattern: '^https?://[^\\s]+$',
      maxLength: 2048,
      description: 'an http(s) URL such as "https://example.com/metal-events"',
    }),
  },
  { additionalProperties: false },
);
export type WebhookInput = Static<typeof WebhookInput>;

/** The secret is shown only in the response that set it. */
export const Webhook = Type.Object({ url: Type.String(), secret: Type.String() });
export type Webhook = Static<typeof Webhook>;
