import { providerConfig } from './config';
import { capacityDataSource } from './data-sources/capacity';
import { deviceDataSource } from './data-sources/device';
import { deviceBgpNeighborsDataSource } from './data-sources/device-bgp-neighbors';
import { devicesDataSource } from './data-sources/devices';
import { facilityDataSource } from './data-sources/facility';
import { gatewayDataSource } from './data-sources/gateway';
import { ipBlockRangesDataSource } from './data-sources/ip-block-ranges';
import { metroDataSource } from './data-sources/metro';
import { operatingSystemDataSource } from './data-sources/operating-system';
import { plansDataSource } from './data-sources/plans';
import { portDataSource } from './data-sources/port';
import { precreatedIpBlockDataSource } from './data-sources/precreated-ip-block';
import { projectDataSource } from './data-sources/project';
import { reservedIpBlockDataSource } from './data-sources/reserved-ip-block';
import { spotMarketPriceDataSource } from './data-sources/spot-market-price';
import { spotMarketRequestDataSource } from './data-sources/spot-market-request';
import { vlanDataSource } from './data-sources/vlan';
import type { ProviderDefinitions } from './framework/definitions';
import { bgpSessionResource } from './resources/bgp-session';
import { deviceResource } from './resources/device';
import { deviceNetworkTypeResource } from './resources/device-network-type';
import { gatewayResource } from './resources/gateway';
import { ipAttachmentResource } from './resources/ip-attachment';
import { portResource } from './resources/port';
import { portVlanAttachmentResource } from './resources/port-vlan-attachment';
import { projectResource } from './resources/project';
import { projectApiKeyResource } from './resources/project-api-key';
import { projectSshKeyResource } from './resources/project-ssh-key';
import { reservedIpBlockResource } from './resources/reserved-ip-block';
import { spotMarketRequestResource } from './resources/spot-market-request';
import { sshKeyResourceDefinition } from './resources/ssh-key';
import { vlanResource } from './resources/vlan';

// Resources and data sources of terraform-provider-metal are registered here (one import per file under resources/ and data-sources/).
export const definitions: ProviderDefinitions = {
  provider: providerConfig,
  resources: [
    projectResource,
    deviceResource,
    projectSshKeyResource,
    sshKeyResourceDefinition,
    projectApiKeyResource,
    spotMarketRequestResource,
    reservedIpBlockResource,
    ipAttachmentResource,
    bgpSessionResource,
    vlanResource,
    portResource,
    portVlanAttachmentResource,
    deviceNetworkTypeResource,
    gatewayResource,
  ],
  dataSources: [
    plansDataSource,
    metroDataSource,
    facilityDataSource,
    operatingSystemDataSource,
    deviceDataSource,
    devicesDataSource,
    projectDataSource,
    capacityDataSource,
    spotMarketPriceDataSource,
    spotMarketRequestDataSource,
    reservedIpBlockDataSource,
    precreatedIpBlockDataSource,
    deviceBgpNeighborsDataSource,
    ipBlockRangesDataSource,
    vlanDataSource,
    portDataSource,
    gatewayDataSource,
  ],
};
