/**
 * What the resources and data sources share: reading plain values, turning API failures into diagnostics that
 * point at the attribute to fix, and waiting for a server-side state with backoff.
 */
import { MetalError } from '../../contract/errors';
import {
  Decimal,
  isObjectValue,
  type Attr,
  type AttributePath,
  type Diagnostics,
  type PrivateState,
  type Value,
  type ValueObject,
} from '../framework';

// Typed by the attribute they read (see the generated models), so reading a bool attribute as a string fails tsc.
/** A known string, else undefined (null and Unknown alike). */
export const str = (value: Attr<string> | undefined): string | undefined => (typeof value === 'string' ? value : undefined);
export const bool = (value: Attr<boolean> | undefined): boolean | undefined => (typeof value === 'boolean' ? value : undefined);
export const num = (value: Attr<number | Decimal> | undefined): number | undefined =>
  typeof value === 'number' ? value : value instanceof Decimal ? value.toNumber() : undefined;
/** A known list of known strings, else undefined. */
export function strings(value: Attr<Attr<string>[]> | undefined): string[] | undefined {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) return undefined;
  return value as string[];
}
/** The single element of a list block with max_items 1 (reinstall, behavior), or undefined. */
export function firstBlock<T extends ValueObject>(value: Attr<T[]> | undefined): T | undefined {
  return Array.isArray(value) && isObjectValue(value[0]) ? value[0] : undefined;
}

/** The named attributes of an object (a schema's attribute list), undefined ones as null. */
export function pick<T extends object, K extends keyof T>(source: T, names: readonly K[]): Pick<T, K> {
  return Object.fromEntries(names.map((name) => [name, source[name] ?? null])) as Pick<T, K>;
}

/** The metro a device or spot request is in: kept in private state by every read; a state without it has its own metro. */
export function actualMetro(prior: { metro: Attr<string> } | null, ctx: { private: PrivateState }): string | undefined {
  const kept = ctx.private.get('metro');
  return typeof kept === 'string' ? kept : str(prior?.metro)?.toLowerCase();
}

/** The last path segment of an href: "/metal/v1/projects/<id>" → "<id>". */
export const hrefId = (href: { href: string } | null | undefined): string | null => (href ? (href.href.split('/').pop() ?? null) : null);

/**
 * What the API calls a field → the attribute a Terraform user sets (Name: the model's attribute names, so a renamed
 * or misspelled attribute fails tsc). Fields absent here map to themselves.
 */
export type FieldMap<Name extends string = string> = Record<string, Name>;

/**
 * Diagnostics for an API failure: one per message the server sent, each pointing at the attribute its
 * "field: problem" prefix names, so Terraform shows the offending line. Messages never contain secrets (the
 * client redacts the token and the server never echoes user data).
 */
export function reportApiError(
  diagnostics: Diagnostics,
  error: unknown,
  summary: string,
  options: { fields?: FieldMap; attributes?: Iterable<string> } = {},
): void {
  if (!(error instanceof MetalError)) {
    diagnostics.error(summary, error instanceof Error ? error.message : String(error));
    return;
  }
  const attributes = new Set(options.attributes ?? []);
  for (const message of error.errors) {
    // "field: ...", "field.sub: ..." or, for an entry of a list block, "field[i].inner: ..." (names may hold digits: private_ipv4_subnet_size).
    const match = /^([a-z][a-z0-9_]*)(?:\[(\d+)\](?:\.([a-z][a-z0-9_]*))?|\.[\w.]+)?: /.exec(message);
    if (!match) {
      diagnostics.error(summary, message);
      continue;
    }
    const [prefix, field, index, inner] = match;
    const attribute = options.fields?.[field] ?? field;
    const innerAttribute = inner && (options.fields?.[`${field}[].${inner}`] ?? inner);
    let path: AttributePath | undefined;
    if (attributes.has(attribute))
      path = index === undefined ? [attribute] : innerAttribute ? [attribute, Number(index), innerAttribute] : [attribute, Number(index)];
    const named =
      index === undefined
        ? `${attribute}${prefix.slice(field.length, -2)}`
        : `${attribute}[${index}]${innerAttribute ? `.${innerAttribute}` : ''}`;
    diagnostics.error(summary, `${named}${message.slice(prefix.length - 2)}`, path);
  }
}

