/** metal_bgp_session: a device's BGP session with its metro router; as in the old provider, any change replaces it. */
import type { BgpSession } from '../../contract/schemas-bgp';
import type { ProviderClient } from '../config';
import { defineResource } from '../framework';
import { METAL_BGP_SESSION_RESOURCE, type MetalBgpSessionResourceModel as Model } from '../generated/models';
import { bool, deleteUnlessGone, hrefId, readUnlessGone, reportApiError, str, unlessEmpty } from './support';

const sessionState = (session: BgpSession, held: Model | null): Model => ({
  id: session.id,
  device_id: hrefId(session.device),
  address_family: session.address_family,
  default_route: unlessEmpty(session.default_route, held?.default_route),
  status: session.status,
});

export const bgpSessionResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_bgp_session',
  async create({ planned }, ctx) {
    const family = str(planned.address_family);
    if (family !== 'ipv4' && family !== 'ipv6') {
      ctx.diagnostics.error('Invalid address_family', 'address_family must be ipv4 or ipv6.', ['address_family']);
      return;
    }
    try {
      const session = await ctx.client.api.bgp.createSession(str(planned.device_id)!, {
        address_family: family,
        default_route: bool(planned.default_route) ?? false,
      });
      return sessionState(session, planned);
    } catch (error) {
      reportApiError(ctx.diagnostics, error, 'Cannot create the BGP session', { attributes: METAL_BGP_SESSION_RESOURCE.arguments });
    }
  },
  async read({ state }, ctx) {
    const session = await readUnlessGone(() => ctx.client.api.bgp.getSession(str(state.id)!));
    return session && sessionState(session, state);
  },
  async delete({ state }, ctx) {
    await deleteUnlessGone(ctx, `BGP session ${String(state.id)}`, () => ctx.client.api.bgp.deleteSession(str(state.id)!));
  },
});
