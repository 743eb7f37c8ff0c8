/** Metal pagination (`page`, `per_page` ≤ 100, `meta` hrefs) and `include` / `exclude` shaping. */
import type { Meta } from '../contract/schemas';

export interface PageParams {
  page: number;
  perPage: number;
}

export function pageParams(query: { page?: number; per_page?: number }): PageParams {
  return { page: query.page ?? 1, perPage: query.per_page ?? 10 };
}

export function buildMeta(url: string, page: PageParams, total: number): Meta {
  const [path, search = ''] = url.split('?');
  const lastPage = Math.max(1, Math.ceil(total / page.perPage));
  const link = (n: number) => {
    const params = new URLSearchParams(search);
    params.set('page', String(n));
    params.set('per_page', String(page.perPage));
    return { href: `${path}?${params.toString()}` };
  };
  const meta: Meta = { first: link(1), last: link(lastPage), self: link(page.page), total, current_page: page.page, last_page: lastPage };
  if (page.page > 1) meta.previous = link(Math.min(page.page - 1, lastPage));
  if (page.page < lastPage) meta.next = link(page.page + 1);
  return meta;
}

export const splitList = (value?: string): string[] =>
  value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

/** Drops top-level fields named in `exclude` (Metal's way to shrink responses). */
export function excludeFields<T extends object>(item: T, exclude: string[]): T {
  if (!exclude.length) return item;
  const copy = { ...item } as Record<string, unknown>;
  for (const field of exclude) if (field !== 'id' && field !== 'href') delete copy[field];
  return copy as T;
}
