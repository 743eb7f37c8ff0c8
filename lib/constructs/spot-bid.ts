/**
 * SpotBid — the props of the spot market construct, designed ahead of its implementation. No class yet: it lands
 * with the spot market issue (engine market, `metal_spot_market_request` resource and data source). The design
 * fixes the old provider's pain points: the request lists its devices (ids and addresses), devicesMin is honoured
 * (the deploy waits for at least devicesMin devices, not the first one), and changes that can apply in place
 * (maxBidPrice, devicesMax, endAt, tags) do so instead of replacing the request.
 */
import type { EdgeMetroCode, CoreMetroCode, OperatingSystemSlug, PlanSlug } from './catalog-codes';
import type { IHardwarePlan } from './hardware-plan';
import type { Metro } from './metro';
import type { IMetalProject } from './project';
import type { ISshKey } from './ssh-key';
import type { UserData } from './user-data';

/** one-time: filled once, devices are not replaced when reclaimed; persistent: refilled while the bid stands. */
export type SpotBidType = 'one-time' | 'persistent';

export interface SpotInstanceParameters {
  /**
   * Hostnames of the devices; `{{index}}` is replaced by the device's number.
   * @default - "<construct id>-{{index}}"
   */
  readonly hostname?: string;
  /**
   * The operating system slug.
   * @default - "ubuntu_24_04"
   */
  readonly operatingSystem?: OperatingSystemSlug | string;
  /**
   * cloud-init user data.
   * @default - none
   */
  readonly userData?: string | UserData;
  /**
   * Data for the metadata service.
   * @default - none
   */
  readonly customData?: Record<string, unknown>;
  /**
   * SSH keys to install.
   * @default - all project keys and the keys of the API token's user
   */
  readonly sshKeys?: readonly ISshKey[];
  /**
   * Tags for the devices.
   * @default - none
   */
  readonly tags?: readonly string[];
  /**
   * Lock the devices: a locked device is not reclaimed when outbid.
   * @default - false
   */
  readonly locked?: boolean;
}

export interface SpotBidProps {
  /** The project the devices belong to. */
  readonly project: IMetalProject;
  /** The plan: a slug or a HardwarePlan with deploymentType "spot_market". */
  readonly plan: PlanSlug | string | IHardwarePlan;
  /**
   * The metro, or several metros to spread over (the cheapest first).
   * @default - required: one of metro and metros
   */
  readonly metro?: CoreMetroCode | EdgeMetroCode | string | Metro;
  /**
   * Several metros; devices go to the cheapest one with capacity (price-capacity-optimized).
   * @default - only `metro`
   */
  readonly metros?: ReadonlyArray<CoreMetroCode | EdgeMetroCode | string | Metro>;
  /** The highest price per device-hour, in USD; the market charges the current price, not the bid. */
  readonly maxBidPrice: number;
  /**
   * The fewest devices the request accepts; deploy waits until at least this many are active.
   * @default - 1
   */
  readonly devicesMin?: number;
  /**
   * The most devices to run.
   * @default - devicesMin
   */
  readonly devicesMax?: number;
  /**
   * When the request ends and its devices are terminated (an ISO 8601 time).
   * @default - never
   */
  readonly endAt?: string;
  /**
   * one-time or persistent.
   * @default - "persistent"
   */
  readonly type?: SpotBidType;
  /**
   * What each device is created with.
   * @default - hostnames from the construct id, ubuntu_24_04, no user data
   */
  readonly instanceParameters?: SpotInstanceParameters;
}
