import { decode, encode, ExtData } from '@msgpack/msgpack';
import { blockType, typeFromCty, type BlockJson } from '../../../lib/provider/framework/schema';
import { Decimal, Unknown, isUnknown, valuesEqual } from '../../../lib/provider/framework/values';
import { decodeDynamicValue, decodeJsonValue, encodeDynamicValue } from '../../../lib/provider/protocol/dynamic-value';

const block: BlockJson = {
  attributes: {
    id: { type: 'string', computed: true },
    name: { type: 'string', required: true },
    count: { type: 'number', optional: true },
    enabled: { type: 'bool', optional: true },
    tags: { type: ['map', 'string'], optional: true },
    ports: { type: ['set', 'number'], optional: true },
    extra: { type: 'dynamic', optional: true },
  },
  block_types: {
    disk: { nesting_mode: 'list', block: { attributes: { label: { type: 'string', required: true } } } },
    network: { nesting_mode: 'single', block: { attributes: { vlan: { type: 'number', optional: true } } } },
    labels: { nesting_mode: 'set', block: { attributes: { key: { type: 'string', required: true } } } },
  },
};
const type = blockType(block);
const wire = (bytes: Uint8Array) => ({ msgpack: Buffer.from(bytes) });
// Decodes what the codec wrote without interpreting any extension type (the stock codec maps -1 to Date).
const keepExtensions = { tryToEncode: () => null, decode: (data: Uint8Array, extType: number) => new ExtData(extType, data) };
const raw = (value: { msgpack: Buffer }) =>
  decode(value.msgpack, { useBigInt64: true, extensionCodec: keepExtensions }) as Record<string, unknown>;

describe('msgpack DynamicValue', () => {
  it('encodes every schema attribute, with explicit nulls and empty collections for absent nested blocks', () => {
    const encoded = raw(encodeDynamicValue({ name: 'a' }, type));
    expect(Object.keys(encoded).sort()).toEqual(['count', 'disk', 'enabled', 'extra', 'id', 'labels', 'name', 'network', 'ports', 'tags']);
    expect(encoded).toMatchObject({ id: null, name: 'a', count: null, tags: null, network: null, disk: [], labels: [] });
  });

  it('round-trips nested blocks, maps and sets', () => {
    const value = {
      id: 'x',
      name: 'n',
      count: 3,
      enabled: true,
      tags: { env: 'prod' },
      ports: [22, 443],
      extra: null,
      disk: [{ label: 'root' }, { label: 'data' }],
      network: { vlan: 1000 },
      labels: [{ key: 'a' }],
    };
    expect(decodeDynamicValue(encodeDynamicValue(value, type), type)).toEqual(value);
  });

  it('fills attributes missing on the wire with null', () => {
    const decoded = decodeDynamicValue(wire(encode({ name: 'only' })), type);
    expect(decoded).toMatchObject({ name: 'only', id: null, network: null, disk: null });
  });

  it('decodes extension type 0 as unknown and encodes unknown as d4 00 00', () => {
    const decoded = decodeDynamicValue(wire(encode({ id: new ExtData(0, new Uint8Array(1)), name: 'a' })), type) as Record<string, unknown>;
    expect(isUnknown(decoded.id)).toBe(true);
    expect(encodeDynamicValue(new Unknown(), { kind: 'string' }).msgpack).toEqual(Buffer.from([0xd4, 0x00, 0x00]));
  });

  it('treats refined unknowns (type 12) and any other extension type as unknown and re-encodes them byte for byte', () => {
    const refinement = encode(new Map<number, unknown>([[2, 'prefix-']]));
    const input = wire(encode({ id: new ExtData(12, refinement), name: new ExtData(-1, new Uint8Array([1, 2, 3, 4])) }));
    const decoded = decodeDynamicValue(input, type) as Record<string, Unknown>;
    expect(decoded.id).toBeInstanceOf(Unknown);
    expect(decoded.name).toBeInstanceOf(Unknown); // -1 is msgpack's timestamp type; it must not become a Date
    const reencoded = raw(encodeDynamicValue(decoded, type));
    expect(reencoded.id).toEqual(new ExtData(12, refinement));
    expect(reencoded.name).toEqual(new ExtData(-1, new Uint8Array([1, 2, 3, 4])));
  });

  it('keeps numbers beyond float64 exact in both directions', () => {
    const numberType = typeFromCty('number');
    const uint64Max = decodeDynamicValue(wire(encode(18446744073709551615n, { useBigInt64: true })), numberType);
    expect(uint64Max).toEqual(new Decimal('18446744073709551615'));
    const huge = decodeDynamicValue(wire(encode('123456789012345678901234567890.5')), numberType);
    expect(huge).toEqual(new Decimal('123456789012345678901234567890.5'));
    expect(decode(encodeDynamicValue(huge, numberType).msgpack)).toBe('123456789012345678901234567890.5');
    expect(decode(encodeDynamicValue(uint64Max, numberType).msgpack, { useBigInt64: true })).toBe(18446744073709551615n);
    expect(decodeDynamicValue(wire(encode(1.5)), numberType)).toBe(1.5);
    expect(decodeDynamicValue(wire(encode(42)), numberType)).toBe(42);
    expect(valuesEqual(new Decimal('42'), 42)).toBe(true);
    expect(valuesEqual(new Decimal('18446744073709551615'), new Decimal('18446744073709551616'))).toBe(false);
  });

  it('reads numbers Terraform sends as float64, integers or decimal text, and sends fractions as their decimal text', () => {
    const numberType = typeFromCty('number');
    // What Terraform sends for max_bid_price = price * 3 when the price reached it as a float64.
    const product = '0.3000000000000000166533453693773481063544750213623046875';
    expect(decodeDynamicValue(wire(encode(product)), numberType)).toEqual(new Decimal(product));
    expect(decode(encodeDynamicValue(new Decimal(product), numberType).msgpack)).toBe(product);
    // Short decimal text (a literal 0.2 or 0.1 * 2 computed in decimal) is read as the float64 and sent back as the same text.
    expect(decodeDynamicValue(wire(encode('0.2')), numberType)).toBe(0.2);
    expect(decode(encodeDynamicValue(0.2, numberType).msgpack)).toBe('0.2');
    expect(decodeDynamicValue(wire(encode(0.1)), numberType)).toBe(0.1);
    expect(decode(encodeDynamicValue(0.30000000000000004, numberType).msgpack)).toBe('0.30000000000000004');
    expect(decode(encodeDynamicValue(1e-7, numberType).msgpack)).toBe('1e-7');
    // Integers stay msgpack integers.
    expect(decode(encodeDynamicValue(3, numberType).msgpack)).toBe(3);
    expect(decode(encodeDynamicValue(-2, numberType).msgpack)).toBe(-2);
  });

  it('encodes dynamic values as [type JSON, value] and decodes them back', () => {
    const encoded = raw(encodeDynamicValue({ name: 'a', extra: { list: ['x'] } }, type));
    const [typeBytes, value] = encoded.extra as [Uint8Array, unknown];
    expect(JSON.parse(Buffer.from(typeBytes).toString())).toEqual(['object', { list: ['tuple', ['string']] }]);
    expect(value).toEqual({ list: ['x'] });
    expect((decodeDynamicValue(encodeDynamicValue({ extra: 'v' }, type), type) as Record<string, unknown>).extra).toBe('v');
  });

  it('decodes an empty DynamicValue as null', () => {
    expect(decodeDynamicValue({ msgpack: Buffer.alloc(0), json: Buffer.alloc(0) }, type)).toBeNull();
  });
});

