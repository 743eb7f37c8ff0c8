/**
 * What the provider's resources, data sources and provider configuration implement.
 * Values are plain (see values.ts); problems are reported through ctx.diagnostics, and a thrown error
 * becomes an error diagnostic too. The schema itself is data (provider-schema/*.json), not code.
 */
import type { AttributePath, Diagnostics } from './diagnostics';
import type { PrivateData } from './runtime';
import type { Value, ValueObject } from './values';

/** Private data Terraform keeps next to a resource's state, invisible in plans. */
export interface PrivateState {
  get(key: string): unknown;
  /** undefined removes the key. */
  set(key: string, value: unknown): void;
  readonly data: PrivateData;
}

export interface BaseContext {
  diagnostics: Diagnostics;
  /** Aborted when Terraform calls StopProvider (Ctrl-C); long waits should watch it. */
  signal: AbortSignal;
}

export interface ResourceContext<Client> extends BaseContext {
  /** What the provider's configure() returned (undefined before ConfigureProvider, e.g. during validation). */
  client: Client;
  private: PrivateState;
  /** The operation's timeout from the resource's `timeouts` block, or defaultMs when not set. */
  timeout(defaultMs: number): number;
}

export interface PlanContext<Client> extends ResourceContext<Client> {
  /** Marks a path whose change forces the resource to be destroyed and created again. */
  requireReplace(path: AttributePath): void;
}

export interface AttributePlanRequest {
  attribute: string;
  config: Value;
  /** The attribute's value in prior state; null when the resource is being created. */
  prior: Value;
  planned: Value;
  resource: { config: ValueObject; prior: ValueObject | null; planned: ValueObject };
}

export interface AttributePlanResult {
  planned?: Value;
  requiresReplace?: boolean;
}

/** A reusable rule for one attribute's planned value (see plan-modifiers.ts). */
export interface AttributePlanModifier {
  readonly description: string;
  modify(request: AttributePlanRequest): AttributePlanResult | void;
}

export interface ResourceDefinition<Client = unknown> {
  /** e.g. "metal_device"; must be a resource in the schema document. */
  typeName: string;
  /** Extra checks beyond the schema; config may contain Unknown values. */
  validate?(config: ValueObject, ctx: BaseContext): void | Promise<void>;
  /** Rules per top-level attribute name, applied in order after the default plan. */
  planModifiers?: Record<string, AttributePlanModifier[]>;
  /** Last word on the plan (not called when destroying): mutate request.planned, call ctx.requireReplace. */
  modifyPlan?(request: { config: ValueObject; prior: ValueObject | null; planned: ValueObject }, ctx: PlanContext<Client>): void | Promise<void>;
  /** Returns the new state; attributes left out keep their planned value. Nothing may stay Unknown. */
  create(request: { config: ValueObject; planned: ValueObject }, ctx: ResourceContext<Client>): Promise<ValueObject | void>;
  /** Returns the current state, or null when the object is gone. Attributes left out keep their prior value. */
  read(request: { state: ValueObject }, ctx: ResourceContext<Client>): Promise<ValueObject | null | void>;
  /** In-place update. Without it every change forces replacement. */
  update?(request: { config: ValueObject; planned: ValueObject; prior: ValueObject }, ctx: ResourceContext<Client>): Promise<ValueObject | void>;
  delete(request: { state: ValueObject }, ctx: ResourceContext<Client>): Promise<void>;
  /** From `terraform import` id to a partial state that read() completes. Default: { id }. */
  importState?(id: string, ctx: ResourceContext<Client>): Promise<ValueObject> | ValueObject;
  /** From stored state at an older schema version to the current shape. Default: unchanged. */
  upgradeState?(state: Value, fromVersion: number, ctx: BaseContext): Promise<Value> | Value;
}

export interface DataSourceContext<Client> extends BaseContext {
  client: Client;
}

export interface DataSourceDefinition<Client = unknown> {
  typeName: string;
  validate?(config: ValueObject, ctx: BaseContext): void | Promise<void>;
  /** Returns the data source's state; attributes left out keep their config value (computed ones become null). */
  read(config: ValueObject, ctx: DataSourceContext<Client>): Promise<ValueObject | void>;
}

export interface ProviderConfigDefinition<Client = unknown> {
  validate?(config: ValueObject, ctx: BaseContext): void | Promise<void>;
  /** Builds what resources receive as ctx.client (an API client). */
  configure?(config: ValueObject, ctx: BaseContext & { terraformVersion: string }): Client | Promise<Client>;
}

/** Everything one provider build serves. */
export interface ProviderDefinitions {
  // Each resource picks its own client type; the provider's configure() is trusted to produce it.
  provider?: ProviderConfigDefinition<any>;
  resources: ResourceDefinition<any>[];
  dataSources?: DataSourceDefinition<any>[];
}

/** Identity helpers that let TypeScript infer Client for a definition. */
export const defineResource = <Client>(definition: ResourceDefinition<Client>) => definition;
export const defineDataSource = <Client>(definition: DataSourceDefinition<Client>) => definition;
