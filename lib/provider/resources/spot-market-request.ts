/**
 * metal_spot_market_request: a bid for devices_min..devices_max spot devices of one plan in one metro. It fixes
 * the old provider's spot pain points: create waits until devices_min devices are active (not the first one), the
 * request's devices (ids, states, addresses) are in the state, and only real changes replace it. The bid
 * (max_bid_price, devices_min, devices_max, end_at) changes in place through PUT, after which update waits for
 * devices_min active devices as create does; where and what the devices are (project, metro, kind,
 * instance_parameters) forces a new request. Equivalent spellings (metro case, the same instant, facilities of
 * the same metro) and provider-only settings (wait_for_devices, timeouts) apply in place without an API call.
 * Delete ends the devices too (force_termination) and waits until they are gone.
 */
import {
  Hostname,
  type SpotMarketRequest,
  type SpotMarketRequestCreateInput,
  type SpotMarketRequestUpdateInput,
} from '../../contract/schemas';
import type { Catalog, ProviderClient } from '../config';
import {
  defineResource,
  isObjectValue,
  requiresReplace,
  requiresReplaceIf,
  UNKNOWN,
  useStateForUnknown,
  valuesEqual,
  type AttributePlanRequest,
  type BaseContext,
  type PlanContext,
  type ResourceContext,
  type Value,
} from '../framework';
import {
  METAL_SPOT_MARKET_REQUEST_RESOURCE,
  METAL_SPOT_MARKET_REQUEST_RESOURCE_INSTANCE_PARAMETERS,
  type MetalSpotMarketRequestDataSourceModel,
  type MetalSpotMarketRequestResourceDevicesModel,
  type MetalSpotMarketRequestResourceInstanceParametersModel,
  type MetalSpotMarketRequestResourceModel as Model,
} from '../generated/models';
import {
  actualMetro,
  bool,
  firstBlock,
  formatDuration,
  hrefId,
  isNotFound,
  num,
  pick,
  pollUntil,
  reportApiError,
  str,
  strings,
} from './support';
import { bidBoundsProblems, bidProblems } from '../../contract/bid-rules';
import { boundsProblem, mustHaveFormat, problemAt } from '../../contract/bounds';
import { osNotOnPlan, osRunsOnPlan, planNotInMetro, planNotOnSpotMarket, unknownValue } from '../../contract/catalog-rules';

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const FIRST_POLL_MS = 250;
export const SPOT_REQUEST_KINDS = ['one_time', 'persistent'] as const;

/** The arguments PUT changes, and the computed values a changed bid can move (it is cleared again at once). */
const BID = ['max_bid_price', 'devices_min', 'devices_max', 'end_at'] as const satisfies readonly (keyof Model)[];
const MOVED_BY_BID = ['device_ids', 'devices', 'state', 'price', 'filled_total'] as const satisfies readonly (keyof Model)[];

/**
 * instance_parameters: its attributes have the API's names and plain types (strings, booleans, lists of strings), so
 * they copy across as they are; only customdata is JSON text in Terraform and an object in the API.
 */
type InstanceParameters = MetalSpotMarketRequestResourceInstanceParametersModel;

type Ctx = ResourceContext<ProviderClient>;

const sameInstant = (a: Value | undefined, b: Value | undefined) =>
  typeof a === 'string' && typeof b === 'string' && Date.parse(a) === Date.parse(b);

/** The bid arguments whose value changes (the same end_at instant written differently is no change). */
const changedBid = (prior: Model, planned: Model) =>
  BID.filter((name) => !valuesEqual(planned[name], prior[name]) && !(name === 'end_at' && sameInstant(planned.end_at, prior.end_at)));