/** The API said the object does not exist (any more). */
export const isNotFound = (error: unknown): boolean => error instanceof MetalError && error.code === 'not_found';

export type WaitOutcome = 'done' | 'timeout' | 'stopped';

export interface PollOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** First wait; doubled each round up to maxIntervalMs. Short, so a fast server is not kept waiting on us. */
  firstIntervalMs?: number;
  maxIntervalMs?: number;
  /**
   * Longest time a server may hold one read (a long poll that answers once the value settles). Without it every
   * read is answered at once and the waiting happens here.
   */
  maxHoldMs?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Fetches until `settled` says so, the timeout passes or Terraform asks to stop; returns the last value seen.
 * With maxHoldMs each fetch is told how long the server may hold it (whole seconds within the timeout; 0 for a
 * plain read), and a held read is followed by the next at once. A read answered well before its hold ran out
 * comes from a server that does not hold (e.g. an older one): then, as without maxHoldMs, the interval starts
 * small and doubles (capped at 5 s), so a device that becomes active is noticed within seconds, never minutes.
 */
export async function pollUntil<T>(
  fetch: (holdMs: number) => Promise<T>,
  settled: (value: T) => boolean,
  options: PollOptions,
): Promise<{ value: T; outcome: WaitOutcome }> {
  const deadline = Date.now() + options.timeoutMs;
  let interval = options.firstIntervalMs ?? 50;
  const maxInterval = options.maxIntervalMs ?? 5000;
  for (;;) {
    // Whole seconds (what servers take) within the timeout; under a second left, a plain read.
    const holdMs = Math.min(options.maxHoldMs ?? 0, Math.floor((deadline - Date.now()) / 1000) * 1000);
    const started = Date.now();
    const value = await fetch(holdMs);
    if (settled(value)) return { value, outcome: 'done' };
    if (options.signal.aborted) return { value, outcome: 'stopped' };
    const left = deadline - Date.now();
    if (left <= 0) return { value, outcome: 'timeout' };
    if (Date.now() - started >= holdMs / 2 && holdMs > 0) continue;
    await sleep(Math.min(interval, left), options.signal);
    interval = Math.min(interval * 2, maxInterval);
  }
}

/** A duration in words for messages: 90000 → "1m30s". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const parts = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ] as const;
  const text = parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
  return text || `${ms}ms`;
}

/** Empty API values ("", false, [], {}) read as null when Terraform holds null, so unset attributes never drift. */
export function unlessEmpty<T extends Value>(apiValue: T, held: Value | undefined): T | null {
  const empty =
    apiValue === '' ||
    apiValue === false ||
    (Array.isArray(apiValue) && apiValue.length === 0) ||
    (isObjectValue(apiValue) && Object.keys(apiValue).length === 0);
  return empty && (held === null || held === undefined) ? null : apiValue;
}

/** A read by id: the object, or null when the API says it is gone (Terraform then plans to create it again). */
export async function readUnlessGone<T>(fetch: () => Promise<T>): Promise<T | null> {
  try {
    return await fetch();
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** A delete by id: an object already gone is deleted; any other failure is a diagnostic naming `what`. */
export async function deleteUnlessGone(ctx: { diagnostics: Diagnostics }, what: string, remove: () => Promise<void>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (!isNotFound(error)) reportApiError(ctx.diagnostics, error, `Cannot delete ${what}`);
  }
}

/** A JSON attribute (custom_data): the text Terraform holds when it means the same value as the API's, else the API's. */
export function jsonText(apiValue: unknown, held: Attr<string> | undefined): string | null {
  const text = str(held);
  if (text !== undefined) {
    try {
      if (JSON.stringify(JSON.parse(text)) === JSON.stringify(apiValue)) return text;
    } catch {
      // Not JSON: the API's value wins.
    }
  }
  return isObjectValue(apiValue as Value) && Object.keys(apiValue as object).length === 0 && !text ? null : JSON.stringify(apiValue);
}
