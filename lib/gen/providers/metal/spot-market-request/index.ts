// https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface SpotMarketRequestConfig extends cdktf.TerraformMetaArguments {
  /**
  * The most devices the request runs. Updated in place: a higher value can fill more devices at once (when machines are free and the price is at most the bid); a lower one stops further fills but does not end running devices.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#devices_max SpotMarketRequest#devices_max}
  */
  readonly devicesMax: number;
  /**
  * The fewest devices the request accepts: it is filled only when at least this many can run, and create (and any update of the bid) waits until this many are `active` (the old provider waited for the first device only). Updated in place: the request is cleared again at once.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#devices_min SpotMarketRequest#devices_min}
  */
  readonly devicesMin: number;
  /**
  * When the request ends and its devices are terminated (RFC 3339, e.g. `2026-12-01T00:00:00Z`). The same instant written differently is no change. Updated in place; removing it keeps the request open until it is destroyed.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#end_at SpotMarketRequest#end_at}
  */
  readonly endAt?: string;
  /**
  * Deprecated: use `metro`. Facility codes; the request is placed in the metro of the first one. Naming facilities of the metro the request is already in is recorded in place; another metro forces a new request.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#facilities SpotMarketRequest#facilities}
  */
  readonly facilities?: string[];
  /**
  * `one_time` (default: devices reclaimed when outbid are not replaced) or `persistent` (the request is refilled while the bid stands) — a metalforge addition. Changing this forces a new request (the old one is deleted with its devices): the API cannot change it on an existing request.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#kind SpotMarketRequest#kind}
  */
  readonly kind?: string;
  /**
  * The most you pay per device-hour, in USD; devices pay the current market price, never more than the bid, and are reclaimed (with at least 2 minutes' notice in `devices[*].termination_time`) when the price rises above it. The same amount written differently (`0.5`, `0.50`) is no change. Updated in place: the request is cleared again at once, so a higher bid can fill at once and a bid below the market price gives the running devices their termination notices.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#max_bid_price SpotMarketRequest#max_bid_price}
  */
  readonly maxBidPrice: number;
  /**
  * The metro code to deploy in (e.g. `ny`). Either `metro` or the deprecated `facilities` must be set. A different spelling of the same metro (`NY`), or replacing `facilities` by the metro they are in, is recorded in place; a different metro forces a new request.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#metro SpotMarketRequest#metro}
  */
  readonly metro?: string;
  /**
  * The ID of the project the devices belong to. Changing this forces a new request (the old one is deleted with its devices): the API cannot change it on an existing request.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#project_id SpotMarketRequest#project_id}
  */
  readonly projectId: string;
  /**
  * If true (the default), create waits until at least `devices_min` devices are `active`, and destroy waits until the devices are gone. If false, create returns once the request is accepted. Updated in place (it only changes what the provider waits for).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#wait_for_devices SpotMarketRequest#wait_for_devices}
  */
  readonly waitForDevices?: boolean | cdktf.IResolvable;
  /**
  * instance_parameters block
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#instance_parameters SpotMarketRequest#instance_parameters}
  */
  readonly instanceParameters: SpotMarketRequestInstanceParameters;
  /**
  * timeouts block
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#timeouts SpotMarketRequest#timeouts}
  */
  readonly timeouts?: SpotMarketRequestTimeouts;
}
export interface SpotMarketRequestDevices {
}

export function spotMarketRequestDevicesToTerraform(struct?: SpotMarketRequestDevices): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function spotMarketRequestDevicesToHclTerraform(struct?: SpotMarketRequestDevices): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class SpotMarketRequestDevicesOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): SpotMarketRequestDevices | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: SpotMarketRequestDevices | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // hostname - computed: true, optional: false, required: false
  public get hostname() {
    return this.getStringAttribute('hostname');
  }

  // state - computed: true, optional: false, required: false
  public get state() {
    return this.getStringAttribute('state');
  }

  // public_ipv4 - computed: true, optional: false, required: false
  public get publicIpv4() {
    return this.getStringAttribute('public_ipv4');
  }

  // private_ipv4 - computed: true, optional: false, required: false
  public get privateIpv4() {
    return this.getStringAttribute('private_ipv4');
  }

  // public_ipv6 - computed: true, optional: false, required: false
  public get publicIpv6() {
    return this.getStringAttribute('public_ipv6');
  }

  // termination_time - computed: true, optional: false, required: false
  public get terminationTime() {
    return this.getStringAttribute('termination_time');
  }
}

