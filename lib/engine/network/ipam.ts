/**
 * Address management: operators enrol pools, projects reserve blocks from them and release them. Load, decide
 * with the pure rules (allocation.ts, ipam-rules.ts), write; an allocation holds its pool's row lock, so no
 * address is given twice by concurrent requests or by several servers on one database.
 */
import { problemAt } from '../../contract/bounds';
import { unknownValue } from '../../contract/catalog-rules';
import { MetalError } from '../../contract/errors';
import { blockSize, formatCidr, parseAddress, parseCidr } from '../../core/ip';
import { isUuid, newId } from '../../core/ids';
import { Batcher } from '../../store/batcher';
import { insertEvents } from '../../store/events';
import { assignmentsOfReservation } from '../../store/ip-assignments-elastic';
import * as repo from '../../store/ip-pools';
import type { Queryable } from '../../store/database';
import { MACHINE_ADDRESS_RANGES } from '../addresses';
import type { Principal } from '../accounts';
import type { CommitWith, EngineContext } from '../context';
import type { ProjectService } from '../projects';
import { heldReservationProblem } from './assignment-rules';
import { allocate, availableBlocks, buddyChain, release, type Block } from './allocation';
import { blockNetwork, checkPool, exhaustedMessage, reservationBlock, type PoolInput, type PoolRemaining } from './ipam-rules';

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
  /** A facility code, as older clients gave it: its metro is the reservation's. */
  facility?: string;
  details?: string;
  tags?: string[];
  customdata?: Record<string, unknown>;
}

interface PendingReservation {
  projectId: string;
  input: ReservationRequest;
  wanted: { type: repo.PoolType; family: 4 | 6; size: bigint; cidr: number };
  metro?: { id: string; code: string };
  commitWith?: CommitWith<repo.ReservationRow>;
}

/**
 * A locked pool during one batch: its row as the batch changed it, the free blocks the batch added and the
 * reservations it made (both written when the batch ends).
 */
interface PoolInBatch {
  row: repo.PoolRow;
  freed: Map<string, Block>;
  allocatedDelta: bigint;
  reserved: repo.ReservationRow[];
  /** The store held no free block of this size or larger when the batch asked. */
  storeEmptyFrom?: bigint;
}

/**
 * Checks and inserts pools in the caller's transaction, each against the pools already enrolled, the ones before it
 * and the machines' management ranges; the table is locked against concurrent enrolments meanwhile.
 */
export async function insertPools(tx: Queryable, inputs: readonly PoolInput[], now: Date): Promise<repo.PoolRow[]> {
  await repo.lockPoolsAgainstEnrolment(tx);
  const taken = [
    ...(await repo.pools(tx)).map((p) => ({ network: p.network, what: `the ${p.type} pool ${p.id}` })),
    ...MACHINE_ADDRESS_RANGES.map((network) => ({ network, what: "machines' management addresses" })),
  ];
  const rows: repo.PoolRow[] = [];
  for (const input of inputs) {
    const block = checkPool(input, taken);
    if ('problems' in block) throw new MetalError('validation_failed', block.problems);
    const row = await repo.insertPool(tx, {
      id: newId(),
      type: input.type as repo.PoolType,
      metro_id: input.metroId ?? null,
      network: formatCidr(block),
      address_family: block.family,
      first_address: block.network,
      size: blockSize(block.family, block.prefix),
    });
    taken.push({ network: row.network, what: `the ${row.type} pool ${row.id}` });
    rows.push(row);
  }
  await insertEvents(
    tx,
    rows.map((pool) => ({ id: newId(), type: 'ip_pool.enrolled', body: `Address pool ${pool.network} (${pool.type}) enrolled` })),
    now,
  );
  return rows;
}

const kindOf = (item: PendingReservation) => `${item.wanted.type}/${item.metro?.id ?? 'global'}`;
const blockKey = (b: Block) => `${b.start}/${b.size}`;

export class IpamService {
  /** `changed` hears of every project whose blocks changed, once the change is committed (BGP filters follow them). */
  constructor(
    private readonly ctx: EngineContext,
    private readonly projects: ProjectService,
    private readonly changed: (projectId: string) => Promise<void> = async () => undefined,
  ) {}

  /** Enrols a pool (operator); refused when it overlaps another pool or the machines' management ranges. */
  async enrolPool(input: PoolEnrolment): Promise<repo.PoolRow> {
    const metro = input.metro === undefined ? undefined : this.ctx.world.metro(input.metro);
    if (input.metro !== undefined && !metro) throw new MetalError('validation_failed', unknownMetro(this.ctx, input.metro));
    const [pool] = await this.ctx.db.transaction((tx) =>
      insertPools(tx, [{ type: input.type, metroId: metro?.id, network: input.network }], this.ctx.clock.now()),
    );
    return pool;
  }

