/**
 * metal_ip_attachment: a subnet of a reserved block attached to a device (an elastic IP). As in the old provider
 * any change replaces it: moving the address to another device is a new attachment there.
 */
import type { IpAssignment } from '../../contract/schemas';
import { formatCidr, parseCidr } from '../../core/ip';
import type { ProviderClient } from '../config';
import { defineResource, requiresReplace } from '../framework';
import { METAL_IP_ATTACHMENT_RESOURCE, type MetalIpAttachmentResourceModel as Model } from '../generated/models';
import { deleteUnlessGone, hrefId, readUnlessGone, reportApiError, str, type FieldMap } from './support';

const FIELDS: FieldMap<keyof Model> = { address: 'cidr_notation', device: 'device_id' };
const report = { fields: FIELDS, attributes: METAL_IP_ATTACHMENT_RESOURCE.arguments };

/** The subnet `text` names in canonical form (IPv6 spellings differ), or undefined when it names none. */
function canonicalSubnet(text: string): string | undefined {
  const parsed = parseCidr(text);
  return 'problem' in parsed ? undefined : formatCidr(parsed);
}

/** The attachment's state; cidr_notation keeps the configured spelling when it names the same subnet. */
function attachmentState(assignment: IpAssignment, held: Model | null): Model {
  const subnet = `${assignment.network}/${assignment.cidr}`;
  const heldSubnet = str(held?.cidr_notation);
  return {
    id: assignment.id,
    device_id: hrefId(assignment.assigned_to),
    cidr_notation: heldSubnet !== undefined && canonicalSubnet(heldSubnet) === canonicalSubnet(subnet) ? heldSubnet : subnet,
    address: assignment.address,
    address_family: assignment.address_family,
    cidr: assignment.cidr,
    gateway: assignment.gateway,
    netmask: assignment.netmask,
    network: assignment.network,
    public: assignment.public,
    global: assignment.global_ip,
    manageable: assignment.manageable,
    management: assignment.management,
  };
}

export const ipAttachmentResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_ip_attachment',
  // Without update() every change replaces; said per argument so the docs and plans name both. The computed
  // attributes keep no prior value: a new attachment may have a new id and, with a new subnet, new addresses.
  planModifiers: { device_id: [requiresReplace], cidr_notation: [requiresReplace] },
  validate(config, ctx) {
    const subnet = str(config.cidr_notation);
    if (subnet === undefined) return;
    const parsed = parseCidr(subnet);
    if ('problem' in parsed) {
      ctx.diagnostics.error(
        'Invalid cidr_notation',
        `cidr_notation: ${parsed.problem}; give a subnet of a reserved block, e.g. "\${cidrhost(metal_reserved_ip_block.x.cidr_notation, 0)}/32".`,
        ['cidr_notation'],
      );
    }
  },
  async create({ planned }, ctx) {
    try {
      const assignment = await ctx.client.api.ips.assign(str(planned.device_id)!, { address: str(planned.cidr_notation)! });
      return attachmentState(assignment, planned);
    } catch (error) {
      reportApiError(ctx.diagnostics, error, 'Cannot attach the IP subnet', report);
    }
  },
  async read({ state }, ctx) {
    const found = await readUnlessGone(() => ctx.client.api.ips.getAssignment(str(state.id)!));
    if (found === null) return null;
    if (found.type !== 'IPAssignment' || found.management) {
      const what =
        found.type === 'IPAssignment' ? 'a device management address' : 'a reserved IP block (import it as metal_reserved_ip_block)';
      ctx.diagnostics.error('Not an IP attachment', `id: ${String(state.id)} is ${what}, not an attachment of a reserved block's subnet.`, [
        'id',
      ]);
      return;
    }
    return attachmentState(found, state);
  },
  async delete({ state }, ctx) {
    await deleteUnlessGone(ctx, `IP attachment ${String(state.id)}`, () => ctx.client.api.ips.unassign(str(state.id)!));
  },
});
