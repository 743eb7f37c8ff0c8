// https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/port
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface PortConfig extends cdktf.TerraformMetaArguments {
  /**
  * Whether the port is in its bond (for bond0: whether its ethernet ports are). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/port#bonded Port#bonded}
  */
  readonly bonded: boolean | cdktf.IResolvable;
  /**
  * Whether the bond port is in layer 2 mode (no addresses, only VLANs); only for bond ports. Default false (layer 3). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/port#layer2 Port#layer2}
  */
  readonly layer2?: boolean | cdktf.IResolvable;
  /**
  * The ID of the VLAN whose traffic is untagged on the port; one of the port's VLANs, only for ethernet ports. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/port#native_vlan_id Port#native_vlan_id}
  */
  readonly nativeVlanId?: string;
  /**
  * The ID of the port, e.g. from the `metal_port` data source or a device's `ports`. Changing this forces a new resource (the old one is destroyed).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/port#port_id Port#port_id}
  */
  readonly portId: string;
  /**
  * On destroy, reset the port: a bond port goes back to layer 3 without VLANs, an ethernet port back into the bond without VLANs or native VLAN. Default false. Updated in place (it only affects destroy).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/port#reset_on_delete Port#reset_on_delete}
  */
  readonly resetOnDelete?: boolean | cdktf.IResolvable;
  /**
  * The IDs of the VLANs the port carries; conflicts with `vxlan_ids`. Only layer 2 and hybrid ports carry VLANs. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/port#vlan_ids Port#vlan_ids}
  */
  readonly vlanIds?: string[];
  /**
  * The VLAN ids (vxlan numbers) the port carries; conflicts with `vlan_ids`. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/port#vxlan_ids Port#vxlan_ids}
  */
  readonly vxlanIds?: number[];
}

/**
* Represents a {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/port metal_port}
*/
export class Port extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "metal_port";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Port resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Port to import
  * @param importFromId The id of the existing Port that should be imported. Refer to the {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/port#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Port to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "metal_port", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/port metal_port} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options PortConfig
  */
  public constructor(scope: Construct, id: string, config: PortConfig) {
    super(scope, id, {
      terraformResourceType: 'metal_port',
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
    this._bonded = config.bonded;
    this._layer2 = config.layer2;
    this._nativeVlanId = config.nativeVlanId;
    this._portId = config.portId;
    this._resetOnDelete = config.resetOnDelete;
    this._vlanIds = config.vlanIds;
    this._vxlanIds = config.vxlanIds;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // bond_id - computed: true, optional: false, required: false
  public get bondId() {
    return this.getStringAttribute('bond_id');
  }

  // bond_name - computed: true, optional: false, required: false
  public get bondName() {
    return this.getStringAttribute('bond_name');
  }

  // bonded - computed: false, optional: false, required: true
  private _bonded?: boolean | cdktf.IResolvable; 
  public get bonded() {
    return this.getBooleanAttribute('bonded');
  }
  public set bonded(value: boolean | cdktf.IResolvable) {
    this._bonded = value;
  }
  // Temporarily expose input value. Use with caution.
  public get bondedInput() {
    return this._bonded;
  }

  // disbond_supported - computed: true, optional: false, required: false
  public get disbondSupported() {
    return this.getBooleanAttribute('disbond_supported');
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // layer2 - computed: false, optional: true, required: false
  private _layer2?: boolean | cdktf.IResolvable; 
  public get layer2() {
    return this.getBooleanAttribute('layer2');
  }
  public set layer2(value: boolean | cdktf.IResolvable) {
    this._layer2 = value;
  }
  public resetLayer2() {
    this._layer2 = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get layer2Input() {
    return this._layer2;
  }

  // mac - computed: true, optional: false, required: false
  public get mac() {
    return this.getStringAttribute('mac');
  }

  // name - computed: true, optional: false, required: false
  public get name() {
    return this.getStringAttribute('name');
  }

  // native_vlan_id - computed: false, optional: true, required: false
  private _nativeVlanId?: string; 
  public get nativeVlanId() {
    return this.getStringAttribute('native_vlan_id');
  }
  public set nativeVlanId(value: string) {
    this._nativeVlanId = value;
  }
  public resetNativeVlanId() {
    this._nativeVlanId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get nativeVlanIdInput() {
    return this._nativeVlanId;
  }

  // network_type - computed: true, optional: false, required: false
  public get networkType() {
    return this.getStringAttribute('network_type');
  }

  // port_id - computed: false, optional: false, required: true
  private _portId?: string; 
  public get portId() {
    return this.getStringAttribute('port_id');
  }
  public set portId(value: string) {
    this._portId = value;
  }
  // Temporarily expose input value. Use with caution.
  public get portIdInput() {
    return this._portId;
  }

  // reset_on_delete - computed: false, optional: true, required: false
  private _resetOnDelete?: boolean | cdktf.IResolvable; 
  public get resetOnDelete() {
    return this.getBooleanAttribute('reset_on_delete');
  }
  public set resetOnDelete(value: boolean | cdktf.IResolvable) {
    this._resetOnDelete = value;
  }
  public resetResetOnDelete() {
    this._resetOnDelete = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get resetOnDeleteInput() {
    return this._resetOnDelete;
  }

  // type - computed: true, optional: false, required: false
  public get type() {
    return this.getStringAttribute('type');
  }

  // vlan_ids - computed: true, optional: true, required: false
  private _vlanIds?: string[]; 
  public get vlanIds() {
    return cdktf.Fn.tolist(this.getListAttribute('vlan_ids'));
  }
  public set vlanIds(value: string[]) {
    this._vlanIds = value;
  }
  public resetVlanIds() {
    this._vlanIds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get vlanIdsInput() {
    return this._vlanIds;
  }

  // vxlan_ids - computed: true, optional: true, required: false
  private _vxlanIds?: number[]; 
  public get vxlanIds() {
    return cdktf.Token.asNumberList(cdktf.Fn.tolist(this.getNumberListAttribute('vxlan_ids')));
  }
  public set vxlanIds(value: number[]) {
    this._vxlanIds = value;
  }
  public resetVxlanIds() {
    this._vxlanIds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get vxlanIdsInput() {
    return this._vxlanIds;
  }

  // =========
  // SYNTHESIS
  // =========

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {
      bonded: cdktf.booleanToTerraform(this._bonded),
      layer2: cdktf.booleanToTerraform(this._layer2),
      native_vlan_id: cdktf.stringToTerraform(this._nativeVlanId),
      port_id: cdktf.stringToTerraform(this._portId),
      reset_on_delete: cdktf.booleanToTerraform(this._resetOnDelete),
      vlan_ids: cdktf.listMapper(cdktf.stringToTerraform, false)(this._vlanIds),
      vxlan_ids: cdktf.listMapper(cdktf.numberToTerraform, false)(this._vxlanIds),
    };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      bonded: {
        value: cdktf.booleanToHclTerraform(this._bonded),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      layer2: {
        value: cdktf.booleanToHclTerraform(this._layer2),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      native_vlan_id: {
        value: cdktf.stringToHclTerraform(this._nativeVlanId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      port_id: {
        value: cdktf.stringToHclTerraform(this._portId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      reset_on_delete: {
        value: cdktf.booleanToHclTerraform(this._resetOnDelete),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      vlan_ids: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._vlanIds),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      vxlan_ids: {
        value: cdktf.listMapperHcl(cdktf.numberToHclTerraform, false)(this._vxlanIds),
        isBlock: false,
        type: "set",
        storageClassType: "numberList",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
