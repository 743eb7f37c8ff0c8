/** metal_reserved_ip_block: a block reserved in a project; description, tags and custom_data change in place. */
import type { IpReservation, IpReservationRequestInput, IpReservationUpdateInput } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineResource, requiresReplace, useStateForUnknown, valuesEqual } from '../framework';
import { METAL_RESERVED_IP_BLOCK_RESOURCE, type MetalReservedIpBlockResourceModel as Model } from '../generated/models';
import { ipBlockAttributes, ipBlockOwner } from './ip-block';
import { deleteUnlessGone, jsonText, readUnlessGone, reportApiError, str, num, strings, unlessEmpty, type FieldMap } from './support';

const FIELDS: FieldMap<keyof Model> = { details: 'description', customdata: 'custom_data' };
const report = { fields: FIELDS, attributes: METAL_RESERVED_IP_BLOCK_RESOURCE.arguments };

/** The block's state; what Terraform holds is kept where it means the same (metro case, custom_data spelling). */
function blockState(block: IpReservation, held: Model | null): Model {
  const owner = ipBlockOwner(block);
  const heldMetro = str(held?.metro);
  return {
    ...ipBlockAttributes(block),
    project_id: owner.project_id,
    metro: heldMetro !== undefined && heldMetro.toLowerCase() === owner.metro ? heldMetro : owner.metro,
    facility: held?.facility ?? null,
    description: unlessEmpty(block.details ?? '', held?.description),
    tags: unlessEmpty(block.tags, held?.tags),
    custom_data: jsonText(block.customdata, held?.custom_data),
    wait_for_state: held?.wait_for_state ?? null,
  };
}

function parseCustomData(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return value as Record<string, unknown>;
}

const keep = [useStateForUnknown];
const fixed = [useStateForUnknown, requiresReplace];

export const reservedIpBlockResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_reserved_ip_block',
  planModifiers: {
    id: keep,
    address: keep,
    address_family: keep,
    cidr: keep,
    cidr_notation: keep,
    gateway: keep,
    netmask: keep,
    network: keep,
    public: keep,
    global: keep,
    manageable: keep,
    management: keep,
    project_id: [requiresReplace],
    type: fixed,
    metro: fixed,
    facility: [requiresReplace],
    quantity: [requiresReplace],
  },
  validate(config, ctx) {
    try {
      parseCustomData(str(config.custom_data));
    } catch {
      ctx.diagnostics.error('Invalid custom_data', 'custom_data must be a JSON object, e.g. jsonencode({ owner = "web" }).', [
        'custom_data',
      ]);
    }
    if (str(config.metro) !== undefined && str(config.facility) !== undefined)
      ctx.diagnostics.error('Conflicting location', 'Set metro or the deprecated facility, not both.', ['facility']);
  },
  async create({ planned }, ctx) {
    const input: IpReservationRequestInput = { type: str(planned.type) ?? 'public_ipv4', quantity: num(planned.quantity)! };
    const metro = str(planned.metro);
    if (metro !== undefined) input.metro = metro.toLowerCase();
    const facility = str(planned.facility);
    if (facility !== undefined) input.facility = facility.toLowerCase();
    const details = str(planned.description);
    if (details !== undefined) input.details = details;
    const tags = strings(planned.tags);
    if (tags !== undefined) input.tags = tags;
    const customdata = parseCustomData(str(planned.custom_data));
    if (customdata !== undefined) input.customdata = customdata;
    try {
      return blockState(await ctx.client.api.ips.reserve(str(planned.project_id)!, input), planned);
    } catch (error) {
      reportApiError(ctx.diagnostics, error, 'Cannot reserve the IP block', report);
    }
  },
  async read({ state }, ctx) {
    const block = await readUnlessGone(() => ctx.client.api.ips.get(str(state.id)!));
    return block && blockState(block, state);
  },
  async update({ planned, prior }, ctx) {
    const input: IpReservationUpdateInput = {};
    if (!valuesEqual(planned.description, prior.description)) input.details = str(planned.description) ?? '';
    if (!valuesEqual(planned.tags, prior.tags)) input.tags = strings(planned.tags) ?? [];
    if (!valuesEqual(planned.custom_data, prior.custom_data)) input.customdata = parseCustomData(str(planned.custom_data)) ?? {};
    if (Object.keys(input).length === 0) return planned;
    try {
      return blockState(await ctx.client.api.ips.update(str(prior.id)!, input), planned);
    } catch (error) {
      reportApiError(ctx.diagnostics, error, `Cannot update IP block ${String(prior.id)}`, report);
    }
  },
  async delete({ state }, ctx) {
    await deleteUnlessGone(ctx, `IP block ${String(state.id)}`, () => ctx.client.api.ips.delete(str(state.id)!));
  },
});
