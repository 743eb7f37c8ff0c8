/**
 * metal_device: a bare-metal server. Create waits until the device is active; a device that fails or outlasts
 * timeouts.create stays in the state (tainted), never orphaned. operating_system, user_data and custom_data
 * reinstall in place when reinstall.enabled or behavior.allow_changes say so, otherwise they replace the device;
 * the plan modifiers below say which other changes replace it, and the rest change in place.
 */
import { MetalError } from '../../contract/errors';
import { Hostname, type Device, type DeviceCreateInput, type DeviceStateName, type DeviceUpdateInput } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import {
  defineResource,
  isObjectValue,
  requiresReplace,
  requiresReplaceIf,
  useStateForUnknown,
  valuesEqual,
  type Attr,
  type BaseContext,
  type PlanContext,
  type ResourceContext,
  type Value,
} from '../framework';
import { METAL_DEVICE_RESOURCE, type MetalDeviceResourceIpAddressModel, type MetalDeviceResourceModel as Model } from '../generated/models';
import { deviceAttributes } from './device-attributes';
import {
  actualMetro,
  bool,
  firstBlock,
  formatDuration,
  isNotFound,
  pick,
  pollUntil,
  reportApiError,
  str,
  strings,
  unlessEmpty,
  type FieldMap,
} from './support';
import { boundsProblem, problemAt } from '../../contract/bounds';
import { osNotOnPlan, osRunsOnPlan, planNotInMetro, unknownValue } from '../../contract/catalog-rules';

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
/** The fastest installs take a few hundred milliseconds; polling sooner only loads the API. */
const FIRST_POLL_MS = 250;
/** States a provisioning or reinstalling device ends in. */
const SETTLED: readonly DeviceStateName[] = ['active', 'failed'];
/** Longest a server holds one read of a device waited for (the API allows up to 60 s). */
const MAX_HOLD_MS = 20_000;
const REINSTALLABLE = ['operating_system', 'user_data', 'custom_data'] as const satisfies readonly (keyof Model)[];

/** API field names → attributes, so API messages point at the right line of configuration. */
const FIELDS: FieldMap<keyof Model | keyof MetalDeviceResourceIpAddressModel> = {
  facility: 'facilities',
  userdata: 'user_data',
  customdata: 'custom_data',
  project_ssh_keys: 'project_ssh_key_ids',
  user_ssh_keys: 'user_ssh_key_ids',
  ip_addresses: 'ip_address',
  // An entry's family and publicity are its type; its reservations are reservation_ids.
  'ip_addresses[].address_family': 'type',
  'ip_addresses[].public': 'type',
  'ip_addresses[].ip_reservations': 'reservation_ids',
};
/** Computed values that an update leaves as they are: a plan shows them unchanged, not "known after apply". */
const UNCHANGING = [
  'id',
  'state',
  'created',
  'deployed_facility',
  'deployed_hardware_reservation_id',
  'access_public_ipv4',
  'access_public_ipv6',
  'access_private_ipv4',
  'network',
  'network_type',
  'ports',
  'sos_hostname',
  'ssh_key_ids',
  'root_password',
  'hostname',
  'locked',
] as const satisfies readonly (keyof Model)[];

/** Read straight from the API object: what the server decides, and the required arguments it echoes (stateFrom maps the rest). */
const FROM_API = [...METAL_DEVICE_RESOURCE.computed, ...METAL_DEVICE_RESOURCE.required];

const IP_TYPES: Record<string, { address_family: number; public: boolean }> = {
  public_ipv4: { address_family: 4, public: true },
  private_ipv4: { address_family: 4, public: false },
  public_ipv6: { address_family: 6, public: true },
};

type Ctx = ResourceContext<ProviderClient>;

/** Whether a change of `attribute` reinstalls in place (reinstall.enabled, or behavior.allow_changes lists it). */
function reinstallsInPlace(attribute: string, config: Model): boolean {
  if (bool(firstBlock(config.reinstall)?.enabled) === true) return true;
  return strings(firstBlock(config.behavior)?.allow_changes)?.includes(attribute) ?? false;
}

