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

export interface AttributePlanRequest<M extends ValueObject = ValueObject> {
  attribute: string;
  config: Value;
  /** The attribute's value in prior state; null when the resource is being created. */
  prior: Value;
  planned: Value;
  resource: { config: M; prior: M | null; planned: M };
}

export interface AttributePlanResult {
  planned?: Value;
  requiresReplace?: boolean;
}

/** A reusable rule for one attribute's planned value (see plan-modifiers.ts). */
export interface AttributePlanModifier<Client = unknown, M extends ValueObject = ValueObject> {
  /** What the rule does to a change, in words for the docs: "forces replacement", "keeps its prior value on update". */
  readonly description: string;
  /** The rule may force replacement: the docs show its description instead of "updates in place". */
  readonly replaces?: boolean;
  modify(request: AttributePlanRequest<M>, ctx: PlanContext<Client>): AttributePlanResult | void | Promise<AttributePlanResult | void>;
}

/**
 * A resource over its model M: the generated type of its attributes (lib/provider/generated/models.ts), so a
 * misspelled attribute fails tsc. Values may be null or Unknown; returned states may leave attributes out.
 */
export interface ResourceDefinition<Client = unknown, M extends ValueObject = ValueObject> {
  /** e.g. "metal_device"; must be a resource in the schema document. */
  typeName: string;
  /** Extra checks beyond the schema; config may contain Unknown values. */
  validate?(config: M, ctx: BaseContext): void | Promise<void>;
  /** Rules per top-level attribute name, applied in order after the default plan. */
  planModifiers?: { [K in keyof M]?: AttributePlanModifier<Client, M>[] };
  /** Last word on the plan (not called when destroying): mutate request.planned, call ctx.requireReplace. */
  modifyPlan?(request: { config: M; prior: M | null; planned: M }, ctx: PlanContext<Client>): void | Promise<void>;
  /** Returns the new state; attributes left out keep their planned value. Nothing may stay Unknown. */
  create(request: { config: M; planned: M }, ctx: ResourceContext<Client>): Promise<Partial<M> | void>;
  /** Returns the current state, or null when the object is gone. Attributes left out keep their prior value. */
  read(request: { state: M }, ctx: ResourceContext<Client>): Promise<Partial<M> | null | void>;
  /** In-place update. Without it every change forces replacement. */
  update?(request: { config: M; planned: M; prior: M }, ctx: ResourceContext<Client>): Promise<Partial<M> | void>;
  delete(request: { state: M }, ctx: ResourceContext<Client>): Promise<void>;
  /** From `terraform import` id to a partial state that read() completes. Default: { id }. */
  importState?(id: string, ctx: ResourceContext<Client>): Promise<Partial<M>> | Partial<M>;
  /** From stored state at an older schema version to the current shape. Default: unchanged. */
  upgradeState?(state: Value, fromVersion: number, ctx: BaseContext): Promise<Value> | Value;
}

export interface DataSourceContext<Client> extends BaseContext {
  client: Client;
}

/** A data source over its generated model M, as ResourceDefinition. */
export interface DataSourceDefinition<Client = unknown, M extends ValueObject = ValueObject> {
  typeName: string;
  validate?(config: M, ctx: BaseContext): void | Promise<void>;
  /** Returns the data source's state; attributes left out keep their config value (computed ones become null). */
  read(config: M, ctx: DataSourceContext<Client>): Promise<Partial<M> | void>;
}

export interface ProviderConfigDefinition<Client = unknown, M extends ValueObject = ValueObject> {
  validate?(config: M, ctx: BaseContext): void | Promise<void>;
  /** Builds what resources receive as ctx.client (an API client). */
  configure?(config: M, ctx: BaseContext & { terraformVersion: string }): Client | Promise<Client>;
}

/** Everything one provider build serves. */
export interface ProviderDefinitions {
  // Each resource picks its own client type and model; the provider's configure() is trusted to produce the client.
  // A list of definitions of different models has no common type short of `any` (the models are invariant).
  /* eslint-disable @typescript-eslint/no-explicit-any */
  provider?: ProviderConfigDefinition<any, any>;
  resources: ResourceDefinition<any, any>[];
  dataSources?: DataSourceDefinition<any, any>[];
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

/** Identity helpers that type a definition by its client and model. */
export const defineResource = <Client, M extends ValueObject = ValueObject>(definition: ResourceDefinition<Client, M>) => definition;
export const defineDataSource = <Client, M extends ValueObject = ValueObject>(definition: DataSourceDefinition<Client, M>) => definition;
