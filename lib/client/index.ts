/**
 * The metalforge API client: typed calls grouped by resource family over one transport (auth, retries, errors).
 *
 *   const metal = createMetalClient({ baseUrl: 'http://127.0.0.1:8080/metal/v1', token });
 *   const device = await metal.devices.create(projectId, { plan: 'c3.small.x86', metro: 'ny', operating_system: 'ubuntu_24_04' });
 *   const all = await metal.listAll((page) => metal.devices.list(projectId, { page, per_page: 100 }));
 *
 * Every failure is a MetalError (a MetalApiError: code, status, errors, httpStatus, request).
 */
import { apiKeysApi } from './api-keys';
import { bgpApi } from './bgp';
import { capacityApi } from './capacity';
import { devicesApi } from './devices';
import { eventsApi } from './events';
import { ipsApi } from './ips';
import { facilitiesApi, metrosApi } from './locations';
import { operatingSystemsApi } from './operating-systems';
import { operatorApi } from './operator';
import { listAll, listAllConcurrently, paginate } from './pagination';
import { plansApi } from './plans';
import { portsApi } from './ports';
import { projectsApi } from './projects';
import { spotMarketApi } from './spot-market';
import { sshKeysApi } from './ssh-keys';
import { createTransport, type TransportOptions } from './transport';
import { userApi } from './user';
import { metalGatewaysApi, vlansApi } from './vlans';

export type MetalClientOptions = TransportOptions;

export function createMetalClient(options: MetalClientOptions) {
  const transport = createTransport(options);
  return {
    user: userApi(transport),
    projects: projectsApi(transport),
    devices: devicesApi(transport),
    plans: plansApi(transport),
    metros: metrosApi(transport),
    facilities: facilitiesApi(transport),
    operatingSystems: operatingSystemsApi(transport),
    capacity: capacityApi(transport),
    sshKeys: sshKeysApi(transport),
    spotMarket: spotMarketApi(transport),
    events: eventsApi(transport),
    apiKeys: apiKeysApi(transport),
    ips: ipsApi(transport),
    bgp: bgpApi(transport),
    vlans: vlansApi(transport),
    ports: portsApi(transport),
    metalGateways: metalGatewaysApi(transport),
    operator: operatorApi(transport),
    listAll,
    listAllConcurrently,
    paginate,
    /** Any other endpoint, with the same auth, retries and error mapping. */
    request: transport.request,
  };
}
export type MetalClient = ReturnType<typeof createMetalClient>;

export { MetalError, ERROR_CATALOGUE, type ErrorCode } from '../contract/errors';
export { MetalApiError } from './errors';
export { listAll, listAllConcurrently, paginate, type ListPage, type ListQuery, type PageFetcher, type ReadOptions } from './pagination';
export { buildQuery, path, type Query, type RequestSpec, type RetryNotice, type TransportOptions, type WriteOptions } from './transport';
export type { IpReservationListQuery } from './ips';
export type { DeviceAction, DeviceDeleteOptions, DeviceGetOptions, DeviceListQuery, DeviceWait } from './devices';
export type { PlanListQuery } from './plans';
export type { SpotMarketRequestDeleteOptions, SpotPriceHistoryQuery, SpotPrices } from './spot-market';
export type { User } from './user';
export type { PortVlanAssignmentInput } from './ports';
export type { VirtualNetworkListQuery } from './vlans';
