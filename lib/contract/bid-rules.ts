/**
 * The rules a spot market bid follows, written once. Each field's own bounds are its schema node here: the
 * request schemas are built from them (ajv enforces them, the OpenAPI document shows them) and the provider and the
 * constructs check the same nodes with `boundsProblem`. What a schema cannot say (one field against another, an
 * end in the future) is `bidProblems`, which the engine applies on create and update and the provider at plan time.
 */
import { Type } from '@sinclair/typebox';
import { boundsProblem, problemAt } from './bounds';

/** The bid fields' schema nodes: the one place their bounds are written. */
export const BID_FIELDS = {
  devices_min: Type.Integer({ minimum: 1, description: 'the fewest devices the request is to run' }),
  devices_max: Type.Integer({ minimum: 1, description: 'the most devices the request is to run' }),
  max_bid_price: Type.Number({ exclusiveMinimum: 0, description: 'the most you pay per device-hour; you pay the market price' }),
};

/** A request's bid and its limits: what an update may change. */
export interface BidLimits {
  devices_min: number;
  devices_max: number;
  max_bid_price: number;
  end_at?: string | null;
}

/** How a layer names the bid fields (the API and the provider: as they are; the constructs: camelCase). */
export type BidFieldNames = Record<keyof BidLimits, string>;
const API_NAMES: BidFieldNames = {
  devices_min: 'devices_min',
  devices_max: 'devices_max',
  max_bid_price: 'max_bid_price',
  end_at: 'end_at',
};

/**
 * Each given bid field against its own bounds (BID_FIELDS), worded as the API words its schema's errors: what the
 * provider and the constructs check before sending, and the engine for callers that bypass the API's schema.
 */
export function bidBoundsProblems(
  bid: Partial<Record<keyof typeof BID_FIELDS, unknown>>,
  given: (field: keyof typeof BID_FIELDS) => boolean = () => true,
  names: BidFieldNames = API_NAMES,
): string[] {
  return (Object.keys(BID_FIELDS) as (keyof typeof BID_FIELDS)[]).flatMap((field) => {
    const problem = given(field) ? boundsProblem(BID_FIELDS[field], bid[field]) : undefined;
    return problem ? [problemAt(names[field], problem)] : [];
  });
}

/** devices_max below devices_min, worded about the field that was sent (`changed`). */
export function devicesMaxBelowMin(
  bid: Pick<BidLimits, 'devices_min' | 'devices_max'>,
  changed: 'devices_min' | 'devices_max',
  names = API_NAMES,
): string {
  return changed === 'devices_max'
    ? problemAt(names.devices_max, `must be at least ${names.devices_min} (${bid.devices_min})`)
    : problemAt(names.devices_min, `must be at most ${names.devices_max} (${bid.devices_max}); raise ${names.devices_max} with it`);
}

/** An end that has passed. */
export const endAtPassed = (names = API_NAMES): string => problemAt(names.end_at, 'must be in the future');

/**
 * The rules a bid follows beyond each field's bounds, on create and on update, one "field: problem; fix" per broken
 * rule; the counts are compared only when each is within its bounds. `given` says which fields the caller sent: a new end_at must be in the future (a stored one has already
 * been checked), and a count conflict names the count that was sent. An end_at that is not a time is its schema's
 * business and is skipped here.
 */
export function bidProblems(
  bid: BidLimits,
  now: Date,
  given: (field: keyof BidLimits) => boolean,
  names: BidFieldNames = API_NAMES,
): string[] {
  const problems: string[] = [];
  const countsInBounds = !boundsProblem(BID_FIELDS.devices_min, bid.devices_min) && !boundsProblem(BID_FIELDS.devices_max, bid.devices_max);
  if (countsInBounds && bid.devices_max < bid.devices_min)
    problems.push(devicesMaxBelowMin(bid, given('devices_max') ? 'devices_max' : 'devices_min', names));
  if (given('end_at') && bid.end_at) {
    const endAt = new Date(bid.end_at).getTime();
    if (!Number.isNaN(endAt) && endAt <= now.getTime()) problems.push(endAtPassed(names));
  }
  return problems;
}
