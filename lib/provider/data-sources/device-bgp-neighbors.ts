/** metal_device_bgp_neighbors: what a device's BGP speaker must be configured with, one neighbor per session. */
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import type { MetalDeviceBgpNeighborsDataSourceModel } from '../generated/models';
import { str } from '../resources/support';

export const deviceBgpNeighborsDataSource = defineDataSource<ProviderClient, MetalDeviceBgpNeighborsDataSourceModel>({
  typeName: 'metal_device_bgp_neighbors',
  async read(config, ctx) {
    const deviceId = str(config.device_id)!;
    const neighbors = await ctx.client.api.bgp.neighbors(deviceId);
    return {
      id: deviceId,
      bgp_neighbors: neighbors.map((n) => ({
        address_family: n.address_family,
        customer_as: n.customer_as,
        customer_ip: n.customer_ip,
        md5_enabled: n.md5_enabled,
        md5_password: n.md5_password,
        multihop: n.multihop,
        peer_as: n.peer_as,
        peer_ips: n.peer_ips,
        routes_in: n.routes_in.map((r) => ({ route: r.route, exact: r.exact })),
        routes_out: n.routes_out.map((r) => ({ route: r.route, exact: r.exact })),
      })),
    };
  },
});
