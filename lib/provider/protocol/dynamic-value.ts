/**
 * DynamicValue codec: Terraform's msgpack (and JSON) object wire format to and from plain values,
 * driven by the schema's value type (docs/plugin-protocol/object-wire-format.md).
 * Every msgpack extension type is an unknown value; refined unknowns keep their payload so they re-encode unchanged.
 */
import { Decoder, Encoder, ExtData, type ExtensionCodecType } from '@msgpack/msgpack';
import { Decimal, Unknown, exactNumber, hasOwn, isObjectValue, setOwn, type Value, type ValueObject } from '../framework/values';
import { typeFromCty, typeToCty, type ValueType } from '../framework/schema';
import { parseJsonExact } from './json-value';

/** The wire DynamicValue message as the protocol layer sees it. */
export interface WireDynamicValue {
  msgpack?: Buffer | Uint8Array;
  json?: Buffer | Uint8Array;
}

/** Keeps every extension type as ExtData (the default codec would turn type -1 into a Date). */
const extensionsAsData: ExtensionCodecType<undefined> = {
  tryToEncode: (object) => (object instanceof ExtData ? object : null),
  decode: (data, type) => new ExtData(type, data),
};
const decoder = new Decoder({ extensionCodec: extensionsAsData, useBigInt64: true });
const encoder = new Encoder({ extensionCodec: extensionsAsData, useBigInt64: true });
// fixext1 with a zero payload: d4 00 00, the form Terraform itself writes.
const UNKNOWN_WIRE = new ExtData(0, new Uint8Array([0]));
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

export function decodeDynamicValue(wire: WireDynamicValue | null | undefined, type: ValueType): Value {
  if (wire?.msgpack && wire.msgpack.length > 0) return fromWire(decoder.decode(wire.msgpack), type, 'msgpack');
  if (wire?.json && wire.json.length > 0) return fromWire(parseJsonExact(Buffer.from(wire.json).toString('utf8')), type, 'json');
  return null;
}

