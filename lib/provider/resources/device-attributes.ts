/** A device as the API returns it → the attributes metal_device (resource and data sources) expose. */
import type { Device } from '../../contract/schemas';
import type { MetalDeviceDataSourceModel, MetalDeviceResourceModel } from '../generated/models';
import { hrefId } from './support';

/** Every attribute of the metal_device data source, and those only the resource has that the API object gives. */
export type DeviceAttributes = MetalDeviceDataSourceModel &
  Pick<
    MetalDeviceResourceModel,
    'created' | 'updated' | 'deployed_facility' | 'deployed_hardware_reservation_id' | 'termination_time' | 'locked'
  >;

/** Every attribute any device schema has, from one API object; callers keep the ones their schema declares. */
export function deviceAttributes(device: Device): DeviceAttributes {
  const address = (family: number, isPublic: boolean) =>
    device.ip_addresses.find((a) => a.address_family === family && a.public === isPublic)?.address ?? null;
  return {
    id: device.id,
    device_id: device.id,
    hostname: device.hostname,
    description: device.description,
    state: device.state,
    billing_cycle: device.billing_cycle,
    plan: device.plan.slug,
    metro: device.metro.code,
    facility: device.facility.code,
    deployed_facility: device.facility.code,
    operating_system: device.operating_system.slug,
    project_id: hrefId(device.project),
    always_pxe: device.always_pxe,
    ipxe_script_url: device.ipxe_script_url,
    locked: device.locked,
    tags: [...device.tags],
    termination_time: device.termination_time ?? null,
    hardware_reservation_id: hrefId(device.hardware_reservation),
    deployed_hardware_reservation_id: hrefId(device.hardware_reservation),
    access_public_ipv4: address(4, true),
    access_public_ipv6: address(6, true),
    access_private_ipv4: address(4, false),
    network: device.ip_addresses.map((a) => ({
      address: a.address,
      gateway: a.gateway,
      family: a.address_family,
      cidr: a.cidr,
      public: a.public,
    })),
    network_type: device.network_type,
    ports: device.network_ports.map((p) => ({ name: p.name, id: p.id, type: p.type, mac: p.data.mac ?? null, bonded: p.data.bonded })),
    root_password: device.root_password,
    sos_hostname: device.sos,
    ssh_key_ids: device.ssh_keys.map((k) => hrefId(k)),
    created: device.created_at,
    updated: device.updated_at,
  };
}
