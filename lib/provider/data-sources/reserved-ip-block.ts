/** metal_reserved_ip_block: one IP block, by id or by an address inside it in a project. */
import { contains, parseAddress } from '../../core/ip';
import type { IpReservation } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import type { MetalReservedIpBlockDataSourceModel } from '../generated/models';
import { ipBlockAttributes, ipBlockOwner, projectIpBlocks } from '../resources/ip-block';
import { isNotFound, str } from '../resources/support';

/** Whether the block holds the address. */
function holds(block: IpReservation, address: string): boolean {
  const parsed = parseAddress(address);
  const network = parseAddress(block.network);
  if (!parsed || !network || parsed.family !== network.family) return false;
  const bits = parsed.family === 4 ? 32 : 128;
  return contains(
    { family: network.family, network: network.value, prefix: block.cidr },
    { family: parsed.family, network: parsed.value, prefix: bits },
  );
}

export const reservedIpBlockDataSource = defineDataSource<ProviderClient, MetalReservedIpBlockDataSourceModel>({
  typeName: 'metal_reserved_ip_block',
  validate(config, ctx) {
    if (config.id === null && (config.project_id === null || config.ip_address === null))
      ctx.diagnostics.error('Missing block', 'Set id, or project_id with ip_address.', ['id']);
  },
  async read(config, ctx) {
    const id = str(config.id);
    let block: IpReservation | undefined;
    if (id !== undefined) {
      block = await ctx.client.api.ips.get(id).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
    } else {
      const address = str(config.ip_address)!;
      block = (await projectIpBlocks(ctx.client, str(config.project_id)!)).find((b) => holds(b, address));
    }
    if (!block) {
      ctx.diagnostics.error(
        'IP block not found',
        id !== undefined
          ? `No IP block ${id} is visible to this API key.`
          : `No block of project ${String(config.project_id)} holds ${String(config.ip_address)}.`,
        [id !== undefined ? 'id' : 'ip_address'],
      );
      return;
    }
    return {
      ...ipBlockAttributes(block),
      ...ipBlockOwner(block),
      facility: null,
      description: block.details ?? null,
      tags: block.tags,
      custom_data: JSON.stringify(block.customdata),
    };
  },
});
