import { providerConfig } from './config';
import { capacityDataSource } from './data-sources/capacity';
import { deviceDataSource } from './data-sources/device';
import { devicesDataSource } from './data-sources/devices';
import { facilityDataSource } from './data-sources/facility';
import { metroDataSource } from './data-sources/metro';
import { operatingSystemDataSource } from './data-sources/operating-system';
import { plansDataSource } from './data-sources/plans';
import { projectDataSource } from './data-sources/project';
import { spotMarketPriceDataSource } from './data-sources/spot-market-price';
import { spotMarketRequestDataSource } from './data-sources/spot-market-request';
import type { ProviderDefinitions } from './framework/definitions';
import { deviceResource } from './resources/device';
import { projectResource } from './resources/project';
import { projectApiKeyResource } from './resources/project-api-key';
import { projectSshKeyResource } from './resources/project-ssh-key';
import { spotMarketRequestResource } from './resources/spot-market-request';
import { sshKeyResourceDefinition } from './resources/ssh-key';

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
  ],
};