describe('JSON DynamicValue', () => {
  it('decodes typed JSON with exact big numbers and dynamic {type, value} wrappers', () => {
    const json = Buffer.from(
      '{"name":"j","count":123456789012345678901234,"ports":[1,2],"extra":{"type":"string","value":"dyn"},"disk":[{"label":"l"}],"network":null}',
    );
    const decoded = decodeDynamicValue({ json }, type) as Record<string, unknown>;
    expect(decoded.count).toEqual(new Decimal('123456789012345678901234'));
    expect(decoded).toMatchObject({ name: 'j', ports: [1, 2], extra: 'dyn', disk: [{ label: 'l' }], network: null, id: null });
  });

  it('parses untyped raw state JSON keeping precision and rejecting garbage', () => {
    expect(decodeJsonValue(Buffer.from('{"a":[1,2.5,-3e2],"b":9007199254740993,"c":"\\u00e9","d":true}'))).toEqual({
      a: [1, 2.5, -300],
      b: new Decimal('9007199254740993'),
      c: 'é',
      d: true,
    });
    expect(() => decodeJsonValue(Buffer.from('{"a":}'))).toThrow(/invalid JSON/);
  });

  it('reads a raw state of short numbers exactly too, and keeps "__proto__" an own key', () => {
    const raw = decodeJsonValue(Buffer.from('{"n":[0.1,-0,1e21,123456789012345],"__proto__":{"x":1},"s":"abc-123"}')) as Record<
      string,
      unknown
    >;
    expect(raw).toEqual({ n: [0.1, -0, 1e21, 123456789012345], s: 'abc-123', ['__proto__']: { x: 1 } });
    expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
    expect(Object.keys(raw)).toEqual(['n', '__proto__', 's']);
    // Numbers that only a long digit run can carry stay exact wherever they are.
    expect(decodeJsonValue(Buffer.from('{"big":[12345678901234567,1.2345678901234567e400]}'))).toEqual({
      big: [new Decimal('12345678901234567'), new Decimal('1.2345678901234567e400')],
    });
  });
});
