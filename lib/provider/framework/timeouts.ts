/** The conventional `timeouts` block: { create, read, update, delete } as Go-style durations ("30m", "1h30m"). */
import type { BlockTypeJson } from './schema';
import { isObjectValue, type ValueObject } from './values';

export type TimeoutOperation = 'create' | 'read' | 'update' | 'delete';

/** The schema entry to put under block_types.timeouts of a resource (the schema is data: generators use this). */
export function timeoutsBlock(operations: TimeoutOperation[] = ['create', 'update', 'delete']): BlockTypeJson {
  return {
    nesting_mode: 'single',
    block: {
      attributes: Object.fromEntries(
        operations.map((op) => [
          op,
          { type: 'string', optional: true, description_kind: 'plain', description: `How long ${op} may take, e.g. "30m" or "1h30m".` },
        ]),
      ),
      description_kind: 'plain',
    },
  };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go duration text to milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit];
  return total;
}

/** The configured timeout for an operation, read from a resource value's `timeouts` block. */
export function timeoutFrom(value: ValueObject | null, operation: TimeoutOperation, defaultMs: number): number {
  const block = value?.timeouts;
  const text = isObjectValue(block) ? block[operation] : undefined;
  return typeof text === 'string' ? (parseDuration(text) ?? defaultMs) : defaultMs;
}
