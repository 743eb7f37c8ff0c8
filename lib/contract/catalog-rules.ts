/**
 * Catalog rules that the engine, the provider and the constructs all apply, written once: sizes in plan specs,
 * which operating systems run on which plans, the "did you mean" hint for a value that is not in the catalog, and
 * the sentences that say so. The API, the provider's diagnostics and the constructs' errors all word a catalog
 * mistake with these, so a user reads one sentence wherever it is caught (each layer puts its own field name
 * before it: "metro: ...", "operatingSystem: ...").
 */

/** A size in plan specs: decimal gigabytes or terabytes, e.g. "64GB", "3.8TB". */
export const SIZE_PATTERN = '^[0-9.]+(GB|TB)$';
const SIZE = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(GB|TB)\s*$/i;

/** "32GB" → 32, "3.8TB" → 3800 (decimal units, as plan specs are written); undefined when not a size. */
export function sizeInGigabytes(size: string): number | undefined {
  const match = SIZE.exec(size);
  if (!match) return undefined;
  const value = Number(match[1]);
  // Rounded to whole megabytes: "3.8TB" is 3800, not 3799.9999999999995.
  return match[2].toUpperCase() === 'TB' ? Math.round(value * 1e6) / 1e3 : value;
}

/** Whether an operating system whose catalog entry says `provisionableOn` installs on the plan `planSlug`. */
export function osRunsOnPlan(provisionableOn: readonly string[], planSlug: string): boolean {
  return provisionableOn.includes('*') || provisionableOn.includes(planSlug);
}

/**
 * The candidates close to `value`, closest first, at most three: a typo (small edit distance, ignoring case) or
 * one a prefix of the other ("nyc" → "ny").
 */
export function closest(value: string, candidates: Iterable<string>): string[] {
  const lower = value.toLowerCase();
  return [...candidates]
    .map((candidate) => ({ candidate, lowered: candidate.toLowerCase(), distance: editDistance(lower, candidate.toLowerCase()) }))
    .filter(
      ({ lowered, distance }) =>
        distance <= Math.max(1, Math.floor(lowered.length / 3)) || lowered.startsWith(lower) || lower.startsWith(lowered),
    )
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

/**
 * `did you mean "x" or "y"? (valid values: …)`, or only the valid values when none is close. The valid values are
 * sorted, so every layer lists them alike whatever order its catalog came in.
 */
export function suggestion(value: string, candidates: readonly string[]): string {
  const close = closest(value, candidates).map((c) => JSON.stringify(c));
  const valid = `valid values: ${listed(candidates)}`;
  return close.length ? `did you mean ${close.join(' or ')}? (${valid})` : valid;
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort((a, b) => a.localeCompare(b));
const listed = (values: Iterable<string>): string => sorted(values).join(', ') || 'none';

/** `unknown metro "nyc"; did you mean "ny"? (valid values: …)`: a value that is not in the catalog. */
export function unknownValue(what: string, value: string, validValues: readonly string[]): string {
  return `unknown ${what} ${JSON.stringify(value)}; ${suggestion(value, validValues)}`;
}

/** `g2.large.x86 is not offered in metro fr; plans there: …; metros offering g2.large.x86: …`. */
export function planNotInMetro(plan: string, metro: string, plansThere: Iterable<string>, metrosOffering: Iterable<string>): string {
  return `${plan} is not offered in metro ${metro}; plans there: ${listed(plansThere)}; metros offering ${plan}: ${listed(metrosOffering)}`;
}

/** `windows_2022 cannot be installed on plan c3.small.x86; it runs on c3.medium.x86, …; choose one of those or another operating system`. */
export function osNotOnPlan(os: string, plan: string, runsOn: Iterable<string>): string {
  return `${os} cannot be installed on plan ${plan}; it runs on ${listed(runsOn)}; choose one of those plans or another operating system`;
}

/** `g2.large.x86 is not offered on the spot market; spot market plans: …`. */
export function planNotOnSpotMarket(plan: string, spotPlans: Iterable<string>): string {
  return `${plan} is not offered on the spot market; spot market plans: ${listed(spotPlans)}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
