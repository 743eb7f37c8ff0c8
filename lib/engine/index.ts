/**
 * The engine facade: domain services over one database, clock, secret box and driver factory.
 * It knows no HTTP; lib/api translates requests into these calls.
 */
import type { Logger } from 'pino';
import type { Database } from '../store/database';
import { AccountService } from './accounts';
import type { Clock } from './clock';
import { DEFAULT_ENGINE_CONFIG, DriverFactory, EngineConfig, EngineContext } from './context';
import { DeviceService } from './devices';
import { JobRunner } from './jobs';
import { OperatorService } from './operator';
import { ProjectService } from './projects';
import { Provisioner } from './provisioner';
import type { SecretBox } from './secrets';
import { SpotMarketService } from './spot/market';
import { TerraformStateService } from './terraform-state';
import { World } from './world';

export interface EngineOptions {
  db: Database;
  clock: Clock;
  log: Logger;
  secrets: SecretBox;
  drivers: DriverFactory;
  config?: Partial<EngineConfig>;
}

export class Engine {
  readonly ctx: EngineContext;
  readonly world = new World();
  readonly accounts: AccountService;
  readonly projects: ProjectService;
  readonly devices: DeviceService;
  readonly operator: OperatorService;
  readonly provisioner: Provisioner;
  readonly jobs: JobRunner;
  readonly spot: SpotMarketService;
  readonly terraformState: TerraformStateService;
  private sweeper?: NodeJS.Timeout;
  private clearing?: NodeJS.Timeout;

  constructor(options: EngineOptions) {
    this.ctx = {
      db: options.db,
      clock: options.clock,
      log: options.log,
      secrets: options.secrets,
      drivers: options.drivers,
      world: this.world,
      config: { ...DEFAULT_ENGINE_CONFIG, ...options.config },
    };
    this.accounts = new AccountService(this.ctx);
    this.projects = new ProjectService(this.ctx);
    this.devices = new DeviceService(this.ctx, () => this.jobs.poke());
    this.operator = new OperatorService(this.ctx);
    this.terraformState = new TerraformStateService(this.ctx, this.projects, this.accounts);
    this.spot = new SpotMarketService(this.ctx, this.devices, () => this.jobs.poke());
    this.provisioner = new Provisioner(this.ctx, (id, generation) => this.devices.phoneHomeToken(id, generation), {
      place_device: this.spot.placeWaiting,
      spot_webhook: this.spot.deliverWebhook,
    });
    this.jobs = new JobRunner(this.ctx, this.provisioner.runBatch);
  }

  /** Loads the world; with `releaseLeases`, jobs leased by a previous (crashed) process become claimable at once. */
  async init(options: { releaseLeases?: boolean } = {}): Promise<void> {
    await this.world.load(this.ctx.db);
    if (options.releaseLeases) await this.ctx.db.query('UPDATE jobs SET locked_until = NULL WHERE locked_until IS NOT NULL');
  }

  /** Starts the job runner, the timeout sweeper and the spot market's clearing rounds. */
  start(sweepEveryMs = 1000): void {
    this.jobs.start();
    this.sweeper = setInterval(() => {
      this.devices.sweepTimeouts().catch((err) => this.ctx.log.error({ err }, 'timeout sweep failed'));
    }, sweepEveryMs);
    this.sweeper.unref();
    const clear = () => {
      this.spot.clear().catch((err) => this.ctx.log.error({ err }, 'spot clearing round failed'));
    };
    // One round at once, so spot prices exist as soon as the server answers.
    clear();
    this.clearing = setInterval(clear, this.ctx.config.spotClearEveryMs);
    this.clearing.unref();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.clearing) clearInterval(this.clearing);
    await this.spot.idle();
    await this.jobs.stop();
    await this.devices.idle();
    await this.provisioner.close();
  }
}

export type { EngineConfig } from './context';