/** The PUT body for the changed bid arguments; an end_at removed from the configuration clears it. */
function updateInput(planned: Model, changed: readonly (typeof BID)[number][]): SpotMarketRequestUpdateInput {
  const input: SpotMarketRequestUpdateInput = {};
  for (const name of changed) {
    if (name !== 'end_at') input[name] = num(planned[name]);
    else input.end_at = str(planned.end_at) === undefined ? null : new Date(str(planned.end_at)!).toISOString();
  }
  return input;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A request's devices as the `devices` attribute lists them (data source and resource alike). */
export function requestDevices(request: SpotMarketRequest): MetalSpotMarketRequestResourceDevicesModel[] {
  return request.devices.map((d) => {
    const address = (family: number, isPublic: boolean) =>
      d.ip_addresses.find((a) => a.address_family === family && a.public === isPublic)?.address ?? null;
    return {
      id: d.id,
      hostname: d.hostname,
      state: d.state,
      public_ipv4: address(4, true),
      private_ipv4: address(4, false),
      public_ipv6: address(6, true),
      termination_time: d.termination_time ?? null,
    };
  });
}

/** The data source's attributes the API gives (request_id and facilities come from config and the catalogue), and `created`. */
export type RequestAttributes = Omit<MetalSpotMarketRequestDataSourceModel, 'request_id' | 'facilities'> & Pick<Model, 'created'>;

/** What the API says about a request, under the attribute names both schemas share. */
export function requestAttributes(request: SpotMarketRequest): RequestAttributes {
  return {
    id: request.id,
    project_id: hrefId(request.project),
    devices_min: request.devices_min,
    devices_max: request.devices_max,
    max_bid_price: request.max_bid_price,
    metro: request.metro.code,
    plan: request.plan.slug,
    end_at: request.end_at ?? null,
    kind: request.kind,
    state: request.state,
    price: request.price ?? null,
    filled_total: request.filled_total,
    created: request.created_at,
    device_ids: request.devices.map((d) => d.id),
    devices: requestDevices(request),
  };
}

/**
 * The request as Terraform state. `held` (plan or prior state) keeps what the API does not echo (facilities,
 * instance_parameters, provider settings) and equivalent spellings (metro case, end_at instant) stable.
 */
function stateFrom(request: SpotMarketRequest, held: Partial<Model>, ctx: Ctx): Partial<Model> {
  const api = requestAttributes(request);
  ctx.private.set('metro', request.metro.code);
  const heldMetro = str(held.metro);
  return {
    ...pick(api, METAL_SPOT_MARKET_REQUEST_RESOURCE.computed),
    project_id: api.project_id,
    devices_min: api.devices_min,
    devices_max: api.devices_max,
    max_bid_price: api.max_bid_price,
    metro:
      held.metro === null || held.metro === undefined
        ? null
        : heldMetro?.toLowerCase() === request.metro.code
          ? heldMetro
          : request.metro.code,
    end_at: sameInstant(held.end_at, api.end_at) ? (held.end_at ?? null) : api.end_at,
  };
}

/** instance_parameters as the API stored them → the block's value (every attribute present, unset ones null). */
function instanceParametersFrom(stored: Record<string, unknown>): InstanceParameters {
  const block: Record<string, Value> = {};
  for (const name of METAL_SPOT_MARKET_REQUEST_RESOURCE_INSTANCE_PARAMETERS.attributes) {
    const value = stored[name];
    if (name === 'customdata') block[name] = isObjectValue(value) ? JSON.stringify(value) : null;
    else block[name] = typeof value === 'string' || typeof value === 'boolean' || Array.isArray(value) ? (value as Value) : null;
  }
  return block as InstanceParameters;
}

function createInput(planned: Model): SpotMarketRequestCreateInput {
  const params = firstBlock(planned.instance_parameters);
  const instance: Record<string, unknown> = {};
  for (const name of METAL_SPOT_MARKET_REQUEST_RESOURCE_INSTANCE_PARAMETERS.attributes) {
    const value = params?.[name] ?? null;
    if (name === 'customdata') {
      if (typeof value === 'string') instance.customdata = parseJsonObject(value);
    } else if (typeof value === 'string' || typeof value === 'boolean') instance[name] = value;
    else if (strings(value) !== undefined) instance[name] = strings(value);
  }
  const input: SpotMarketRequestCreateInput = {
    devices_min: num(planned.devices_min)!,
    devices_max: num(planned.devices_max)!,
    max_bid_price: num(planned.max_bid_price)!,
    instance_parameters: instance as SpotMarketRequestCreateInput['instance_parameters'],
  };
  const metro = str(planned.metro);
  if (metro !== undefined) input.metro = metro.toLowerCase();
  const facilities = strings(planned.facilities);
  if (metro === undefined && facilities?.length) input.facilities = facilities;
  const endAt = str(planned.end_at);
  if (endAt !== undefined) input.end_at = new Date(endAt).toISOString();
  const kind = str(planned.kind);
  if (kind !== undefined) input.kind = kind as SpotMarketRequest['kind'];
  return input;
}

const waitsForDevices = (value: Model) => bool(value.wait_for_devices) ?? true;
const activeCount = (request: SpotMarketRequest) => request.devices.filter((d) => d.state === 'active').length;

/** Why a request has fewer than devices_min active devices, in words an operator can act on. */
function shortfall(request: SpotMarketRequest): string {
  const devices = request.devices.length ? request.devices.map((d) => `${d.hostname} (${d.state})`).join(', ') : 'none yet';
  const price = request.price;
  const market =
    price !== undefined && price > request.max_bid_price
      ? ` The market price ${price} is above max_bid_price ${request.max_bid_price}, so the request cannot fill: raise max_bid_price or wait for the price to fall (metal_spot_market_price shows it).`
      : request.state === 'closed'
        ? ` The request is closed (${request.closed_reason ?? 'ended'}).`
        : ` The bid (${request.max_bid_price}) covers the market price${price === undefined ? '' : ` ${price}`}; ${request.metro.code} may have too few free ${request.plan.slug} machines (metal_capacity shows them).`;
  return `${activeCount(request)} of devices_min ${request.devices_min} devices are active; devices: ${devices}.${market}`;
}

/** Waits until devices_min devices are active; otherwise reports why and still returns the request's state. */
async function waitForDevices(request: SpotMarketRequest, held: Model, ctx: Ctx, operation: 'create' | 'update'): Promise<Partial<Model>> {
  const timeoutMs = ctx.timeout(DEFAULT_TIMEOUT_MS);
  const { value, outcome } = await pollUntil(
    () => ctx.client.api.spotMarket.getRequest(request.id),
    (r) => activeCount(r) >= r.devices_min || r.state === 'closed',
    { timeoutMs, signal: ctx.signal, firstIntervalMs: FIRST_POLL_MS },
  );
  const state = stateFrom(value, held, ctx);
  if (activeCount(value) >= value.devices_min) return state;
  const kept =
    operation === 'create'
      ? 'The request is kept in the Terraform state and marked tainted, so the next apply replaces it (its devices are never orphaned).'
      : 'The new bid is in place and recorded in the Terraform state; the request keeps bidding with it.';
  if (value.state === 'closed') {
    ctx.diagnostics.error(`Spot market request ${value.id} closed before devices_min devices were active`, `${shortfall(value)} ${kept}`);
  } else if (outcome === 'timeout') {
    ctx.diagnostics.error(
      `Timed out waiting for spot market request ${value.id}`,
      `${shortfall(value)} Waited ${formatDuration(timeoutMs)} (timeouts.${operation}). ${kept} Raise timeouts.${operation}, or set wait_for_devices = false to return once the bid is ${operation === 'create' ? 'placed' : 'changed'}.`,
    );
  } else {
    ctx.diagnostics.error(
      `Interrupted while waiting for spot market request ${value.id}`,
      `Terraform was asked to stop. ${shortfall(value)} ${kept}`,
    );
  }
  return state;
}

/** The metro a configuration means: metro, else the metro of the first facility (via the catalogue). */
function wantedMetro(config: Model, catalog: Catalog): string | undefined {
  const metro = str(config.metro);
  if (metro !== undefined) return metro.toLowerCase();
  const facility = strings(config.facilities)?.[0];
  return facility === undefined ? undefined : catalog.facilities.find((f) => f.code === facility)?.metro.code;
}

/** Plan-time checks against the catalogue and the market, before a bid is placed or changed (`updating`). */
async function checkMarket(planned: Model, updating: boolean, ctx: PlanContext<ProviderClient>): Promise<void> {
  const catalog = await ctx.client.catalog();
  const params = firstBlock(planned.instance_parameters);
  const planSlug = str(params?.plan);
  const osSlug = str(params?.operating_system);
  const metro = wantedMetro(planned, catalog);
  const where: (string | number)[] = ['instance_parameters', 0];
  const spotPlans = catalog.plans.filter((p) => p.deployment_types.includes('spot_market'));
  const codes = (rows: { code: string }[]) => rows.map((r) => r.code);
  if (str(planned.metro) !== undefined && metro !== undefined && !catalog.metros.some((m) => m.code === metro)) {
    ctx.diagnostics.error('Unknown metro', problemAt('metro', unknownValue('metro', metro, codes(catalog.metros))), ['metro']);
    return;
  }
  for (const code of strings(planned.facilities) ?? []) {
    if (!catalog.facilities.some((f) => f.code === code)) {
      ctx.diagnostics.error(
        'Unknown facility',
        problemAt(
          'facilities',
          `${unknownValue('facility', code, codes(catalog.facilities))}; or give metro instead (facilities is deprecated)`,
        ),
        ['facilities'],
      );
    }
  }
  const plan = planSlug === undefined ? undefined : catalog.plans.find((p) => p.slug === planSlug);
  if (planSlug !== undefined && !plan) {
    ctx.diagnostics.error(
      'Unknown plan',
      problemAt(
        'instance_parameters.plan',
        unknownValue(
          'plan',
          planSlug,
          catalog.plans.map((p) => p.slug),
        ),
      ),
      [...where, 'plan'],
    );
  } else if (plan && !plan.deployment_types.includes('spot_market')) {
    ctx.diagnostics.error(
      'Plan not on the spot market',
      problemAt(
        'instance_parameters.plan',
        planNotOnSpotMarket(
          plan.slug,
          spotPlans.map((p) => p.slug),
        ),
      ),
      [...where, 'plan'],
    );
  } else if (plan && metro !== undefined && !plan.available_in_metros.some((m) => m.code === metro)) {
    const plansThere = catalog.plans.filter((p) => p.available_in_metros.some((m) => m.code === metro)).map((p) => p.slug);
    ctx.diagnostics.error(
      'Plan not offered in this metro',
      problemAt('metro', planNotInMetro(plan.slug, metro, plansThere, codes(plan.available_in_metros))),
      ['metro'],
    );
  }
  const os = osSlug === undefined ? undefined : catalog.operatingSystems.find((o) => o.slug === osSlug);
  if (osSlug !== undefined && !os) {
    ctx.diagnostics.error(
      'Unknown operating system',
      problemAt(
        'instance_parameters.operating_system',
        unknownValue(
          'operating system',
          osSlug,
          catalog.operatingSystems.map((o) => o.slug),
        ),
      ),
      [...where, 'operating_system'],
    );
  } else if (os && plan && !osRunsOnPlan(os.provisionable_on, plan.slug)) {
    ctx.diagnostics.error(
      'Operating system not available on this plan',
      problemAt('instance_parameters.operating_system', osNotOnPlan(os.slug, plan.slug, os.provisionable_on)),
      [...where, 'operating_system'],
    );
  }
  // A bid below the market is allowed (it fills when the price falls) but, with create waiting for devices, worth a warning.
  const bid = num(planned.max_bid_price);
  if (ctx.diagnostics.hasErrors() || !plan || metro === undefined || bid === undefined) return;
  const price = (await ctx.client.api.spotMarket.pricesByMetro({ metro, plan: plan.slug }).catch(() => undefined))?.[metro]?.[plan.slug]
    ?.price;
  if (price !== undefined && bid < price) {
    const consequence = updating
      ? 'running devices of the request get termination notices (at least 2 minutes), and it fills again only when the price falls to the bid'
      : `the request fills only when the price falls to the bid${waitsForDevices(planned) ? ', and create waits until then (timeouts.create)' : ''}`;
    ctx.diagnostics.warning(
      'Bid below the market price',
      `max_bid_price ${bid} is below the current ${plan.slug} price in ${metro} (${price}); ${consequence}.`,
      ['max_bid_price'],
    );
  }
}

function validateRequest(config: Model, ctx: BaseContext): void {
  const { diagnostics } = ctx;
  const hasFacilities = Array.isArray(config.facilities) && config.facilities.length > 0;
  if (config.metro === null && !hasFacilities)
    diagnostics.error('Missing location', 'Set metro to a metro code such as "ny" (or the deprecated facilities).', ['metro']);
  if (config.metro !== null && hasFacilities)
    diagnostics.error('Conflicting location', 'Set metro or facilities, not both; facilities is deprecated, keep metro.', ['facilities']);
  const limits = { devices_min: num(config.devices_min), devices_max: num(config.devices_max), max_bid_price: num(config.max_bid_price) };
  // The API's rules, with its wording: each field's bounds (the schema's), then one field against another. end_at
  // is checked for its form only: a time that was ahead when the request was made is behind a later plan, and
  // that is fine.
  const known = (field: keyof typeof limits) => limits[field] !== undefined;
  const bid = {
    devices_min: limits.devices_min ?? 1,
    devices_max: limits.devices_max ?? Infinity,
    max_bid_price: limits.max_bid_price ?? 1,
  };
  for (const problem of [
    ...bidBoundsProblems(limits, known),
    ...bidProblems(bid, new Date(), (field) => field !== 'end_at' && known(field)),
  ]) {
    const field = problem.slice(0, problem.indexOf(':')) as keyof typeof limits;
    diagnostics.error(`Invalid ${field}`, problem, [field]);
  }
  const endAt = str(config.end_at);
  if (endAt !== undefined && Number.isNaN(Date.parse(endAt)))
    diagnostics.error('Invalid end_at', problemAt('end_at', mustHaveFormat('date-time')), ['end_at']);
  const kind = str(config.kind);
  if (kind !== undefined && !(SPOT_REQUEST_KINDS as readonly string[]).includes(kind))
    diagnostics.error('Invalid kind', `"${kind}" is not a request kind; use ${SPOT_REQUEST_KINDS.join(' or ')}.`, ['kind']);
  const params = firstBlock(config.instance_parameters);
  if (!params) return;
  const where = (name: string, ...rest: (string | number)[]) => ['instance_parameters', 0, name, ...rest];
  const hostname = str(params.hostname);
  const hostnameProblem = hostname === undefined ? undefined : boundsProblem(Hostname, hostname);
  if (hostnameProblem) diagnostics.error('Invalid hostname', problemAt('instance_parameters.hostname', hostnameProblem), where('hostname'));
  const hostnames = strings(params.hostnames);
  hostnames?.forEach((h, i) => {
    const problem = boundsProblem(Hostname, h);
    if (problem) diagnostics.error('Invalid hostname', problemAt(`instance_parameters.hostnames[${i}]`, problem), where('hostnames', i));
  });
  const max = limits.devices_max;
  if (hostnames && max !== undefined && hostnames.length < max) {
    diagnostics.error(
      'Too few hostnames',
      `hostnames lists ${hostnames.length} names for up to ${max} devices (devices_max); list ${max}, or set hostname to have them numbered.`,
      where('hostnames'),
    );
  }
  if (hostname !== undefined && hostnames)
    diagnostics.error('Conflicting hostnames', 'Set hostname or hostnames, not both.', where('hostnames'));
  const customdata = str(params.customdata);
  // The value is sensitive: the message describes the problem without repeating it.
  if (customdata !== undefined && parseJsonObject(customdata) === undefined)
    diagnostics.error('Invalid customdata', 'customdata must be a JSON object; write it as jsonencode({ ... }).', where('customdata'));
}

/** The planned location is another metro than the request's: naming its metro differently (its case, facilities in it) is no move. */
const moves = async ({ resource }: AttributePlanRequest<Model>, ctx: PlanContext<ProviderClient>) =>
  wantedMetro(resource.planned, await ctx.client.catalog()) !== actualMetro(resource.prior, ctx);
// Whichever of metro and facilities names the location forces the new request.
const metroReplace = requiresReplaceIf<ProviderClient, Model>(
  (request, ctx) => request.resource.planned.metro !== null && moves(request, ctx),
  'forces replacement unless the request is already in that metro',
);
const facilitiesReplace = requiresReplaceIf<ProviderClient, Model>(
  (request, ctx) => request.resource.planned.metro === null && moves(request, ctx),
  'forces replacement unless the first one is in the metro the request is in',
);

export const spotMarketRequestResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_spot_market_request',
  validate: validateRequest,
  planModifiers: {
    // An in-place change (wait_for_devices, a respelling) calls no API, so the computed values stay as they are.
    ...Object.fromEntries(METAL_SPOT_MARKET_REQUEST_RESOURCE.computed.map((name) => [name, [useStateForUnknown]])),
    project_id: [requiresReplace],
    kind: [useStateForUnknown, requiresReplace],
    instance_parameters: [requiresReplace],
    metro: [metroReplace],
    facilities: [facilitiesReplace],
  },

  async modifyPlan({ prior, planned }, ctx) {
    const changed = (name: keyof Model) => prior === null || !valuesEqual(planned[name], prior[name]);
    // A changed bid is cleared again at once: the request's devices, counts and price may move.
    if (prior !== null && changedBid(prior, planned).length) for (const name of MOVED_BY_BID) planned[name] = UNKNOWN;
    if (prior === null || (['metro', 'facilities', 'instance_parameters', 'max_bid_price'] as const).some(changed))
      await checkMarket(planned, prior !== null, ctx);
  },

  async create({ planned }, ctx) {
    let request: SpotMarketRequest;
    try {
      request = await ctx.client.api.spotMarket.createRequest(str(planned.project_id)!, createInput(planned));
    } catch (error) {
      reportApiError(ctx.diagnostics, error, 'Cannot create the spot market request', {
        attributes: METAL_SPOT_MARKET_REQUEST_RESOURCE.arguments,
      });
      return;
    }
    return waitsForDevices(planned) ? waitForDevices(request, planned, ctx, 'create') : stateFrom(request, planned, ctx);
  },

  async read({ state }, ctx) {
    let request: SpotMarketRequest;
    try {
      request = await ctx.client.api.spotMarket.getRequest(str(state.id)!);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    // Deleted out of band: gone, even if its devices (deleted without force_termination) still run.
    if (request.state === 'closed' && request.closed_reason === 'deleted') return null;
    return stateFrom(request, state, ctx);
  },

  // A changed bid goes to the API; provider settings and equivalent spellings alone need no call.
  async update({ planned, prior }, ctx) {
    const changed = changedBid(prior, planned);
    if (!changed.length) return planned;
    let request: SpotMarketRequest;
    try {
      request = await ctx.client.api.spotMarket.updateRequest(str(prior.id)!, updateInput(planned, changed));
    } catch (error) {
      reportApiError(ctx.diagnostics, error, 'Cannot update the spot market request', {
        attributes: METAL_SPOT_MARKET_REQUEST_RESOURCE.arguments,
      });
      return;
    }
    return waitsForDevices(planned) ? waitForDevices(request, planned, ctx, 'update') : stateFrom(request, planned, ctx);
  },

  async delete({ state }, ctx) {
    const id = str(state.id);
    if (id === undefined) return;
    try {
      await ctx.client.api.spotMarket.deleteRequest(id, { forceTermination: true });
    } catch (error) {
      if (isNotFound(error)) return;
      reportApiError(ctx.diagnostics, error, `Cannot delete spot market request ${id}`);
      return;
    }
    if (!waitsForDevices(state)) return;
    const timeoutMs = ctx.timeout(DEFAULT_TIMEOUT_MS);
    const { value, outcome } = await pollUntil(
      () => ctx.client.api.spotMarket.getRequest(id).catch((error: unknown) => (isNotFound(error) ? null : Promise.reject(error))),
      (r) => r === null || r.devices.every((d) => d.state === 'failed'),
      { timeoutMs, signal: ctx.signal, firstIntervalMs: FIRST_POLL_MS },
    );
    if (value === null || value.devices.length === 0) return;
    const left = value.devices.map((d) => `${d.id} (${d.hostname}, ${d.state})`).join(', ');
    const why =
      outcome === 'done'
        ? 'deprovisioning failed'
        : outcome === 'timeout'
          ? `they are still there after ${formatDuration(timeoutMs)} (timeouts.delete)`
          : 'Terraform was asked to stop';
    ctx.diagnostics.error(
      `Devices of spot market request ${id} were not deleted`,
      `The request is closed, but its devices ${left} remain: ${why}. It stays in the Terraform state; run destroy again to retry.`,
    );
  },

  async importState(id, ctx) {
    let request: SpotMarketRequest;
    try {
      request = await ctx.client.api.spotMarket.getRequest(id);
    } catch (error) {
      if (isNotFound(error))
        ctx.diagnostics.error(
          'Spot market request not found',
          `No spot market request ${id} is visible to this API key; check the ID and the project.`,
        );
      else reportApiError(ctx.diagnostics, error, `Cannot import spot market request ${id}`);
      return { id };
    }
    // Imported requests are described by metro (facilities is deprecated); provider settings start unset.
    return {
      ...stateFrom(request, { metro: request.metro.code }, ctx),
      facilities: null,
      wait_for_devices: null,
      timeouts: null,
      instance_parameters: [instanceParametersFrom(request.instance_parameters)],
    };
  },
});
