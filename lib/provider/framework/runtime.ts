/**
 * The provider as the protocol layer calls it: one method per Terraform operation, plain values in and out.
 * lib/provider/protocol translates gRPC messages to these calls; lib/provider/framework implements them.
 */
import type { AttributePath, Diagnostic } from './diagnostics';
import type { ProviderSchemaJson } from './schema';
import type { Value, ValueObject } from './values';

/** Opaque per-resource data Terraform stores next to the state (JSON-serialisable). */
export type PrivateData = Record<string, unknown>;

export interface ProviderRuntime {
  /** The schema served to Terraform and used to decode and encode values. */
  readonly schema: ProviderSchemaJson;
  validateProviderConfig(config: ValueObject): Promise<Diagnostic[]>;
  configureProvider(config: ValueObject, terraformVersion: string): Promise<Diagnostic[]>;
  validateResourceConfig(typeName: string, config: ValueObject): Promise<Diagnostic[]>;
  validateDataSourceConfig(typeName: string, config: ValueObject): Promise<Diagnostic[]>;
  /** rawState is the stored JSON at schema version `version`, not yet conformed to the current schema. */
  upgradeResourceState(typeName: string, version: number, rawState: Value): Promise<{ state: Value; diagnostics: Diagnostic[] }>;
  readResource(
    typeName: string,
    request: { state: ValueObject; private: PrivateData | null },
  ): Promise<{
    state: ValueObject | null;
    private: PrivateData | null;
    diagnostics: Diagnostic[];
  }>;
  planResourceChange(
    typeName: string,
    request: {
      prior: ValueObject | null;
      proposed: ValueObject | null;
      config: ValueObject | null;
      private: PrivateData | null;
    },
  ): Promise<{ planned: ValueObject | null; requiresReplace: AttributePath[]; private: PrivateData | null; diagnostics: Diagnostic[] }>;
  applyResourceChange(
    typeName: string,
    request: {
      prior: ValueObject | null;
      planned: ValueObject | null;
      config: ValueObject | null;
      private: PrivateData | null;
    },
  ): Promise<{ state: ValueObject | null; private: PrivateData | null; diagnostics: Diagnostic[] }>;
  importResourceState(
    typeName: string,
    id: string,
  ): Promise<{
    imported: { typeName: string; state: ValueObject; private: PrivateData | null }[];
    diagnostics: Diagnostic[];
  }>;
  readDataSource(typeName: string, config: ValueObject): Promise<{ state: ValueObject | null; diagnostics: Diagnostic[] }>;
  /** Terraform asked to stop (Ctrl-C): running operations should give up soon. */
  stop(): void;
}
