/** The parts of the API's shapes the console reads (the full shapes are in /metal/v1/openapi.json). */
import type { DeviceStateName } from './states';

export interface Href {
  href: string;
}

export interface Project {
  id: string;
  name: string;
  devices: Href[];
  created_at: string;
}

export interface PlanSpecs {
  cpus?: { count: number; type: string; cores?: number }[];
  memory?: { total: string };
  drives?: { count: number; type: string; size: string; category?: string }[];
  nics?: { count: number; type: string }[];
}

export interface Plan {
  id: string;
  slug: string;
  name: string;
  class: string;
  description: string;
  categories: string[];
  deployment_types: string[];
  specs: PlanSpecs;
  pricing: { hour: number };
}

export interface Metro {
  id: string;
  code: string;
  name: string;
  country: string;
  kind?: 'core' | 'edge';
  latitude?: number;
  longitude?: number;
}

export interface OperatingSystem {
  slug: string;
  name: string;
  distro: string;
  version: string;
  provisionable_on: string[];
}

export interface IpAddress {
  id: string;
  address: string;
  cidr: number;
  address_family: number;
  gateway: string;
  public: boolean;
  management: boolean;
}

export interface NetworkPort {
  id: string;
  name: string;
  type: string;
  network_type: string;
  data: { mac: string | null; bonded: boolean };
  bond: { name: string } | null;
}

export interface Device {
  id: string;
  short_id: string;
  hostname: string;
  description: string;
  state: DeviceStateName;
  provisioning_percentage: number | null;
  plan: Plan;
  metro: Metro;
  facility?: { code: string; name: string };
  operating_system?: OperatingSystem;
  ip_addresses: IpAddress[];
  network_ports?: NetworkPort[];
  tags: string[];
  userdata?: string;
  customdata?: Record<string, unknown>;
  spot_instance: boolean;
  spot_price_max: number | null;
  termination_time: string | null;
  created_at: string;
  ssh_keys?: Href[];
  project?: { id?: string; href?: string };
}

export interface DeviceEvent {
  id: string;
  type: string;
  body: string;
  created_at: string;
}

export interface SshKey {
  id: string;
  label: string;
  fingerprint: string;
}

export interface SpotRequestDevice {
  id: string;
  hostname: string;
  state: DeviceStateName;
  termination_time?: string;
}

export interface SpotRequest {
  id: string;
  devices_min: number;
  devices_max: number;
  max_bid_price: number;
  metro: { code: string; name: string };
  plan: { slug: string };
  kind: 'one_time' | 'persistent';
  state: 'open' | 'closed';
  closed_reason?: string;
  filled_total: number;
  price?: number;
  devices: SpotRequestDevice[];
  created_at: string;
  end_at: string | null;
}

export type CapacityLevel = 'normal' | 'limited' | 'unavailable';

/** capacity[metro or facility][plan] */
export type Capacity = Record<string, Record<string, { level: CapacityLevel; available_servers?: number }>>;

/** prices[metro or facility][plan] */
export type SpotPrices = Record<string, Record<string, { price: number }>>;

export interface Machine {
  id: string;
  name: string;
  state: string;
  facility: string;
  plan: string;
  bmc: { driver: string; address: string; has_password: boolean };
}
