/**
 * The composition root: a whole local metal cloud — store (PGlite or PostgreSQL), migrations, engine, the
 * simulated data center, drivers, the public API listener and the boot service on its own listener (the
 * provisioning network: machines reach it, tenants do not).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino, { Logger } from 'pino';
import { buildApi } from './api/app';
import { webhookBodies } from './api/present/webhooks';
import { bootRequestSerializer, buildBootServer, startProvisioningServices, type ProvisioningServices } from './boot';
import type { DhcpServerOptions } from './boot/dhcp';
import type { TftpServerOptions } from './boot/tftp';
import { consoleRoutes } from './console/server';
import { DhcpLeases } from './store/dhcp-leases';
import { createIpmiDriver } from './drivers/ipmi';
import { createRedfishDriver } from './drivers/redfish';
import { createSimDriver } from './drivers/sim';
import type { BmcDriver, BmcEndpoint } from './drivers/types';
import { Engine, type EngineConfig } from './engine';
import type { RouterFactory } from './engine/network/bgp';
import type { SwitchFactory } from './engine/network/layer2';
import { EngineBootBackend } from './engine/boot-backend';
import { Clock, systemClock } from './core/clock';
import { loadCatalogFile, seedCatalog } from './engine/operator';
import { SecretBox, verifySecretKey } from './engine/secrets';
import { attachBootAgent } from './sim/boot-agent';
import { SimDatacenter, type SimDatacenterOptions, type SimMachineSpec } from './sim/datacenter';
import { Batcher } from './store/batcher';
import { simMachineSpecs } from './store/machines';
import type { SimFaults } from './sim/machine';
import { Database, openDatabase } from './store/database';
import { hasStore, openDataDirStore, storeDir } from './store/data-dir';
import { migrated } from './store/migrations';

export const DEFAULT_CATALOG = resolve(__dirname, '..', 'catalog', 'default.json');

export interface CloudOptions {
  /** PGlite data directory (also holds the secret key and the admin token). Omitted = in memory. */
  dataDir?: string;
  /** PostgreSQL connection string; replaces PGlite. */
  databaseUrl?: string;
  /** PGlite: acknowledge a commit only once it is on disk (see DatabaseOptions.durable). @default true */
  durableCommits?: boolean;
  /** Catalog to seed an empty database with; false = seed nothing. @default catalog/default.json */
  catalog?: string | false;
  /** Simulated durations multiplier (1 = realistic, 0 = instant). @default 1 */
  simScale?: number;
  simFaults?: Partial<SimFaults>;
  simSeed?: number;
  /**
   * How simulated machines network-boot: 'http' fetches iPXE, metadata and phones home over the real boot
   * service; 'in-process' takes the fast path (benchmarks). @default 'http'
   */
  bootPath?: 'http' | 'in-process';
  /** The public API listener. */
  host?: string;
  /** 0 = any free port. @default 8080 */
  port?: number;
  /** The boot listener (iPXE, metadata, user-data, phone-home): an address on the provisioning network. @default 127.0.0.1 */
  bootHost?: string;
  /** 0 = any free port (Cloud.bootUrl says which). @default port + 1 (8081), or any free port when port is 0 */
  bootPort?: number;
  /**
   * Base URL machines reach the boot service at (e.g. a load balancer in front of every server sharing the
   * database): iPXE scripts and metadata name it, so any server can finish an install. @default the URL each
   * machine used
   */
  bootPublicUrl?: string;
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For the boot listener believes. @default none */
  bootTrustedProxies?: string[];
  /** Real installer files (<installer>/<file>) the boot listener serves instead of simulated ones. */
  bootInstallerDir?: string;
  /**
   * The provisioning network's DHCP and TFTP servers, started by listen(); one left out is not run (an operator
   * with their own DHCP leaves out `dhcp`). DHCP leases live in the store; iPXE is sent to <bootUrl>/boot/auto.ipxe.
   */
  provisioning?: { dhcp?: Omit<DhcpServerOptions, 'leases' | 'ipxeScriptUrl'>; tftp?: TftpServerOptions };
  logger?: Logger;
  clock?: Clock;
  /** Use this admin token (e.g. from METALFORGE_ADMIN_TOKEN) instead of a generated one. */
  adminToken?: string;
  engine?: Partial<EngineConfig>;
  rateLimit?: { limit?: number; windowMs?: number };
  /** Failed authentications per source address and window before 429. @default 20 per minute */
  authFailures?: { limit?: number; windowMs?: number };
  /** Serve /metrics without a token. @default false (operator token required) */
  metricsPublic?: boolean;
  /** Redfish/IPMI driver factories for real hardware. @default the native Redfish and IPMI drivers */
  drivers?: Partial<Record<'redfish' | 'ipmi', (endpoint: BmcEndpoint) => BmcDriver>>;
  /** The BGP router of each metro, by metro code (e.g. a BirdRouter). @default a simulated router per metro */
  routers?: RouterFactory;
  /**
   * The switch of each metro, by metro code, and the switch port each machine's NIC is wired to (e.g. a Linux
   * bridge). @default a simulated switch per metro, NIC `eth1` of machine M on port `M:eth1` (a switch port name has no slash)
   */
  switches?: SwitchFactory;
  /** Makes the machine of a `sim` enrolment instead of a simulated one (e.g. a VmMachine for a VM-backed plan). */
  simMachine?: SimDatacenterOptions['createMachine'];
  /** Start the job runner and timeout sweeper. @default true */
  startWorkers?: boolean;
  /** Told each start-up step before it runs (the CLI prints them: the first start takes a while). */
  progress?: (step: string) => void;
}

