/**
 * The rules a spot market bid follows, written once: the engine applies them on create and update, and the
 * provider at plan time, with the same wording.
 */

/** A request's bid and its limits: what an update may change. */
export interface BidLimits {
  devices_min: number;
  devices_max: number;
  max_bid_price: number;
  end_at?: string | null;
}

/**
 * The rules a bid follows on create and on update, one "field: problem; fix" per broken rule. `given` says which
 * fields the caller sent: a new end_at must be in the future, a stored one has already been checked, and a
 * count conflict names the count that was sent.
 */
export function bidProblems(bid: BidLimits, now: Date, given: (field: keyof BidLimits) => boolean): string[] {
  const problems: string[] = [];
  if (given('devices_min') && bid.devices_min < 1) problems.push('devices_min: must be at least 1');
  if (bid.devices_max < bid.devices_min) {
    problems.push(
      given('devices_max')
        ? `devices_max: must be at least devices_min (${bid.devices_min})`
        : `devices_min: must be at most devices_max (${bid.devices_max}); raise devices_max with it`,
    );
  }
  if (given('max_bid_price') && !(bid.max_bid_price > 0))
    problems.push('max_bid_price: must be greater than 0 (the most you pay per device-hour; you pay the market price)');
  if (given('end_at') && bid.end_at) {
    const endAt = new Date(bid.end_at).getTime();
    if (Number.isNaN(endAt)) problems.push('end_at: must be an RFC 3339 date-time such as "2026-12-01T00:00:00Z" (or null to clear it)');
    else if (endAt <= now.getTime()) problems.push('end_at: must be in the future');
  }
  return problems;
}
