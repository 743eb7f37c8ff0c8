/**
 * SpotBid — bare-metal devices bought on the spot market: one `metal_spot_market_request` for devicesMin..devicesMax
 * devices of a plan, in one metro or in the cheapest of several (chosen when the bid is first placed). It fixes the
 * old provider's pain points: the request lists its devices (requestId, deviceIds, addresses), deploy waits until
 * devicesMin devices are active (not the first one), and only real changes replace the request: a new maxBidPrice,
 * devicesMin/devicesMax or endAt updates the placed bid in place (the market re-clears it); only a new type or new
 * instance parameters place a new request (its devices are replaced). The same values written differently change
 * nothing.
 */
import { Annotations, Fn, TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataMetalSpotMarketPrice } from '../gen/providers/metal/data-metal-spot-market-price';
import { SpotMarketRequest, SpotMarketRequestDevicesList } from '../gen/providers/metal/spot-market-request';
import { Catalog } from './catalog';
import type { EdgeMetroCode, CoreMetroCode, OperatingSystemSlug, PlanSlug } from './catalog-codes';
import type { IHardwarePlan } from './hardware-plan';
import { Metro, metroProblem } from './metro';
import type { IMetalProject } from './project';
import type { ISshKey } from './ssh-key';
import { UserData } from './user-data';
import { checkDeviceOptions, DEFAULT_OPERATING_SYSTEM } from './device';
import { hostnameProblem, known, Problems, quote, sanitizeHostname, subject } from './validation';
import { suggestion } from '../contract/catalog-rules';
import { bidBoundsProblems, bidProblems, type BidLimits } from '../contract/bid-rules';
import { mustHaveFormat, problemAt } from '../contract/bounds';

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
   * The metro to bid in.
   * @default - required: one of metro and metros
   */
  readonly metro?: CoreMetroCode | EdgeMetroCode | string | Metro;
  /**
   * Several metros: the bid goes to the one with the lowest spot price for the plan when it is first placed (the
   * price rises with a pool's use, so that pool has the most room) and stays there as prices move.
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
  /**
   * How long deploy waits for devicesMin active devices (a duration such as "30m").
   * @default - "30m"
   */
  readonly createTimeout?: string;
  /**
   * The provider configuration to use.
   * @default - the stack's default metal provider
   */
  readonly provider?: TerraformProvider;
}

export const SPOT_BID_TYPES: readonly SpotBidType[] = ['one-time', 'persistent'];
const KIND: Record<SpotBidType, string> = { 'one-time': 'one_time', persistent: 'persistent' };
const INDEX = '{{index}}';
const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

const metroCode = (metro: string | Metro) => (metro instanceof Metro ? metro.code : metro);

/** The hostnames of devices 1..count from a template; without `{{index}}` the number is appended. */
export function spotHostnames(template: string, count: number): string[] {
  const pattern = template.includes(INDEX) ? template : `${template}-${INDEX}`;
  return Array.from({ length: count }, (_, i) => pattern.split(INDEX).join(String(i + 1)));
}

/**
 * A spot market bid for between devicesMin and devicesMax devices. With `metros`, the bid goes to the metro with
 * the lowest spot price when it is first placed (the price rises with a pool's use, so the cheapest pool has the
 * most room); later price moves never move it.
 */
export class SpotBid extends Construct {
  /** The L1 resource, for options this construct does not cover. */
  public readonly resource: SpotMarketRequest;
  /** The metro code, or with several metros a deploy-time token naming the one chosen. */
  public readonly metro: string;
  public readonly plan: string;

