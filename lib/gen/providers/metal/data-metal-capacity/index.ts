// https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/capacity
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataMetalCapacityConfig extends cdktf.TerraformMetaArguments {
  /**
  * Metro codes to report on; all metros if unset.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/capacity#metros DataMetalCapacity#metros}
  */
  readonly metros?: string[];
  /**
  * Plan slugs to report on; all plans if unset.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/capacity#plans DataMetalCapacity#plans}
  */
  readonly plans?: string[];
}
export interface DataMetalCapacityCapacity {
}

export function dataMetalCapacityCapacityToTerraform(struct?: DataMetalCapacityCapacity): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataMetalCapacityCapacityToHclTerraform(struct?: DataMetalCapacityCapacity): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataMetalCapacityCapacityOutputReference extends cdktf.ComplexObject {
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

  public get internalValue(): DataMetalCapacityCapacity | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataMetalCapacityCapacity | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // available - computed: true, optional: false, required: false
  public get available() {
    return this.getNumberAttribute('available');
  }

  // level - computed: true, optional: false, required: false
  public get level() {
    return this.getStringAttribute('level');
  }

  // metro - computed: true, optional: false, required: false
  public get metro() {
    return this.getStringAttribute('metro');
  }

  // plan - computed: true, optional: false, required: false
  public get plan() {
    return this.getStringAttribute('plan');
  }
}

export class DataMetalCapacityCapacityList extends cdktf.ComplexList {

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
  public get(index: number): DataMetalCapacityCapacityOutputReference {
    return new DataMetalCapacityCapacityOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/capacity metal_capacity}
*/
export class DataMetalCapacity extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "metal_capacity";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataMetalCapacity resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataMetalCapacity to import
  * @param importFromId The id of the existing DataMetalCapacity that should be imported. Refer to the {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/capacity#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataMetalCapacity to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "metal_capacity", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs/data-sources/capacity metal_capacity} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataMetalCapacityConfig = {}
  */
  public constructor(scope: Construct, id: string, config: DataMetalCapacityConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'metal_capacity',
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
    this._metros = config.metros;
    this._plans = config.plans;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // capacity - computed: true, optional: false, required: false
  private _capacity = new DataMetalCapacityCapacityList(this, "capacity", false);
  public get capacity() {
    return this._capacity;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // metros - computed: false, optional: true, required: false
  private _metros?: string[]; 
  public get metros() {
    return this.getListAttribute('metros');
  }
  public set metros(value: string[]) {
    this._metros = value;
  }
  public resetMetros() {
    this._metros = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get metrosInput() {
    return this._metros;
  }

  // plans - computed: false, optional: true, required: false
  private _plans?: string[]; 
  public get plans() {
    return this.getListAttribute('plans');
  }
  public set plans(value: string[]) {
    this._plans = value;
  }
  public resetPlans() {
    this._plans = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get plansInput() {
    return this._plans;
  }

  // =========
  // SYNTHESIS
  // =========

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {
      metros: cdktf.listMapper(cdktf.stringToTerraform, false)(this._metros),
      plans: cdktf.listMapper(cdktf.stringToTerraform, false)(this._plans),
    };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      metros: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._metros),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      plans: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._plans),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
