/**
 * Address allocation inside a pool, as pure rules over offsets from the pool's first address.
 *
 * A pool is carved front to back (`next`); a block is always aligned to its own size, so it is a CIDR block.
 * Alignment gaps and released blocks go to a free list as aligned power-of-two blocks; an allocation takes the
 * smallest free block that fits and splits it buddy-style, and a release merges a block with its free buddy. So
 * one allocation reads one free block at most and writes a few rows, whatever the pool holds: the cost does not
 * grow with the number of addresses given out.
 */

export interface Block {
  start: bigint;
  size: bigint;
}

export interface PoolSpace {
  /** Addresses in the pool. */
  size: bigint;
  /** The first offset never carved. */
  next: bigint;
}

export interface Allocation {
  block: Block;
  /** The pool's new carving point. */
  next: bigint;
  /** The free block the allocation came from, to remove from the free list. */
  taken?: Block;
  /** Blocks that became free (split remainders, alignment gaps), to add to the free list. */
  freed: Block[];
}

export const isPowerOfTwo = (n: bigint): boolean => n > 0n && (n & (n - 1n)) === 0n;

/**
 * A block of `size` addresses: from `smallestFree` (the smallest free block at least that large, if any) or else
 * carved at the pool's front. Undefined when neither has room.
 */
export function allocate(space: PoolSpace, size: bigint, smallestFree?: Block): Allocation | undefined {
  if (!isPowerOfTwo(size)) throw new RangeError(`allocation size ${size} is not a power of two`);
  if (smallestFree && smallestFree.size >= size) {
    // Buddy split: keep the first `size` addresses, free one block of each size from `size` up to half the block.
    const freed: Block[] = [];
    for (let part = size; part < smallestFree.size; part *= 2n) freed.push({ start: smallestFree.start + part, size: part });
    return { block: { start: smallestFree.start, size }, next: space.next, taken: smallestFree, freed };
  }
  const start = alignUp(space.next, size);
  if (start + size > space.size) return undefined;
  return { block: { start, size }, next: start + size, freed: alignedBlocks(space.next, start) };
}

/** The range [from, to) as the fewest aligned power-of-two blocks. */
export function alignedBlocks(from: bigint, to: bigint): Block[] {
  const blocks: Block[] = [];
  let at = from;
  while (at < to) {
    let size = at === 0n ? 1n << 127n : at & -at;
    while (at + size > to) size /= 2n;
    blocks.push({ start: at, size });
    at += size;
  }
  return blocks;
}

const alignUp = (n: bigint, size: bigint): bigint => ((n + size - 1n) / size) * size;

/** The buddy of an aligned block: the other half of the block twice its size. */
export const buddyOf = (b: Block): Block => ({ start: b.start ^ b.size, size: b.size });

/**
 * The buddies a released block may merge with, innermost first, up to the pool's size: the caller loads which of
 * them are free and passes them to `release`.
 */
export function buddyChain(block: Block, poolSize: bigint): Block[] {
  const chain: Block[] = [];
  let at = block;
  while (at.size * 2n <= poolSize) {
    const buddy = buddyOf(at);
    chain.push(buddy);
    at = { start: at.start & ~at.size, size: at.size * 2n };
  }
  return chain;
}

export interface Release {
  /** The free block to add (the released block, merged with its free buddies). */
  merged: Block;
  /** Free buddies absorbed into it, to remove from the free list. */
  absorbed: Block[];
}

/** Releases a block, merging it with each buddy in `freeBuddies` as long as the chain holds. */
export function release(block: Block, freeBuddies: readonly Block[]): Release {
  const isFree = new Set(freeBuddies.map((b) => `${b.start}/${b.size}`));
  const absorbed: Block[] = [];
  let merged = block;
  for (;;) {
    const buddy = buddyOf(merged);
    if (!isFree.has(`${buddy.start}/${buddy.size}`)) break;
    absorbed.push(buddy);
    merged = { start: merged.start & ~merged.size, size: merged.size * 2n };
  }
  return { merged, absorbed };
}

/**
 * The blocks of `size` inside `within` that overlap none of `taken` (sorted or not), in address order, at most
 * `limit` of them.
 */
export function availableBlocks(within: Block, taken: readonly Block[], size: bigint, limit = 256): Block[] {
  const sorted = [...taken].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Block[] = [];
  let i = 0;
  let at = within.start;
  while (at + size <= within.start + within.size && out.length < limit) {
    while (i < sorted.length && sorted[i].start + sorted[i].size <= at) i++;
    if (i < sorted.length && sorted[i].start < at + size) {
      // Skip past the clash in one step, so a full block costs its assignments, not its size.
      at = within.start + alignUp(sorted[i].start + sorted[i].size - within.start, size);
      continue;
    }
    out.push({ start: at, size });
    at += size;
  }
  return out;
}
