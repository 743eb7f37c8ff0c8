// https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/device_network_type
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DeviceNetworkTypeConfig extends cdktf.TerraformMetaArguments {
  /**
  * The ID of the device. Changing this forces a new resource (the old one is destroyed).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/device_network_type#device_id DeviceNetworkType#device_id}
  */
  readonly deviceId: string;
  /**
  * The network type to set: `layer3`, `hybrid`, `hybrid-bonded` (layer 3 whose bond carries VLANs; the same ports as `layer3`), `layer2-individual` or `layer2-bonded`. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/device_network_type#type DeviceNetworkType#type}
  */
  readonly type: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/device_network_type metal_device_network_type}
*/
export class DeviceNetworkType extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "metal_device_network_type";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DeviceNetworkType resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DeviceNetworkType to import
  * @param importFromId The id of the existing DeviceNetworkType that should be imported. Refer to the {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/device_network_type#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DeviceNetworkType to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "metal_device_network_type", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/device_network_type metal_device_network_type} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DeviceNetworkTypeConfig
  */
  public constructor(scope: Construct, id: string, config: DeviceNetworkTypeConfig) {
    super(scope, id, {
      terraformResourceType: 'metal_device_network_type',
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
    this._type = config.type;
  }

  // ==========
  // ATTRIBUTES
  // ==========

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

  // type - computed: false, optional: false, required: true
  private _type?: string; 
  public get type() {
    return this.getStringAttribute('type');
  }
  public set type(value: string) {
    this._type = value;
  }
  // Temporarily expose input value. Use with caution.
  public get typeInput() {
    return this._type;
  }

  // =========
  // SYNTHESIS
  // =========

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {
      device_id: cdktf.stringToTerraform(this._deviceId),
      type: cdktf.stringToTerraform(this._type),
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
      type: {
        value: cdktf.stringToHclTerraform(this._type),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
