/**
 * The pools one transaction allocates from: locked up front in one order (kind, then age), so two servers' batches
 * never wait on each other in a cycle; blocks decided in memory with the pure rules (allocation.ts); the pools'
 * changes written once, when the batch ends. Reservations and device addresses both allocate through it.
 */
import type { Queryable } from '../../store/database';
import * as repo from '../../store/ip-pools';
import { allocate, type Block } from './allocation';
import type { PoolRemaining } from './ipam-rules';

/** A pool kind: its type and metro (null for global pools). */
export interface PoolKind {
  type: repo.PoolType;
  metroId: string | null;
}

/**
 * A locked pool during one batch: its row as the batch changed it, the free blocks the batch added and how many
 * addresses it gave out.
 */
interface PoolInBatch {
  row: repo.PoolRow;
  freed: Map<string, Block>;
  allocatedDelta: bigint;
  changed: boolean;
  /** The store held no free block of this size or larger when the batch asked. */
  storeEmptyFrom?: bigint;
}

const kindKey = (k: PoolKind) => `${k.type}/${k.metroId ?? 'global'}`;
const blockKey = (b: Block) => `${b.start}/${b.size}`;

export class PoolBatch {
  private readonly kinds = new Map<string, PoolInBatch[]>();

  constructor(private readonly tx: Queryable) {}

  /** Locks the pools of every kind the batch may allocate from (kinds already locked are skipped). */
  async lock(kinds: readonly PoolKind[]): Promise<void> {
    const wanted = [...new Map(kinds.map((k) => [kindKey(k), k])).entries()]
      .filter(([key]) => !this.kinds.has(key))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [key, kind] of wanted) {
      const locked = await repo.lockPools(this.tx, kind.type, kind.metroId);
      this.kinds.set(
        key,
        locked.map((row) => ({ row, freed: new Map(), allocatedDelta: 0n, changed: false })),
      );
    }
  }

  /** A block of `size` from the first pool of the (locked) kind with room, or undefined when none has room. */
  async take(kind: PoolKind, size: bigint): Promise<{ pool: repo.PoolRow; start: bigint } | undefined> {
    for (const pool of this.pools(kind)) {
      const decision = allocate(pool.row, size, await this.smallestFree(pool, size));
      if (!decision) continue;
      if (decision.taken && !pool.freed.delete(blockKey(decision.taken))) void repo.removeFree(this.tx, pool.row.id, [decision.taken]);
      for (const b of decision.freed) pool.freed.set(blockKey(b), b);
      pool.row.next = decision.next;
      pool.row.allocated += size;
      pool.allocatedDelta += size;
      pool.changed = true;
      return { pool: pool.row, start: decision.block.start };
    }
    return undefined;
  }

  /**
   * Gives back a block this batch took (its taker failed on something else): it joins the free list unmerged,
   * which costs fragmentation, never an address.
   */
  giveBack(kind: PoolKind, poolId: string, block: Block): void {
    const pool = this.pools(kind).find((p) => p.row.id === poolId)!;
    pool.freed.set(blockKey(block), block);
    pool.row.allocated -= block.size;
    pool.allocatedDelta -= block.size;
  }

  /** What is left in the kind's pools, for an out-of-addresses message. */
  async remaining(kind: PoolKind): Promise<PoolRemaining[]> {
    const rows = this.pools(kind).map((p) => p.row);
    const largest = await repo.largestFree(
      this.tx,
      rows.map((p) => p.id),
    );
    return rows.map((p) => {
      const front = largestAlignedAfter(p.next, p.size);
      const free = largest.get(p.id) ?? 0n;
      return { network: p.network, family: p.address_family, free: p.size - p.allocated, largest: free > front ? free : front };
    });
  }

  /** Writes every changed pool: the blocks it freed, its carving point and its count. */
  async write(): Promise<void> {
    const changed = [...this.kinds.values()].flat().filter((p) => p.changed);
    await Promise.all(
      changed.map((p) =>
        repo.changePool(this.tx, p.row.id, {
          removeFree: [],
          addFree: [...p.freed.values()],
          next: p.row.next,
          allocatedDelta: p.allocatedDelta,
        }),
      ),
    );
  }

  private pools(kind: PoolKind): PoolInBatch[] {
    const pools = this.kinds.get(kindKey(kind));
    if (!pools) throw new Error(`pool batch: ${kindKey(kind)} was not locked`);
    return pools;
  }

  /**
   * The pool's smallest free block of at least `size`: from the store (whose free list this batch only shrinks
   * until it ends) or from the blocks the batch freed. Once the store has none of a size, the batch asks it again
   * only for a smaller size.
   */
  private async smallestFree(pool: PoolInBatch, size: bigint): Promise<Block | undefined> {
    let smallest: Block | undefined;
    const consider = (b: Block | undefined) => {
      if (b && b.size >= size && (!smallest || b.size < smallest.size || (b.size === smallest.size && b.start < smallest.start)))
        smallest = b;
    };
    for (const b of pool.freed.values()) consider(b);
    if (pool.storeEmptyFrom === undefined || size < pool.storeEmptyFrom) {
      const stored = await repo.smallestFree(this.tx, pool.row.id, size);
      if (!stored) pool.storeEmptyFrom = size;
      consider(stored);
    }
    return smallest;
  }
}

/** The largest aligned block still uncarved at the pool's front. */
function largestAlignedAfter(next: bigint, size: bigint): bigint {
  for (let s = size; s >= 1n; s /= 2n) if (((next + s - 1n) / s) * s + s <= size) return s;
  return 0n;
}
