/**
 * A device's own addresses come from the address pools, as on Metal: its public IPv4 block is a management
 * reservation of its own, and its private IPv4 and public IPv6 blocks are carved out of its project's management
 * ("precreated") blocks in the metro, a private /25 and a public /56, made with the project's first device there
 * (and another when they are full). Every address is an assignment row, so nothing is given twice: creates lock
 * the metro's pools first (concurrent creates there, on any server, take turns) and then the project's blocks.
 * Load, decide with the pure rules, write.
 */
import { MetalError } from '../../contract/errors';
import { newId } from '../../core/ids';
import { blockSize, parseAddress } from '../../core/ip';
import type { Queryable } from '../../store/database';
import type { StoredAddress } from '../../store/devices';
import { insertEvents } from '../../store/events';
import * as assignments from '../../store/ip-assignments-elastic';
import * as repo from '../../store/ip-pools';
import { deviceAddress, type AddressRequest } from '../addresses';
import { availableBlocks, type Block } from './allocation';
import { deviceExhaustedMessage } from './ipam-rules';
import { releaseReservations, reservationRow } from './ipam';
import { PoolBatch, type PoolKind } from './pool-batch';

/** A device that takes its addresses now. */
export interface AddressPlacement {
  deviceId: string;
  projectId: string;
  metroId: string;
  requests: readonly AddressRequest[];
}

/** The size of a project's management block in a metro, per type. */
const PRECREATED_PREFIX: Partial<Record<repo.PoolType, number>> = { private_ipv4: 25, public_ipv6: 56 };

const poolType = (r: AddressRequest): repo.PoolType => (r.family === 6 ? 'public_ipv6' : r.public ? 'public_ipv4' : 'private_ipv4');

/** Decided addresses: per placement its addresses (or why it got none), and the writes, for after the devices' rows. */
export interface PlacedAddresses {
  addresses: (StoredAddress[] | MetalError)[];
  write(): Promise<void>;
}

/** What one placement took, to write, or to give back when a later block of the same device fails. */
interface Taken {
  reservations: repo.ReservationRow[];
  assignments: assignments.NewElasticAssignment[];
  fromPools: { kind: PoolKind; poolId: string; block: Block }[];
}

