import { alignedBlocks, allocate, availableBlocks, buddyChain, release, type Block } from '../../../lib/engine/network/allocation';
import { seededRandom } from '../../../lib/core/random';

/** The allocator with its free list held in memory, as the store holds it in rows. */
function pool(size: bigint) {
  const space = { size, next: 0n };
  const free = new Map<string, Block>();
  const key = (b: Block) => `${b.start}/${b.size}`;
  return {
    space,
    free,
    allocate(want: bigint): Block | undefined {
      const smallest = [...free.values()].filter((b) => b.size >= want).sort((a, b) => Number(a.size - b.size || a.start - b.start))[0];
      const result = allocate(space, want, smallest);
      if (!result) return undefined;
      if (result.taken) free.delete(key(result.taken));
      for (const b of result.freed) free.set(key(b), b);
      space.next = result.next;
      return result.block;
    },
    release(block: Block) {
      const buddies = buddyChain(block, size).filter((b) => free.has(key(b)));
      const { merged, absorbed } = release(block, buddies);
      for (const b of absorbed) free.delete(key(b));
      free.set(key(merged), merged);
    },
  };
}

describe('address allocation', () => {
  it('carves aligned blocks front to back and frees the alignment gaps', () => {
    const p = pool(256n);
    expect(p.allocate(1n)).toEqual({ start: 0n, size: 1n });
    expect(p.allocate(8n)).toEqual({ start: 8n, size: 8n });
    expect([...p.free.values()]).toEqual([
      { start: 1n, size: 1n },
      { start: 2n, size: 2n },
      { start: 4n, size: 4n },
    ]);
    // The gap is used before the front moves.
    expect(p.allocate(4n)).toEqual({ start: 4n, size: 4n });
    expect(p.space.next).toBe(16n);
  });

  it('splits the smallest free block that fits and merges a released block with its free buddies', () => {
    const p = pool(64n);
    const big = p.allocate(32n)!;
    p.release(big);
    expect([...p.free.values()]).toEqual([{ start: 0n, size: 32n }]);
    const one = p.allocate(1n)!;
    expect(one).toEqual({ start: 0n, size: 1n });
    expect(p.free.size).toBe(5);
    p.release(one);
    expect([...p.free.values()]).toEqual([{ start: 0n, size: 32n }]);
  });

  it('says when the pool is full', () => {
    const p = pool(4n);
    expect(p.allocate(4n)).toBeDefined();
    expect(p.allocate(1n)).toBeUndefined();
  });

  it('never gives an address twice and loses none, over random sequences of allocations and releases', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = seededRandom(seed);
      const size = 1024n;
      const p = pool(size);
      const held: Block[] = [];
      for (let step = 0; step < 2000; step++) {
        if (held.length && random() < 0.45) {
          p.release(held.splice(Math.floor(random() * held.length), 1)[0]);
        } else {
          const want = 1n << BigInt(Math.floor(random() * 5));
          const block = p.allocate(want);
          const used = held.reduce((n, b) => n + b.size, 0n);
          if (!block) {
            // Full only when no aligned block of that size is left anywhere.
            expect(availableBlocks({ start: 0n, size }, held, want, 1)).toEqual([]);
            continue;
          }
          expect(block.start % want).toBe(0n);
          held.push(block);
          expect(used + want <= size).toBe(true);
        }
        // Held and free blocks never overlap, and with the uncarved rest they cover the pool exactly.
        const all = [...p.free.values(), ...held].sort((a, b) => (a.start < b.start ? -1 : 1));
        const clash = all.find((b, i) => i > 0 && all[i - 1].start + all[i - 1].size > b.start);
        expect(clash).toBeUndefined();
        expect(all.at(-1)!.start + all.at(-1)!.size <= p.space.next).toBe(true);
        const covered = all.reduce((n, b) => n + b.size, 0n) + (size - p.space.next);
        expect(covered).toBe(size);
      }
    }
  });

  it('writes a range as the fewest aligned blocks', () => {
    expect(alignedBlocks(3n, 16n)).toEqual([
      { start: 3n, size: 1n },
      { start: 4n, size: 4n },
      { start: 8n, size: 8n },
    ]);
    expect(alignedBlocks(0n, 0n)).toEqual([]);
  });

  it('lists the free blocks of a size inside a block, skipping taken ones', () => {
    const within = { start: 0n, size: 16n };
    expect(availableBlocks(within, [{ start: 4n, size: 4n }], 4n)).toEqual([
      { start: 0n, size: 4n },
      { start: 8n, size: 4n },
      { start: 12n, size: 4n },
    ]);
    expect(availableBlocks(within, [{ start: 2n, size: 1n }], 1n, 3)).toEqual([
      { start: 0n, size: 1n },
      { start: 1n, size: 1n },
      { start: 3n, size: 1n },
    ]);
    // A huge block with everything taken costs its assignments, not its size.
    expect(availableBlocks({ start: 0n, size: 1n << 72n }, [{ start: 0n, size: 1n << 72n }], 1n)).toEqual([]);
  });
});
