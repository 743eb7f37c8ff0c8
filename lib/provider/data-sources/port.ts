/** metal_port: one network port, by id or by its device and name. */
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import type { MetalPortDataSourceModel as Model } from '../generated/models';
import { portAttributes, readPort } from '../resources/port';
import { isNotFound, str } from '../resources/support';

export const portDataSource = defineDataSource<ProviderClient, Model>({
  typeName: 'metal_port',
  validate(config, ctx) {
    if (config.port_id !== null && (config.device_id !== null || config.name !== null))
      ctx.diagnostics.error('Conflicting port', 'Set port_id, or device_id with name, not both.', ['port_id']);
    else if (config.port_id === null && (config.device_id === null || config.name === null))
      ctx.diagnostics.error('Missing port', 'Set port_id, or device_id with name (bond0, eth0 or eth1).', ['port_id']);
  },
  async read(config, ctx) {
    let portId = str(config.port_id);
    try {
      if (portId === undefined) {
        const device = await ctx.client.api.devices.get(str(config.device_id)!);
        const port = device.network_ports.find((p) => p.name === str(config.name));
        if (!port) {
          const names = device.network_ports.map((p) => p.name).join(', ');
          ctx.diagnostics.error('Port not found', `Device ${device.id} has no port "${String(config.name)}"; its ports are ${names}.`, [
            'name',
          ]);
          return;
        }
        portId = port.id;
      }
      return { ...portAttributes(await readPort(ctx.client, portId)), port_id: str(config.port_id) ?? null, device_id: config.device_id };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const [what, attribute] = portId === undefined ? [`device ${String(config.device_id)}`, 'device_id'] : [`port ${portId}`, 'port_id'];
      ctx.diagnostics.error('Port not found', `No ${what} is visible to this API key.`, [attribute]);
    }
  },
});