export interface Cloud {
  app: FastifyInstance;
  engine: Engine;
  db: Database;
  sim: SimDatacenter;
  /** The admin (operator) API token: generated at first start and kept in <dataDir>/admin-token (mode 0600). */
  adminToken: string;
  /** Where the admin token is kept (with a data dir). */
  adminTokenFile?: string;
  /** True when this start created the admin token: the one time it may be shown. */
  adminTokenCreated: boolean;
  /** The public API, http://host:port once listening. */
  url?: string;
  /** The boot service as machines reach it: bootPublicUrl, else http://bootHost:bootPort once listening. */
  bootUrl?: string;
  /** The boot service's server (its own listener). */
  boot: FastifyInstance;
  /** The DHCP and TFTP servers once listening, when CloudOptions.provisioning asked for them. */
  provisioning?: ProvisioningServices;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createCloud(options: CloudOptions = {}): Promise<Cloud> {
  const log = options.logger ?? pino({ level: 'silent' });
  const clock = options.clock ?? systemClock;
  const progress = options.progress ?? (() => undefined);
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pgdata = options.databaseUrl || !options.dataDir ? undefined : storeDir(options.dataDir);
  if (options.databaseUrl) progress('connecting to PostgreSQL and applying migrations');
  else if (pgdata && hasStore(options.dataDir!)) progress(`opening the embedded database (PGlite) in ${pgdata}, applying migrations`);
  else progress(`creating the embedded database (PGlite) in ${pgdata ?? 'memory'} (the first start takes up to a minute)`);
  const db = await openStore(options);
  const secrets = secretBox(options.dataDir, log, !!options.databaseUrl);
  try {
    await verifySecretKey(db, secrets, { ephemeral: !process.env.METALFORGE_SECRET_KEY && !options.dataDir });
  } catch (err) {
    await db.close();
    throw err;
  }

  // Assigned once below: the simulator needs the engine's boot backend, and the engine's drivers need the simulator.
  // eslint-disable-next-line prefer-const
  let sim!: SimDatacenter;
  // Machines are first touched in waves (a batch of provisions): one query describes a whole wave.
  const describeSim = new Batcher<string, SimMachineSpec | undefined>(async (names) => {
    const rows = await simMachineSpecs(db, names);
    const byName = new Map(rows.map((r) => [r.name, r]));
    return names.map((name) => byName.get(name));
  });
  const drivers = (endpoint: BmcEndpoint): BmcDriver => {
    if (endpoint.driver === 'sim') return createSimDriver(() => sim.machine(endpoint.address));
    const factory = options.drivers?.[endpoint.driver] ?? (endpoint.driver === 'redfish' ? createRedfishDriver : createIpmiDriver);
    return factory(endpoint);
  };
  const engine = new Engine({
    db,
    clock,
    log,
    secrets,
    drivers,
    config: options.engine,
    webhookBodies,
    routers: options.routers,
    switches: options.switches,
  });
  // PGlite is single-process: any job lease in it belongs to a previous run of this server.
  await engine.init({ releaseLeases: db.kind === 'pglite' });
  // The simulated data center lives in this process: machines that were installing when it last stopped came back
  // powered off and would never phone home, so their installs are network-booted again (same install token).
  await engine.provisioner.restartStrandedInstalls('sim');
  const backend = new EngineBootBackend(engine.ctx, engine.installs);
  const bootPath = options.bootPath ?? 'http';
  let bootBaseUrl = options.bootPublicUrl?.replace(/\/+$/, '') ?? '';
  sim = new SimDatacenter({
    clock,
    scale: options.simScale ?? 1,
    faults: options.simFaults,
    seed: options.simSeed,
    installTarget: bootPath === 'in-process' ? backend : undefined,
    // A VM's own firmware boots it over the network: only simulated machines get the HTTP boot agent.
    onMachine:
      bootPath === 'http' ? (machine) => void (machine.bootsItself || attachBootAgent([machine], { bootBaseUrl, clock })) : undefined,
    createMachine: options.simMachine,
    describe: (name) => describeSim.submit(name),
  });

  if (options.catalog !== false) {
    progress('loading the catalog (an empty database is seeded with it)');
    const seeded = await seedCatalog(engine.ctx, loadCatalogFile(options.catalog ?? DEFAULT_CATALOG));
    if (seeded.machines) log.info({ machines: seeded.machines }, 'seeded the simulated data center from the catalog');
  }
  const admin = await resolveAdminToken(engine, options);

  progress('starting the API and boot service');
  const app = await buildApi({
    engine,
    logger: log.child({}, { serializers: { req: bootRequestSerializer } }),
    rateLimit: options.rateLimit,
    authFailures: options.authFailures,
    metricsPublic: options.metricsPublic,
  });
  await consoleRoutes(app);
  const boot = await buildBootServer({
    backend,
    publicBaseUrl: options.bootPublicUrl,
    trustedProxies: options.bootTrustedProxies,
    installerDir: options.bootInstallerDir,
    logger: log,
  });
  if (options.startWorkers !== false) engine.start();

  const cloud: Cloud = {
    app,
    engine,
    db,
    sim,
    adminToken: admin.token,
    adminTokenFile: admin.file,
    adminTokenCreated: admin.created,
    boot,
    async listen() {
      const port = options.port ?? 8080;
      const address = await app.listen({ host: options.host ?? '127.0.0.1', port });
      cloud.url = address.replace('[::1]', '127.0.0.1');
      // Lets `metalforge backup` find this server through the data dir.
      db.announce?.(cloud.url);
      const bootPort = options.bootPort ?? (port === 0 ? 0 : port + 1);
      const bootAddress = await boot.listen({ host: options.bootHost ?? '127.0.0.1', port: bootPort });
      bootBaseUrl ||= bootAddress.replace('[::1]', '127.0.0.1');
      cloud.bootUrl = bootBaseUrl;
      const { dhcp, tftp } = options.provisioning ?? {};
      if (dhcp || tftp) {
        cloud.provisioning = await startProvisioningServices({
          dhcp: dhcp && { ...dhcp, ipxeScriptUrl: `${bootBaseUrl}/boot/auto.ipxe`, leases: new DhcpLeases(db, clock) },
          tftp,
        });
      }
      return cloud.url;
    },
    async close() {
      await cloud.provisioning?.close();
      await app.close();
      await boot.close();
      await engine.stop();
      await db.close();
    },
  };
  return cloud;
}

/** PostgreSQL, the data dir's store (backed up before migrations) or an in-memory store; migrated. */
async function openStore(options: CloudOptions): Promise<Database> {
  if (options.dataDir && !options.databaseUrl) return openDataDirStore(options.dataDir, { durable: options.durableCommits });
  return migrated(await openDatabase({ url: options.databaseUrl }));
}

/** BMC secrets need a stable key: in the data directory, or METALFORGE_SECRET_KEY (base64, 32 bytes). */
function secretBox(dataDir: string | undefined, log: Logger, external: boolean): SecretBox {
  if (process.env.METALFORGE_SECRET_KEY) return SecretBox.fromBase64(process.env.METALFORGE_SECRET_KEY);
  if (dataDir) return SecretBox.fromFile(join(dataDir, 'secret.key'));
  if (external) log.warn('no --data-dir or METALFORGE_SECRET_KEY: BMC passwords stored now cannot be read after a restart');
  return SecretBox.random();
}

async function resolveAdminToken(engine: Engine, options: CloudOptions): Promise<{ token: string; created: boolean; file?: string }> {
  const file = options.dataDir && join(options.dataDir, 'admin-token');
  const requested = (options.adminToken ?? process.env.METALFORGE_ADMIN_TOKEN) || undefined; // '' is unset, never a token
  const created = await engine.accounts.bootstrap(requested);
  const token = requested ?? created ?? (file && existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  if (!token) {
    throw new Error(
      'this database already has an operator but its admin token is not known here: pass --admin-token (or METALFORGE_ADMIN_TOKEN) with a token of your choice',
    );
  }
  if (file && created) {
    writeFileSync(file, token + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { token, created: !!created && !requested, file: file && existsSync(file) ? file : undefined };
}
