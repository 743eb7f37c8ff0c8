/**
 * The filter and sort blocks of list data sources (metal_plans, metal_devices), with the equinix provider's
 * semantics: a filter keeps items whose attribute matches any of `values` (every one with `all = true`; for list
 * attributes, an element must match), by `match_by` exact (default), in, substring or a numeric comparison.
 */
import { createHash } from 'node:crypto';
import type { Attr, AttributePath, BaseContext, Value, ValueObject } from '../framework';
import type { MetalPlansDataSourceModel } from '../generated/models';
import { bool, str, strings } from '../resources/support';

/** The equinix provider's numeric modes, plus metalforge's inclusive `at_least` / `at_most` (used by HardwarePlan). */
const COMPARE: Record<string, (item: number, value: number) => boolean> = {
  less_than: (a, b) => a < b,
  less_than_or_equal: (a, b) => a <= b,
  at_most: (a, b) => a <= b,
  greater_than: (a, b) => a > b,
  more_than: (a, b) => a > b,
  greater_than_or_equal: (a, b) => a >= b,
  at_least: (a, b) => a >= b,
};
const MATCH_BY = ['exact', 'in', 'substring', ...Object.keys(COMPARE)];

interface Filter {
  attribute: string;
  values: string[];
  matchBy: string;
  all: boolean;
}

/** The filter and sort blocks, the same in every list data source's schema. */
type ListQuery = Pick<MetalPlansDataSourceModel, 'filter' | 'sort'>;

const blocks = <T>(value: Attr<T[]>): T[] => (Array.isArray(value) ? value : []);

/** Checks filter and sort blocks against the attributes an item has. */
export function validateListQuery(config: ListQuery, itemAttributes: readonly string[], ctx: BaseContext): void {
  const unknownAttribute = (path: AttributePath, name: string | undefined) => {
    if (name !== undefined && !itemAttributes.includes(name))
      ctx.diagnostics.error(
        'Unknown attribute',
        `"${name}" is not an attribute of the items; use one of ${itemAttributes.join(', ')}.`,
        path,
      );
  };
  blocks(config.filter).forEach((filter, i) => {
    unknownAttribute(['filter', i, 'attribute'], str(filter.attribute));
    const matchBy = str(filter.match_by);
    if (matchBy !== undefined && !MATCH_BY.includes(matchBy))
      ctx.diagnostics.error('Invalid match_by', `"${matchBy}" is not a match mode; use ${MATCH_BY.join(', ')}.`, ['filter', i, 'match_by']);
    if (matchBy !== undefined && COMPARE[matchBy] && (strings(filter.values) ?? []).some((v) => Number.isNaN(Number(v)))) {
      ctx.diagnostics.error('Invalid filter values', `match_by = "${matchBy}" compares numbers; give numeric values.`, [
        'filter',
        i,
        'values',
      ]);
    }
  });
  blocks(config.sort).forEach((sort, i) => {
    unknownAttribute(['sort', i, 'attribute'], str(sort.attribute));
    const direction = str(sort.direction);
    if (direction !== undefined && direction !== 'asc' && direction !== 'desc')
      ctx.diagnostics.error('Invalid sort direction', 'direction must be "asc" or "desc".', ['sort', i, 'direction']);
  });
}

function matchesOne(item: Value, wanted: string, matchBy: string): boolean {
  if (item === null || typeof item === 'object') return false;
  const text = String(item);
  const compare = COMPARE[matchBy];
  if (compare) return typeof item === 'number' && compare(item, Number(wanted));
  if (matchBy === 'substring') return text.toLowerCase().includes(wanted.toLowerCase());
  return text === wanted;
}

function matches(item: ValueObject, filter: Filter): boolean {
  const value = item[filter.attribute] ?? null;
  const elements = Array.isArray(value) ? value : [value];
  const hit = (wanted: string) => elements.some((element) => matchesOne(element, wanted, filter.matchBy));
  return filter.all ? filter.values.every(hit) : filter.values.some(hit);
}

function compareValues(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

/** The items that pass every filter block, ordered by the sort blocks (the first is the primary order). */
export function applyListQuery<T extends ValueObject>(items: T[], config: ListQuery): T[] {
  const filters: Filter[] = blocks(config.filter).map((f) => ({
    attribute: str(f.attribute)!,
    values: strings(f.values) ?? [],
    matchBy: str(f.match_by) ?? 'exact',
    all: bool(f.all) ?? false,
  }));
  const sorts = blocks(config.sort).map((s) => ({ attribute: str(s.attribute)!, sign: str(s.direction) === 'desc' ? -1 : 1 }));
  const kept = items.filter((item) => filters.every((filter) => matches(item, filter)));
  return kept.sort((a, b) => {
    for (const { attribute, sign } of sorts) {
      const order = compareValues(a[attribute] ?? null, b[attribute] ?? null);
      if (order !== 0) return order * sign;
    }
    return 0;
  });
}

/** A stable id for a data source result: the query that produced it. */
export function queryId(config: ValueObject): string {
  return createHash('sha256')
    .update(JSON.stringify({ filter: config.filter ?? null, sort: config.sort ?? null }))
    .digest('hex')
    .slice(0, 16);
}
