/**
 * A bound is written once, in a schema node, and read the same everywhere: ajv's error for it, worded by the API,
 * is the sentence `boundsProblem` gives the provider and the constructs for the same value.
 */
import Ajv from 'ajv';
import { Type } from '@sinclair/typebox';
import { describeValidationError, type AjvError } from '../../lib/api/errors';
import { BID_FIELDS, bidBoundsProblems, bidProblems } from '../../lib/contract/bid-rules';
import { boundsProblem, type Bounds } from '../../lib/contract/bounds';
import { Hostname, Tags } from '../../lib/contract/schemas';

const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });

/** The API's sentence for `value` in a field `name` of schema `node`, or undefined when ajv accepts it. */
function apiSentence(name: string, node: Bounds, value: unknown): string | undefined {
  const validate = ajv.compile(Type.Object({ [name]: node as never }));
  if (validate({ [name]: value })) return undefined;
  return describeValidationError((validate.errors as AjvError[])[0], 'body');
}

describe('bounds: one schema node, one sentence', () => {
  test.each([
    ['devices_min', BID_FIELDS.devices_min, [0, -3, 1.5, 1, 7]],
    ['devices_max', BID_FIELDS.devices_max, [0, 2.5, 1]],
    ['max_bid_price', BID_FIELDS.max_bid_price, [0, -0.1, 0.01, 3]],
    ['hostname', Hostname, ['ok', '-bad-', 'a'.repeat(64), 'web-1.example']],
    ['tag', Tags.items as Bounds, ['x', 'y'.repeat(81)]],
  ] as [string, Bounds, unknown[]][])('%s: ajv (as the API words it) and boundsProblem agree', (name, node, values) => {
    for (const value of values) {
      const client = boundsProblem(node, value);
      expect({ value, api: apiSentence(name, node, value) }).toEqual({
        value,
        api: client === undefined ? undefined : `${name}: ${client}`,
      });
    }
  });

  test('the bid bounds are in the schema: what the OpenAPI document shows', () => {
    expect(BID_FIELDS.devices_min).toMatchObject({ type: 'integer', minimum: 1 });
    expect(BID_FIELDS.devices_max).toMatchObject({ type: 'integer', minimum: 1 });
    expect(BID_FIELDS.max_bid_price).toMatchObject({ type: 'number', exclusiveMinimum: 0 });
  });

  test('bidBoundsProblems words each given field in the caller’s names; bidProblems keeps only the cross-field rules', () => {
    const names = { devices_min: 'devicesMin', devices_max: 'devicesMax', max_bid_price: 'maxBidPrice', end_at: 'endAt' };
    expect(bidBoundsProblems({ devices_min: 0, devices_max: 2, max_bid_price: 0 }, () => true, names)).toEqual([
      'devicesMin: must be at least 1',
      'maxBidPrice: must be greater than 0',
    ]);
    expect(bidBoundsProblems({ devices_min: 0 }, (field) => field !== 'devices_min')).toEqual([]);
    const now = new Date('2026-06-01T00:00:00Z');
    const bid = { devices_min: 3, devices_max: 2, max_bid_price: 0, end_at: '2026-01-01T00:00:00Z' };
    expect(bidProblems(bid, now, () => true)).toEqual(['devices_max: must be at least devices_min (3)', 'end_at: must be in the future']);
    expect(bidProblems(bid, now, (field) => field === 'devices_min')).toEqual([
      'devices_min: must be at most devices_max (2); raise devices_max with it',
    ]);
    // Counts out of their own bounds are the bounds' problem, not compared.
    expect(bidProblems({ ...bid, devices_min: 0, devices_max: -1 }, now, () => false)).toEqual([]);
  });

  test('the API names a list entry as the engine does: tags[1], not tags.1', () => {
    const validate = ajv.compile(Type.Object({ tags: Tags }));
    expect(validate({ tags: ['ok', 'y'.repeat(81)] })).toBe(false);
    expect(describeValidationError((validate.errors as AjvError[])[0], 'body')).toBe('tags[1]: must be at most 80 characters long');
  });
});