export class SpotMarketRequestDevicesList extends cdktf.ComplexList {

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected override terraformResource: cdktf.IInterpolatingParent, protected override terraformAttribute: string, protected override wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): SpotMarketRequestDevicesOutputReference {
    return new SpotMarketRequestDevicesOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface SpotMarketRequestInstanceParameters {
  /**
  * If true, the devices boot from iPXE on every boot. Default false.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#always_pxe SpotMarketRequest#always_pxe}
  */
  readonly alwaysPxe?: boolean | cdktf.IResolvable;
  /**
  * The billing cycle: `hourly` (default). Spot devices are billed per hour at the market price.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#billing_cycle SpotMarketRequest#billing_cycle}
  */
  readonly billingCycle?: string;
  /**
  * A JSON object of arbitrary data for the metadata service of each device.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#customdata SpotMarketRequest#customdata}
  */
  readonly customdata?: string;
  /**
  * A description for each device.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#description SpotMarketRequest#description}
  */
  readonly description?: string;
  /**
  * Hardware features the devices need.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#features SpotMarketRequest#features}
  */
  readonly features?: string[];
  /**
  * The devices' hostname: used as is when `devices_max` is 1, else numbered (`<hostname>-1`, `<hostname>-2`, ...). If neither `hostname` nor `hostnames` is set the server generates names.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#hostname SpotMarketRequest#hostname}
  */
  readonly hostname?: string;
  /**
  * One hostname per device (at least `devices_max`), instead of `hostname` — a metalforge addition.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#hostnames SpotMarketRequest#hostnames}
  */
  readonly hostnames?: string[];
  /**
  * The URL of an iPXE script (with operating system `custom_ipxe`).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#ipxe_script_url SpotMarketRequest#ipxe_script_url}
  */
  readonly ipxeScriptUrl?: string;
  /**
  * If true, the devices cannot be deleted and are not reclaimed when outbid. Default false.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#locked SpotMarketRequest#locked}
  */
  readonly locked?: boolean | cdktf.IResolvable;
  /**
  * The operating system slug (e.g. `ubuntu_24_04`).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#operating_system SpotMarketRequest#operating_system}
  */
  readonly operatingSystem: string;
  /**
  * The plan slug (e.g. `c3.small.x86`); it must be offered on the spot market (`metal_spot_market_price` gives its price).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#plan SpotMarketRequest#plan}
  */
  readonly plan: string;
  /**
  * IDs of project SSH keys to install instead of all project keys.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#project_ssh_keys SpotMarketRequest#project_ssh_keys}
  */
  readonly projectSshKeys?: string[];
  /**
  * Tags for each device.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#tags SpotMarketRequest#tags}
  */
  readonly tags?: string[];
  /**
  * IDs of user SSH keys to install in addition to project keys.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#user_ssh_keys SpotMarketRequest#user_ssh_keys}
  */
  readonly userSshKeys?: string[];
  /**
  * User data for cloud-init on each device.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#userdata SpotMarketRequest#userdata}
  */
  readonly userdata?: string;
}

export function spotMarketRequestInstanceParametersToTerraform(struct?: SpotMarketRequestInstanceParametersOutputReference | SpotMarketRequestInstanceParameters): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    always_pxe: cdktf.booleanToTerraform(struct!.alwaysPxe),
    billing_cycle: cdktf.stringToTerraform(struct!.billingCycle),
    customdata: cdktf.stringToTerraform(struct!.customdata),
    description: cdktf.stringToTerraform(struct!.description),
    features: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.features),
    hostname: cdktf.stringToTerraform(struct!.hostname),
    hostnames: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.hostnames),
    ipxe_script_url: cdktf.stringToTerraform(struct!.ipxeScriptUrl),
    locked: cdktf.booleanToTerraform(struct!.locked),
    operating_system: cdktf.stringToTerraform(struct!.operatingSystem),
    plan: cdktf.stringToTerraform(struct!.plan),
    project_ssh_keys: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.projectSshKeys),
    tags: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.tags),
    user_ssh_keys: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.userSshKeys),
    userdata: cdktf.stringToTerraform(struct!.userdata),
  }
}


