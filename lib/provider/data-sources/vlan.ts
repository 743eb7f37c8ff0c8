/** metal_vlan: one VLAN, by id or by its project, number (vxlan) and metro. */
import type { VirtualNetwork } from '../../contract/schemas-layer2';
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import type { MetalVlanDataSourceModel as Model } from '../generated/models';
import { requestedMetro } from '../resources/ip-block';
import { hrefId, isNotFound, num, str } from '../resources/support';

export const vlanDataSource = defineDataSource<ProviderClient, Model>({
  typeName: 'metal_vlan',
  validate(config, ctx) {
    const byNumber = config.project_id !== null && config.vxlan !== null && (config.metro !== null || config.facility !== null);
    if (config.vlan_id === null && !byNumber)
      ctx.diagnostics.error('Missing VLAN', 'Set vlan_id, or project_id with vxlan and metro.', ['vlan_id']);
  },
  async read(config, ctx) {
    const id = str(config.vlan_id);
    let vlan: VirtualNetwork | undefined;
    if (id !== undefined) {
      vlan = await ctx.client.api.vlans.get(id).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
    } else {
      const metro = await requestedMetro(ctx.client, config);
      const vlans = await ctx.client.api.vlans.list(str(config.project_id)!, { metro });
      vlan = vlans.find((v) => v.vxlan === num(config.vxlan) && v.metro_code === metro);
    }
    if (!vlan) {
      ctx.diagnostics.error(
        'VLAN not found',
        id !== undefined
          ? `No VLAN ${id} is visible to this API key.`
          : `Project ${String(config.project_id)} has no VLAN ${String(config.vxlan)} in metro ${String(config.metro ?? config.facility)}.`,
        [id !== undefined ? 'vlan_id' : 'vxlan'],
      );
      return;
    }
    return {
      id: vlan.id,
      vlan_id: vlan.id,
      project_id: hrefId(vlan.assigned_to),
      vxlan: vlan.vxlan,
      metro: vlan.metro_code,
      facility: null,
      description: vlan.description ?? null,
      assigned_devices_ids: vlan.instances.map((device) => hrefId(device)!),
    };
  },
});
