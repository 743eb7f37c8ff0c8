/**
 * Catalog rules that the engine, the provider and the constructs all apply, written once: sizes in plan specs,
 * which operating systems run on which plans, and the "did you mean" hint for a value that is not in the catalog.
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

/** `did you mean "x" or "y"? (valid values: …)`, or only the valid values when none is close. */
export function suggestion(value: string, candidates: readonly string[]): string {
  const close = closest(value, candidates).map((c) => JSON.stringify(c));
  const valid = `valid values: ${candidates.join(', ')}`;
  return close.length ? `did you mean ${close.join(' or ')}? (${valid})` : valid;
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