  constructor(scope: Construct, id: string, props: SpotBidProps) {
    super(scope, id);
    const catalog = Catalog.of(this);
    const problems = new Problems();
    const codes = metroCodes(props, catalog, problems);
    const plan = typeof props.plan === 'string' ? props.plan : props.plan.slug;
    const params = props.instanceParameters ?? {};
    const devicesMin = props.devicesMin ?? 1;
    const devicesMax = props.devicesMax ?? devicesMin;
    // The API's bid rules with its wording (each field's bounds, then one field against another), in the props' names.
    const bid = { devices_min: devicesMin, devices_max: devicesMax, max_bid_price: props.maxBidPrice, end_at: props.endAt };
    const given = (field: keyof typeof bid) => known(bid[field]);
    bidBoundsProblems(bid, given, PROP_NAMES).forEach((p) => problems.add(p));
    bidProblems(bid as BidLimits, new Date(), given, PROP_NAMES).forEach((p) => problems.add(p));
    if (known(props.endAt) && Number.isNaN(Date.parse(props.endAt))) problems.add(problemAt('endAt', mustHaveFormat('date-time')));
    if (known(props.type) && !SPOT_BID_TYPES.includes(props.type)) {
      problems.add(`type ${quote(props.type)} is not a bid type; ${suggestion(props.type, SPOT_BID_TYPES)}`);
    }
    if (known(props.createTimeout) && !DURATION.test(props.createTimeout)) {
      problems.add(`createTimeout ${quote(props.createTimeout)} is not a duration; use e.g. "45m" or "1h30m"`);
    }
    const template = params.hostname ?? `${sanitizeHostname(id)}-${INDEX}`;
    const hostnames = known(template) && known(devicesMax) && devicesMax >= 1 ? spotHostnames(template, devicesMax) : undefined;
    const hostnameIssue = hostnames && hostnameProblem(hostnames[hostnames.length - 1]);
    if (hostnameIssue) problems.add(`instanceParameters.hostname ${quote(template)} makes invalid hostnames: ${hostnameIssue}`);
    const deviceOptions = { plan: props.plan, operatingSystem: params.operatingSystem, tags: params.tags };
    codes.forEach((code) => checkDeviceOptions(catalog, code, deviceOptions, problems, codes.length > 1 ? `metro ${code}: ` : ''));
    problems.throwIfAny(subject('SpotBid', scope, id));

    // The spot price never exceeds the on-demand price, so a higher bid only hides a typo.
    const onDemand = catalog && known(plan) ? catalog.plan(plan)?.hourlyPrice : undefined;
    if (onDemand !== undefined && known(props.maxBidPrice) && props.maxBidPrice > onDemand) {
      Annotations.of(this).addWarning(
        `maxBidPrice ${props.maxBidPrice} is above the on-demand price of ${plan} (${onDemand}); the spot price never exceeds it, so bid at most ${onDemand}`,
      );
    }

    this.plan = plan;
    this.metro = codes.length === 1 ? codes[0] : this.cheapest(codes, plan, props.provider);
    const sshKeys = params.sshKeys ?? [];
    const keyIds = (keyScope: ISshKey['scope']) => {
      const ids = sshKeys.filter((k) => k.scope === keyScope).map((k) => k.sshKeyId);
      return ids.length ? ids : undefined;
    };
    this.resource = new SpotMarketRequest(this, 'request', {
      projectId: props.project.projectId,
      metro: this.metro,
      maxBidPrice: props.maxBidPrice,
      devicesMin,
      devicesMax,
      endAt: props.endAt,
      kind: KIND[props.type ?? 'persistent'],
      instanceParameters: {
        plan,
        operatingSystem: params.operatingSystem ?? DEFAULT_OPERATING_SYSTEM,
        hostnames,
        userdata: params.userData instanceof UserData ? params.userData.render() : params.userData,
        customdata: params.customData === undefined ? undefined : JSON.stringify(params.customData),
        tags: params.tags ? [...params.tags] : undefined,
        locked: params.locked,
        projectSshKeys: keyIds('project'),
        userSshKeys: keyIds('user'),
      },
      timeouts: props.createTimeout ? { create: props.createTimeout } : undefined,
      // The metro chosen by price when the bid was placed stays; a later cheaper metro is no reason to move.
      lifecycle: codes.length > 1 ? { ignoreChanges: ['metro'] } : undefined,
      provider: props.provider,
    });
  }

  /** The request's ID. */
  public get requestId(): string {
    return this.resource.id;
  }

  /** The IDs of the request's devices (at least devicesMin once deployed). */
  public get deviceIds(): string[] {
    return this.resource.deviceIds;
  }

  /** The devices with hostname, state and addresses: `devices.get(0).publicIpv4`. */
  public get devices(): SpotMarketRequestDevicesList {
    return this.resource.devices;
  }

  /** The market price each device pays per hour, as last read. */
  public get price(): number {
    return this.resource.price;
  }

  /** The metro with the lowest current spot price for the plan, as a deploy-time expression. */
  private cheapest(codes: string[], plan: string, provider: TerraformProvider | undefined): string {
    const prices = codes.map((code) => new DataMetalSpotMarketPrice(this, `price-${code}`, { metro: code, plan, provider }).price);
    return Token.asString(Fn.element(codes, Token.asNumber(Fn.index(prices, Fn.min(prices)))));
  }
}

function metroCodes(props: SpotBidProps, catalog: Catalog | undefined, problems: Problems): string[] {
  if (props.metro !== undefined && props.metros !== undefined) {
    problems.add('both metro and metros are set; give one metro, or several metros to choose the cheapest from');
    return [];
  }
  if (props.metro !== undefined) return [metroCode(props.metro)];
  if (props.metros === undefined) {
    problems.add('no metro: set metro (e.g. "ny") or metros (e.g. ["ny", "da", "sv"])');
    return [];
  }
  const codes = props.metros.map(metroCode);
  if (codes.length === 0) problems.add('metros is empty; list at least one metro');
  codes.forEach((code, i) => {
    if (!known(code)) return;
    if (codes.indexOf(code) !== i) problems.add(`metros lists ${quote(code)} twice; list it once`);
    const problem = catalog && metroProblem(catalog, code, `metros[${i}]`);
    if (problem) problems.add(problem);
  });
  // Each metro's own problems come from the device checks; unknown ones would only repeat them.
  return codes.filter((code, i) => codes.indexOf(code) === i && (!catalog || !known(code) || catalog.metro(code)));
}

/** The bid fields as the props name them. */
const PROP_NAMES = { devices_min: 'devicesMin', devices_max: 'devicesMax', max_bid_price: 'maxBidPrice', end_at: 'endAt' };