export async function placeDeviceAddresses(
  tx: Queryable,
  placements: readonly AddressPlacement[],
  metroCode: (id: string) => string,
  now: Date,
): Promise<PlacedAddresses> {
  // The project's own reservations a request names are locked first, as a release locks them before their pool.
  const named = await repo.lockReservations(tx, [...new Set(placements.flatMap((p) => p.requests.flatMap((r) => r.reservations ?? [])))]);
  const pools = new PoolBatch(tx);
  await pools.lock(placements.flatMap((p) => p.requests.map((r) => ({ type: poolType(r), metroId: p.metroId }))));
  const pairs = [
    ...new Map(placements.map((p) => [`${p.projectId}/${p.metroId}`, { projectId: p.projectId, metroId: p.metroId }])).values(),
  ];
  const blocks = await repo.lockManagementBlocks(tx, pairs);
  const held = await assignments.assignmentsOfReservations(
    tx,
    [...blocks, ...named].map((b) => b.id),
  );
  const namedById = new Map(named.map((r) => [r.id, r]));
  const takenIn = new Map(
    [...blocks, ...named].map((b) => [b.id, (held.get(b.id) ?? []).map((a): Block => ({ start: a.start, size: a.size }))]),
  );
  const blocksOf = new Map<string, repo.ReservationRow[]>();
  const groupKey = (projectId: string, metroId: string | null, type: string) => `${projectId}/${metroId}/${type}`;
  for (const b of blocks)
    blocksOf.set(groupKey(b.project_id, b.metro_id, b.type), [...(blocksOf.get(groupKey(b.project_id, b.metro_id, b.type)) ?? []), b]);

  const all: Taken = { reservations: [], assignments: [], fromPools: [] };
  const addresses: (StoredAddress[] | MetalError)[] = [];
  for (const p of placements) {
    const mine: Taken = { reservations: [], assignments: [], fromPools: [] };
    const out: StoredAddress[] = [];
    let failure: MetalError | undefined;
    for (const request of p.requests) {
      const type = poolType(request);
      const kind = { type, metroId: p.metroId };
      const size = blockSize(request.family, request.cidr);
      const reserveFromPool = async (cidr: number) => {
        const took = await pools.take(kind, blockSize(request.family, cidr));
        if (!took) return undefined;
        const row = reservationRow(took.pool, took.start, {
          projectId: p.projectId,
          type,
          cidr,
          quantity: type === 'public_ipv6' ? 1 : Number(blockSize(request.family, cidr)),
          management: true,
          now,
        });
        mine.fromPools.push({ kind, poolId: took.pool.id, block: { start: row.start, size: row.size } });
        mine.reservations.push(row);
        takenIn.set(row.id, []);
        return row;
      };
      let block: repo.ReservationRow | undefined;
      let start = 0n;
      const precreated = PRECREATED_PREFIX[type];
      const carve = (candidates: readonly repo.ReservationRow[]) => {
        for (const candidate of candidates) {
          const [free] = availableBlocks({ start: 0n, size: candidate.size }, takenIn.get(candidate.id)!, size, 1);
          if (free) return { candidate, start: free.start };
        }
        return undefined;
      };
      if (request.reservations) {
        const usable = request.reservations.flatMap((id) => {
          const r = namedById.get(id);
          return r && usableReservation(r, p, request) ? [r] : [];
        });
        const found = carve(usable);
        if (!found) {
          failure = new MetalError('validation_failed', reservationsProblem(request, metroCode(p.metroId)));
          break;
        }
        ({ candidate: block, start } = found);
      } else if (precreated === undefined) {
        block = await reserveFromPool(request.cidr);
      } else {
        const group = groupKey(p.projectId, p.metroId, type);
        const found = carve(blocksOf.get(group) ?? []);
        if (found) ({ candidate: block, start } = found);
        else {
          block = await reserveFromPool(precreated);
          if (block) blocksOf.set(group, [...(blocksOf.get(group) ?? []), block]);
        }
      }
      if (!block) {
        failure = new MetalError(
          'validation_failed',
          deviceExhaustedMessage(type, metroCode(p.metroId), request.cidr, await pools.remaining(kind)),
        );
        break;
      }
      takenIn.get(block.id)!.push({ start, size });
      const network = parseAddress(block.network)!.value + start;
      const address = deviceAddress(newId(), { family: request.family, network, cidr: request.cidr, public: request.public }, block);
      mine.assignments.push({
        id: address.id,
        reservation_id: block.id,
        device_id: p.deviceId,
        project_id: p.projectId,
        address: address.network,
        cidr: request.cidr,
        start,
        size,
        customdata: {},
        management: true,
        created_at: now.toISOString(),
      });
      out.push(address);
    }
    if (failure) {
      // Nothing of this device stays: its blocks go back, its new management blocks are forgotten.
      for (const t of mine.fromPools) pools.giveBack(t.kind, t.poolId, t.block);
      for (const a of mine.assignments)
        takenIn.set(
          a.reservation_id,
          takenIn.get(a.reservation_id)!.filter((b) => b.start !== a.start),
        );
      for (const r of mine.reservations) {
        const group = groupKey(r.project_id, r.metro_id, r.type);
        blocksOf.set(
          group,
          (blocksOf.get(group) ?? []).filter((b) => b.id !== r.id),
        );
      }
      addresses.push(failure);
      continue;
    }
    all.reservations.push(...mine.reservations);
    all.assignments.push(...mine.assignments);
    addresses.push(out);
  }
  return {
    addresses,
    async write() {
      const precreated = all.reservations.filter((r) => r.type !== 'public_ipv4');
      await Promise.all([
        pools.write(),
        repo.insertReservations(tx, all.reservations),
        assignments.insertAssignments(tx, all.assignments),
        insertEvents(
          tx,
          precreated.map((r) => ({
            id: newId(),
            type: 'ip_reservation.changed',
            body: `IP block ${r.network}/${r.cidr} reserved for the project's devices in metro ${metroCode(r.metro_id!)}`,
            project_id: r.project_id,
          })),
          now,
        ),
      ]);
    },
  };
}

/**
 * Releases every IP assignment of the devices, in the caller's transaction: elastic IPs go back to their blocks,
 * carved addresses to their project's management blocks, a device's own public IPv4 block to its pool. `why` ends
 * the elastic IPs' event text ("with its device").
 */
export async function releaseDeviceAddresses(tx: Queryable, deviceIds: string[], now: Date, why: string): Promise<void> {
  const released = await assignments.releaseAssignmentsOfDevices(tx, deviceIds);
  const ownBlocks = (await repo.lockReservations(tx, [...new Set(released.filter((a) => a.management).map((a) => a.reservation_id))]))
    // A device's own public block goes back to the pool; a reservation of the project it was carved from stays.
    .filter((r) => r.management && r.type === 'public_ipv4');
  await Promise.all([
    releaseReservations(tx, ownBlocks, now),
    insertEvents(
      tx,
      released
        .filter((a) => !a.management)
        .map((a) => ({
          id: newId(),
          type: 'ip_assignment.changed',
          body: `IP ${a.address}/${a.cidr} released ${why}`,
          project_id: a.project_id,
          device_id: a.device_id,
        })),
      now,
    ),
  ]);
}

/** Whether a reservation a request names may hold the device's block: the project's own, of the block's kind, serving the metro. */
function usableReservation(r: repo.ReservationRow, p: AddressPlacement, request: AddressRequest): boolean {
  const kind = request.family === 6 ? ['public_ipv6'] : request.public ? ['public_ipv4', 'global_ipv4'] : ['private_ipv4'];
  return r.project_id === p.projectId && !r.management && kind.includes(r.type) && (r.type === 'global_ipv4' || r.metro_id === p.metroId);
}

const reservationsProblem = (request: AddressRequest, metro: string) => {
  const kind = `${request.public ? 'public' : 'private'} IPv${request.family}`;
  return (
    `ip_addresses: none of the reservations ${request.reservations!.join(', ')} is a ${kind} block of the project serving metro ${metro} ` +
    `with a free /${request.cidr}; give one that is (GET /projects/{id}/ips, GET /ips/{id}/available?cidr=${request.cidr}), or leave ip_reservations out`
  );
};