  async pools(): Promise<PoolSummary[]> {
    return (await repo.pools(this.ctx.db)).map((p) => ({ ...p, free: p.size - p.allocated }));
  }

  /**
   * Reserves a block for a project from the first pool of its kind with room. `commitWith` (an idempotent
   * request's answer) commits with it. Reservations made at the same time share one transaction (group commit).
   */
  async reserve(
    principal: Principal,
    projectId: string,
    input: ReservationRequest,
    commitWith?: CommitWith<repo.ReservationRow>,
  ): Promise<repo.ReservationRow> {
    await this.projects.row(principal, projectId);
    const wanted = reservationBlock(input);
    const problems = 'problems' in wanted ? [...wanted.problems] : [];
    const facility = input.metro === undefined && input.facility !== undefined ? this.ctx.world.facility(input.facility) : undefined;
    if (input.metro === undefined && input.facility !== undefined && !facility) {
      problems.push(problemAt('facility', unknownValue('facility', input.facility, this.ctx.world.facilityCodes())));
    }
    const metroRef = input.metro ?? facility?.metro_id;
    const metro = metroRef === undefined ? undefined : this.ctx.world.metro(metroRef);
    if (input.metro !== undefined && !metro) problems.push(unknownMetro(this.ctx, input.metro));
    if (!('problems' in wanted)) {
      if (wanted.type === 'global_ipv4' && metro) problems.push('metro: global_ipv4 addresses serve every metro; leave metro out');
      if (wanted.type !== 'global_ipv4' && metroRef === undefined) {
        problems.push(`metro: a ${wanted.type} reservation is made in one metro; give its code`);
      }
    }
    if (problems.length || 'problems' in wanted) throw new MetalError('validation_failed', problems);
    return this.reservations.submit({ projectId, input, wanted, metro, commitWith });
  }

  private readonly reservations = new Batcher<PendingReservation, repo.ReservationRow>((batch) => this.flushReservations(batch));

  private async flushReservations(batch: PendingReservation[]): Promise<(repo.ReservationRow | Error)[]> {
    const now = this.ctx.clock.now();
    const results = await this.ctx.db.transaction(async (tx) => {
      // Pools are locked in one order (kind, then age), so two servers' batches never wait on each other in a cycle.
      const kinds = [...new Set(batch.map(kindOf))].sort();
      const pools = new Map<string, PoolInBatch[]>();
      for (const kind of kinds) {
        const { wanted, metro } = batch.find((item) => kindOf(item) === kind)!;
        const locked = await repo.lockPools(tx, wanted.type, metro?.id ?? null);
        pools.set(
          kind,
          locked.map((row) => ({ row, freed: new Map(), allocatedDelta: 0n, reserved: [] })),
        );
      }
      // A project deleted meanwhile gets no block (its deletion waits for this transaction, then sees the blocks).
      const live = await repo.liveProjects(tx, [...new Set(batch.map((item) => item.projectId))]);
      const out: (repo.ReservationRow | Error)[] = [];
      const events = [];
      const commits: Promise<void>[] = [];
      for (const item of batch) {
        if (!live.has(item.projectId)) {
          out.push(new MetalError('not_found', `project ${item.projectId} not found`));
          continue;
        }
        const row = await this.allocateIn(tx, pools.get(kindOf(item))!, item, now);
        if (!row) {
          const where = item.metro ? `metro ${item.metro.code}` : 'the global pools';
          const left = await this.remaining(
            tx,
            pools.get(kindOf(item))!.map((p) => p.row),
          );
          out.push(new MetalError('validation_failed', exhaustedMessage(item.wanted.type, where, item.wanted.cidr, left)));
          continue;
        }
        out.push(row);
        events.push(reservationEvent(row, `IP block ${row.network}/${row.cidr} reserved`));
        if (item.commitWith) commits.push(item.commitWith(tx, row));
      }
      const changed = [...pools.values()].flat().filter((p) => p.reserved.length);
      await Promise.all([
        ...changed.map((p) =>
          repo.changePool(tx, p.row.id, {
            removeFree: [],
            addFree: [...p.freed.values()],
            next: p.row.next,
            allocatedDelta: p.allocatedDelta,
          }),
        ),
        repo.insertReservations(
          tx,
          changed.flatMap((p) => p.reserved),
        ),
        insertEvents(tx, events, now),
        ...commits,
      ]);
      return out;
    });
    const projects = new Set(results.flatMap((r) => (r instanceof Error ? [] : [r.project_id])));
    await Promise.all([...projects].map((projectId) => this.tell(projectId)));
    return results;
  }

