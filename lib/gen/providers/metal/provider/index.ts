// https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface MetalProviderConfig {
  /**
  * The base URL of the Metal API. Can be set with the `METAL_API_URL` environment variable. Default `http://127.0.0.1:8080/metal/v1`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs#api_url MetalProvider#api_url}
  */
  readonly apiUrl?: string;
  /**
  * The API token, sent as `X-Auth-Token`. Can be set with the `METAL_AUTH_TOKEN` environment variable. Never logged.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs#auth_token MetalProvider#auth_token}
  */
  readonly authToken?: string;
  /**
  * How many times a request that failed with 429, 5xx or a network error is retried. Default 10.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs#max_retries MetalProvider#max_retries}
  */
  readonly maxRetries?: number;
  /**
  * The longest wait between retries, in seconds (a `Retry-After` header is honoured up to this). Default 30.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs#max_retry_wait_seconds MetalProvider#max_retry_wait_seconds}
  */
  readonly maxRetryWaitSeconds?: number;
  /**
  * The timeout of one HTTP request, in seconds. Default 30.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs#request_timeout MetalProvider#request_timeout}
  */
  readonly requestTimeout?: number;
  /**
  * Alias name
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs#alias MetalProvider#alias}
  */
  readonly alias?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs metal}
*/
export class MetalProvider extends cdktf.TerraformProvider {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "metal";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a MetalProvider resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the MetalProvider to import
  * @param importFromId The id of the existing MetalProvider that should be imported. Refer to the {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the MetalProvider to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "metal", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/metalforge/metal/0.1.0/docs metal} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options MetalProviderConfig = {}
  */
  public constructor(scope: Construct, id: string, config: MetalProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'metal',
      terraformGeneratorMetadata: {
        providerName: 'metal',
        providerVersion: '0.1.0',
        providerVersionConstraint: '0.1.0'
      },
      terraformProviderSource: 'metalforge/metal'
    });
    this._apiUrl = config.apiUrl;
    this._authToken = config.authToken;
    this._maxRetries = config.maxRetries;
    this._maxRetryWaitSeconds = config.maxRetryWaitSeconds;
    this._requestTimeout = config.requestTimeout;
    this._alias = config.alias;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // api_url - computed: false, optional: true, required: false
  private _apiUrl?: string; 
  public get apiUrl() {
    return this._apiUrl;
  }
  public set apiUrl(value: string | undefined) {
    this._apiUrl = value;
  }
  public resetApiUrl() {
    this._apiUrl = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get apiUrlInput() {
    return this._apiUrl;
  }

  // auth_token - computed: false, optional: true, required: false
  private _authToken?: string; 
  public get authToken() {
    return this._authToken;
  }
  public set authToken(value: string | undefined) {
    this._authToken = value;
  }
  public resetAuthToken() {
    this._authToken = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get authTokenInput() {
    return this._authToken;
  }

  // max_retries - computed: false, optional: true, required: false
  private _maxRetries?: number; 
  public get maxRetries() {
    return this._maxRetries;
  }
  public set maxRetries(value: number | undefined) {
    this._maxRetries = value;
  }
  public resetMaxRetries() {
    this._maxRetries = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get maxRetriesInput() {
    return this._maxRetries;
  }

  // max_retry_wait_seconds - computed: false, optional: true, required: false
  private _maxRetryWaitSeconds?: number; 
  public get maxRetryWaitSeconds() {
    return this._maxRetryWaitSeconds;
  }
  public set maxRetryWaitSeconds(value: number | undefined) {
    this._maxRetryWaitSeconds = value;
  }
  public resetMaxRetryWaitSeconds() {
    this._maxRetryWaitSeconds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get maxRetryWaitSecondsInput() {
    return this._maxRetryWaitSeconds;
  }

  // request_timeout - computed: false, optional: true, required: false
  private _requestTimeout?: number; 
  public get requestTimeout() {
    return this._requestTimeout;
  }
  public set requestTimeout(value: number | undefined) {
    this._requestTimeout = value;
  }
  public resetRequestTimeout() {
    this._requestTimeout = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get requestTimeoutInput() {
    return this._requestTimeout;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string; 
  public override get alias() {
    return this._alias;
  }
  public override set alias(value: string | undefined) {
    this._alias = value;
  }
  public resetAlias() {
    this._alias = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get aliasInput() {
    return this._alias;
  }

  // =========
  // SYNTHESIS
  // =========

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {
      api_url: cdktf.stringToTerraform(this._apiUrl),
      auth_token: cdktf.stringToTerraform(this._authToken),
      max_retries: cdktf.numberToTerraform(this._maxRetries),
      max_retry_wait_seconds: cdktf.numberToTerraform(this._maxRetryWaitSeconds),
      request_timeout: cdktf.numberToTerraform(this._requestTimeout),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      api_url: {
        value: cdktf.stringToHclTerraform(this._apiUrl),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      auth_token: {
        value: cdktf.stringToHclTerraform(this._authToken),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      max_retries: {
        value: cdktf.numberToHclTerraform(this._maxRetries),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      max_retry_wait_seconds: {
        value: cdktf.numberToHclTerraform(this._maxRetryWaitSeconds),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      request_timeout: {
        value: cdktf.numberToHclTerraform(this._requestTimeout),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      alias: {
        value: cdktf.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