const sameInstant = (a: Value | undefined, b: Value | undefined) =>
  typeof a === 'string' && typeof b === 'string' && Date.parse(a) === Date.parse(b);

function parseCustomData(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The API's customdata object as Terraform holds it: the held JSON text while it means the same object. */
function customDataFrom(apiValue: Record<string, unknown>, held: Attr<string> | undefined): Attr<string> {
  const heldText = str(held);
  if (heldText !== undefined && JSON.stringify(parseCustomData(heldText)) === JSON.stringify(apiValue)) return heldText;
  return unlessEmpty(Object.keys(apiValue).length === 0 ? {} : JSON.stringify(apiValue), held);
}

/**
 * The device as Terraform state. `held` is what Terraform has now (plan or prior state): it decides whether an
 * empty API value reads as null, and keeps equivalent spellings (metro case, timestamps) stable.
 */
function stateFrom(device: Device, held: Partial<Model>, ctx: Ctx): Partial<Model> {
  const attributes = deviceAttributes(device);
  ctx.private.set('metro', device.metro.code);
  const heldMetro = str(held.metro);
  return {
    ...pick(attributes, FROM_API),
    metro:
      held.metro === null || held.metro === undefined
        ? null
        : heldMetro?.toLowerCase() === device.metro.code
          ? heldMetro
          : device.metro.code,
    description: unlessEmpty(device.description, held.description),
    always_pxe: unlessEmpty(device.always_pxe, held.always_pxe),
    ipxe_script_url: unlessEmpty(device.ipxe_script_url, held.ipxe_script_url),
    tags: unlessEmpty([...device.tags], held.tags),
    user_data: unlessEmpty(device.userdata, held.user_data),
    custom_data: customDataFrom(device.customdata, held.custom_data),
    termination_time: sameInstant(held.termination_time, attributes.termination_time) ? held.termination_time : attributes.termination_time,
    // The API shows the root password only for a day after provisioning; keep the one Terraform has.
    root_password: attributes.root_password ?? str(held.root_password) ?? null,
  };
}

function createInput(planned: Model): DeviceCreateInput {
  const input: DeviceCreateInput = { plan: str(planned.plan)!, operating_system: str(planned.operating_system)! };
  const metro = str(planned.metro);
  if (metro !== undefined) input.metro = metro.toLowerCase();
  const facilities = strings(planned.facilities);
  if (facilities?.length) input.facility = facilities;
  const optional = {
    hostname: str(planned.hostname),
    description: str(planned.description),
    billing_cycle: str(planned.billing_cycle) as DeviceCreateInput['billing_cycle'],
    userdata: str(planned.user_data),
    ipxe_script_url: str(planned.ipxe_script_url),
    always_pxe: bool(planned.always_pxe),
    locked: bool(planned.locked),
    tags: strings(planned.tags),
    project_ssh_keys: strings(planned.project_ssh_key_ids),
    user_ssh_keys: strings(planned.user_ssh_key_ids),
    hardware_reservation_id: str(planned.hardware_reservation_id),
    termination_time: str(planned.termination_time),
  };
  for (const [field, value] of Object.entries(optional)) if (value !== undefined) (input as Record<string, unknown>)[field] = value;
  const customData = str(planned.custom_data);
  if (customData !== undefined) input.customdata = parseCustomData(customData);
  if (Array.isArray(planned.ip_address) && planned.ip_address.length > 0) {
    input.ip_addresses = planned.ip_address.filter(isObjectValue).map((block) => {
      const cidr = typeof block.cidr === 'number' ? block.cidr : undefined;
      const reservations = strings(block.reservation_ids);
      return {
        ...IP_TYPES[str(block.type) ?? 'public_ipv4'],
        ...(cidr === undefined ? {} : { cidr }),
        ...(reservations?.length ? { ip_reservations: reservations } : {}),
      };
    });
  }
  return input;
}

/** A create the API refused: the API's messages at their attributes, plus where the plan is offered and free. */
async function reportCreateError(error: unknown, planned: Model, ctx: Ctx): Promise<void> {
  reportApiError(ctx.diagnostics, error, 'Cannot create the device', { fields: FIELDS, attributes: METAL_DEVICE_RESOURCE.arguments });
  if (!(error instanceof MetalError) || error.code !== 'capacity_unavailable') return;
  const plan = str(planned.plan)!;
  const capacity = await ctx.client.api.capacity.metros().catch(() => undefined);
  const metros = Object.entries(capacity?.capacity ?? {})
    .filter(([, plans]) => (plans[plan]?.available_servers ?? 0) > 0)
    .map(([metro, plans]) => `${metro} (${plans[plan].available_servers} free)`);
  ctx.diagnostics.error('No capacity for this plan here', `Metros with free ${plan} machines now: ${metros.join(', ') || 'none'}.`, [
    'metro',
  ]);
}

type Operation = 'create' | 'update';
const KEPT: Record<Operation, string> = {
  create: 'The device is kept in the Terraform state and marked tainted, so the next apply replaces it (it is never orphaned).',
  update: 'The device keeps its ID and addresses; apply again to retry, or fix it with the API and refresh.',
};

/** Waits until the device is active; otherwise reports why (state, failure_reason) and still returns its state. */
async function waitUntilActive(device: Device, held: Partial<Model>, ctx: Ctx, operation: Operation): Promise<Partial<Model>> {
  const timeoutMs = ctx.timeout(DEFAULT_TIMEOUT_MS);
  let last = device;
  // The server answers once the device is active or failed (a read that Terraform's stop abandons keeps the last).
  const read = (holdMs: number) =>
    ctx.client.api.devices
      .get(device.id, holdMs > 0 ? { wait: { states: SETTLED, timeoutSeconds: holdMs / 1000, signal: ctx.signal } } : undefined)
      .catch((error: unknown) => (ctx.signal.aborted ? last : Promise.reject(error)));
  const { value, outcome } = await pollUntil(
    async (holdMs) => (last = await read(holdMs)),
    (d) => SETTLED.includes(d.state as DeviceStateName),
    { timeoutMs, signal: ctx.signal, firstIntervalMs: FIRST_POLL_MS, maxHoldMs: MAX_HOLD_MS },
  );
  const state = stateFrom(value, held, ctx);
  if (value.state === 'active') return state;
  const who = `Device ${value.id} (${value.hostname})`;
  const reason = value.failure_reason ? `: ${value.failure_reason}` : '';
  const verb = operation === 'create' ? 'provision' : 'reinstall';
  if (value.state === 'failed') {
    ctx.diagnostics.error(`Device ${value.id} failed to ${verb}`, `${who} is in state failed${reason}. ${KEPT[operation]}`);
  } else if (outcome === 'timeout') {
    ctx.diagnostics.error(
      `Timed out waiting for device ${value.id} to become active`,
      `${who} is still ${value.state}${reason} after ${formatDuration(timeoutMs)} (timeouts.${operation}). ${KEPT[operation]} Raise timeouts.${operation} if this hardware needs longer.`,
    );
  } else {
    ctx.diagnostics.error(
      `Interrupted while device ${value.id} was ${value.state}`,
      `Terraform was asked to stop before ${who} became active. ${KEPT[operation]}`,
    );
  }
  return state;
}

/** Plan-time checks of plan, metro, facilities and operating system against the catalogue, before anything is created. */
async function checkCatalog(planned: Model, ctx: PlanContext<ProviderClient>): Promise<void> {
  const catalog = await ctx.client.catalog();
  const metroCode = str(planned.metro)?.toLowerCase();
  const planSlug = str(planned.plan);
  const osSlug = str(planned.operating_system);
  const metro = metroCode === undefined ? undefined : catalog.metros.find((m) => m.code === metroCode);
  const codes = (rows: { code: string }[]) => rows.map((r) => r.code);
  if (metroCode !== undefined && !metro) {
    ctx.diagnostics.error('Unknown metro', problemAt('metro', unknownValue('metro', metroCode, codes(catalog.metros))), ['metro']);
  }
  for (const code of strings(planned.facilities) ?? []) {
    if (code === 'any' || catalog.facilities.some((f) => f.code === code)) continue;
    const candidates = catalog.facilities.filter((f) => !metro || f.metro.code === metro.code);
    ctx.diagnostics.error('Unknown facility', problemAt('facilities', unknownValue('facility', code, codes(candidates))), ['facilities']);
  }
  const plan = planSlug === undefined ? undefined : catalog.plans.find((p) => p.slug === planSlug);
  const offeredIn = (code: string) => catalog.plans.filter((p) => p.available_in_metros.some((m) => m.code === code)).map((p) => p.slug);
  if (planSlug !== undefined && !plan) {
    ctx.diagnostics.error(
      'Unknown plan',
      problemAt(
        'plan',
        unknownValue(
          'plan',
          planSlug,
          catalog.plans.map((p) => p.slug),
        ),
      ),
      ['plan'],
    );
  } else if (plan && metro && !plan.available_in_metros.some((m) => m.code === metro.code)) {
    ctx.diagnostics.error(
      'Plan not offered in this metro',
      problemAt('plan', planNotInMetro(plan.slug, metro.code, offeredIn(metro.code), codes(plan.available_in_metros))),
      ['plan'],
    );
  }
  const os = osSlug === undefined ? undefined : catalog.operatingSystems.find((o) => o.slug === osSlug);
  if (osSlug !== undefined && !os) {
    ctx.diagnostics.error(
      'Unknown operating system',
      problemAt(
        'operating_system',
        unknownValue(
          'operating system',
          osSlug,
          catalog.operatingSystems.map((o) => o.slug),
        ),
      ),
      ['operating_system'],
    );
  } else if (os && plan && !osRunsOnPlan(os.provisionable_on, plan.slug)) {
    ctx.diagnostics.error(
      'Operating system not available on this plan',
      problemAt('operating_system', osNotOnPlan(os.slug, plan.slug, os.provisionable_on)),
      ['operating_system'],
    );
  }
}

function validateDevice(config: Model, ctx: BaseContext): void {
  if (config.metro === null && (config.facilities === null || (Array.isArray(config.facilities) && config.facilities.length === 0))) {
    ctx.diagnostics.error('Missing location', 'Set metro to a metro code such as "ny" (or the deprecated facilities).', ['metro']);
  }
  const hostname = str(config.hostname);
  const hostnameProblem = hostname === undefined ? undefined : boundsProblem(Hostname, hostname);
  if (hostnameProblem) ctx.diagnostics.error('Invalid hostname', problemAt('hostname', hostnameProblem), ['hostname']);
  const customData = str(config.custom_data);
  if (customData !== undefined && parseCustomData(customData) === undefined) {
    // The value is sensitive: the message describes the problem without repeating it.
    ctx.diagnostics.error('Invalid custom_data', 'custom_data must be a JSON object; write it as jsonencode({ ... }).', ['custom_data']);
  }
  if (Array.isArray(config.ip_address)) {
    config.ip_address.forEach((block, i) => {
      const type = isObjectValue(block) ? str(block.type) : undefined;
      if (type !== undefined && !IP_TYPES[type]) {
        ctx.diagnostics.error('Invalid ip_address type', `"${type}" is not an address type; use ${Object.keys(IP_TYPES).join(', ')}.`, [
          'ip_address',
          i,
          'type',
        ]);
      }
    });
  }
  const allowChanges = strings(firstBlock(config.behavior)?.allow_changes) ?? [];
  for (const attribute of allowChanges) {
    if (!(REINSTALLABLE as readonly string[]).includes(attribute)) {
      ctx.diagnostics.error(
        'Invalid behavior.allow_changes',
        `"${attribute}" cannot change in place by reinstalling; allowed: ${REINSTALLABLE.join(', ')}.`,
        ['behavior', 0, 'allow_changes'],
      );
    }
  }
}

const reinstallOrReplace = (attribute: string) =>
  requiresReplaceIf<ProviderClient, Model>(
    ({ resource }) => !reinstallsInPlace(attribute, resource.config),
    'forces replacement unless `reinstall.enabled` or `behavior.allow_changes` allows a reinstall in place',
  );
/** Naming keys the device already has (e.g. after an import) needs no new device. */
const sshKeysReplace = (attribute: 'project_ssh_key_ids' | 'user_ssh_key_ids') =>
  requiresReplaceIf<ProviderClient, Model>(({ resource }) => {
    const wanted = strings(resource.planned[attribute]);
    const installed = strings(resource.prior?.ssh_key_ids) ?? [];
    return wanted === undefined || !wanted.every((id) => installed.includes(id));
  }, 'forces replacement unless the device already has every key named');
/**
 * A new metro or facilities list that the device already satisfies (e.g. after import, or moving from facilities to
 * metro) is recorded in place; only a real move needs a new device.
 */
const metroReplace = requiresReplaceIf<ProviderClient, Model>(
  ({ resource }, ctx) =>
    resource.planned.metro !== null && (str(resource.planned.metro)?.toLowerCase() ?? '') !== actualMetro(resource.prior, ctx),
  'forces replacement unless the device is already in that metro',
);
const facilitiesReplace = requiresReplaceIf<ProviderClient, Model>(({ resource }) => {
  const wanted = strings(resource.planned.facilities);
  const deployed = str(resource.prior?.deployed_facility);
  return resource.planned.facilities !== null && !(wanted && deployed && (wanted.includes(deployed) || wanted.includes('any')));
}, 'forces replacement unless the device is already in one of them or `any` is listed');

export const deviceResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_device',
  validate: validateDevice,
  planModifiers: {
    ...Object.fromEntries(UNCHANGING.map((name) => [name, [useStateForUnknown]])),
    billing_cycle: [useStateForUnknown, requiresReplace],
    project_id: [requiresReplace],
    plan: [requiresReplace],
    hardware_reservation_id: [requiresReplace],
    ip_address: [requiresReplace],
    // The API sets termination_time only when a device is created (PUT /devices/{id} does not take it).
    termination_time: [useStateForUnknown, requiresReplace],
    project_ssh_key_ids: [sshKeysReplace('project_ssh_key_ids')],
    user_ssh_key_ids: [sshKeysReplace('user_ssh_key_ids')],
    ...Object.fromEntries(REINSTALLABLE.map((name) => [name, [reinstallOrReplace(name)]])),
    metro: [metroReplace],
    facilities: [facilitiesReplace],
  },

  async modifyPlan({ config, prior, planned }, ctx) {
    const changed = (name: keyof Model) => prior === null || !valuesEqual(planned[name], prior[name]);
    if (prior !== null) {
      // A device that failed (install or reinstall) is replaced, so an apply converges to a working one.
      if (prior.state === 'failed') {
        planned.state = 'active';
        ctx.requireReplace(['state']);
      }
      const reinstall = REINSTALLABLE.filter((name) => changed(name) && reinstallsInPlace(name, config));
      if (reinstall.length > 0 && bool(planned.locked) === true) {
        ctx.diagnostics.error(
          'Device is locked',
          `Changing ${reinstall.join(', ')} reinstalls device ${String(prior.id)}, which is locked. Set locked = false to allow the reinstall.`,
          ['locked'],
        );
      }
    }
    if ((['plan', 'metro', 'facilities', 'operating_system'] as const).some(changed)) await checkCatalog(planned, ctx);
  },

  async create({ planned }, ctx) {
    let device: Device;
    try {
      device = await ctx.client.api.devices.create(str(planned.project_id)!, createInput(planned));
    } catch (error) {
      await reportCreateError(error, planned, ctx);
      return;
    }
    return waitUntilActive(device, planned, ctx, 'create');
  },

  async read({ state }, ctx) {
    const device = await ctx.client.devices.read(str(state.id)!, str(state.project_id));
    return device === undefined || device.state === 'deleted' ? null : stateFrom(device, state, ctx);
  },

  async update({ config, planned, prior }, ctx) {
    const id = str(prior.id)!;
    const changed = (name: keyof Model) => !valuesEqual(planned[name], prior[name]);
    const input: DeviceUpdateInput = {};
    if (changed('hostname') && str(planned.hostname) !== undefined) input.hostname = str(planned.hostname);
    if (changed('description')) input.description = str(planned.description) ?? '';
    if (changed('tags')) input.tags = strings(planned.tags) ?? [];
    if (changed('ipxe_script_url')) input.ipxe_script_url = str(planned.ipxe_script_url) ?? '';
    if (changed('always_pxe')) input.always_pxe = bool(planned.always_pxe) ?? false;
    if (changed('locked') && bool(planned.locked) !== undefined) input.locked = bool(planned.locked);
    if (changed('user_data')) input.userdata = str(planned.user_data) ?? '';
    if (changed('custom_data')) input.customdata = parseCustomData(str(planned.custom_data) ?? '{}') ?? {};
    const reinstall = REINSTALLABLE.some(changed);

    let device: Device | undefined;
    try {
      if (Object.keys(input).length > 0) device = await ctx.client.api.devices.update(id, input);
      if (reinstall) {
        const options = firstBlock(config.reinstall);
        await ctx.client.api.devices.action(id, {
          type: 'reinstall',
          operating_system: str(planned.operating_system),
          preserve_data: bool(options?.preserve_data) ?? false,
          deprovision_fast: bool(options?.deprovision_fast) ?? false,
        });
      }
    } catch (error) {
      reportApiError(ctx.diagnostics, error, `Cannot update device ${id}`, { fields: FIELDS, attributes: METAL_DEVICE_RESOURCE.arguments });
      return;
    }
    if (reinstall) return waitUntilActive(device ?? (await ctx.client.api.devices.get(id)), planned, ctx, 'update');
    return stateFrom(device ?? (await ctx.client.api.devices.get(id)), planned, ctx);
  },

  async delete({ state }, ctx) {
    const id = str(state.id);
    if (id === undefined) return;
    try {
      await ctx.client.api.devices.delete(id);
    } catch (error) {
      if (isNotFound(error)) return;
      if (error instanceof MetalError && error.code === 'conflict' && /locked/.test(error.message)) {
        ctx.diagnostics.error(
          'Device is locked',
          `Device ${id} (${String(state.hostname)}) is locked, so it cannot be deleted. Set locked = false in its configuration and apply, then destroy it.`,
          ['locked'],
        );
        return;
      }
      reportApiError(ctx.diagnostics, error, `Cannot delete device ${id}`);
      return;
    }
    const timeoutMs = ctx.timeout(DEFAULT_TIMEOUT_MS);
    const { value, outcome } = await pollUntil(
      () => ctx.client.api.devices.get(id).catch((error: unknown) => (isNotFound(error) ? null : Promise.reject(error))),
      (d) => d === null || d.state === 'deleted' || d.state === 'failed',
      { timeoutMs, signal: ctx.signal, firstIntervalMs: FIRST_POLL_MS },
    );
    if (value === null || value.state === 'deleted') return;
    const reason = value.failure_reason ? `: ${value.failure_reason}` : '';
    const why =
      value.state === 'failed'
        ? `deprovisioning failed${reason}`
        : outcome === 'timeout'
          ? `it is still ${value.state} after ${formatDuration(timeoutMs)} (timeouts.delete)`
          : `Terraform was asked to stop while it was ${value.state}`;
    ctx.diagnostics.error(
      `Device ${id} was not deleted`,
      `Device ${id} (${value.hostname}): ${why}. It stays in the Terraform state; run the apply or destroy again to retry.`,
    );
  },

  async importState(id, ctx) {
    let device: Device;
    try {
      device = await ctx.client.api.devices.get(id);
    } catch (error) {
      if (isNotFound(error))
        ctx.diagnostics.error('Device not found', `No device ${id} is visible to this API key; check the ID and the project.`);
      else reportApiError(ctx.diagnostics, error, `Cannot import device ${id}`);
      return { id };
    }
    // Imported devices are described by metro (facilities is deprecated); the other settings start unset, and
    // nested blocks as Terraform holds absent ones: empty lists.
    return { ...stateFrom(device, { metro: device.metro.code }, ctx), ip_address: [], reinstall: [], behavior: [] };
  },
});
