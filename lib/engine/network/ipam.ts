/**
 * Address management: operators enrol pools, projects reserve blocks from them and release them. Load, decide
 * with the pure rules (allocation.ts, ipam-rules.ts), write; an allocation holds its pool's row lock, so no
 * address is given twice by concurrent requests or by several servers on one database.
 */
import { suggestion } from '../../contract/catalog-rules';
import { MetalError } from '../../contract/errors';
import { blockSize, formatCidr, parseAddress, parseCidr } from '../../core/ip';
import { newId } from '../../core/ids';
import { insertEvents } from '../../store/events';
import * as repo from '../../store/ip-pools';
import type { Queryable } from '../../store/database';
import { MACHINE_ADDRESS_RANGES } from '../addresses';
import type { CommitWith, EngineContext } from '../context';
import { allocate, availableBlocks, buddyChain, release } from './allocation';
import { blockNetwork, checkPool, exhaustedMessage, reservationBlock, type PoolRemaining } from './ipam-rules';

export type { PoolRow, ReservationRow } from '../../store/ip-pools';

export interface PoolEnrolment {
  type: string;
  /** Metro code (or id); none for global pools. */
  metro?: string;
  network: string;
}

export interface PoolSummary extends repo.PoolRow {
  /** Addresses not given out. */
  free: bigint;
}

export interface ReservationRequest {
  type: string;
  quantity: number;
  /** Metro code or id; none for global reservations. */
  metro?: string;
  description?: string;
  details?: string;
  tags?: string[];
  customdata?: Record<string, unknown>;
}

export class IpamService {
  /** `changed` hears of every project whose blocks changed, once the change is committed (BGP filters follow them). */
  constructor(
    private readonly ctx: EngineContext,
    private readonly changed: (projectId: string) => Promise<void> = async () => undefined,
  ) {}

  /** Enrols a pool (operator); refused when it overlaps another pool or the machines' management ranges. */
  async enrolPool(input: PoolEnrolment): Promise<repo.PoolRow> {
    const metro = input.metro === undefined ? undefined : this.ctx.world.metro(input.metro);
    if (input.metro !== undefined && !metro) throw new MetalError('validation_failed', unknownMetro(this.ctx, input.metro));
    const existing = await repo.pools(this.ctx.db);
    const taken = [
      ...existing.map((p) => ({ network: p.network, what: `the ${p.type} pool ${p.id}` })),
      ...MACHINE_ADDRESS_RANGES.map((network) => ({ network, what: "machines' management addresses" })),
    ];
    const block = checkPool({ type: input.type, metroId: metro?.id, network: input.network }, taken);
    if ('problems' in block) throw new MetalError('validation_failed', block.problems);
    return this.ctx.db.transaction(async (tx) => {
      const pool = await repo.insertPool(tx, {
        id: newId(),
        type: input.type as repo.PoolType,
        metro_id: metro?.id ?? null,
        network: formatCidr(block),
        address_family: block.family,
        first_address: block.network,
        size: blockSize(block.family, block.prefix),
      });
      await insertEvents(
        tx,
        [{ id: newId(), type: 'ip_pool.enrolled', body: `Address pool ${pool.network} (${pool.type}) enrolled` }],
        this.ctx.clock.now(),
      );
      return pool;
    });
  }

  async pools(): Promise<PoolSummary[]> {
    return (await repo.pools(this.ctx.db)).map((p) => ({ ...p, free: p.size - p.allocated }));
  }

  /**
   * Reserves a block for a project from the first pool of its kind with room. `commitWith` (an idempotent
   * request's answer) commits with it.
   */
  async reserve(projectId: string, input: ReservationRequest, commitWith?: CommitWith<repo.ReservationRow>): Promise<repo.ReservationRow> {
    const wanted = reservationBlock(input);
    const problems = 'problems' in wanted ? [...wanted.problems] : [];
    const metro = input.metro === undefined ? undefined : this.ctx.world.metro(input.metro);
    if (input.metro !== undefined && !metro) problems.push(unknownMetro(this.ctx, input.metro));
    if (!('problems' in wanted)) {
      if (wanted.type === 'global_ipv4' && metro) problems.push('metro: global_ipv4 addresses serve every metro; leave metro out');
      if (wanted.type !== 'global_ipv4' && !metro) problems.push(`metro: a ${wanted.type} reservation is made in one metro; give its code`);
    }
    if (problems.length || 'problems' in wanted) throw new MetalError('validation_failed', problems);
    const now = this.ctx.clock.now();
    const reserved = await this.ctx.db.transaction(async (tx) => {
      const pools = await repo.lockPools(tx, wanted.type, metro?.id ?? null);
      for (const pool of pools) {
        const decision = allocate(pool, wanted.size, await repo.smallestFree(tx, pool.id, wanted.size));
        if (!decision) continue;
        void repo.changePool(tx, pool.id, {
          removeFree: decision.taken ? [decision.taken] : [],
          addFree: decision.freed,
          next: decision.next,
          allocatedDelta: wanted.size,
        });
        const row = await repo.insertReservation(tx, {
          id: newId(),
          project_id: projectId,
          pool_id: pool.id,
          start: decision.block.start,
          size: wanted.size,
          type: wanted.type,
          metro_id: metro?.id ?? null,
          address_family: wanted.family,
          network: blockNetwork(wanted.family, pool.first_address, decision.block.start),
          cidr: wanted.cidr,
          quantity: input.quantity,
          description: input.description ?? null,
          details: input.details ?? null,
          tags: input.tags ?? [],
          customdata: input.customdata ?? {},
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        });
        await Promise.all([
          insertEvents(tx, [reservationEvent(row, `IP block ${row.network}/${row.cidr} reserved`)], now),
          commitWith?.(tx, row),
        ]);
        return row;
      }
      const where = metro ? `metro ${metro.code}` : 'the global pools';
      throw new MetalError('validation_failed', exhaustedMessage(wanted.type, where, wanted.cidr, await this.remaining(tx, pools)));
    });
    await this.tell(projectId);
    return reserved;
  }

