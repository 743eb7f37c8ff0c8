import { TerraformProvider } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { DataMetalDevice } from '../gen/providers/metal/data-metal-device';
import { Device } from '../gen/providers/metal/device';
import { Catalog } from './catalog';
import type { MetroCode, OperatingSystemSlug, PlanSlug } from './catalog-codes';
import type { IHardwarePlan } from './hardware-plan';
import { Metro, metroProblem } from './metro';
import type { IMetalProject } from './project';
import type { ISshKey } from './ssh-key';
import { UserData } from './user-data';
import { hostnameProblem, known, Problems, quote, sanitizeHostname, subject, tagProblems } from './validation';
import { problemAt } from '../contract/bounds';
import { osNotOnPlan, osRunsOnPlan, planNotInMetro, suggestion, unknownValue } from '../contract/catalog-rules';

/** A device, created here or imported. */
export interface IBareMetalDevice extends IConstruct {
  readonly deviceId: string;
  readonly hostname: string;
  readonly state: string;
  readonly accessPublicIpv4: string;
  readonly accessPublicIpv6: string;
  readonly accessPrivateIpv4: string;
}

export type BillingCycle = 'hourly' | 'daily' | 'monthly' | 'yearly';
export const BILLING_CYCLES: readonly BillingCycle[] = ['hourly', 'daily', 'monthly', 'yearly'];
/** Attributes whose change can reinstall a device in place instead of replacing it. */
export type ReinstallableAttribute = 'user_data' | 'custom_data' | 'operating_system';
export const REINSTALLABLE: readonly ReinstallableAttribute[] = ['user_data', 'custom_data', 'operating_system'];

export interface ReinstallOptions {
  /**
   * Keep the data on non-OS disks.
   * @default - false
   */
  readonly preserveData?: boolean;
  /**
   * Skip the disk wipe.
   * @default - false
   */
  readonly deprovisionFast?: boolean;
}

export interface DeviceTimeouts {
  /**
   * How long to wait for `active` (a duration such as "30m").
   * @default - "30m"
   */
  readonly create?: string;
  /**
   * How long to wait for an update or reinstall.
   * @default - "30m"
   */
  readonly update?: string;
  /**
   * How long to wait for deprovisioning.
   * @default - "30m"
   */
  readonly delete?: string;
}

/** Everything about a device but where it lives; shared by BareMetalDevice and the fleets built from it. */
export interface DeviceOptions {
  /**
   * The plan: a slug or a HardwarePlan chosen by requirements.
   * @default - "c3.small.x86"
   */
  readonly plan?: PlanSlug | string | IHardwarePlan;
  /**
   * The operating system slug.
   * @default - "ubuntu_24_04"
   */
  readonly operatingSystem?: OperatingSystemSlug | string;
  /**
   * cloud-init user data: text or a UserData.
   * @default - none
   */
  readonly userData?: string | UserData;
  /**
   * Data for the metadata service: JSON text or an object (serialized as JSON).
   * @default - none
   */
  readonly customData?: string | Record<string, unknown>;
  /**
   * SSH keys to install: project keys replace the default set of all project keys, user keys are added.
   * @default - all project keys and the keys of the API token's user
   */
  readonly sshKeys?: readonly ISshKey[];
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: readonly string[];
  /**
   * The billing cycle.
   * @default - "hourly"
   */
  readonly billingCycle?: BillingCycle;
  /**
   * Attributes whose change reinstalls the device in place (same id and addresses) instead of replacing it.
   * @default - a change of user data, custom data or operating system replaces the device
   */
  readonly allowChanges?: readonly ReinstallableAttribute[];
  /**
   * Reinstall in place on any change of user data, custom data or operating system, with these options.
   * @default - no in-place reinstall beyond allowChanges
   */
  readonly reinstall?: ReinstallOptions;
  /**
   * Operation timeouts.
   * @default - 30 minutes each
   */
  readonly timeouts?: DeviceTimeouts;
}

export interface BareMetalDeviceProps extends DeviceOptions {
  /** The project the device belongs to. */
  readonly project: IMetalProject;
  /** The metro to deploy in. */
  readonly metro: MetroCode | string | Metro;
  /**
   * The hostname (RFC 1123).
   * @default - derived from the construct id
   */
  readonly hostname?: string;
  /**
   * A description.
   * @default - none
   */
  readonly description?: string;
  /**
   * An iPXE script URL; required with operating system "custom_ipxe" or alwaysPxe.
   * @default - none
   */
  readonly ipxeScriptUrl?: string;
  /**
   * Boot from iPXE on every boot.
   * @default - false
   */
  readonly alwaysPxe?: boolean;
  /**
   * Protect the device from deletion and reinstall.
   * @default - false
   */
  readonly locked?: boolean;
  /**
   * A hardware reservation to deploy on (an id or "next-available").
   * @default - on-demand hardware
   */
  readonly hardwareReservationId?: string;
  /**
   * The provider configuration to use.
   * @default - the stack's default metal provider
   */
  readonly provider?: TerraformProvider;
}

