// https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/vlan
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataMetalVlanConfig extends cdktf.TerraformMetaArguments {
  /**
  * Deprecated: VLANs belong to metros. Always null.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/vlan#facility DataMetalVlan#facility}
  */
  readonly facility?: string;
  /**
  * The metro of the VLAN; with `project_id` and `vxlan`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/vlan#metro DataMetalVlan#metro}
  */
  readonly metro?: string;
  /**
  * The ID of the project of the VLAN; with `vxlan` and `metro`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/vlan#project_id DataMetalVlan#project_id}
  */
  readonly projectId?: string;
  /**
  * The ID of the VLAN to read; or set `project_id`, `vxlan` and `metro`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/vlan#vlan_id DataMetalVlan#vlan_id}
  */
  readonly vlanId?: string;
  /**
  * The VLAN id; with `project_id` and `metro`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/vlan#vxlan DataMetalVlan#vxlan}
  */
  readonly vxlan?: number;
}

/**
* Represents a {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/vlan metal_vlan}
*/
export class DataMetalVlan extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "metal_vlan";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataMetalVlan resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataMetalVlan to import
  * @param importFromId The id of the existing DataMetalVlan that should be imported. Refer to the {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/vlan#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataMetalVlan to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "metal_vlan", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/vlan metal_vlan} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataMetalVlanConfig = {}
  */
  public constructor(scope: Construct, id: string, config: DataMetalVlanConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'metal_vlan',
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
    this._facility = config.facility;
    this._metro = config.metro;
    this._projectId = config.projectId;
    this._vlanId = config.vlanId;
    this._vxlan = config.vxlan;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // assigned_devices_ids - computed: true, optional: false, required: false
  public get assignedDevicesIds() {
    return this.getListAttribute('assigned_devices_ids');
  }

  // description - computed: true, optional: false, required: false
  public get description() {
    return this.getStringAttribute('description');
  }

  // facility - computed: false, optional: true, required: false
  private _facility?: string; 
  public get facility() {
    return this.getStringAttribute('facility');
  }
  public set facility(value: string) {
    this._facility = value;
  }
  public resetFacility() {
    this._facility = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get facilityInput() {
    return this._facility;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // metro - computed: true, optional: true, required: false
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

  // project_id - computed: true, optional: true, required: false
  private _projectId?: string; 
  public get projectId() {
    return this.getStringAttribute('project_id');
  }
  public set projectId(value: string) {
    this._projectId = value;
  }
  public resetProjectId() {
    this._projectId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get projectIdInput() {
    return this._projectId;
  }

  // vlan_id - computed: true, optional: true, required: false
  private _vlanId?: string; 
  public get vlanId() {
    return this.getStringAttribute('vlan_id');
  }
  public set vlanId(value: string) {
    this._vlanId = value;
  }
  public resetVlanId() {
    this._vlanId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get vlanIdInput() {
    return this._vlanId;
  }

  // vxlan - computed: true, optional: true, required: false
  private _vxlan?: number; 
  public get vxlan() {
    return this.getNumberAttribute('vxlan');
  }
  public set vxlan(value: number) {
    this._vxlan = value;
  }
  public resetVxlan() {
    this._vxlan = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get vxlanInput() {
    return this._vxlan;
  }

  // =========
  // SYNTHESIS
  // =========

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {
      facility: cdktf.stringToTerraform(this._facility),
      metro: cdktf.stringToTerraform(this._metro),
      project_id: cdktf.stringToTerraform(this._projectId),
      vlan_id: cdktf.stringToTerraform(this._vlanId),
      vxlan: cdktf.numberToTerraform(this._vxlan),
    };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      facility: {
        value: cdktf.stringToHclTerraform(this._facility),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
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
      vlan_id: {
        value: cdktf.stringToHclTerraform(this._vlanId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      vxlan: {
        value: cdktf.numberToHclTerraform(this._vxlan),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
