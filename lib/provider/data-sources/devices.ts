/** metal_devices: the devices of a project (or of every project the key sees), filtered, searched and sorted. */
import type { Device } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import { METAL_DEVICES_DATA_SOURCE_DEVICES, type MetalDevicesDataSourceModel } from '../generated/models';
import { deviceAttributes } from '../resources/device-attributes';
import { pick, str } from '../resources/support';
import { applyListQuery, queryId, validateListQuery } from './filters';

const ITEM_ATTRIBUTES = METAL_DEVICES_DATA_SOURCE_DEVICES.attributes;

export const devicesDataSource = defineDataSource<ProviderClient, MetalDevicesDataSourceModel>({
  typeName: 'metal_devices',
  validate(config, ctx) {
    if (config.project_id !== null && config.organization_id !== null)
      ctx.diagnostics.error('Conflicting scope', 'Set project_id or organization_id, not both.', ['organization_id']);
    validateListQuery(config, ITEM_ATTRIBUTES, ctx);
  },
  async read(config, ctx) {
    const { api } = ctx.client;
    const projectId = str(config.project_id);
    const projects =
      projectId !== undefined ? [projectId] : (await api.listAll((page) => api.projects.list({ page, per_page: 100 }))).map((p) => p.id);
    const devices: Device[] = [];
    for (const id of projects) devices.push(...(await api.listAll((page) => api.devices.list(id, { page, per_page: 100 }))));
    const search = str(config.search)?.toLowerCase();
    const found = devices.filter(
      (d) => search === undefined || [d.hostname, d.description, ...d.tags].some((text) => text.toLowerCase().includes(search)),
    );
    const items = found.map((d) => pick(deviceAttributes(d), ITEM_ATTRIBUTES));
    return { id: queryId({ ...config, search: search ?? null, project_id: projectId ?? null }), devices: applyListQuery(items, config) };
  },
});
