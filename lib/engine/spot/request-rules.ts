/**
 * The rules a spot market request follows, as pure functions over the catalog: every problem of a request is
 * collected into one answer naming the field and the fix, worded by lib/contract. The API also runs them on a body
 * its schema refused, so that one answer lists the schema's problems and these together.
 */
import { bidBoundsProblems, bidProblems, type BidLimits } from '../../contract/bid-rules';
import { boundsProblem, problemAt } from '../../contract/bounds';
import { osNotOnPlan, planNotInMetro, planNotOnSpotMarket, unknownValue } from '../../contract/catalog-rules';
import { Hostname, type SpotMarketRequestCreateInput, type SpotMarketRequestUpdateInput } from '../../contract/schemas';
import type { MetroRow, PlanRow } from '../../store/catalog';
import type { World } from '../world';

export interface CheckedRequest {
  problems: string[];
  plan?: PlanRow;
  metro?: MetroRow;
}

/** Checks a new request against the catalog (plan on the spot market and in the metro, OS on the plan) and the bid rules. */
export function checkRequest(world: World, input: SpotMarketRequestCreateInput, now: Date): CheckedRequest {
  const params = input.instance_parameters ?? {};
  const problems: string[] = [];
  const plan = params.plan === undefined ? undefined : world.plan(params.plan);
  if (params.plan !== undefined && !plan)
    problems.push(problemAt('instance_parameters.plan', unknownValue('plan', params.plan, world.planSlugs())));
  else if (plan && !plan.deployment_types.includes('spot_market')) {
    const spot = [...world.plans.values()].filter((p) => p.deployment_types.includes('spot_market')).map((p) => p.slug);
    problems.push(problemAt('instance_parameters.plan', planNotOnSpotMarket(plan.slug, spot)));
  }
  let metro: MetroRow | undefined;
  if (input.metro) {
    metro = world.metro(input.metro);
    if (!metro) problems.push(problemAt('metro', unknownValue('metro', input.metro, world.metroCodes())));
  } else if (input.facilities) {
    const facility = world.facility(input.facilities[0]);
    if (!facility)
      problems.push(
        problemAt(
          'facilities',
          `${unknownValue('facility', input.facilities[0], world.facilityCodes())}; or give metro instead (facilities is deprecated)`,
        ),
      );
    else metro = world.metros.get(facility.metro_id);
  } else problems.push('metro: is required (or facilities); give a metro code such as "ny"');
  if (plan && metro && !world.planMetros.get(plan.id)?.has(metro.id)) {
    const plansThere = world.plansIn(metro.id).map((p) => p.slug);
    problems.push(problemAt('metro', planNotInMetro(plan.slug, metro.code, plansThere, world.metrosOffering(plan))));
  }
  problems.push(...bidBoundsProblems(input), ...bidProblems(input, now, () => true));
  const os = params.operating_system === undefined ? undefined : world.os(params.operating_system);
  if (params.operating_system !== undefined && !os)
    problems.push(
      problemAt('instance_parameters.operating_system', unknownValue('operating system', params.operating_system, world.osSlugs())),
    );
  else if (os && plan && !world.osAllowsPlan(os, plan))
    problems.push(problemAt('instance_parameters.operating_system', osNotOnPlan(os.slug, plan.slug, os.provisionable_on)));
  const hostnames: [string, unknown][] = [
    ['instance_parameters.hostname', params.hostname],
    ...(params.hostnames ?? []).map((h, i): [string, unknown] => [`instance_parameters.hostnames[${i}]`, h]),
  ];
  for (const [field, hostname] of hostnames) {
    const problem = hostname === undefined ? undefined : boundsProblem(Hostname, hostname);
    if (problem) problems.push(problemAt(field, problem));
  }
  const devicesMax = input.devices_max;
  if (params.hostnames && devicesMax !== undefined && params.hostnames.length < devicesMax)
    problems.push(`instance_parameters.hostnames: give at least devices_max (${devicesMax}) hostnames, or one hostname`);
  return { problems, plan, metro };
}

/** A request's bid as stored: what an update is checked against. */
export interface StoredBid {
  devices_min: number;
  devices_max: number;
  max_bid_price: number;
  end_at: Date | string | null;
  instance_parameters: { hostnames?: unknown };
}

/** The bid an update makes (fields left out keep their stored value; end_at null clears it) and what is wrong with it. */
export function checkUpdate(
  stored: StoredBid,
  input: SpotMarketRequestUpdateInput,
  now: Date,
): { bid: BidLimits & { end_at: string | null }; problems: string[] } {
  const bid = {
    devices_min: input.devices_min ?? stored.devices_min,
    devices_max: input.devices_max ?? stored.devices_max,
    max_bid_price: input.max_bid_price ?? stored.max_bid_price,
    end_at: input.end_at === undefined ? (stored.end_at ? new Date(stored.end_at).toISOString() : null) : input.end_at,
  };
  const given = (field: keyof BidLimits) => input[field] !== undefined;
  const problems = [...bidBoundsProblems(input, given), ...bidProblems(bid, now, given)];
  const hostnames = stored.instance_parameters.hostnames;
  if (input.devices_max !== undefined && Array.isArray(hostnames) && hostnames.length < bid.devices_max) {
    problems.push(
      `devices_max: at most ${hostnames.length}, the number of instance_parameters.hostnames (they cannot change; create a new request for more)`,
    );
  }
  return { bid, problems };
}
