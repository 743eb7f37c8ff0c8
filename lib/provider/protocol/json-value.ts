/**
 * JSON parsing that keeps numbers exact: JSON.parse turns 12345678901234567890 into a float, Terraform's
 * JSON DynamicValues and raw states may carry such numbers. Numbers a float64 holds exactly stay numbers,
 * the rest become Decimals.
 */
import { exactNumber, type Value, type ValueObject } from '../framework/values';

/**
 * A number token with 16 or more digits, or an exponent of 3 digits, might not survive a float64. Text without
 * any (anywhere, strings included: a false alarm only costs speed) parses the same with JSON.parse, which is
 * many times faster than the exact parser below.
 */
const MAYBE_INEXACT = /[\d.]{16}|[eE][+-]?\d{3}/;

export function parseJsonExact(text: string): Value {
  if (!MAYBE_INEXACT.test(text)) {
    try {
      return JSON.parse(text) as Value;
    } catch {
      // Invalid text: the parser below says where, in its own words.
    }
  }
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`invalid JSON: ${what} at offset ${pos}`);
  };
  const skipSpace = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const parseValue = (): Value => {
    skipSpace();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const object: ValueObject = {};
      skipSpace();
      if (text[pos] === '}') return (pos++, object);
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') fail('expected a key');
        const key = parseString();
        skipSpace();
        if (text[pos++] !== ':') fail('expected ":"');
        Object.defineProperty(object, key, { value: parseValue(), enumerable: true, writable: true, configurable: true });
        skipSpace();
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') return (pos++, object);
        else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const array: Value[] = [];
      skipSpace();
      if (text[pos] === ']') return (pos++, array);
      for (;;) {
        array.push(parseValue());
        skipSpace();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') return (pos++, array);
        else fail('expected "," or "]"');
      }
    }
    if (c === '"') return parseString();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) return ((pos += word.length), value);
    }
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (!match) return fail('unexpected character');
    pos += match[0].length;
    return exactNumber(match[0]);
  };
  const parseString = (): string => {
    const start = pos;
    pos++;
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    if (pos >= text.length) fail('unterminated string');
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const value = parseValue();
  skipSpace();
  if (pos !== text.length) fail('trailing characters');
  return value;
}