export const DEFAULT_PLAN = 'c3.small.x86';
export const DEFAULT_OPERATING_SYSTEM = 'ubuntu_24_04';
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

function planSlug(plan: DeviceOptions['plan']): string {
  if (plan === undefined) return DEFAULT_PLAN;
  return typeof plan === 'string' ? plan : plan.slug;
}

/** Adds the problems of device options placed in a metro; prefix names the site in fleet messages. */
export function checkDeviceOptions(
  catalog: Catalog | undefined,
  metro: string,
  options: DeviceOptions,
  problems: Problems,
  prefix = '',
): void {
  const add = (text: string) => problems.add(prefix + text);
  const plan = planSlug(options.plan);
  const os = options.operatingSystem ?? DEFAULT_OPERATING_SYSTEM;
  if (catalog && known(metro)) {
    const problem = metroProblem(catalog, metro);
    if (problem) add(problem);
  }
  if (catalog && known(plan)) {
    const entry = catalog.plan(plan);
    if (!entry)
      add(
        problemAt(
          'plan',
          unknownValue(
            'plan',
            plan,
            catalog.plans.map((p) => p.slug),
          ),
        ),
      );
    else if (known(metro) && catalog.metro(metro) && !catalog.plansIn(metro).includes(plan)) {
      add(problemAt('plan', planNotInMetro(plan, metro, catalog.plansIn(metro), catalog.metrosOffering(plan))));
    }
  }
  const hardwarePlan = typeof options.plan === 'object' ? options.plan : undefined;
  if (hardwarePlan?.availableInMetro && known(metro) && hardwarePlan.availableInMetro !== metro) {
    add(
      `the HardwarePlan was chosen for metro ${quote(hardwarePlan.availableInMetro)} but the device is in ${quote(metro)}; set the plan's availableInMetro to ${quote(metro)}`,
    );
  }
  if (catalog && known(os)) {
    const entry = catalog.operatingSystem(os);
    if (!entry) {
      add(
        problemAt(
          'operatingSystem',
          unknownValue(
            'operating system',
            os,
            catalog.operatingSystems.map((o) => o.slug),
          ),
        ),
      );
    } else if (known(plan) && !osRunsOnPlan(entry.provisionableOn, plan)) {
      add(problemAt('operatingSystem', osNotOnPlan(os, plan, entry.provisionableOn)));
    }
  }
  if (known(options.billingCycle) && !BILLING_CYCLES.includes(options.billingCycle)) {
    add(`billingCycle ${quote(options.billingCycle)} is not a billing cycle; ${suggestion(options.billingCycle, BILLING_CYCLES)}`);
  }
  for (const attribute of options.allowChanges ?? []) {
    if (!REINSTALLABLE.includes(attribute)) {
      add(`allowChanges lists ${quote(attribute)}, which cannot change in place; allowed: ${REINSTALLABLE.join(', ')}`);
    }
  }
  if (typeof options.customData === 'string' && known(options.customData)) {
    try {
      JSON.parse(options.customData);
    } catch {
      add(`customData ${quote(options.customData.slice(0, 40))} is not JSON; pass an object or a JSON string`);
    }
  }
  tagProblems(options.tags).forEach(add);
  for (const [name, value] of Object.entries(options.timeouts ?? {})) {
    if (known(value) && !DURATION.test(value)) {
      add(`timeouts.${name} ${quote(value)} is not a duration; use e.g. "45m" or "1h30m"`);
    }
  }
}

/** A bare-metal server in a project and metro. */
export class BareMetalDevice extends Construct implements IBareMetalDevice {
  /** An existing device by id, read through the metal_device data source; nothing is created. */
  public static fromDeviceId(scope: Construct, id: string, deviceId: string): IBareMetalDevice {
    return new ImportedDevice(scope, id, deviceId);
  }

  public readonly metro: string;
  public readonly plan: string;
  /** The L1 resource, for options this construct does not cover. */
  public readonly resource: Device;

