/**
 * The bounds of single fields, worded once. The schemas state the bounds (ajv enforces them, the OpenAPI document
 * shows them); the API words ajv's errors with `mustBe`, and the provider and the constructs check the same schema
 * nodes with `boundsProblem` before anything is sent, so a bound is written once and read the same everywhere.
 */

/** The part of a JSON Schema node that states a single field's bounds. */
export interface Bounds {
  type?: string | string[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** What a pattern stands for: a broken pattern is worded "must be <description>". */
  description?: string;
}

/** The keywords `mustBe` words. */
export type BoundKeyword =
  'minimum' | 'exclusiveMinimum' | 'maximum' | 'exclusiveMaximum' | 'minLength' | 'maxLength' | 'minItems' | 'maxItems' | 'pattern';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What a value must be when it breaks one bound: "must be at least 1", "must be greater than 0", "must be at most
 * 80 characters long", "must be a hostname: ..." (a pattern is worded by its schema's description).
 */
export function mustBe(keyword: BoundKeyword, limit: number | string, description?: string): string {
  switch (keyword) {
    case 'minimum':
      return `must be at least ${limit}`;
    case 'exclusiveMinimum':
      return `must be greater than ${limit}`;
    case 'maximum':
      return `must be at most ${limit}`;
    case 'exclusiveMaximum':
      return `must be less than ${limit}`;
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${plural(Number(limit), 'character')} long`;
    case 'maxLength':
      return `must be at most ${plural(Number(limit), 'character')} long`;
    case 'minItems':
      return `must list at least ${plural(Number(limit), 'item')}`;
    case 'maxItems':
      return `must list at most ${plural(Number(limit), 'item')}`;
    case 'pattern':
      return description ? `must be ${description}` : `has an invalid format (${limit})`;
  }
}

/** What a string must be when it is not of its schema's format: "must be an RFC 3339 date-time such as ...". */
export function mustHaveFormat(format: string): string {
  if (format === 'date-time') return 'must be an RFC 3339 date-time such as "2026-12-01T00:00:00Z"';
  return `must match format "${format}"`;
}

/** What a value must be when it is of the wrong JSON type: "must be an integer", "must be a JSON object". */
export function mustBeOfType(type: string): string {
  if (type === 'object') return 'must be a JSON object';
  return `must be ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/**
 * The first bound of `bounds` that `value` breaks, worded as the API words it, or undefined when it keeps them all.
 * Checked client-side (provider, constructs) with the schema node the server validates with.
 */
export function boundsProblem(bounds: Bounds, value: unknown): string | undefined {
  const types = bounds.type === undefined ? [] : Array.isArray(bounds.type) ? bounds.type : [bounds.type];
  if (typeof value === 'number') {
    if (types.includes('integer') && !types.includes('number') && !Number.isInteger(value)) return mustBeOfType('integer');
    if (bounds.minimum !== undefined && !(value >= bounds.minimum)) return mustBe('minimum', bounds.minimum);
    if (bounds.exclusiveMinimum !== undefined && !(value > bounds.exclusiveMinimum))
      return mustBe('exclusiveMinimum', bounds.exclusiveMinimum);
    if (bounds.maximum !== undefined && !(value <= bounds.maximum)) return mustBe('maximum', bounds.maximum);
    if (bounds.exclusiveMaximum !== undefined && !(value < bounds.exclusiveMaximum))
      return mustBe('exclusiveMaximum', bounds.exclusiveMaximum);
  } else if (typeof value === 'string') {
    // JSON Schema counts code points, as ajv does.
    const length = [...value].length;
    if (bounds.minLength !== undefined && length < bounds.minLength) return mustBe('minLength', bounds.minLength);
    if (bounds.maxLength !== undefined && length > bounds.maxLength) return mustBe('maxLength', bounds.maxLength);
    if (bounds.pattern !== undefined && !new RegExp(bounds.pattern, 'u').test(value))
      return mustBe('pattern', bounds.pattern, bounds.description);
  }
  return undefined;
}

/** "field: sentence": how every layer names the field a problem is about. */
export const problemAt = (field: string, sentence: string): string => `${field}: ${sentence}`;
