/** metal_device: one device by device_id, or by hostname within project_id. */
import type { Device } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import { METAL_DEVICE_DATA_SOURCE, type MetalDeviceDataSourceModel } from '../generated/models';
import { deviceAttributes } from '../resources/device-attributes';
import { isNotFound, pick, str } from '../resources/support';

export const deviceDataSource = defineDataSource<ProviderClient, MetalDeviceDataSourceModel>({
  typeName: 'metal_device',
  validate(config, ctx) {
    if (config.device_id === null && (config.hostname === null || config.project_id === null)) {
      ctx.diagnostics.error('Missing device', 'Set device_id, or hostname together with project_id.', ['device_id']);
    }
  },
  async read(config, ctx) {
    const { api } = ctx.client;
    const id = str(config.device_id);
    let device: Device | undefined;
    if (id !== undefined) {
      device = await api.devices.get(id).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
    } else {
      const hostname = str(config.hostname)!;
      const matches = (await api.devices.list(str(config.project_id)!, { hostname, per_page: 100 })).items;
      if (matches.length > 1) {
        ctx.diagnostics.error(
          'Several devices have this hostname',
          `${matches.length} devices are named "${hostname}"; use device_id (${matches.map((d) => d.id).join(', ')}).`,
          ['hostname'],
        );
        return;
      }
      device = matches[0];
    }
    if (!device) {
      ctx.diagnostics.error(
        'Device not found',
        id !== undefined
          ? `No device ${id} is visible to this API key.`
          : `No device named "${String(config.hostname)}" in project ${String(config.project_id)}.`,
        [id !== undefined ? 'device_id' : 'hostname'],
      );
      return;
    }
    return pick(deviceAttributes(device), METAL_DEVICE_DATA_SOURCE.attributes);
  },
});
