/**
 * Metal list envelopes (`{<plural>: [...], meta}`) as pages, and walking every page by following meta.next
 * (or current_page < last_page when a server sends no next link).
 */
import { MetalError } from '../contract/errors';
import type { Meta } from '../contract/schemas';
import type { Query, Transport } from './transport';

export interface ListPage<T> {
  items: T[];
  /** Absent when the server does not paginate the list. */
  meta?: Meta;
}

/** Query parameters every list accepts. */
export type ListQuery = ReadOptions & {
  page?: number;
  /** Up to 100. */
  per_page?: number;
};

/** Expansion options of a read (type aliases, not interfaces, so they pass as transport queries). */
export type ReadOptions = {
  /** Related objects to expand, e.g. ['plan', 'project.organization']. */
  include?: readonly string[];
  /** Related objects to collapse to {href}. */
  exclude?: readonly string[];
};

export type PageFetcher<T> = (page: number) => Promise<ListPage<T>>;

/** GETs a list envelope and unwraps its `key` array. */
export async function getPage<T>(transport: Transport, key: string, path: string, query?: Query): Promise<ListPage<T>> {
  const envelope = await transport.get<Record<string, unknown>>(path, query);
  const items = envelope?.[key];
  if (!Array.isArray(items)) {
    throw new MetalError(
      'internal',
      `the server's answer to GET ${path} has no "${key}" list; is the base URL a metalforge /metal/v1 endpoint?`,
    );
  }
  return { items: items as T[], meta: envelope.meta as Meta | undefined };
}

/** The page number after `meta`, or undefined on the last page. */
export function nextPageNumber(meta: Meta | undefined): number | undefined {
  if (!meta) return undefined;
  if (meta.next) {
    const fromHref = Number(new URL(meta.next.href, 'http://metal.invalid').searchParams.get('page'));
    return Number.isInteger(fromHref) && fromHref > 0 ? fromHref : meta.current_page + 1;
  }
  return meta.current_page < meta.last_page ? meta.current_page + 1 : undefined;
}

/** Yields every item of every page, fetching pages lazily: `for await (const d of paginate((page) => ...))`. */
export async function* paginate<T>(fetchPage: PageFetcher<T>, firstPage = 1): AsyncGenerator<T, void, undefined> {
  const fetched = new Set<number>();
  for (let page: number | undefined = firstPage; page !== undefined;) {
    if (fetched.has(page)) {
      throw new MetalError('internal', `the server's pagination points back to page ${page}, which was already read`);
    }
    fetched.add(page);
    const result = await fetchPage(page);
    yield* result.items;
    page = nextPageNumber(result.meta);
  }
}

/** Every item of every page, in order. */
export async function listAll<T>(fetchPage: PageFetcher<T>, firstPage = 1): Promise<T[]> {
  const all: T[] = [];
  for await (const item of paginate(fetchPage, firstPage)) all.push(item);
  return all;
}

/**
 * Every item of every page, in order, for a reader that waits for the whole list anyway: the first page's
 * meta.last_page says how many pages there are, and the others are fetched together. A server whose first page
 * does not lead to page 2 of last_page is walked page by page.
 */
export async function listAllConcurrently<T>(fetchPage: PageFetcher<T>): Promise<T[]> {
  const first = await fetchPage(1);
  const next = nextPageNumber(first.meta);
  if (next === undefined) return first.items;
  const last = first.meta!.last_page;
  if (next !== 2 || !(last >= 2)) return [...first.items, ...(await listAll(fetchPage, next))];
  const rest = await Promise.all(Array.from({ length: last - 1 }, (_, i) => fetchPage(i + 2)));
  return [first, ...rest].flatMap((page) => page.items);
}
