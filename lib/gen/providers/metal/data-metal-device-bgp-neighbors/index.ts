// https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/device_bgp_neighbors
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataMetalDeviceBgpNeighborsConfig extends cdktf.TerraformMetaArguments {
  /**
  * The ID of the device whose BGP neighbors to read.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/device_bgp_neighbors#device_id DataMetalDeviceBgpNeighbors#device_id}
  */
  readonly deviceId: string;
}
export interface DataMetalDeviceBgpNeighborsBgpNeighborsRoutesIn {
}

export function dataMetalDeviceBgpNeighborsBgpNeighborsRoutesInToTerraform(struct?: DataMetalDeviceBgpNeighborsBgpNeighborsRoutesIn): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataMetalDeviceBgpNeighborsBgpNeighborsRoutesInToHclTerraform(struct?: DataMetalDeviceBgpNeighborsBgpNeighborsRoutesIn): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataMetalDeviceBgpNeighborsBgpNeighborsRoutesInOutputReference extends cdktf.ComplexObject {
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

  public get internalValue(): DataMetalDeviceBgpNeighborsBgpNeighborsRoutesIn | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataMetalDeviceBgpNeighborsBgpNeighborsRoutesIn | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // route - computed: true, optional: false, required: false
  public get route() {
    return this.getStringAttribute('route');
  }

  // exact - computed: true, optional: false, required: false
  public get exact() {
    return this.getBooleanAttribute('exact');
  }
}

export class DataMetalDeviceBgpNeighborsBgpNeighborsRoutesInList extends cdktf.ComplexList {

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
  public get(index: number): DataMetalDeviceBgpNeighborsBgpNeighborsRoutesInOutputReference {
    return new DataMetalDeviceBgpNeighborsBgpNeighborsRoutesInOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface DataMetalDeviceBgpNeighborsBgpNeighborsRoutesOut {
}

export function dataMetalDeviceBgpNeighborsBgpNeighborsRoutesOutToTerraform(struct?: DataMetalDeviceBgpNeighborsBgpNeighborsRoutesOut): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataMetalDeviceBgpNeighborsBgpNeighborsRoutesOutToHclTerraform(struct?: DataMetalDeviceBgpNeighborsBgpNeighborsRoutesOut): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataMetalDeviceBgpNeighborsBgpNeighborsRoutesOutOutputReference extends cdktf.ComplexObject {
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

  public get internalValue(): DataMetalDeviceBgpNeighborsBgpNeighborsRoutesOut | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataMetalDeviceBgpNeighborsBgpNeighborsRoutesOut | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // route - computed: true, optional: false, required: false
  public get route() {
    return this.getStringAttribute('route');
  }

  // exact - computed: true, optional: false, required: false
  public get exact() {
    return this.getBooleanAttribute('exact');
  }
}

export class DataMetalDeviceBgpNeighborsBgpNeighborsRoutesOutList extends cdktf.ComplexList {

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
  public get(index: number): DataMetalDeviceBgpNeighborsBgpNeighborsRoutesOutOutputReference {
    return new DataMetalDeviceBgpNeighborsBgpNeighborsRoutesOutOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface DataMetalDeviceBgpNeighborsBgpNeighbors {
}

export function dataMetalDeviceBgpNeighborsBgpNeighborsToTerraform(struct?: DataMetalDeviceBgpNeighborsBgpNeighbors): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataMetalDeviceBgpNeighborsBgpNeighborsToHclTerraform(struct?: DataMetalDeviceBgpNeighborsBgpNeighbors): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataMetalDeviceBgpNeighborsBgpNeighborsOutputReference extends cdktf.ComplexObject {
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

  public get internalValue(): DataMetalDeviceBgpNeighborsBgpNeighbors | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataMetalDeviceBgpNeighborsBgpNeighbors | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // address_family - computed: true, optional: false, required: false
  public get addressFamily() {
    return this.getNumberAttribute('address_family');
  }

  // customer_as - computed: true, optional: false, required: false
  public get customerAs() {
    return this.getNumberAttribute('customer_as');
  }

  // customer_ip - computed: true, optional: false, required: false
  public get customerIp() {
    return this.getStringAttribute('customer_ip');
  }

  // md5_enabled - computed: true, optional: false, required: false
  public get md5Enabled() {
    return this.getBooleanAttribute('md5_enabled');
  }

  // md5_password - computed: true, optional: false, required: false
  public get md5Password() {
    return this.getStringAttribute('md5_password');
  }

  // multihop - computed: true, optional: false, required: false
  public get multihop() {
    return this.getBooleanAttribute('multihop');
  }

  // peer_as - computed: true, optional: false, required: false
  public get peerAs() {
    return this.getNumberAttribute('peer_as');
  }

  // peer_ips - computed: true, optional: false, required: false
  public get peerIps() {
    return this.getListAttribute('peer_ips');
  }

  // routes_in - computed: true, optional: false, required: false
  private _routesIn = new DataMetalDeviceBgpNeighborsBgpNeighborsRoutesInList(this, "routes_in", false);
  public get routesIn() {
    return this._routesIn;
  }

  // routes_out - computed: true, optional: false, required: false
  private _routesOut = new DataMetalDeviceBgpNeighborsBgpNeighborsRoutesOutList(this, "routes_out", false);
  public get routesOut() {
    return this._routesOut;
  }
}

export class DataMetalDeviceBgpNeighborsBgpNeighborsList extends cdktf.ComplexList {

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
  public get(index: number): DataMetalDeviceBgpNeighborsBgpNeighborsOutputReference {
    return new DataMetalDeviceBgpNeighborsBgpNeighborsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/device_bgp_neighbors metal_device_bgp_neighbors}
*/
export class DataMetalDeviceBgpNeighbors extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "metal_device_bgp_neighbors";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataMetalDeviceBgpNeighbors resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataMetalDeviceBgpNeighbors to import
  * @param importFromId The id of the existing DataMetalDeviceBgpNeighbors that should be imported. Refer to the {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/device_bgp_neighbors#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataMetalDeviceBgpNeighbors to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "metal_device_bgp_neighbors", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/device_bgp_neighbors metal_device_bgp_neighbors} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataMetalDeviceBgpNeighborsConfig
  */
  public constructor(scope: Construct, id: string, config: DataMetalDeviceBgpNeighborsConfig) {
    super(scope, id, {
      terraformResourceType: 'metal_device_bgp_neighbors',
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
    this._deviceId = config.deviceId;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // bgp_neighbors - computed: true, optional: false, required: false
  private _bgpNeighbors = new DataMetalDeviceBgpNeighborsBgpNeighborsList(this, "bgp_neighbors", false);
  public get bgpNeighbors() {
    return this._bgpNeighbors;
  }

  // device_id - computed: false, optional: false, required: true
  private _deviceId?: string; 
  public get deviceId() {
    return this.getStringAttribute('device_id');
  }
  public set deviceId(value: string) {
    this._deviceId = value;
  }
  // Temporarily expose input value. Use with caution.
  public get deviceIdInput() {
    return this._deviceId;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // =========
  // SYNTHESIS
  // =========

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {
      device_id: cdktf.stringToTerraform(this._deviceId),
    };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      device_id: {
        value: cdktf.stringToHclTerraform(this._deviceId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
