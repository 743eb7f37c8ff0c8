/** metal_precreated_ip_block: a device management block of a project, by metro, address family and public/global. */
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import type { MetalPrecreatedIpBlockDataSourceModel } from '../generated/models';
import { ipBlockAttributes, projectIpBlocks, requestedMetro } from '../resources/ip-block';
import { bool, num, str } from '../resources/support';

export const precreatedIpBlockDataSource = defineDataSource<ProviderClient, MetalPrecreatedIpBlockDataSourceModel>({
  typeName: 'metal_precreated_ip_block',
  validate(config, ctx) {
    if (config.global !== true && config.metro === null && config.facility === null)
      ctx.diagnostics.error('Missing location', 'Set metro (or the deprecated facility) unless global is true.', ['metro']);
  },
  async read(config, ctx) {
    const family = num(config.address_family);
    const isPublic = bool(config.public);
    const isGlobal = bool(config.global) ?? false;
    const metro = isGlobal ? undefined : await requestedMetro(ctx.client, config);
    const blocks = await projectIpBlocks(ctx.client, str(config.project_id)!);
    const block = blocks.find(
      (b) =>
        b.management &&
        b.address_family === family &&
        b.public === isPublic &&
        b.global_ip === isGlobal &&
        (metro === undefined || b.metro?.code === metro),
    );
    if (!block) {
      const where = metro !== undefined ? ` in metro ${metro}` : '';
      ctx.diagnostics.error(
        'No precreated IP block',
        `Project ${String(config.project_id)} has no ${isGlobal ? 'global' : isPublic ? 'public' : 'private'} IPv${String(family)} management block${where}; a project gets one with its first device in the metro.`,
        ['project_id'],
      );
      return;
    }
    return { ...ipBlockAttributes(block), global: isGlobal };
  },
});