export function encodeDynamicValue(value: Value | undefined, type: ValueType): { msgpack: Buffer } {
  const bytes = encoder.encode(toWire(value ?? null, type));
  return { msgpack: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/** Untyped JSON (a raw state before upgrade) with exact numbers. */
export function decodeJsonValue(bytes: Buffer | Uint8Array): Value {
  return parseJsonExact(Buffer.from(bytes).toString('utf8'));
}

function fromWire(raw: unknown, type: ValueType, format: 'msgpack' | 'json'): Value {
  if (raw instanceof ExtData) return raw.type === 0 ? new Unknown() : new Unknown({ type: raw.type, data: toBytes(raw.data) });
  if (raw === null || raw === undefined) return null;
  switch (type.kind) {
    case 'string':
      return typeof raw === 'string' ? raw : String(raw);
    case 'number':
      if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : new Decimal(raw.toString());
      if (typeof raw === 'string') return exactNumber(raw.trim());
      if (typeof raw === 'number' || raw instanceof Decimal) return raw;
      throw new TypeError(`expected a number, got ${typeof raw}`);
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw new TypeError(`expected a bool, got ${typeof raw}`);
    case 'list':
    case 'set':
      return asArray(raw).map((item) => fromWire(item, type.element, format));
    case 'tuple':
      return asArray(raw).map((item, i) => fromWire(item, type.elements[i] ?? { kind: 'dynamic' }, format));
    case 'map': {
      const map: ValueObject = {};
      for (const [key, item] of Object.entries(asRecord(raw))) setOwn(map, key, fromWire(item, type.element, format));
      return map;
    }
    case 'object': {
      const record = asRecord(raw);
      const object: ValueObject = {};
      for (const [name, attributeType] of attributeEntries(type)) {
        setOwn(object, name, fromWire(hasOwn(record, name) ? record[name] : null, attributeType, format));
      }
      return object;
    }
    case 'dynamic': {
      // msgpack: [type JSON bytes, value]; JSON: {"type": ..., "value": ...}
      if (format === 'msgpack') {
        const [typeBytes, value] = asArray(raw);
        return fromWire(value, typeFromCty(JSON.parse(Buffer.from(typeBytes as Uint8Array).toString('utf8'))), format);
      }
      const { type: innerType, value } = asRecord(raw);
      return fromWire(value, typeFromCty(plainJson(innerType)), format);
    }
  }
}

function toWire(value: Value, type: ValueType): unknown {
  if (value instanceof Unknown) {
    return value.refinement ? new ExtData(value.refinement.type, value.refinement.data) : UNKNOWN_WIRE;
  }
  if (value === null || value === undefined) {
    // Nested block collections are never null on the wire: absent blocks are empty collections.
    if ((type.kind === 'list' || type.kind === 'set') && type.block) return [];
    if (type.kind === 'map' && type.block) return {};
    return null;
  }
  switch (type.kind) {
    case 'string':
      return typeof value === 'string' ? value : value instanceof Decimal ? value.text : String(value);
    case 'number':
      return numberToWire(value);
    case 'bool':
      return typeof value === 'boolean' ? value : value === 'true';
    case 'list':
    case 'set':
      return asArray(value).map((item) => toWire(item as Value, type.element));
    case 'tuple':
      return asArray(value).map((item, i) => toWire(item as Value, type.elements[i] ?? inferType(item as Value)));
    case 'map': {
      const map: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(asRecord(value))) setOwn(map, key, toWire(item as Value, type.element));
      return map;
    }
    case 'object': {
      const record = asRecord(value);
      const object: Record<string, unknown> = {};
      for (const [name, attributeType] of attributeEntries(type)) {
        setOwn(object, name, toWire((hasOwn(record, name) ? (record[name] ?? null) : null) as Value, attributeType));
      }
      return object;
    }
    case 'dynamic': {
      const concrete = inferType(value);
      return [Buffer.from(JSON.stringify(typeToCty(concrete))), toWire(value, concrete)];
    }
  }
}

/**
 * Integers go as integers; other numbers as their shortest decimal text, which Terraform reads as that decimal
 * (as it reads the number written in a configuration or state). A float64 would reach Terraform as its exact
 * binary value instead: 0.1 as 0.1000000000000000055511151231257827, which arithmetic in a configuration then
 * exposes (0.1 * 2 is not 0.2 to Terraform, and a bid of price * 2 fails to plan).
 */
function numberToWire(value: Value): unknown {
  if (typeof value === 'number') return Number.isInteger(value) || !Number.isFinite(value) ? value : String(value);
  if (value instanceof Decimal) {
    const text = value.text.trim();
    if (/^-?\d+$/.test(text)) {
      const big = BigInt(text);
      if (big >= INT64_MIN && big <= UINT64_MAX) return Number.isSafeInteger(Number(big)) ? Number(big) : big;
    }
    return text; // the wire format allows a decimal string for numbers a float64 cannot hold
  }
  if (typeof value === 'string') return exactNumber(value.trim()) instanceof Decimal ? value.trim() : Number(value);
  throw new TypeError(`expected a number, got ${typeof value}`);
}

/** The type a dynamic attribute's value is sent with. */
function inferType(value: Value): ValueType {
  if (typeof value === 'string') return { kind: 'string' };
  if (typeof value === 'number' || value instanceof Decimal) return { kind: 'number' };
  if (typeof value === 'boolean') return { kind: 'bool' };
  if (Array.isArray(value)) return { kind: 'tuple', elements: value.map(inferType) };
  if (isObjectValue(value)) {
    return { kind: 'object', attributes: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inferType(v)])) };
  }
  return { kind: 'dynamic' };
}

function asArray(raw: unknown): unknown[] {
  if (!Array.isArray(raw)) throw new TypeError(`expected an array, got ${typeof raw}`);
  return raw;
}

function asRecord(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TypeError(`expected a map, got ${typeof raw}`);
  return raw as Record<string, unknown>;
}

function toBytes(data: Uint8Array | ((pos: number) => Uint8Array)): Uint8Array {
  return typeof data === 'function' ? data(0) : Uint8Array.from(data);
}

function plainJson(value: unknown): unknown {
  if (value instanceof Decimal) return value.toNumber();
  if (Array.isArray(value)) return value.map(plainJson);
  if (isObjectValue(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v)]));
  return value;
}

/**
 * An object type's attributes as [name, type] pairs, worked out once per type: every value of a resource type is
 * decoded and encoded with the same type object.
 */
const entriesByType = new WeakMap<ValueType, [string, ValueType][]>();
function attributeEntries(type: ValueType & { kind: 'object' }): [string, ValueType][] {
  let entries = entriesByType.get(type);
  if (!entries) entriesByType.set(type, (entries = Object.entries(type.attributes)));
  return entries;
}