  /** Allocates one reservation from the first of `pools` with room and writes it; undefined when none has room. */
  private async allocateIn(
    tx: Queryable,
    pools: PoolInBatch[],
    item: PendingReservation,
    now: Date,
  ): Promise<repo.ReservationRow | undefined> {
    const { wanted, input } = item;
    for (const pool of pools) {
      const decision = allocate(pool.row, wanted.size, await this.smallestFree(tx, pool, wanted.size));
      if (!decision) continue;
      if (decision.taken && !pool.freed.delete(blockKey(decision.taken))) void repo.removeFree(tx, pool.row.id, [decision.taken]);
      for (const b of decision.freed) pool.freed.set(blockKey(b), b);
      pool.row.next = decision.next;
      pool.row.allocated += wanted.size;
      pool.allocatedDelta += wanted.size;
      const row: repo.ReservationRow = {
        id: newId(),
        project_id: item.projectId,
        pool_id: pool.row.id,
        start: decision.block.start,
        size: wanted.size,
        type: wanted.type,
        metro_id: item.metro?.id ?? null,
        address_family: wanted.family,
        network: blockNetwork(wanted.family, pool.row.first_address, decision.block.start),
        cidr: wanted.cidr,
        quantity: input.quantity,
        details: input.details ?? null,
        tags: input.tags ?? [],
        customdata: input.customdata ?? {},
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      };
      pool.reserved.push(row);
      return row;
    }
    return undefined;
  }

  /**
   * The pool's smallest free block of at least `size`: from the store (whose free list this batch only shrinks
   * until it ends) or from the blocks the batch freed. Once the store has none of a size, the batch asks it again
   * only for a smaller size.
   */
  private async smallestFree(tx: Queryable, pool: PoolInBatch, size: bigint): Promise<Block | undefined> {
    let smallest: Block | undefined;
    const consider = (b: Block | undefined) => {
      if (b && b.size >= size && (!smallest || b.size < smallest.size || (b.size === smallest.size && b.start < smallest.start)))
        smallest = b;
    };
    for (const b of pool.freed.values()) consider(b);
    if (pool.storeEmptyFrom === undefined || size < pool.storeEmptyFrom) {
      const stored = await repo.smallestFree(tx, pool.row.id, size);
      if (!stored) pool.storeEmptyFrom = size;
      consider(stored);
    }
    return smallest;
  }

  /** A reservation the principal may see, or undefined (no such reservation, or another project's). */
  async reservation(principal: Principal, id: string): Promise<repo.ReservationRow | undefined> {
    const row = isUuid(id) ? await repo.reservationById(this.ctx.db, id) : undefined;
    return row && (await this.projects.isVisible(principal, row.project_id)) ? row : undefined;
  }

  async reservationsOf(principal: Principal, projectId: string): Promise<repo.ReservationRow[]> {
    await this.projects.row(principal, projectId);
    return this.blocksOf(projectId);
  }

  /** A project's reservations, for the engine's own use (no access check). */
  blocksOf(projectId: string): Promise<repo.ReservationRow[]> {
    return repo.reservationsOfProject(this.ctx.db, projectId);
  }

  async update(
    principal: Principal,
    id: string,
    change: Partial<Pick<repo.ReservationRow, 'details' | 'tags' | 'customdata'>>,
  ): Promise<repo.ReservationRow> {
    await this.visible(principal, id);
    return this.ctx.db.transaction(async (tx) => {
      const row = await repo.lockReservation(tx, id);
      if (!row) throw notFound(id);
      return repo.updateReservation(tx, id, {
        details: change.details ?? row.details,
        tags: change.tags ?? row.tags,
        customdata: change.customdata ?? row.customdata,
        updated_at: this.ctx.clock.now().toISOString(),
      });
    });
  }

  private async visible(principal: Principal, id: string): Promise<void> {
    if (!(await this.reservation(principal, id))) throw notFound(id);
  }

  /** Gives a reservation's block back to its pool, merged with its free neighbours. */
  async release(principal: Principal, id: string): Promise<void> {
    await this.visible(principal, id);
    const now = this.ctx.clock.now();
    const released = await this.ctx.db.transaction(async (tx) => {
      const row = await repo.lockReservation(tx, id);
      if (!row) throw notFound(id);
      const held = await assignmentsOfReservation(tx, id);
      if (held.length) throw new MetalError('validation_failed', heldReservationProblem(row, held));
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

const notFound = (id: string) => new MetalError('not_found', `ip reservation ${id} not found`);

const unknownMetro = (ctx: EngineContext, code: string) => problemAt('metro', unknownValue('metro', code, ctx.world.metroCodes()));

const reservationEvent = (row: repo.ReservationRow, body: string) => ({
  id: newId(),
  type: 'ip_reservation.changed',
  body,
  project_id: row.project_id,
});
