/**
 * The spot market as the engine's facade shows it (`engine.spot`): requests (requests.ts), clearing rounds on the
 * engine's clock (round.ts), prices and their history (market-prices.ts), and the project webhook that termination
 * notices go to. The rules of a round live in clearing.ts and price.ts (pure), request states in lifecycle.ts.
 */
import { MetalError } from '../../contract/errors';
import type { SpotMarketRequestCreateInput, SpotMarketRequestUpdateInput, Webhook } from '../../contract/schemas';
import { randomToken } from '../../core/ids';
import { setProjectWebhook } from '../../store/projects';
import type { Principal } from '../accounts';
import type { CommitWith, EngineContext } from '../context';
import type { DeviceService } from '../devices';
import type { JobRow } from '../../store/jobs';
import type { JobOutcome } from '../jobs';
import { webhookUrlProblem } from '../webhook-targets';
import { SpotPriceService, type SpotPrices } from './market-prices';
import type { PriceDatapoint } from './price';
import { SpotRequestService, type SpotRequestView } from './requests';
import { ClearingRounds, type ClearingReport } from './round';

/** How often a waiting on-demand device looks for a freed machine. */
export const PLACEMENT_RETRY_MS = 5000;

export class SpotMarketService {
  private readonly requests: SpotRequestService;
  private readonly rounds: ClearingRounds;
  private readonly prices: SpotPriceService;

  constructor(
    private readonly ctx: EngineContext,
    private readonly devices: DeviceService,
    onJobsQueued: () => void,
    onWebhooksQueued: () => void,
  ) {
    this.prices = new SpotPriceService(ctx);
    this.rounds = new ClearingRounds(ctx, devices, this.prices, onJobsQueued, onWebhooksQueued);
    this.requests = new SpotRequestService(ctx, () => this.rounds.clear(), onJobsQueued);
  }

  createRequest(
    principal: Principal,
    projectId: string,
    input: SpotMarketRequestCreateInput,
    commitWith?: CommitWith<SpotRequestView>,
  ): Promise<SpotRequestView> {
    return this.requests.create(principal, projectId, input, commitWith);
  }

  updateRequest(principal: Principal, id: string, input: SpotMarketRequestUpdateInput): Promise<SpotRequestView> {
    return this.requests.update(principal, id, input);
  }

  get(principal: Principal, id: string): Promise<SpotRequestView> {
    return this.requests.get(principal, id);
  }

  list(principal: Principal, projectId: string): Promise<SpotRequestView[]> {
    return this.requests.list(principal, projectId);
  }

  delete(principal: Principal, id: string, forceTermination: boolean): Promise<void> {
    return this.requests.delete(principal, id, forceTermination);
  }

  /** One clearing round; calls while a round runs share the next one. */
  clear(): Promise<ClearingReport> {
    return this.rounds.clear();
  }

  /** Resolves once no clearing round is running or queued. */
  idle(): Promise<void> {
    return this.rounds.idle();
  }

  pricesByMetro(filter?: { metro?: string; plan?: string }): Promise<SpotPrices> {
    return this.prices.byMetro(filter);
  }

  pricesByFacility(filter?: { facility?: string; plan?: string }): Promise<SpotPrices> {
    return this.prices.byFacility(filter);
  }

  history(query: Parameters<SpotPriceService['history']>[0]): Promise<PriceDatapoint[]> {
    return this.prices.history(query);
  }

  /** Sets the project's webhook URL with a new signing secret, shown only here. */
  async setWebhook(principal: Principal, projectId: string, url: string): Promise<Webhook> {
    await this.requests.visibleProject(principal, projectId);
    const problem = webhookUrlProblem(url, this.ctx.config.webhookAllowPrivate);
    if (problem) throw new MetalError('validation_failed', problem);
    const secret = `whsec_${randomToken(40)}`;
    await setProjectWebhook(this.ctx.db, projectId, url, this.ctx.secrets.seal(secret), this.ctx.clock.now());
    return { url, secret };
  }

  /** Placement of on-demand devices waiting for a machine: re-checked until placed, deleted or timed out. */
  readonly placeWaiting = async (job: JobRow): Promise<JobOutcome> => {
    const outcome = await this.devices.placeWaiting(job.device_id!, (job.payload as { facility_ids: string[] }).facility_ids);
    if (outcome !== 'waiting') return {};
    return {
      jobs: [
        {
          kind: 'place_device',
          device_id: job.device_id,
          payload: job.payload,
          run_at: new Date(this.ctx.clock.now().getTime() + PLACEMENT_RETRY_MS),
        },
      ],
    };
  };
}
