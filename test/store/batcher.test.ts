import { Batcher } from '../../lib/store/batcher';

describe('Batcher (group commit)', () => {
  it('gathers many submits into few flushes, one result per item in order', async () => {
    const flushes: number[][] = [];
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const batcher = new Batcher<number, number>(async (items) => {
      flushes.push(items);
      await gate; // the first flush is slow: later submits pile up for the next one
      return items.map((i) => i * 10);
    });
    const first = Array.from({ length: 10 }, (_, i) => batcher.submit(i));
    await new Promise((r) => setImmediate(r));
    const later = Array.from({ length: 90 }, (_, i) => batcher.submit(10 + i));
    release();
    gate = Promise.resolve();
    const results = await Promise.all([...first, ...later]);
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
    expect(flushes.length).toBeLessThanOrEqual(3);
    expect(flushes.flat()).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('submits in one tick share one flush', async () => {
    let flushes = 0;
    const batcher = new Batcher<string, string>(async (items) => {
      flushes++;
      return items.map((s) => s.toUpperCase());
    });
    expect(await Promise.all(['a', 'b', 'c'].map((s) => batcher.submit(s)))).toEqual(['A', 'B', 'C']);
    expect(flushes).toBe(1);
  });

  it('an Error in one slot rejects only that item', async () => {
    const batcher = new Batcher<number, number>(async (items) => items.map((i) => (i === 3 ? new Error(`item ${i} is bad`) : i)));
    const settled = await Promise.allSettled([1, 2, 3, 4].map((i) => batcher.submit(i)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason.message).toBe('item 3 is bad');
  });

  it('a flush that throws rejects its batch, and the batcher keeps working', async () => {
    let fail = true;
    const batcher = new Batcher<number, number>(async (items) => {
      if (fail) throw new Error('database down');
      return items;
    });
    await expect(Promise.all([batcher.submit(1), batcher.submit(2)])).rejects.toThrow('database down');
    fail = false;
    await expect(batcher.submit(3)).resolves.toBe(3);
  });

  it('respects maxBatch and idle() waits for everything submitted', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>(async (items) => {
      sizes.push(items.length);
      return items;
    }, 4);
    const all = Array.from({ length: 10 }, (_, i) => batcher.submit(i));
    await batcher.idle();
    expect(sizes).toEqual([4, 4, 2]);
    await expect(Promise.all(all)).resolves.toHaveLength(10);
  });
});
