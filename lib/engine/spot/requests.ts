/**
 * Spot market requests (bids) as the API sees them: validate, create, change the bid, read, list and delete.
 * State changes are decided by the request lifecycle table (lifecycle.ts) and written by the repository
 * (lib/store/spot-requests.ts); a create or an update runs a clearing round so the bid fills at once if it can.
 */
import { MetalError } from '../../contract/errors';
import { checkRequest, checkUpdate } from './request-rules';
import type { SpotMarketRequestCreateInput, SpotMarketRequestUpdateInput } from '../../contract/schemas';
import { isoTime as iso } from '../../core/clock';
import { newId } from '../../core/ids';
import type { MetroRow, PlanRow } from '../../store/catalog';
import type { Queryable } from '../../store/database';
import { pricesInMetros } from '../../store/spot-prices';
import * as devicesRepo from '../../store/devices';
import type { SpotRequestDeviceRow } from '../../store/devices';
import * as projectsRepo from '../../store/projects';
import * as repo from '../../store/spot-requests';
import type { SpotRequestRow } from '../../store/spot-requests';
import type { Principal } from '../accounts';
import { committing, type CommitWith, type EngineContext } from '../context';
import { isUuid } from '../../core/ids';
import { insertEvents } from '../../store/events';
import { closeRequests, terminateDevices } from './ending';
import { decideRequestEvent, requestClosed } from './lifecycle';
import { poolKey } from './clearing';

/** A request with its devices (not deleted, oldest first) and the current spot price of its pool, if there is one. */
export interface SpotRequestView {
  request: SpotRequestRow;
  devices: SpotRequestDeviceRow[];
  price: number | undefined;
}

/** A request's bid and its limits: what an update may change. */
const BID_FIELDS = ['max_bid_price', 'devices_min', 'devices_max', 'end_at'] as const;

export class SpotRequestService {
  constructor(
    private readonly ctx: EngineContext,
    /** Runs a clearing round (shared with every other caller); failures are logged, the next round retries. */
    private readonly clear: () => Promise<unknown>,
    private readonly onJobsQueued: () => void,
  ) {}

  /**
   * Validates (collecting every problem), stores the bid and runs a clearing round so it fills at once if it can.
   * `commitWith` (an idempotent request's answer) commits with the bid and gets it as stored, before that round.
   */
  async create(
    principal: Principal,
    projectId: string,
    input: SpotMarketRequestCreateInput,
    commitWith?: CommitWith<SpotRequestView>,
  ): Promise<SpotRequestView> {
    await this.visibleProject(principal, projectId);
    const { plan, metro } = this.validate(input);
    const now = this.ctx.clock.now();
    const { request } = await committing(this.ctx.db, commitWith, async (db) => {
      const row = await repo.insertRequest(
        db,
        {
          id: newId(),
          project_id: projectId,
          metro_id: metro.id,
          plan_id: plan.id,
          devices_min: input.devices_min,
          devices_max: input.devices_max,
          max_bid_price: input.max_bid_price,
          end_at: input.end_at ?? null,
          kind: input.kind ?? 'one_time',
          instance_parameters: input.instance_parameters,
        },
        now,
      );
      return (await this.withDevices([row], db))[0];
    });
    await this.clear().catch((err) => this.ctx.log.error({ err }, 'spot clearing after a new request failed; the next round retries'));
    return this.get(principal, request.id);
  }

  private validate(input: SpotMarketRequestCreateInput): { plan: PlanRow; metro: MetroRow } {
    const { problems, plan, metro } = checkRequest(this.ctx.world, input, this.ctx.clock.now());
    if (problems.length) throw new MetalError('validation_failed', problems);
    return { plan: plan!, metro: metro! };
  }

