// https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/gateway
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface GatewayConfig extends cdktf.TerraformMetaArguments {
  /**
  * The ID of an IP block reserved in the project, in the VLAN's metro; conflicts with `private_ipv4_subnet_size`. Changing this forces a new resource (the old one is destroyed).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/gateway#ip_reservation_id Gateway#ip_reservation_id}
  */
  readonly ipReservationId?: string;
  /**
  * The number of addresses (8, 16, 32, 64 or 128) of a private IPv4 block the gateway reserves; conflicts with `ip_reservation_id`. Changing this forces a new resource (the old one is destroyed).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/gateway#private_ipv4_subnet_size Gateway#private_ipv4_subnet_size}
  */
  readonly privateIpv4SubnetSize?: number;
  /**
  * The ID of the project of the gateway. Changing this forces a new resource (the old one is destroyed).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/gateway#project_id Gateway#project_id}
  */
  readonly projectId: string;
  /**
  * The ID of the VLAN the gateway routes for (in the same project). Changing this forces a new resource (the old one is destroyed).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/gateway#vlan_id Gateway#vlan_id}
  */
  readonly vlanId: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/gateway metal_gateway}
*/
export class Gateway extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "metal_gateway";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Gateway resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Gateway to import
  * @param importFromId The id of the existing Gateway that should be imported. Refer to the {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/gateway#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Gateway to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "metal_gateway", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/resources/gateway metal_gateway} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options GatewayConfig
  */
  public constructor(scope: Construct, id: string, config: GatewayConfig) {
    super(scope, id, {
      terraformResourceType: 'metal_gateway',
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
    this._ipReservationId = config.ipReservationId;
    this._privateIpv4SubnetSize = config.privateIpv4SubnetSize;
    this._projectId = config.projectId;
    this._vlanId = config.vlanId;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // ip_reservation_id - computed: true, optional: true, required: false
  private _ipReservationId?: string; 
  public get ipReservationId() {
    return this.getStringAttribute('ip_reservation_id');
  }
  public set ipReservationId(value: string) {
    this._ipReservationId = value;
  }
  public resetIpReservationId() {
    this._ipReservationId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get ipReservationIdInput() {
    return this._ipReservationId;
  }

  // private_ipv4_subnet_size - computed: true, optional: true, required: false
  private _privateIpv4SubnetSize?: number; 
  public get privateIpv4SubnetSize() {
    return this.getNumberAttribute('private_ipv4_subnet_size');
  }
  public set privateIpv4SubnetSize(value: number) {
    this._privateIpv4SubnetSize = value;
  }
  public resetPrivateIpv4SubnetSize() {
    this._privateIpv4SubnetSize = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get privateIpv4SubnetSizeInput() {
    return this._privateIpv4SubnetSize;
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

  // vlan_id - computed: false, optional: false, required: true
  private _vlanId?: string; 
  public get vlanId() {
    return this.getStringAttribute('vlan_id');
  }
  public set vlanId(value: string) {
    this._vlanId = value;
  }
  // Temporarily expose input value. Use with caution.
  public get vlanIdInput() {
    return this._vlanId;
  }

  // vrf_id - computed: true, optional: false, required: false
  public get vrfId() {
    return this.getStringAttribute('vrf_id');
  }

  // =========
  // SYNTHESIS
  // =========

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {
      ip_reservation_id: cdktf.stringToTerraform(this._ipReservationId),
      private_ipv4_subnet_size: cdktf.numberToTerraform(this._privateIpv4SubnetSize),
      project_id: cdktf.stringToTerraform(this._projectId),
      vlan_id: cdktf.stringToTerraform(this._vlanId),
    };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      ip_reservation_id: {
        value: cdktf.stringToHclTerraform(this._ipReservationId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      private_ipv4_subnet_size: {
        value: cdktf.numberToHclTerraform(this._privateIpv4SubnetSize),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
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
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
