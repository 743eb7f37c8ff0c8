/** Diagnostics: how resources report problems to Terraform (instead of throwing). */

/** One step of an attribute path: an attribute name, a list index, or a map key. */
export type PathStep = string | number | { key: string };
export type AttributePath = PathStep[];

export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  path?: AttributePath;
}

/** Collects diagnostics during one operation. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];

  error(summary: string, detail?: string, path?: AttributePath): void {
    this.items.push({ severity: 'error', summary, detail, path });
  }

  warning(summary: string, detail?: string, path?: AttributePath): void {
    this.items.push({ severity: 'warning', summary, detail, path });
  }

  add(...diagnostics: Diagnostic[]): void {
    this.items.push(...diagnostics);
  }

  hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

/** A thrown error becomes an error diagnostic: a provider bug or an API failure must never crash the process. */
export function diagnosticFromError(error: unknown, summary: string): Diagnostic {
  const detail = error instanceof Error ? error.message : String(error);
  return { severity: 'error', summary, detail };
}