export function spotMarketRequestInstanceParametersToHclTerraform(struct?: SpotMarketRequestInstanceParametersOutputReference | SpotMarketRequestInstanceParameters): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    always_pxe: {
      value: cdktf.booleanToHclTerraform(struct!.alwaysPxe),
      isBlock: false,
      type: "simple",
      storageClassType: "boolean",
    },
    billing_cycle: {
      value: cdktf.stringToHclTerraform(struct!.billingCycle),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    customdata: {
      value: cdktf.stringToHclTerraform(struct!.customdata),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    description: {
      value: cdktf.stringToHclTerraform(struct!.description),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    features: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.features),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    hostname: {
      value: cdktf.stringToHclTerraform(struct!.hostname),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    hostnames: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.hostnames),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    ipxe_script_url: {
      value: cdktf.stringToHclTerraform(struct!.ipxeScriptUrl),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    locked: {
      value: cdktf.booleanToHclTerraform(struct!.locked),
      isBlock: false,
      type: "simple",
      storageClassType: "boolean",
    },
    operating_system: {
      value: cdktf.stringToHclTerraform(struct!.operatingSystem),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    plan: {
      value: cdktf.stringToHclTerraform(struct!.plan),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    project_ssh_keys: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.projectSshKeys),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    tags: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.tags),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    user_ssh_keys: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.userSshKeys),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
    userdata: {
      value: cdktf.stringToHclTerraform(struct!.userdata),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class SpotMarketRequestInstanceParametersOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false, 0);
  }

  public get internalValue(): SpotMarketRequestInstanceParameters | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._alwaysPxe !== undefined) {
      hasAnyValues = true;
      internalValueResult.alwaysPxe = this._alwaysPxe;
    }
    if (this._billingCycle !== undefined) {
      hasAnyValues = true;
      internalValueResult.billingCycle = this._billingCycle;
    }
    if (this._customdata !== undefined) {
      hasAnyValues = true;
      internalValueResult.customdata = this._customdata;
    }
    if (this._description !== undefined) {
      hasAnyValues = true;
      internalValueResult.description = this._description;
    }
    if (this._features !== undefined) {
      hasAnyValues = true;
      internalValueResult.features = this._features;
    }
    if (this._hostname !== undefined) {
      hasAnyValues = true;
      internalValueResult.hostname = this._hostname;
    }
    if (this._hostnames !== undefined) {
      hasAnyValues = true;
      internalValueResult.hostnames = this._hostnames;
    }
    if (this._ipxeScriptUrl !== undefined) {
      hasAnyValues = true;
      internalValueResult.ipxeScriptUrl = this._ipxeScriptUrl;
    }
    if (this._locked !== undefined) {
      hasAnyValues = true;
      internalValueResult.locked = this._locked;
    }
    if (this._operatingSystem !== undefined) {
      hasAnyValues = true;
      internalValueResult.operatingSystem = this._operatingSystem;
    }
    if (this._plan !== undefined) {
      hasAnyValues = true;
      internalValueResult.plan = this._plan;
    }
    if (this._projectSshKeys !== undefined) {
      hasAnyValues = true;
      internalValueResult.projectSshKeys = this._projectSshKeys;
    }
    if (this._tags !== undefined) {
      hasAnyValues = true;
      internalValueResult.tags = this._tags;
    }
    if (this._userSshKeys !== undefined) {
      hasAnyValues = true;
      internalValueResult.userSshKeys = this._userSshKeys;
    }
    if (this._userdata !== undefined) {
      hasAnyValues = true;
      internalValueResult.userdata = this._userdata;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: SpotMarketRequestInstanceParameters | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this._alwaysPxe = undefined;
      this._billingCycle = undefined;
      this._customdata = undefined;
      this._description = undefined;
      this._features = undefined;
      this._hostname = undefined;
      this._hostnames = undefined;
      this._ipxeScriptUrl = undefined;
      this._locked = undefined;
      this._operatingSystem = undefined;
      this._plan = undefined;
      this._projectSshKeys = undefined;
      this._tags = undefined;
      this._userSshKeys = undefined;
      this._userdata = undefined;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this._alwaysPxe = value.alwaysPxe;
      this._billingCycle = value.billingCycle;
      this._customdata = value.customdata;
      this._description = value.description;
      this._features = value.features;
      this._hostname = value.hostname;
      this._hostnames = value.hostnames;
      this._ipxeScriptUrl = value.ipxeScriptUrl;
      this._locked = value.locked;
      this._operatingSystem = value.operatingSystem;
      this._plan = value.plan;
      this._projectSshKeys = value.projectSshKeys;
      this._tags = value.tags;
      this._userSshKeys = value.userSshKeys;
      this._userdata = value.userdata;
    }
  }

  // always_pxe - computed: false, optional: true, required: false
  private _alwaysPxe?: boolean | cdktf.IResolvable; 
  public get alwaysPxe() {
    return this.getBooleanAttribute('always_pxe');
  }
  public set alwaysPxe(value: boolean | cdktf.IResolvable) {
    this._alwaysPxe = value;
  }
  public resetAlwaysPxe() {
    this._alwaysPxe = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get alwaysPxeInput() {
    return this._alwaysPxe;
  }

  // billing_cycle - computed: false, optional: true, required: false
  private _billingCycle?: string; 
  public get billingCycle() {
    return this.getStringAttribute('billing_cycle');
  }
  public set billingCycle(value: string) {
    this._billingCycle = value;
  }
  public resetBillingCycle() {
    this._billingCycle = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get billingCycleInput() {
    return this._billingCycle;
  }

  // customdata - computed: false, optional: true, required: false
  private _customdata?: string; 
  public get customdata() {
    return this.getStringAttribute('customdata');
  }
  public set customdata(value: string) {
    this._customdata = value;
  }
  public resetCustomdata() {
    this._customdata = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get customdataInput() {
    return this._customdata;
  }

  // description - computed: false, optional: true, required: false
  private _description?: string; 
  public get description() {
    return this.getStringAttribute('description');
  }
  public set description(value: string) {
    this._description = value;
  }
  public resetDescription() {
    this._description = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get descriptionInput() {
    return this._description;
  }

  // features - computed: false, optional: true, required: false
  private _features?: string[]; 
  public get features() {
    return this.getListAttribute('features');
  }
  public set features(value: string[]) {
    this._features = value;
  }
  public resetFeatures() {
    this._features = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get featuresInput() {
    return this._features;
  }

  // hostname - computed: false, optional: true, required: false
  private _hostname?: string; 
  public get hostname() {
    return this.getStringAttribute('hostname');
  }
  public set hostname(value: string) {
    this._hostname = value;
  }
  public resetHostname() {
    this._hostname = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get hostnameInput() {
    return this._hostname;
  }

  // hostnames - computed: false, optional: true, required: false
  private _hostnames?: string[]; 
  public get hostnames() {
    return this.getListAttribute('hostnames');
  }
  public set hostnames(value: string[]) {
    this._hostnames = value;
  }
  public resetHostnames() {
    this._hostnames = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get hostnamesInput() {
    return this._hostnames;
  }

  // ipxe_script_url - computed: false, optional: true, required: false
  private _ipxeScriptUrl?: string; 
  public get ipxeScriptUrl() {
    return this.getStringAttribute('ipxe_script_url');
  }
  public set ipxeScriptUrl(value: string) {
    this._ipxeScriptUrl = value;
  }
  public resetIpxeScriptUrl() {
    this._ipxeScriptUrl = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get ipxeScriptUrlInput() {
    return this._ipxeScriptUrl;
  }

  // locked - computed: false, optional: true, required: false
  private _locked?: boolean | cdktf.IResolvable; 
  public get locked() {
    return this.getBooleanAttribute('locked');
  }
  public set locked(value: boolean | cdktf.IResolvable) {
    this._locked = value;
  }
  public resetLocked() {
    this._locked = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get lockedInput() {
    return this._locked;
  }

  // operating_system - computed: false, optional: false, required: true
  private _operatingSystem?: string; 
  public get operatingSystem() {
    return this.getStringAttribute('operating_system');
  }
  public set operatingSystem(value: string) {
    this._operatingSystem = value;
  }
  // Temporarily expose input value. Use with caution.
  public get operatingSystemInput() {
    return this._operatingSystem;
  }

  // plan - computed: false, optional: false, required: true
  private _plan?: string; 
  public get plan() {
    return this.getStringAttribute('plan');
  }
  public set plan(value: string) {
    this._plan = value;
  }
  // Temporarily expose input value. Use with caution.
  public get planInput() {
    return this._plan;
  }

  // project_ssh_keys - computed: false, optional: true, required: false
  private _projectSshKeys?: string[]; 
  public get projectSshKeys() {
    return this.getListAttribute('project_ssh_keys');
  }
  public set projectSshKeys(value: string[]) {
    this._projectSshKeys = value;
  }
  public resetProjectSshKeys() {
    this._projectSshKeys = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get projectSshKeysInput() {
    return this._projectSshKeys;
  }

  // tags - computed: false, optional: true, required: false
  private _tags?: string[]; 
  public get tags() {
    return this.getListAttribute('tags');
  }
  public set tags(value: string[]) {
    this._tags = value;
  }
  public resetTags() {
    this._tags = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tagsInput() {
    return this._tags;
  }

  // user_ssh_keys - computed: false, optional: true, required: false
  private _userSshKeys?: string[]; 
  public get userSshKeys() {
    return this.getListAttribute('user_ssh_keys');
  }
  public set userSshKeys(value: string[]) {
    this._userSshKeys = value;
  }
  public resetUserSshKeys() {
    this._userSshKeys = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get userSshKeysInput() {
    return this._userSshKeys;
  }

  // userdata - computed: false, optional: true, required: false
  private _userdata?: string; 
  public get userdata() {
    return this.getStringAttribute('userdata');
  }
  public set userdata(value: string) {
    this._userdata = value;
  }
  public resetUserdata() {
    this._userdata = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get userdataInput() {
    return this._userdata;
  }
}
export interface SpotMarketRequestTimeouts {
  /**
  * How long to wait for `devices_min` devices to become `active`, as a duration such as `30m` or `1h`. Default `30m`. If the wait times out, the request stays in the state (tainted) with the devices it has, never orphaned.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#create SpotMarketRequest#create}
  */
  readonly create?: string;
  /**
  * How long to wait for the request's devices to be deprovisioned, as a duration such as `30m`. Default `30m`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#delete SpotMarketRequest#delete}
  */
  readonly delete?: string;
  /**
  * How long an update of the bid waits for `devices_min` devices to be `active`, as a duration such as `30m`. Default `30m`. If the wait times out, the new bid stays in place (the request is not replaced).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#update SpotMarketRequest#update}
  */
  readonly update?: string;
}

export function spotMarketRequestTimeoutsToTerraform(struct?: SpotMarketRequestTimeouts | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    create: cdktf.stringToTerraform(struct!.create),
    delete: cdktf.stringToTerraform(struct!.delete),
    update: cdktf.stringToTerraform(struct!.update),
  }
}


export function spotMarketRequestTimeoutsToHclTerraform(struct?: SpotMarketRequestTimeouts | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    create: {
      value: cdktf.stringToHclTerraform(struct!.create),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    delete: {
      value: cdktf.stringToHclTerraform(struct!.delete),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    update: {
      value: cdktf.stringToHclTerraform(struct!.update),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class SpotMarketRequestTimeoutsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): SpotMarketRequestTimeouts | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._create !== undefined) {
      hasAnyValues = true;
      internalValueResult.create = this._create;
    }
    if (this._delete !== undefined) {
      hasAnyValues = true;
      internalValueResult.delete = this._delete;
    }
    if (this._update !== undefined) {
      hasAnyValues = true;
      internalValueResult.update = this._update;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: SpotMarketRequestTimeouts | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._create = undefined;
      this._delete = undefined;
      this._update = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._create = value.create;
      this._delete = value.delete;
      this._update = value.update;
    }
  }

  // create - computed: false, optional: true, required: false
  private _create?: string; 
  public get create() {
    return this.getStringAttribute('create');
  }
  public set create(value: string) {
    this._create = value;
  }
  public resetCreate() {
    this._create = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get createInput() {
    return this._create;
  }

  // delete - computed: false, optional: true, required: false
  private _delete?: string; 
  public get delete() {
    return this.getStringAttribute('delete');
  }
  public set delete(value: string) {
    this._delete = value;
  }
  public resetDelete() {
    this._delete = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get deleteInput() {
    return this._delete;
  }

  // update - computed: false, optional: true, required: false
  private _update?: string; 
  public get update() {
    return this.getStringAttribute('update');
  }
  public set update(value: string) {
    this._update = value;
  }
  public resetUpdate() {
    this._update = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get updateInput() {
    return this._update;
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request metal_spot_market_request}
*/
export class SpotMarketRequest extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "metal_spot_market_request";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a SpotMarketRequest resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the SpotMarketRequest to import
  * @param importFromId The id of the existing SpotMarketRequest that should be imported. Refer to the {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the SpotMarketRequest to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "metal_spot_market_request", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/spot_market_request metal_spot_market_request} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options SpotMarketRequestConfig
  */
  public constructor(scope: Construct, id: string, config: SpotMarketRequestConfig) {
    super(scope, id, {
      terraformResourceType: 'metal_spot_market_request',
      terraformGeneratorMetadata: {
        providerName: 'metal',
        providerVersion: '0.1.0',
        providerVersionConstraint: '0.1.0'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._devicesMax = config.devicesMax;
    this._devicesMin = config.devicesMin;
    this._endAt = config.endAt;
    this._facilities = config.facilities;
    this._kind = config.kind;
    this._maxBidPrice = config.maxBidPrice;
    this._metro = config.metro;
    this._projectId = config.projectId;
    this._waitForDevices = config.waitForDevices;
    this._instanceParameters.internalValue = config.instanceParameters;
    this._timeouts.internalValue = config.timeouts;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // created - computed: true, optional: false, required: false
  public get created() {
    return this.getStringAttribute('created');
  }

  // device_ids - computed: true, optional: false, required: false
  public get deviceIds() {
    return this.getListAttribute('device_ids');
  }

  // devices - computed: true, optional: false, required: false
  private _devices = new SpotMarketRequestDevicesList(this, "devices", false);
  public get devices() {
    return this._devices;
  }

  // devices_max - computed: false, optional: false, required: true
  private _devicesMax?: number; 
  public get devicesMax() {
    return this.getNumberAttribute('devices_max');
  }
  public set devicesMax(value: number) {
    this._devicesMax = value;
  }
  // Temporarily expose input value. Use with caution.
  public get devicesMaxInput() {
    return this._devicesMax;
  }

  // devices_min - computed: false, optional: false, required: true
  private _devicesMin?: number; 
  public get devicesMin() {
    return this.getNumberAttribute('devices_min');
  }
  public set devicesMin(value: number) {
    this._devicesMin = value;
  }
  // Temporarily expose input value. Use with caution.
  public get devicesMinInput() {
    return this._devicesMin;
  }

  // end_at - computed: false, optional: true, required: false
  private _endAt?: string; 
  public get endAt() {
    return this.getStringAttribute('end_at');
  }
  public set endAt(value: string) {
    this._endAt = value;
  }
  public resetEndAt() {
    this._endAt = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get endAtInput() {
    return this._endAt;
  }

  // facilities - computed: false, optional: true, required: false
  private _facilities?: string[]; 
  public get facilities() {
    return this.getListAttribute('facilities');
  }
  public set facilities(value: string[]) {
    this._facilities = value;
  }
  public resetFacilities() {
    this._facilities = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get facilitiesInput() {
    return this._facilities;
  }

  // filled_total - computed: true, optional: false, required: false
  public get filledTotal() {
    return this.getNumberAttribute('filled_total');
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // kind - computed: true, optional: true, required: false
  private _kind?: string; 
  public get kind() {
    return this.getStringAttribute('kind');
  }
  public set kind(value: string) {
    this._kind = value;
  }
  public resetKind() {
    this._kind = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get kindInput() {
    return this._kind;
  }

  // max_bid_price - computed: false, optional: false, required: true
  private _maxBidPrice?: number; 
  public get maxBidPrice() {
    return this.getNumberAttribute('max_bid_price');
  }
  public set maxBidPrice(value: number) {
    this._maxBidPrice = value;
  }
  // Temporarily expose input value. Use with caution.
  public get maxBidPriceInput() {
    return this._maxBidPrice;
  }

  // metro - computed: false, optional: true, required: false
  private _metro?: string; 
  public get metro() {
    return this.getStringAttribute('metro');
  }
  public set metro(value: string) {
    this._metro = value;
  }
  public resetMetro() {
    this._metro = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get metroInput() {
    return this._metro;
  }

  // price - computed: true, optional: false, required: false
  public get price() {
    return this.getNumberAttribute('price');
  }

  // project_id - computed: false, optional: false, required: true
  private _projectId?: string; 
  public get projectId() {
    return this.getStringAttribute('project_id');
  }
  public set projectId(value: string) {
    this._projectId = value;
  }
  // Temporarily expose input value. Use with caution.
  public get projectIdInput() {
    return this._projectId;
  }

  // state - computed: true, optional: false, required: false
  public get state() {
    return this.getStringAttribute('state');
  }

  // wait_for_devices - computed: false, optional: true, required: false
  private _waitForDevices?: boolean | cdktf.IResolvable; 
  public get waitForDevices() {
    return this.getBooleanAttribute('wait_for_devices');
  }
  public set waitForDevices(value: boolean | cdktf.IResolvable) {
    this._waitForDevices = value;
  }
  public resetWaitForDevices() {
    this._waitForDevices = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get waitForDevicesInput() {
    return this._waitForDevices;
  }

  // instance_parameters - computed: false, optional: false, required: true
  private _instanceParameters = new SpotMarketRequestInstanceParametersOutputReference(this, "instance_parameters");
  public get instanceParameters() {
    return this._instanceParameters;
  }
  public putInstanceParameters(value: SpotMarketRequestInstanceParameters) {
    this._instanceParameters.internalValue = value;
  }
  // Temporarily expose input value. Use with caution.
  public get instanceParametersInput() {
    return this._instanceParameters.internalValue;
  }

  // timeouts - computed: false, optional: true, required: false
  private _timeouts = new SpotMarketRequestTimeoutsOutputReference(this, "timeouts");
  public get timeouts() {
    return this._timeouts;
  }
  public putTimeouts(value: SpotMarketRequestTimeouts) {
    this._timeouts.internalValue = value;
  }
  public resetTimeouts() {
    this._timeouts.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get timeoutsInput() {
    return this._timeouts.internalValue;
  }

  // =========
  // SYNTHESIS
  // =========

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {
      devices_max: cdktf.numberToTerraform(this._devicesMax),
      devices_min: cdktf.numberToTerraform(this._devicesMin),
      end_at: cdktf.stringToTerraform(this._endAt),
      facilities: cdktf.listMapper(cdktf.stringToTerraform, false)(this._facilities),
      kind: cdktf.stringToTerraform(this._kind),
      max_bid_price: cdktf.numberToTerraform(this._maxBidPrice),
      metro: cdktf.stringToTerraform(this._metro),
      project_id: cdktf.stringToTerraform(this._projectId),
      wait_for_devices: cdktf.booleanToTerraform(this._waitForDevices),
      instance_parameters: spotMarketRequestInstanceParametersToTerraform(this._instanceParameters.internalValue),
      timeouts: spotMarketRequestTimeoutsToTerraform(this._timeouts.internalValue),
    };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      devices_max: {
        value: cdktf.numberToHclTerraform(this._devicesMax),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      devices_min: {
        value: cdktf.numberToHclTerraform(this._devicesMin),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      end_at: {
        value: cdktf.stringToHclTerraform(this._endAt),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      facilities: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._facilities),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      kind: {
        value: cdktf.stringToHclTerraform(this._kind),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      max_bid_price: {
        value: cdktf.numberToHclTerraform(this._maxBidPrice),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      metro: {
        value: cdktf.stringToHclTerraform(this._metro),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      project_id: {
        value: cdktf.stringToHclTerraform(this._projectId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      wait_for_devices: {
        value: cdktf.booleanToHclTerraform(this._waitForDevices),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      instance_parameters: {
        value: spotMarketRequestInstanceParametersToHclTerraform(this._instanceParameters.internalValue),
        isBlock: true,
        type: "list",
        storageClassType: "SpotMarketRequestInstanceParametersList",
      },
      timeouts: {
        value: spotMarketRequestTimeoutsToHclTerraform(this._timeouts.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "SpotMarketRequestTimeouts",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
