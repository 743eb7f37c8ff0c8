/**
 * DeviceReader, the refresh reads of metal_device: the first read of a project is one GET, later ones come from
 * the project's device list (its first page, then every other page at once), and what the list lacks is a GET.
 */
import { listAll, listAllConcurrently, type MetalClient } from '../../../lib/client';
import { MetalError } from '../../../lib/contract/errors';
import type { Device } from '../../../lib/contract/schemas';
import { DeviceReader } from '../../../lib/provider/resources/device-reader';

const PROJECT = 'p1';
const device = (i: number) => ({ id: `d${i}`, hostname: `h${i}` }) as unknown as Device;

/** A fake API over `count` devices, 100 a page, recording each call. */
function fakeApi(count: number, options: { listFails?: boolean } = {}) {
  const calls: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const api = {
    devices: {
      async get(id: string) {
        calls.push(`get ${id}`);
        if (!/^d\d+$/.test(id) || Number(id.slice(1)) >= count + 1) throw new MetalError('not_found', `device ${id} not found`);
        return device(Number(id.slice(1)));
      },
      async list(projectId: string, query: { page: number; per_page: number }) {
        calls.push(`list ${projectId} page ${query.page}`);
        if (options.listFails) throw new MetalError('forbidden', 'no');
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        const start = (query.page - 1) * query.per_page;
        const items = Array.from({ length: Math.max(0, Math.min(query.per_page, count - start)) }, (_, i) => device(start + i));
        return { items, meta: { current_page: query.page, last_page: Math.max(1, Math.ceil(count / query.per_page)), total: count } };
      },
    },
    // The client's own pagination helpers: only the HTTP side is faked.
    listAll,
    listAllConcurrently,
  };
  return { api: api as unknown as MetalClient, calls, mostInFlight: () => mostInFlight };
}

describe('DeviceReader', () => {
  it('reads the first device with a GET, then every page of the list (pages after the first together)', async () => {
    const { api, calls, mostInFlight } = fakeApi(250);
    const reader = new DeviceReader(api);
    expect(await reader.read('d7', PROJECT)).toMatchObject({ id: 'd7' });
    const [a, b] = await Promise.all([reader.read('d120', PROJECT), reader.read('d249', PROJECT)]);
    expect([a?.id, b?.id]).toEqual(['d120', 'd249']);
    expect(calls).toEqual(['get d7', `list ${PROJECT} page 1`, `list ${PROJECT} page 2`, `list ${PROJECT} page 3`]);
    expect(mostInFlight()).toBe(2);
  });

  it('reads a device the list lacks on its own, and reports a missing one as undefined', async () => {
    const { api, calls } = fakeApi(3);
    const reader = new DeviceReader(api);
    await reader.read('d0', PROJECT);
    expect(await reader.read('d3', PROJECT)).toMatchObject({ id: 'd3' });
    expect(await reader.read('d9', PROJECT)).toBeUndefined();
    expect(calls).toEqual(['get d0', `list ${PROJECT} page 1`, 'get d3', 'get d9']);
  });

  it('falls back to one GET a device when the list cannot be read', async () => {
    const { api, calls } = fakeApi(5, { listFails: true });
    const reader = new DeviceReader(api);
    for (const id of ['d0', 'd1', 'd2']) expect(await reader.read(id, PROJECT)).toMatchObject({ id });
    expect(calls).toEqual(['get d0', `list ${PROJECT} page 1`, 'get d1', 'get d2']);
  });
});
