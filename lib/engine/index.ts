/**
 * The engine facade: domain services over one database, clock, secret box and driver factory.
 * It knows no HTTP; lib/api translates requests into these calls.
 */
import type { Logger } from 'pino';
import type { Database } from '../store/database';
import { releaseUntrackedLeases } from '../store/workers';
import { AccountService } from './accounts';
import { AddressService } from './ip-assignments';
import type { Clock } from '../core/clock';
import { DEFAULT_ENGINE_CONFIG, DriverFactory, EngineConfig, EngineContext } from './context';
import { DeviceService } from './devices';
import { newId } from '../core/ids';
import { IdempotencyService } from './idempotency';
import { InstallService } from './installs';
import { JobRunner } from './jobs';
import { BgpService, type RouterFactory } from './network/bgp';
import { ElasticIpService } from './network/elastic-ips';
import { Layer2Service, type SwitchFactory } from './network/layer2';
import { MetalGatewayService } from './network/metal-gateways';
import { IpamService } from './network/ipam';
import { BmcErrorCounts, countingBmcErrors, EngineObservations } from './observations';
import { OperatorService } from './operator';
import { ProjectService } from './projects';
import { Provisioner } from './provisioner';
import type { SecretBox } from './secrets';
import { SpotMarketService } from './spot/market';
import type { WebhookBodies } from './spot/notices';
import { WebhookSender } from './webhooks';
import { TerraformStateService } from './terraform-state';
import { World } from './world';

export interface EngineOptions {
  db: Database;
  clock: Clock;
  log: Logger;
  secrets: SecretBox;
  drivers: DriverFactory;
  config?: Partial<EngineConfig>;
  /** The bodies of the webhooks it sends, as the API presents them (lib/api/present/webhooks.ts). */
  webhookBodies: WebhookBodies;
  /** The BGP router of each metro, by metro code. @default a simulated router per metro */
  routers?: RouterFactory;
  /** The switch of each metro, by metro code. @default a simulated switch per metro */
  switches?: SwitchFactory;
}

export class Engine {
  readonly ctx: EngineContext;
  readonly world = new World();
  readonly accounts: AccountService;
  readonly projects: ProjectService;
  readonly addresses: AddressService;
  readonly ipam: IpamService;
  readonly elasticIps: ElasticIpService;
  readonly bgp: BgpService;
  readonly layer2: Layer2Service;
  readonly metalGateways: MetalGatewayService;
  readonly devices: DeviceService;
  readonly installs: InstallService;
  readonly operator: OperatorService;
  readonly provisioner: Provisioner;
  readonly jobs: JobRunner;
  readonly spot: SpotMarketService;
  readonly webhooks: WebhookSender;
  readonly observations: EngineObservations;
  readonly terraformState: TerraformStateService;
  readonly idempotency: IdempotencyService;
  private sweeper?: NodeJS.Timeout;
  private clearing?: NodeJS.Timeout;

  constructor(options: EngineOptions) {
    const bmcErrors = new BmcErrorCounts();
    this.ctx = {
      db: options.db,
      clock: options.clock,
      log: options.log,
      secrets: options.secrets,
      drivers: countingBmcErrors(options.drivers, bmcErrors),
      world: this.world,
      config: { ...DEFAULT_ENGINE_CONFIG, ...options.config },
      webhookBodies: options.webhookBodies,
    };
    this.observations = new EngineObservations(this.ctx, bmcErrors);
    this.accounts = new AccountService(this.ctx);
    this.projects = new ProjectService(this.ctx);
    this.addresses = new AddressService(this.ctx, this.projects);
    this.ipam = new IpamService(this.ctx, this.projects, (projectId) => this.bgp.reservationsChanged(projectId));
    this.elasticIps = new ElasticIpService(this.ctx, this.projects);
    this.devices = new DeviceService(this.ctx, () => this.jobs.poke());
    this.bgp = new BgpService(
      this.ctx,
      this.projects,
      this.devices,
      async (id) => (await this.ipam.blocksOf(id)).filter((b) => !b.management),
      options.routers,
    );
    this.layer2 = new Layer2Service(this.ctx, this.projects, this.devices, () => this.jobs.poke(), options.switches);
    this.metalGateways = new MetalGatewayService(this.ctx, this.projects, this.layer2, this.ipam);
    this.installs = new InstallService(this.ctx);
    this.operator = new OperatorService(this.ctx);
    const workerId = newId();
    this.webhooks = new WebhookSender(this.ctx, workerId);
    this.spot = new SpotMarketService(
      this.ctx,
      this.devices,
      () => this.jobs.poke(),
      () => this.webhooks.poke(),
    );
    this.terraformState = new TerraformStateService(this.ctx, this.projects, this.accounts);
    this.provisioner = new Provisioner(this.ctx, workerId, (id, generation) => this.installs.phoneHomeToken(id, generation), {
      place_device: this.spot.placeWaiting,
      reconcile_router: this.bgp.reconcileJob,
      sync_ports: this.layer2.syncJob,
      apply_port_batch: this.layer2.batchJob,
    });
    this.jobs = new JobRunner(this.ctx, this.provisioner.runBatch, workerId);
    this.idempotency = new IdempotencyService(this.ctx, workerId);
  }

