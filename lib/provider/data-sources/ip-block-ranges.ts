/** metal_ip_block_ranges: a project's blocks in CIDR notation, by type, optionally of one metro. */
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import type { MetalIpBlockRangesDataSourceModel } from '../generated/models';
import { cidrNotation, projectIpBlocks, requestedMetro } from '../resources/ip-block';
import { str } from '../resources/support';

export const ipBlockRangesDataSource = defineDataSource<ProviderClient, MetalIpBlockRangesDataSourceModel>({
  typeName: 'metal_ip_block_ranges',
  async read(config, ctx) {
    const projectId = str(config.project_id)!;
    const metro = await requestedMetro(ctx.client, config);
    const blocks = (await projectIpBlocks(ctx.client, projectId)).filter(
      (b) => metro === undefined || b.global_ip || b.metro?.code === metro,
    );
    const of = (type: string) => blocks.filter((b) => b.type === type).map(cidrNotation);
    return {
      id: projectId,
      public_ipv4: of('public_ipv4'),
      global_ipv4: of('global_ipv4'),
      private_ipv4: of('private_ipv4'),
      ipv6: of('public_ipv6'),
    };
  },
});
