import type { ProviderDefinitions } from './framework/definitions';

// Resources and data sources of terraform-provider-metal are registered here (one import per file under resources/ and data-sources/).
export const definitions: ProviderDefinitions = { resources: [], dataSources: [] };
