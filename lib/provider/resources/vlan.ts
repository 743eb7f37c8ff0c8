/** metal_vlan: a VLAN (virtual network) in a project's metro; as in the old provider, any change replaces it. */
import type { VirtualNetwork, VirtualNetworkCreateInput } from '../../contract/schemas-layer2';
import type { ProviderClient } from '../config';
import { defineResource, requiresReplace, useStateForUnknown } from '../framework';
import { METAL_VLAN_RESOURCE, type MetalVlanResourceModel as Model } from '../generated/models';
import { requestedMetro } from './ip-block';
import { deleteUnlessGone, hrefId, num, readUnlessGone, reportApiError, str, unlessEmpty } from './support';

const report = { attributes: METAL_VLAN_RESOURCE.arguments };

/** The VLAN's state; the metro keeps the case Terraform holds, facility stays as configured. */
function vlanState(vlan: VirtualNetwork, held: Model | null): Model {
  const metro = vlan.metro_code;
  const heldMetro = str(held?.metro);
  return {
    id: vlan.id,
    project_id: hrefId(vlan.assigned_to),
    metro: heldMetro !== undefined && heldMetro.toLowerCase() === metro ? heldMetro : metro,
    facility: held?.facility ?? null,
    vxlan: vlan.vxlan,
    description: unlessEmpty(vlan.description ?? '', held?.description),
  };
}

const fixed = [useStateForUnknown, requiresReplace];

export const vlanResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_vlan',
  planModifiers: {
    id: [useStateForUnknown],
    project_id: [requiresReplace],
    metro: fixed,
    facility: [requiresReplace],
    vxlan: fixed,
    description: [requiresReplace],
  },
  validate(config, ctx) {
    if (config.metro === null && config.facility === null)
      ctx.diagnostics.error('Missing location', 'Set metro (e.g. metro = "ny"): a VLAN belongs to a metro.', ['metro']);
    if (str(config.metro) !== undefined && str(config.facility) !== undefined)
      ctx.diagnostics.error('Conflicting location', 'Set metro or the deprecated facility, not both.', ['facility']);
    const vxlan = num(config.vxlan);
    if (vxlan !== undefined && !(Number.isInteger(vxlan) && vxlan >= 2 && vxlan <= 3999))
      ctx.diagnostics.error('Invalid vxlan', `vxlan must be a whole number from 2 to 3999, not ${vxlan}.`, ['vxlan']);
  },
  async create({ planned }, ctx) {
    const input: VirtualNetworkCreateInput = { metro: await requestedMetro(ctx.client, planned) };
    const vxlan = num(planned.vxlan);
    if (vxlan !== undefined) input.vxlan = vxlan;
    const description = str(planned.description);
    if (description !== undefined) input.description = description;
    try {
      return vlanState(await ctx.client.api.vlans.create(str(planned.project_id)!, input), planned);
    } catch (error) {
      reportApiError(ctx.diagnostics, error, 'Cannot create the VLAN', report);
    }
  },
  async read({ state }, ctx) {
    const vlan = await readUnlessGone(() => ctx.client.api.vlans.get(str(state.id)!));
    return vlan && vlanState(vlan, state);
  },
  async delete({ state }, ctx) {
    await deleteUnlessGone(ctx, `VLAN ${String(state.id)}`, () => ctx.client.api.vlans.delete(str(state.id)!));
  },
});
