import { MetalError, listAll, listAllConcurrently, paginate, type ListPage } from '../../lib/client';
import { nextPageNumber } from '../../lib/client/pagination';
import type { Meta } from '../../lib/contract/schemas';
import { harness, isolateNetwork, rejectionOf } from './harness';

isolateNetwork();

const PROJECT = 'p1';
const href = (page: number) => ({ href: `/metal/v1/projects/${PROJECT}/devices?page=${page}&per_page=2` });

function meta(page: number, lastPage: number, total: number, withLinks = true): Meta {
  return {
    first: href(1),
    last: href(lastPage),
    self: href(page),
    ...(withLinks && page > 1 ? { previous: href(page - 1) } : {}),
    ...(withLinks && page < lastPage ? { next: href(page + 1) } : {}),
    total,
    current_page: page,
    last_page: lastPage,
  };
}

const device = (n: number) => ({ id: `d${n}`, hostname: `node-${n}` });

describe('listAll', () => {
  it('reads all three pages of devices by following meta.next, in order', async () => {
    const { client, api } = harness();
    const pages = [[device(1), device(2)], [device(3), device(4)], [device(5)]];
    pages.forEach((devices, i) => {
      api
        .get(`/metal/v1/projects/${PROJECT}/devices`)
        .query({ page: String(i + 1), per_page: '2', state: 'active' })
        .reply(200, { devices, meta: meta(i + 1, 3, 5) });
    });
    const all = await client.listAll((page) => client.devices.list(PROJECT, { page, per_page: 2, state: 'active' }));
    expect(all.map((d) => d.id)).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
  });

  it('follows last_page when the server sends no next link', async () => {
    const fetched: number[] = [];
    const fetchPage = async (page: number): Promise<ListPage<number>> => {
      fetched.push(page);
      return { items: [page * 10], meta: meta(page, 3, 3, false) };
    };
    await expect(listAll(fetchPage)).resolves.toEqual([10, 20, 30]);
    expect(fetched).toEqual([1, 2, 3]);
  });

  it('reads a list without meta as a single page', async () => {
    const { client, api } = harness();
    api
      .get('/metal/v1/locations/metros')
      .query({ page: '1' })
      .reply(200, { metros: [{ code: 'ny' }, { code: 'am' }] });
    const all = await listAll((page) => client.metros.list({ page }));
    expect(all).toEqual([{ code: 'ny' }, { code: 'am' }]);
  });

  it('fails instead of looping when next points back to a page already read', async () => {
    const fetchPage = async (page: number): Promise<ListPage<string>> => ({ items: ['x'], meta: { ...meta(page, 3, 6), next: href(1) } });
    const err = await rejectionOf(listAll(fetchPage));
    expect(err).toBeInstanceOf(MetalError);
    expect(err.message).toContain('points back to page 1');
  });
});

describe('listAllConcurrently', () => {
  it('fetches the pages after the first together and returns the items in page order', async () => {
    const requested: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetchPage = async (page: number): Promise<ListPage<number>> => {
      requested.push(page);
      // Page 2 answers only after page 4 was asked for: the pages are in flight together.
      if (page === 2) await gate;
      if (page === 4) release();
      return { items: [page * 10, page * 10 + 1], meta: meta(page, 4, 8) };
    };
    await expect(listAllConcurrently(fetchPage)).resolves.toEqual([10, 11, 20, 21, 30, 31, 40, 41]);
    expect(requested).toEqual([1, 2, 3, 4]);
  });

  it('reads a single page once, and walks a server whose first page does not lead to page 2', async () => {
    const single = jest.fn(async (): Promise<ListPage<string>> => ({ items: ['only'] }));
    await expect(listAllConcurrently(single)).resolves.toEqual(['only']);
    expect(single).toHaveBeenCalledTimes(1);
    const fetched: number[] = [];
    const odd = async (page: number): Promise<ListPage<number>> => {
      fetched.push(page);
      return { items: [page], meta: { ...meta(page, 5, 3), next: page === 1 ? href(3) : page === 3 ? href(5) : undefined } };
    };
    await expect(listAllConcurrently(odd)).resolves.toEqual([1, 3, 5]);
    expect(fetched).toEqual([1, 3, 5]);
  });
});

describe('paginate', () => {
  it('fetches pages lazily: stopping early leaves later pages unread', async () => {
    const fetched: number[] = [];
    const fetchPage = async (page: number): Promise<ListPage<string>> => {
      fetched.push(page);
      return { items: [`${page}a`, `${page}b`], meta: meta(page, 3, 6) };
    };
    const seen: string[] = [];
    for await (const item of paginate(fetchPage)) {
      seen.push(item);
      if (item === '2a') break;
    }
    expect(seen).toEqual(['1a', '1b', '2a']);
    expect(fetched).toEqual([1, 2]);
  });
});

describe('nextPageNumber', () => {
  it('prefers the page in meta.next, then current_page + 1 up to last_page', () => {
    expect(nextPageNumber({ ...meta(1, 9, 90), next: { href: '/metal/v1/events?per_page=10&page=4' } })).toBe(4);
    expect(nextPageNumber({ ...meta(2, 9, 90), next: { href: '/metal/v1/events?cursor=abc' } })).toBe(3);
    expect(nextPageNumber(meta(3, 3, 6))).toBeUndefined();
    expect(nextPageNumber(undefined)).toBeUndefined();
  });
});

describe('list envelopes', () => {
  it('says so when the answer has no list under the expected key', async () => {
    const { client, api } = harness();
    api.get('/metal/v1/plans').reply(200, { message: 'hello from some other service' });
    const err = await rejectionOf(client.plans.list());
    expect(err.message).toContain('has no "plans" list');
  });
});
