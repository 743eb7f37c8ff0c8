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
import { gatewayUsing } from '../../store/layer2';
import type { Queryable } from '../../store/database';
import { MACHINE_ADDRESS_RANGES } from '../addresses';
import type { Principal } from '../accounts';
import type { CommitWith, EngineContext } from '../context';
import type { ProjectService } from '../projects';
import { heldReservationProblem } from './assignment-rules';
import { availableBlocks, buddyChain, release } from './allocation';
import { blockNetwork, checkPool, exhaustedMessage, reservationBlock, type PoolInput } from './ipam-rules';
import { PoolBatch, type PoolKind } from './pool-batch';

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

const kindOf = (item: PendingReservation): PoolKind => ({ type: item.wanted.type, metroId: item.metro?.id ?? null });

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
      const pools = new PoolBatch(tx);
      await pools.lock(batch.map(kindOf));
      // A project deleted meanwhile gets no block (its deletion waits for this transaction, then sees the blocks).
      const live = await repo.liveProjects(tx, [...new Set(batch.map((item) => item.projectId))]);
      const out: (repo.ReservationRow | Error)[] = [];
      const reserved: repo.ReservationRow[] = [];
      const events = [];
      const commits: Promise<void>[] = [];
      for (const item of batch) {
        if (!live.has(item.projectId)) {
          out.push(new MetalError('not_found', `project ${item.projectId} not found`));
          continue;
        }
        const taken = await pools.take(kindOf(item), item.wanted.size);
        if (!taken) {
          const where = item.metro ? `metro ${item.metro.code}` : 'the global pools';
          const left = await pools.remaining(kindOf(item));
          out.push(new MetalError('validation_failed', exhaustedMessage(item.wanted.type, where, item.wanted.cidr, left)));
          continue;
        }
        const row = reservationRow(taken.pool, taken.start, {
          projectId: item.projectId,
          type: item.wanted.type,
          cidr: item.wanted.cidr,
          quantity: item.input.quantity,
          details: item.input.details,
          tags: item.input.tags,
          customdata: item.input.customdata,
          now,
        });
        reserved.push(row);
        out.push(row);
        events.push(reservationEvent(row, `IP block ${row.network}/${row.cidr} reserved`));
        if (item.commitWith) commits.push(item.commitWith(tx, row));
      }
      await Promise.all([pools.write(), repo.insertReservations(tx, reserved), insertEvents(tx, events, now), ...commits]);
      return out;
    });
    const projects = new Set(results.flatMap((r) => (r instanceof Error ? [] : [r.project_id])));
    await Promise.all([...projects].map((projectId) => this.tell(projectId)));
    return results;
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
      if (row.management) throw new MetalError('validation_failed', `id: ${row.network}/${row.cidr} is ${MANAGEMENT_BLOCK}`);
      const held = await assignmentsOfReservation(tx, id);
      if (held.length) throw new MetalError('validation_failed', heldReservationProblem(row, held));
      const gateway = await gatewayUsing(tx, { reservationId: id });
      if (gateway)
        throw new MetalError(
          'validation_failed',
          `id: ${row.network}/${row.cidr} is the block of metal gateway ${gateway.id}; delete the gateway first`,
        );
      await releaseReservations(tx, [row], now);
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
}

const notFound = (id: string) => new MetalError('not_found', `ip reservation ${id} not found`);

const unknownMetro = (ctx: EngineContext, code: string) => problemAt('metro', unknownValue('metro', code, ctx.world.metroCodes()));

/** Why a management block or address cannot be changed by hand. */
export const MANAGEMENT_BLOCK = 'a device management block goes with its device: delete or reinstall the device instead';

/** What a new reservation row says beyond where it lies. */
export interface ReservationFacts {
  projectId: string;
  type: repo.PoolType;
  cidr: number;
  quantity: number;
  details?: string | null;
  tags?: string[];
  customdata?: Record<string, unknown>;
  /** A device management block (precreated, or a device's own public IPv4). */
  management?: boolean;
  now: Date;
}

/** The row of a reservation of the block at `start` in `pool`. */
export function reservationRow(pool: repo.PoolRow, start: bigint, facts: ReservationFacts): repo.ReservationRow {
  return {
    id: newId(),
    project_id: facts.projectId,
    pool_id: pool.id,
    start,
    size: blockSize(pool.address_family, facts.cidr),
    type: facts.type,
    metro_id: pool.metro_id,
    address_family: pool.address_family,
    network: blockNetwork(pool.address_family, pool.first_address, start),
    cidr: facts.cidr,
    quantity: facts.quantity,
    details: facts.details ?? null,
    tags: facts.tags ?? [],
    customdata: facts.customdata ?? {},
    management: facts.management ?? false,
    created_at: facts.now.toISOString(),
    updated_at: facts.now.toISOString(),
  };
}

/**
 * Gives reservations' blocks back to their pools, each merged with its free buddies, in the caller's transaction
 * (which holds the reservations: locked, or its own). Pools are locked in id order.
 */
export async function releaseReservations(tx: Queryable, rows: readonly repo.ReservationRow[], now: Date): Promise<void> {
  // In the order a pool batch locks them (kind first), so a release and a batch never wait on each other in a cycle.
  const order = (r: repo.ReservationRow) => `${r.type}/${r.metro_id ?? 'global'}/${r.pool_id}/${String(r.start).padStart(40, '0')}`;
  const sorted = [...rows].sort((a, b) => (order(a) < order(b) ? -1 : 1));
  for (const row of sorted) {
    const pool = (await repo.lockPool(tx, row.pool_id))!;
    const block = { start: row.start, size: row.size };
    const freed = release(block, await repo.freeAmong(tx, pool.id, buddyChain(block, pool.size)));
    await Promise.all([
      repo.deleteReservation(tx, row.id),
      repo.changePool(tx, pool.id, { removeFree: freed.absorbed, addFree: [freed.merged], next: pool.next, allocatedDelta: -row.size }),
    ]);
  }
  await insertEvents(
    tx,
    rows.map((row) => reservationEvent(row, `IP block ${row.network}/${row.cidr} released`)),
    now,
  );
}

const reservationEvent = (row: repo.ReservationRow, body: string) => ({
  id: newId(),
  type: 'ip_reservation.changed',
  body,
  project_id: row.project_id,
});
