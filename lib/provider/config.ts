/**
 * The provider block: auth_token / api_url (falling back to METAL_AUTH_TOKEN / METAL_API_URL), retries and the
 * request timeout, turned into the API client every resource and data source receives as ctx.client.
 */
import { createMetalClient, type MetalClient } from '../client';
import type { Facility, Metro, OperatingSystem, Plan } from '../contract/schemas';
import { isUnknown, type ProviderConfigDefinition } from './framework';
import type { MetalProviderModel } from './generated/models';
import { DeviceReader } from './resources/device-reader';
import { num, str } from './resources/support';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080/metal/v1';
const DEFAULTS = { maxRetries: 10, maxRetryWaitSeconds: 30, requestTimeoutSeconds: 30 };

/** The world's catalogue, read once per provider process: plan-time checks of many resources share it. */
export interface Catalog {
  metros: Metro[];
  facilities: Facility[];
  plans: Plan[];
  operatingSystems: OperatingSystem[];
}

export interface ProviderClient {
  api: MetalClient;
  catalog(): Promise<Catalog>;
  /** Refresh reads of devices (batched per project). */
  devices: DeviceReader;
}

export function createProviderClient(api: MetalClient): ProviderClient {
  let catalog: Promise<Catalog> | undefined;
  return {
    api,
    devices: new DeviceReader(api),
    catalog() {
      catalog ??= Promise.all([
        api.listAll((page) => api.metros.list({ page, per_page: 100 })),
        api.listAll((page) => api.facilities.list({ page, per_page: 100 })),
        api.listAll((page) => api.plans.list({ page, per_page: 100 })),
        api.listAll((page) => api.operatingSystems.list({ page, per_page: 100 })),
      ]).then(([metros, facilities, plans, operatingSystems]) => ({ metros, facilities, plans, operatingSystems }));
      // A failed read is not cached: the next caller tries again.
      catalog.catch(() => (catalog = undefined));
      return catalog;
    },
  };
}

/** A setting from config, else the environment. */
function setting(config: MetalProviderModel, attribute: 'auth_token' | 'api_url', envName: string): string | undefined {
  return str(config[attribute]) ?? (process.env[envName] || undefined);
}

const NUMBERS = [
  ['max_retries', 0, 100],
  ['max_retry_wait_seconds', 0, 3600],
  ['request_timeout', 1, 3600],
] as const;

/** configure() yields no client after an error diagnostic; Terraform then stops before any resource runs. */
export const providerConfig: ProviderConfigDefinition<ProviderClient | undefined, MetalProviderModel> = {
  validate(config, ctx) {
    const url = str(config.api_url);
    if (url !== undefined && !/^https?:\/\/[^/]+/.test(url)) {
      ctx.diagnostics.error('Invalid api_url', `api_url must be an http(s) URL such as ${DEFAULT_API_URL}.`, ['api_url']);
    }
    for (const [attribute, min, max] of NUMBERS) {
      const value = num(config[attribute]);
      if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
        ctx.diagnostics.error(`Invalid ${attribute}`, `${attribute} must be a whole number from ${min} to ${max}.`, [attribute]);
      }
    }
  },

  configure(config, ctx) {
    if (isUnknown(config.auth_token) || isUnknown(config.api_url)) {
      ctx.diagnostics.error(
        'Provider configuration not known yet',
        'auth_token and api_url must be known when planning; do not derive them from resources created in the same apply.',
      );
      return undefined;
    }
    const token = setting(config, 'auth_token', 'METAL_AUTH_TOKEN');
    if (!token) {
      ctx.diagnostics.error('No API token', 'Set auth_token in the provider "metal" block or the METAL_AUTH_TOKEN environment variable.', [
        'auth_token',
      ]);
      return undefined;
    }
    const api = createMetalClient({
      baseUrl: setting(config, 'api_url', 'METAL_API_URL') ?? DEFAULT_API_URL,
      token,
      maxRetries: num(config.max_retries) ?? DEFAULTS.maxRetries,
      maxRetryWaitMs: (num(config.max_retry_wait_seconds) ?? DEFAULTS.maxRetryWaitSeconds) * 1000,
      timeoutMs: (num(config.request_timeout) ?? DEFAULTS.requestTimeoutSeconds) * 1000,
      userAgent: `terraform-provider-metal (terraform ${ctx.terraformVersion})`,
    });
    return createProviderClient(api);
  },
};