  constructor(scope: Construct, id: string, props: BareMetalDeviceProps) {
    super(scope, id);
    const metro = props.metro instanceof Metro ? props.metro.code : props.metro;
    const hostname = props.hostname ?? sanitizeHostname(id);
    const problems = new Problems();
    if (known(hostname)) {
      const problem = hostnameProblem(hostname);
      if (problem) problems.add(problem);
    }
    checkDeviceOptions(Catalog.of(this), metro, props, problems);
    const os = props.operatingSystem ?? DEFAULT_OPERATING_SYSTEM;
    const needsIpxe = os === 'custom_ipxe' ? 'operatingSystem "custom_ipxe"' : props.alwaysPxe ? 'alwaysPxe' : undefined;
    if (needsIpxe && props.ipxeScriptUrl === undefined) {
      problems.add(`${needsIpxe} needs ipxeScriptUrl; set it to the http(s) URL of an iPXE script`);
    }
    if (known(props.ipxeScriptUrl) && !/^https?:\/\/\S+$/.test(props.ipxeScriptUrl)) {
      problems.add(`ipxeScriptUrl ${quote(props.ipxeScriptUrl)} is not an http(s) URL; use e.g. "http://boot.example.com/boot.ipxe"`);
    }
    problems.throwIfAny(subject('BareMetalDevice', scope, id));

    const sshKeys = props.sshKeys ?? [];
    const keyIds = (keyScope: ISshKey['scope']) => {
      const ids = sshKeys.filter((k) => k.scope === keyScope).map((k) => k.sshKeyId);
      return ids.length ? ids : undefined;
    };
    const customData = props.customData;
    this.resource = new Device(this, 'device', {
      projectId: props.project.projectId,
      hostname,
      description: props.description,
      plan: planSlug(props.plan),
      metro,
      operatingSystem: os,
      billingCycle: props.billingCycle ?? 'hourly',
      userData: props.userData instanceof UserData ? props.userData.render() : props.userData,
      customData: customData === undefined || typeof customData === 'string' ? customData : JSON.stringify(customData),
      projectSshKeyIds: keyIds('project'),
      userSshKeyIds: keyIds('user'),
      tags: props.tags ? [...props.tags] : undefined,
      ipxeScriptUrl: props.ipxeScriptUrl,
      alwaysPxe: props.alwaysPxe,
      locked: props.locked,
      hardwareReservationId: props.hardwareReservationId,
      behavior: props.allowChanges?.length ? { allowChanges: [...props.allowChanges] } : undefined,
      reinstall: props.reinstall ? { enabled: true, ...props.reinstall } : undefined,
      timeouts: props.timeouts,
      provider: props.provider,
    });
    this.metro = metro;
    this.plan = planSlug(props.plan);
  }

  // Attribute tokens are made on first use: a fleet of thousands of devices synthesizes faster without them.
  public get deviceId(): string {
    return this.resource.id;
  }

  public get hostname(): string {
    return this.resource.hostname;
  }

  public get state(): string {
    return this.resource.state;
  }

  public get accessPublicIpv4(): string {
    return this.resource.accessPublicIpv4;
  }

  public get accessPublicIpv6(): string {
    return this.resource.accessPublicIpv6;
  }

  public get accessPrivateIpv4(): string {
    return this.resource.accessPrivateIpv4;
  }

  /** The root password, available for a while after provisioning (sensitive). */
  public get rootPassword(): string {
    return this.resource.rootPassword;
  }

  /** The facility the scheduler chose in the metro. */
  public get deployedFacility(): string {
    return this.resource.deployedFacility;
  }
}

class ImportedDevice extends Construct implements IBareMetalDevice {
  public readonly deviceId: string;
  public readonly hostname: string;
  public readonly state: string;
  public readonly accessPublicIpv4: string;
  public readonly accessPublicIpv6: string;
  public readonly accessPrivateIpv4: string;

  constructor(scope: Construct, id: string, deviceId: string) {
    super(scope, id);
    const problems = new Problems();
    if (known(deviceId) && deviceId.trim() === '') problems.add('deviceId is empty; pass the UUID of an existing device');
    problems.throwIfAny(subject('BareMetalDevice.fromDeviceId', scope, id));
    const data = new DataMetalDevice(this, 'device', { deviceId });
    this.deviceId = deviceId;
    this.hostname = data.hostname;
    this.state = data.state;
    this.accessPublicIpv4 = data.accessPublicIpv4;
    this.accessPublicIpv6 = data.accessPublicIpv6;
    this.accessPrivateIpv4 = data.accessPrivateIpv4;
  }
}
