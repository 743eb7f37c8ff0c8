/**
 * Elastic IPs: an address or subnet of a project's reserved block assigned to one of its devices, unassigned, or
 * moved (unassign, then assign elsewhere). Load, decide with the pure rules (assignment-rules.ts), write. An
 * assignment is decided and written under its reservation's row lock, so two concurrent assignments of one block
 * see each other; the device is share-locked meanwhile, so its deletion (which releases its assignments in the
 * same transaction) waits and then releases the new one too.
 */
import { MetalError } from '../../contract/errors';
import { isUuid, newId } from '../../core/ids';
import { formatAddress } from '../../core/ip';
import { insertEvents } from '../../store/events';
import * as repo from '../../store/ip-assignments-elastic';
import { lockReservation, reservationsOfProject } from '../../store/ip-pools';
import type { Principal } from '../accounts';
import type { EngineContext } from '../context';
import type { ProjectService } from '../projects';
import { overlapProblem, placeAssignment } from './assignment-rules';
import { holdsAddresses } from './port-rules';

export type { ElasticAssignmentRow } from '../../store/ip-assignments-elastic';

export interface AssignmentRequest {
  /** CIDR text, e.g. 198.51.100.9/32 (a lone address means its /32 or /128). */
  address: string;
  customdata?: Record<string, unknown>;
}

/** Device states that no longer take addresses. */
const GOING = new Set(['deprovisioning', 'deleted']);

export class ElasticIpService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly projects: ProjectService,
  ) {}

  /** Assigns a block of one of the device's project's reservations to the device. */
  async assign(principal: Principal, deviceId: string, input: AssignmentRequest): Promise<repo.ElasticAssignmentRow> {
    const device = await this.visibleDevice(principal, deviceId);
    // A project's management blocks hold its devices' own addresses; elastic IPs come from its reservations.
    const reservations = (await reservationsOfProject(this.ctx.db, device.project_id)).filter((r) => !r.management);
    const metroCode = (id: string) => this.ctx.world.metros.get(id)?.code ?? id;
    const placed = placeAssignment(input.address, reservations, { metroId: device.metro_id }, metroCode);
    if ('problems' in placed) throw new MetalError('validation_failed', placed.problems);
    const now = this.ctx.clock.now();
    const id = newId();
    await this.ctx.db.transaction(async (tx) => {
      // Lock order: the reservation, then the device (a device's deletion locks the device only).
      const reservation = await lockReservation(tx, placed.reservation.id);
      if (!reservation) throw new MetalError('not_found', `ip reservation ${placed.reservation.id} not found`);
      const locked = await repo.lockAssignableDevice(tx, deviceId);
      if (!locked || locked.state === 'deleted') throw deviceNotFound(deviceId);
      if (GOING.has(locked.state))
        throw new MetalError('validation_failed', `device: ${locked.hostname} is being deleted; assign the address to another device`);
      if (locked.network_type && !holdsAddresses(locked.network_type))
        throw new MetalError(
          'validation_failed',
          `device: ${locked.hostname} is ${locked.network_type}, where its bond does not route; convert bond0 to layer 3 (POST /ports/{id}/convert/layer-3) or assign the address to another device`,
        );
      const clash = overlapProblem(placed.block, reservation, await repo.assignmentsOfReservation(tx, reservation.id), deviceId);
      if (clash) throw new MetalError('validation_failed', clash);
      const address = placed.block;
      const network = formatNetwork(address);
      await Promise.all([
        repo.insertAssignments(tx, [
          {
            id,
            reservation_id: reservation.id,
            device_id: deviceId,
            project_id: device.project_id,
            address: network,
            cidr: address.prefix,
            start: placed.start,
            size: placed.size,
            customdata: input.customdata ?? {},
            management: false,
            created_at: now.toISOString(),
          },
        ]),
        insertEvents(tx, [event(device.project_id, deviceId, `IP ${network}/${address.prefix} assigned to ${locked.hostname}`)], now),
      ]);
    });
    return (await repo.assignmentById(this.ctx.db, id))!;
  }

  /** Takes an assignment off its device; the block is free in its reservation again. */
  async unassign(principal: Principal, id: string): Promise<void> {
    const row = await this.get(principal, id);
    if (!row) throw assignmentNotFound(id);
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction(async (tx) => {
      await lockReservation(tx, row.reservation_id);
      await Promise.all([
        repo.deleteAssignment(tx, id),
        insertEvents(tx, [event(row.project_id, row.device_id, `IP ${row.address}/${row.cidr} unassigned from ${row.hostname}`)], now),
      ]);
    });
  }

  /** An elastic IP the principal may see, or undefined (a device's management address is not one). */
  async get(principal: Principal, id: string): Promise<repo.ElasticAssignmentRow | undefined> {
    const row = isUuid(id) ? await repo.assignmentById(this.ctx.db, id) : undefined;
    return row && !row.management && (await this.projects.isVisible(principal, row.project_id)) ? row : undefined;
  }

  /** A device's assignments (the caller checked that it may see the device). */
  ofDevice(deviceId: string): Promise<repo.ElasticAssignmentRow[]> {
    return repo.assignmentsOfDevice(this.ctx.db, deviceId);
  }

  /** The CIDR texts assigned inside a reservation. */
  async assignedIn(reservationId: string): Promise<string[]> {
    return (await repo.assignmentsOfReservation(this.ctx.db, reservationId)).map((a) => `${a.address}/${a.cidr}`);
  }

  /** The ids of the assignments in each reservation (the caller checked that it may see them). */
  idsByReservation(reservationIds: string[]): Promise<Map<string, string[]>> {
    return repo.assignmentIdsByReservation(this.ctx.db, reservationIds);
  }

  private async visibleDevice(principal: Principal, deviceId: string): Promise<repo.AssignableDevice> {
    const device = isUuid(deviceId) ? await repo.assignableDevice(this.ctx.db, deviceId) : undefined;
    if (!device || device.state === 'deleted' || !(await this.projects.isVisible(principal, device.project_id)))
      throw deviceNotFound(deviceId);
    return device;
  }
}

const formatNetwork = (c: { family: 4 | 6; network: bigint }) => formatAddress(c.family, c.network);

const event = (projectId: string, deviceId: string, body: string) => ({
  id: newId(),
  type: 'ip_assignment.changed',
  body,
  project_id: projectId,
  device_id: deviceId,
});

const deviceNotFound = (id: string) => new MetalError('not_found', `device ${id} not found`);
const assignmentNotFound = (id: string) => new MetalError('not_found', `ip assignment ${id} not found`);