  /**
   * Changes the bid and its limits of an open request (fields left out keep their value; end_at null clears it),
   * then runs a clearing round: a higher bid or devices_max can fill at once, a bid below the price gets the
   * request's devices their termination notices. Running devices are not ended by a lower devices_max.
   */
  async update(principal: Principal, id: string, input: SpotMarketRequestUpdateInput): Promise<SpotRequestView> {
    const row = await this.row(principal, id);
    decideRequestEvent(row, 'update');
    const now = this.ctx.clock.now();
    const { bid, problems } = checkUpdate(row, input, now);
    if (problems.length) throw new MetalError('validation_failed', problems);
    const changes = BID_FIELDS.filter((field) => input[field] !== undefined).map(
      (field) => `${field} ${field === 'end_at' ? (iso(row.end_at) ?? 'none') : row[field]} → ${bid[field] ?? 'none'}`,
    );
    await this.ctx.db.transaction(async (tx) => {
      // Decided on the request as read: it may have closed since.
      if (!(await repo.updateBid(tx, row.id, bid, now))) throw requestClosed(row);
      if (input.max_bid_price !== undefined) await devicesRepo.setDeviceBids(tx, row.id, bid.max_bid_price, now);
      if (changes.length) {
        await insertEvents(
          tx,
          [
            {
              id: newId(),
              type: 'spot_market_request.updated',
              body: `spot market request ${row.id} updated: ${changes.join(', ')}`,
              project_id: row.project_id,
            },
          ],
          now,
        );
      }
    });
    await this.clear().catch((err) => this.ctx.log.error({ err }, 'spot clearing after a request update failed; the next round retries'));
    return this.get(principal, id);
  }

  async get(principal: Principal, id: string): Promise<SpotRequestView> {
    const row = await this.row(principal, id);
    return (await this.withDevices([row]))[0];
  }

  async list(principal: Principal, projectId: string): Promise<SpotRequestView[]> {
    await this.visibleProject(principal, projectId);
    return this.withDevices(await repo.listRequests(this.ctx.db, projectId));
  }

  /**
   * Closes the request. With forceTermination its devices are deprovisioned at once; without, they keep
   * running as spot devices (reclaimed like any other when outbid or needed).
   */
  async delete(principal: Principal, id: string, forceTermination: boolean): Promise<void> {
    const row = await this.row(principal, id);
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction(async (tx) => {
      await closeRequests(tx, [{ id: row.id, state: row.state, event: 'delete' }], now);
      if (!forceTermination) return;
      const devices = await devicesRepo.liveRequestDevices(tx, row.id);
      const ended = devices.map((d) => ({
        id: d.id,
        message: `${d.hostname}: terminated with its spot market request ${row.id} (force_termination)`,
      }));
      await terminateDevices(tx, ended, now, this.ctx.config.powerTimeoutMs);
    });
    this.onJobsQueued();
  }

  private async row(principal: Principal, id: string): Promise<SpotRequestRow> {
    const row = isUuid(id) ? await repo.findRequest(this.ctx.db, id) : undefined;
    if (!row) throw new MetalError('not_found', `spot market request ${id} not found`);
    await this.visibleProject(principal, row.project_id).catch(() => {
      throw new MetalError('not_found', `spot market request ${id} not found`);
    });
    return row;
  }

  async visibleProject(principal: Principal, projectId: string): Promise<void> {
    const visible =
      isUuid(projectId) &&
      (!principal.projectId || principal.projectId === projectId) &&
      (await projectsRepo.projectInOrganization(this.ctx.db, projectId, principal.organizationId));
    if (!visible) throw new MetalError('not_found', `project ${projectId} not found`);
  }

  /** `db`: a create's transaction reads through it (on PGlite a statement outside it would wait for it). */
  private async withDevices(rows: SpotRequestRow[], db: Queryable = this.ctx.db): Promise<SpotRequestView[]> {
    if (!rows.length) return [];
    const [devices, prices] = await Promise.all([
      devicesRepo.requestDevices(
        db,
        rows.map((r) => r.id),
      ),
      pricesInMetros(db, [...new Set(rows.map((r) => r.metro_id))]),
    ]);
    const price = new Map(prices.map((p) => [poolKey(p.metro_id, p.plan_id), p.price]));
    return rows.map((request) => ({
      request,
      devices: devices.filter((d) => d.spot_market_request_id === request.id),
      price: price.get(poolKey(request.metro_id, request.plan_id)),
    }));
  }
}
