/**
 * Plain values as resources see them: what Terraform's type system holds, without any wire format.
 * null is a null value, `Unknown` a value known only after apply, numbers beyond float64 precision
 * are `Decimal`s. Lists, sets and tuples are arrays; objects and maps are plain objects.
 */

/** A value Terraform will know only after apply. Refined unknowns keep their refinement opaque so they round-trip. */
export class Unknown {
  constructor(readonly refinement?: { readonly type: number; readonly data: Uint8Array }) {}
}

/** The plain (unrefined) unknown value. */
export const UNKNOWN = new Unknown();

/** A number whose exact decimal text matters: integers above 2^53 or decimals a float64 cannot hold. */
export class Decimal {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toNumber(): number {
    return Number(this.text);
  }
}

export type Value = null | boolean | number | string | Decimal | Unknown | Value[] | ValueObject;
export interface ValueObject {
  [name: string]: Value;
}

/**
 * A value of type T as a resource sees it: known, null (unset) or Unknown (while planning). The generated models
 * (lib/provider/generated) type every attribute with it.
 */
export type Attr<T> = T | null | Unknown;

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

export function isObjectValue(value: unknown): value is ValueObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unknown) && !(value instanceof Decimal);
}

/** Structural equality; unknowns equal nothing (not even each other), since their final values are not decided yet. */
export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a instanceof Unknown || b instanceof Unknown) return false;
  if (a instanceof Decimal || b instanceof Decimal) return numericText(a) === numericText(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => valuesEqual(item, (b as Value[])[i]));
  }
  if (isObjectValue(a) || isObjectValue(b)) {
    if (!isObjectValue(a) || !isObjectValue(b)) return false;
    // An absent key equals null: compare every key of a, then the keys only b has.
    for (const key in a) if (!valuesEqual(a[key], hasOwn(b, key) ? b[key] : null)) return false;
    for (const key in b) if (!hasOwn(a, key) && !valuesEqual(null, b[key])) return false;
    return true;
  }
  return a === b;
}

export const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

function numericText(value: Value): string | undefined {
  if (value instanceof Decimal || typeof value === 'number') return canonicalNumber(value);
  return undefined;
}

/** A number when float64 holds the decimal text exactly, otherwise a Decimal keeping the text. */
export function exactNumber(text: string): number | Decimal {
  const n = Number(text);
  if (/^-?\d+$/.test(text)) return Number.isSafeInteger(n) ? n : new Decimal(text);
  const significantDigits = text
    .replace(/[eE].*$/, '')
    .replace(/[^0-9]/g, '')
    .replace(/^0+/, '').length;
  return Number.isFinite(n) && significantDigits <= 15 ? n : new Decimal(text);
}

/** One text per numeric value, so 1, 1.0 and Decimal("1") compare equal while big integers compare exactly. */
export function canonicalNumber(value: number | Decimal): string {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  const text = value.text.trim();
  if (/^-?\d+$/.test(text)) return BigInt(text).toString();
  const exact = exactNumber(text);
  return typeof exact === 'number' ? canonicalNumber(exact) : text;
}

/** Both are known numbers that parse to the same float64: what the API stores, so the same number to it. */
export function sameNumber(a: Value | undefined, b: Value | undefined): boolean {
  const isNumber = (v: Value | undefined) => typeof v === 'number' || v instanceof Decimal;
  return isNumber(a) && isNumber(b) && Number(a instanceof Decimal ? a.text : a) === Number(b instanceof Decimal ? b.text : b);
}

/**
 * The value with every number that is the same float64 as the number at the same place in `held` replaced by the
 * held one. Terraform compares numbers by their exact decimal text (0.2 written as 0.2 is not 0.2 computed as
 * 0.1 * 2, which is 0.2000000000000000111...), while the API stores float64s: a plan, apply or read that gives
 * back held numbers unchanged keeps what Terraform holds, and tells no change where the API sees none.
 */
export function keepHeldNumbers(value: Value, held: Value | undefined): Value {
  if (held === undefined || held === null || value === held) return value;
  if (sameNumber(value, held)) return held;
  if (Array.isArray(value) && Array.isArray(held)) return value.map((item, i) => keepHeldNumbers(item, held[i]));
  if (isObjectValue(value) && isObjectValue(held)) {
    const kept: ValueObject = {};
    for (const key in value) setOwn(kept, key, hasOwn(held, key) ? keepHeldNumbers(value[key], held[key]) : value[key]);
    return kept;
  }
  return value;
}

/** True when the value or anything inside it is unknown. */
export function containsUnknown(value: Value | undefined): boolean {
  if (value instanceof Unknown) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (containsUnknown(item)) return true;
  } else if (isObjectValue(value)) {
    for (const key in value) if (containsUnknown(value[key])) return true;
  }
  return false;
}

/** Deep copy of plain containers; leaf objects (Unknown, Decimal) are immutable and shared. */
export function cloneValue<T extends Value>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (isObjectValue(value)) {
    const copy: ValueObject = {};
    for (const key in value) setOwn(copy, key, cloneValue(value[key]));
    return copy as T;
  }
  return value;
}

/**
 * Sets an own key, also one named "__proto__" (which plain assignment would take for the prototype). Assignment
 * is kept for every other key: it is several times faster than defineProperty.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