  /** A reservation of a project the caller may reach; `undefined` when there is none with that id. */
  reservation(id: string): Promise<repo.ReservationRow | undefined> {
    return repo.reservationById(this.ctx.db, id);
  }

  reservationsOf(projectId: string): Promise<repo.ReservationRow[]> {
    return repo.reservationsOfProject(this.ctx.db, projectId);
  }

  async update(
    id: string,
    change: Partial<Pick<repo.ReservationRow, 'description' | 'details' | 'tags' | 'customdata'>>,
  ): Promise<repo.ReservationRow> {
    return this.ctx.db.transaction(async (tx) => {
      const row = await repo.lockReservation(tx, id);
      if (!row) throw new MetalError('not_found', `ip reservation ${id} not found`);
      return repo.updateReservation(tx, id, {
        description: change.description ?? row.description,
        details: change.details ?? row.details,
        tags: change.tags ?? row.tags,
        customdata: change.customdata ?? row.customdata,
        updated_at: this.ctx.clock.now().toISOString(),
      });
    });
  }

  /** Gives a reservation's block back to its pool, merged with its free neighbours. */
  async release(id: string): Promise<void> {
    const now = this.ctx.clock.now();
    const released = await this.ctx.db.transaction(async (tx) => {
      const row = await repo.lockReservation(tx, id);
      if (!row) throw new MetalError('not_found', `ip reservation ${id} not found`);
      const pool = (await repo.lockPool(tx, row.pool_id))!;
      const block = { start: row.start, size: row.size };
      const freed = release(block, await repo.freeAmong(tx, pool.id, buddyChain(block, pool.size)));
      await Promise.all([
        repo.deleteReservation(tx, id),
        repo.changePool(tx, pool.id, { removeFree: freed.absorbed, addFree: [freed.merged], next: pool.next, allocatedDelta: -row.size }),
        insertEvents(tx, [reservationEvent(row, `IP block ${row.network}/${row.cidr} released`)], now),
      ]);
      return row;
    });
    await this.tell(released.project_id);
  }

  /** The change is committed whatever its listeners do: a listener's failure is logged, not the caller's. */
  private async tell(projectId: string): Promise<void> {
    await this.changed(projectId).catch((err: unknown) => this.ctx.log.error({ err, projectId }, 'a listener of address changes failed'));
  }

  /**
   * The blocks of `/cidr` inside a reservation that none of `assigned` (CIDR texts of its assignments) covers, in
   * address order, at most 256.
   */
  available(row: repo.ReservationRow, cidr: number, assigned: readonly string[] = []): string[] {
    const bits = row.address_family === 4 ? 32 : 128;
    if (!Number.isInteger(cidr) || cidr < row.cidr || cidr > bits) {
      throw new MetalError('validation_failed', `cidr: ${cidr} does not fit in a /${row.cidr}; give ${row.cidr} to ${bits}`);
    }
    const first = parseAddress(row.network)!.value;
    const taken = assigned.flatMap((text) => {
      const c = parseCidr(text);
      return 'problem' in c ? [] : [{ start: c.network - first, size: blockSize(c.family, c.prefix) }];
    });
    return availableBlocks({ start: 0n, size: row.size }, taken, blockSize(row.address_family, cidr)).map(
      (b) => `${blockNetwork(row.address_family, first, b.start)}/${cidr}`,
    );
  }

  private async remaining(tx: Queryable, pools: repo.PoolRow[]): Promise<PoolRemaining[]> {
    const largest = await repo.largestFree(
      tx,
      pools.map((p) => p.id),
    );
    return pools.map((p) => {
      const front = largestAlignedAfter(p.next, p.size);
      const free = largest.get(p.id) ?? 0n;
      return { network: p.network, family: p.address_family, free: p.size - p.allocated, largest: free > front ? free : front };
    });
  }
}

/** The largest aligned block still uncarved at the pool's front. */
function largestAlignedAfter(next: bigint, size: bigint): bigint {
  for (let s = size; s >= 1n; s /= 2n) if (((next + s - 1n) / s) * s + s <= size) return s;
  return 0n;
}

const unknownMetro = (ctx: EngineContext, code: string) =>
  `metro: unknown metro "${code}"; ${suggestion(
    code,
    [...ctx.world.metros.values()].map((m) => m.code),
  )}`;

const reservationEvent = (row: repo.ReservationRow, body: string) => ({
  id: newId(),
  type: 'ip_reservation.changed',
  body,
  project_id: row.project_id,
});
