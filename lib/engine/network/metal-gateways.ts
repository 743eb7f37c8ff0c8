/**
 * Metal gateways: a VLAN's router on the first address of an IPv4 block of its project, either a private block
 * taken from the metro's pools for the gateway (released with it) or a block the project reserved in the VLAN's
 * metro (which stays when the gateway goes).
 */
import { MetalError } from '../../contract/errors';
import { GATEWAY_SUBNET_SIZES } from '../../contract/schemas-layer2';
import { isUuid, newId } from '../../core/ids';
import { insertEvents } from '../../store/events';
import type { ReservationRow } from '../../store/ip-pools';
import * as repo from '../../store/layer2';
import type { Principal } from '../accounts';
import type { EngineContext } from '../context';
import type { ProjectService } from '../projects';
import type { IpamService } from './ipam';
import type { Layer2Service } from './layer2';

export type { GatewayRow } from '../../store/layer2';

export interface GatewayInput {
  virtual_network_id: string;
  private_ipv4_subnet_size?: number;
  ip_reservation_id?: string;
}

/** A gateway with its VLAN and block. */
export interface GatewayView {
  gateway: repo.GatewayRow;
  vlan: repo.VlanRow;
  reservation: ReservationRow;
}

export class MetalGatewayService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly projects: ProjectService,
    private readonly layer2: Layer2Service,
    private readonly ipam: IpamService,
  ) {}

  async create(principal: Principal, projectId: string, input: GatewayInput): Promise<GatewayView> {
    await this.projects.row(principal, projectId);
    const vlan = await this.layer2.vlan(principal, input.virtual_network_id).catch(() => undefined);
    if (!vlan || vlan.project_id !== projectId)
      throw new MetalError(
        'validation_failed',
        `virtual_network_id: no VLAN ${input.virtual_network_id} in project ${projectId}; create one with POST /projects/${projectId}/virtual-networks`,
      );
    const metro = this.ctx.world.metros.get(vlan.metro_id)!;
    const given = [input.private_ipv4_subnet_size, input.ip_reservation_id].filter((x) => x !== undefined).length;
    if (given !== 1)
      throw new MetalError(
        'validation_failed',
        `private_ipv4_subnet_size: give it (${GATEWAY_SUBNET_SIZES.join(', ')}) or ip_reservation_id (a block of the project in metro ${metro.code}), one of them`,
      );
    if ((await repo.gatewayUsing(this.ctx.db, { vlanId: vlan.id })) !== undefined)
      throw new MetalError(
        'validation_failed',
        `virtual_network_id: VLAN ${vlan.vxlan} already has a metal gateway; use it, or delete it first`,
      );
    let reservation: ReservationRow;
    if (input.ip_reservation_id !== undefined) {
      const found = await this.ipam.reservation(principal, input.ip_reservation_id);
      if (!found || found.project_id !== projectId)
        throw new MetalError(
          'validation_failed',
          `ip_reservation_id: no IP reservation ${input.ip_reservation_id} in project ${projectId}`,
        );
      if (found.address_family !== 4 || found.metro_id !== vlan.metro_id || found.management)
        throw new MetalError(
          'validation_failed',
          `ip_reservation_id: ${found.network}/${found.cidr} is not an IPv4 block the project reserved in metro ${metro.code}; reserve one there (POST /projects/${projectId}/ips)`,
        );
      reservation = found;
    } else {
      const size = input.private_ipv4_subnet_size!;
      if (!GATEWAY_SUBNET_SIZES.includes(size))
        throw new MetalError(
          'validation_failed',
          `private_ipv4_subnet_size: must be one of ${GATEWAY_SUBNET_SIZES.join(', ')}, got ${size}`,
        );
      reservation = await this.ipam.reserve(principal, projectId, {
        type: 'private_ipv4',
        quantity: size,
        metro: metro.code,
        details: `metal gateway of VLAN ${vlan.vxlan}`,
      });
    }
    const now = this.ctx.clock.now();
    const gateway = await this.ctx.db.transaction(async (tx) => {
      const row = await repo.insertGateway(tx, {
        id: newId(),
        project_id: projectId,
        vlan_id: vlan.id,
        reservation_id: reservation.id,
        owns_reservation: input.ip_reservation_id === undefined,
        created_at: now.toISOString(),
      });
      if (row) {
        const body = `metal gateway for VLAN ${vlan.vxlan} on ${reservation.network}/${reservation.cidr} created`;
        await insertEvents(tx, [{ id: newId(), type: 'metal_gateway.created', body, project_id: projectId }], now);
      }
      return row;
    });
    if (!gateway) {
      // Another request gave the VLAN (or the block) a gateway meanwhile: the block taken for this one goes back.
      if (input.ip_reservation_id === undefined) await this.ipam.release(principal, reservation.id);
      throw new MetalError('validation_failed', `virtual_network_id: VLAN ${vlan.vxlan} or its block already has a metal gateway; use it`);
    }
    return { gateway, vlan, reservation };
  }

  async get(principal: Principal, id: string): Promise<GatewayView> {
    const gateway = isUuid(id) ? await repo.findGateway(this.ctx.db, id) : undefined;
    if (!gateway || !(await this.projects.isVisible(principal, gateway.project_id)))
      throw new MetalError('not_found', `metal gateway ${id} not found`);
    return this.view(principal, gateway);
  }

  async list(principal: Principal, projectId: string): Promise<GatewayView[]> {
    await this.projects.row(principal, projectId);
    return Promise.all((await repo.gatewaysOfProject(this.ctx.db, projectId)).map((g) => this.view(principal, g)));
  }

  /** Deletes a gateway; a block taken for it goes back to the pool. Answers it as it was. */
  async delete(principal: Principal, id: string): Promise<GatewayView> {
    const view = await this.get(principal, id);
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction(async (tx) => {
      if (!(await repo.deleteGateway(tx, id))) throw new MetalError('not_found', `metal gateway ${id} not found`);
      const body = `metal gateway for VLAN ${view.vlan.vxlan} deleted`;
      await insertEvents(tx, [{ id: newId(), type: 'metal_gateway.deleted', body, project_id: view.gateway.project_id }], now);
    });
    if (view.gateway.owns_reservation) await this.ipam.release(principal, view.reservation.id);
    return view;
  }

  private async view(principal: Principal, gateway: repo.GatewayRow): Promise<GatewayView> {
    const [vlan, reservation] = await Promise.all([
      repo.findVlan(this.ctx.db, gateway.vlan_id),
      this.ipam.reservation(principal, gateway.reservation_id),
    ]);
    return { gateway, vlan: vlan!, reservation: reservation! };
  }
}