  /**
   * Loads the world; with `releaseLeases` (a store with one writer), the jobs and installs of a previous (crashed)
   * run of this server are taken over at once instead of after its heartbeat goes stale.
   */
  async init(options: { releaseLeases?: boolean } = {}): Promise<void> {
    await this.world.load(this.ctx.db);
    await this.world.watch(this.ctx.db, (err) => this.ctx.log.error({ err }, 'reloading the catalog failed'));
    await this.jobs.register();
    await this.accounts.watchRevocations();
    if (options.releaseLeases) {
      await releaseUntrackedLeases(this.ctx.db);
      await this.jobs.takeOverAll();
    }
  }

  /** Starts the job runner, the webhook sender, the timeout sweeper and the spot market's clearing rounds. */
  start(sweepEveryMs = 1000): void {
    this.jobs.start();
    this.webhooks.start();
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

  /** What keeps this server from doing its work (empty = ready): the store must answer within `storeTimeoutMs`. */
  async readiness(storeTimeoutMs = 2000): Promise<string[]> {
    const problems: string[] = [];
    await this.ctx.db.ping(storeTimeoutMs).catch((err: Error) => problems.push(`store: ${err.message}`));
    const runner = this.jobs.health();
    if (!runner.alive) problems.push(`job runner: ${runner.reason}`);
    return problems;
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.clearing) clearInterval(this.clearing);
    await this.spot.idle();
    await this.jobs.stop();
    await this.webhooks.stop();
    await this.devices.idle();
    await this.installs.idle();
    await this.provisioner.close();
    await this.layer2.close();
    await this.accounts.stopWatching();
    await this.world.unwatch();
  }
}

export type { EngineConfig } from './context';

// What the API's presenters (lib/api/present) read: the rows and plain data the services return. The API never
// imports lib/store; these are the store's row types as the engine hands them out.
export type { ApiKeyRow, OrganizationRow, UserRow } from '../store/accounts';
export type { FacilityRow, MetroRow, OsRow, PlanRow } from '../store/catalog';
export type { EventRow } from '../store/events';
export type { MachineRow } from '../store/machines';
export type { ProjectRow, SshKeyRow } from '../store/projects';
export type { TerraformStateVersionRow } from '../store/terraform-state';
export type { CreatedApiKey, Principal } from './accounts';
export type { DeviceRow, StoredAddress } from './devices';
export type { HeldAddress } from './ip-assignments';
export type { PoolRow, PoolSummary, ReservationRow } from './network/ipam';
export { MANAGEMENT_BLOCK } from './network/ipam';
export type { ElasticAssignmentRow } from './network/elastic-ips';
export type { BatchRow, MetroSwitchSetup, NetworkRow, PortRow, PortView, SwitchFactory, VlanRow, VlanUsers } from './network/layer2';
export type { DeviceElasticIp } from '../store/devices';
export type { DeviceNetwork } from '../store/layer2';
export type { SpotRequestView } from './spot/requests';
export type { TerminationNotice, WebhookBodies } from './spot/notices';
export type { World } from './world';
export { ipBlockId } from './addresses';
export { blockGateway } from './network/assignment-rules';
export { inBond } from './network/port-rules';
export type { GatewayView } from './network/metal-gateways';
export { PROVISIONING_PROGRESS, shownState, type LifecycleState } from './lifecycle';
