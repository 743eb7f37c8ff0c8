/**
 * BGP: a project's configuration, its devices' sessions with their metro's router, and the neighbor data a server
 * configures its BGP speaker from. Load, decide with the pure rules (bgp-rules.ts), write; then make the metro's
 * router hold exactly the metro's sessions. One router per metro (a RouterDriver: simulated by default, BIRD when
 * the composition root gives one); its changes run one at a time per metro, each from what the store says then.
 *
 * The MD5 password is sealed with the server's SecretBox at rest. It is given back where Metal gave it, to callers
 * who may see the project (BgpConfig.md5, BgpNeighborData.md5_password), reaches the router's configuration, and
 * is never written to events or logs.
 */
import { MetalError } from '../../contract/errors';
import { SimRouter, type RouterDriver } from '../../drivers/router';
import { DriverError } from '../../drivers/types';
import { isUuid, newId } from '../../core/ids';
import * as repo from '../../store/bgp';
import { insertEvents } from '../../store/events';
import type { ReservationRow } from '../../store/ip-pools';
import type { Principal } from '../accounts';
import type { CommitWith, EngineContext } from '../context';
import type { JobOutcome } from '../jobs';
import type { Queryable } from '../../store/database';
import { enqueueJobs, type JobRow } from '../../store/jobs';
import type { DeviceService } from '../devices';
import type { ProjectService } from '../projects';
import {
  DEFAULT_MAX_PREFIX,
  DEFAULT_PEER_IPS,
  ROUTER_ASN,
  configProblems,
  customerIp,
  familyNumber,
  observedStatus,
  routerFailureReason,
  routerSession,
  routerSessionId,
  routesIn,
  routesOut,
  sameConfig,
  sessionProblems,
  type BgpRoute,
  type Block,
  type ConfigRequest,
  type Family,
} from './bgp-rules';

export type { BgpConfigRow, BgpSessionRow } from '../../store/bgp';

/** A metro's router as the engine uses it: the driver, and the addresses servers peer with (Metal's peer_ips). */
export interface MetroRouterSetup {
  router: RouterDriver;
  /** @default 169.254.255.1 and .2 for IPv4, fc00::e and fc00::f for IPv6, as on Metal */
  peerIps?: Partial<Record<Family, readonly string[]>>;
}

/** The router of a metro, by its code; asked once per metro. */
export type RouterFactory = (metroCode: string) => MetroRouterSetup;

/** A project's BGP configuration with its MD5 password opened. */
export interface BgpConfigView extends repo.BgpConfigRow {
  md5: string | null;
}

/** One BgpNeighborData entry, as plain data. */
export interface BgpNeighbor {
  family: 4 | 6;
  customerAsn: number;
  customerIp: string;
  md5: string | null;
  multihop: boolean;
  peerAsn: number;
  peerIps: string[];
  routesIn: BgpRoute[];
  routesOut: BgpRoute[];
}

export interface SessionInput {
  address_family?: string;
  default_route?: boolean;
}

type Reservations = (projectId: string) => Promise<ReservationRow[]>;

export class BgpService {
  private readonly routers = new Map<string, MetroRouterSetup>();
  /** Router changes per metro, one at a time. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly projects: ProjectService,
    private readonly devices: DeviceService,
    private readonly reservations: Reservations,
    private readonly routerFactory: RouterFactory = () => ({ router: new SimRouter(ctx.clock) }),
  ) {}

  // ------------------------------------------------------------------ configuration

  /** Enables BGP for a project; asking again for the same configuration is done, asking for another is refused. */
  async requestConfig(principal: Principal, projectId: string, input: ConfigRequest): Promise<void> {
    await this.projects.row(principal, projectId);
    const problems = configProblems(input);
    if (problems.length) throw new MetalError('validation_failed', problems);
    const now = this.ctx.clock.now();
    const inserted = await this.ctx.db.transaction(async (tx) => {
      const row = await repo.insertConfig(tx, {
        id: newId(),
        project_id: projectId,
        deployment_type: input.deployment_type as repo.DeploymentType,
        asn: input.asn,
        md5_sealed: input.md5 ? this.ctx.secrets.seal(input.md5) : null,
        max_prefix: DEFAULT_MAX_PREFIX,
        // No review board here: global deployments are enabled at once, like local ones.
        status: 'enabled',
        created_at: now.toISOString(),
      });
      if (row) {
        const body = `BGP (${row.deployment_type}, ASN ${row.asn}${row.md5_sealed ? ', with an MD5 password' : ''}) enabled`;
        await insertEvents(tx, [{ id: newId(), type: 'bgp_config.enabled', body, project_id: projectId }], now);
      }
      return row;
    });
    if (inserted) return;
    const existing = (await this.config(principal, projectId))!;
    if (!sameConfig(existing, input)) {
      throw new MetalError(
        'validation_failed',
        `project: already has a BGP configuration (${existing.deployment_type}, ASN ${existing.asn}); it cannot be changed, as on Metal`,
      );
    }
  }

  /** The project's BGP configuration, or undefined when BGP is not enabled. */
  async config(principal: Principal, projectId: string): Promise<BgpConfigView | undefined> {
    await this.projects.row(principal, projectId);
    const row = await repo.findConfig(this.ctx.db, projectId);
    return row && { ...row, md5: row.md5_sealed ? this.ctx.secrets.open(row.md5_sealed) : null };
  }

  // ------------------------------------------------------------------ sessions

  /** Opens a session; `commitWith` (an idempotent request's answer) commits with it. */
  async createSession(
    principal: Principal,
    deviceId: string,
    input: SessionInput,
    commitWith?: CommitWith<repo.BgpSessionRow>,
  ): Promise<repo.BgpSessionRow> {
    const device = await this.device(principal, deviceId);
    const family = (input.address_family ?? 'ipv4') as Family;
    const [config, existing] = await Promise.all([
      repo.findConfig(this.ctx.db, device.project_id),
      repo.sessionsOfDevice(this.ctx.db, device.id),
    ]);
    const problems = sessionProblems({
      family,
      config,
      existing: existing.map((s) => s.address_family),
      addresses: device.ip_addresses,
      deviceId: device.id,
    });
    if (problems.length) throw new MetalError('validation_failed', problems);
    const now = this.ctx.clock.now();
    const row = await this.ctx.db.transaction(async (tx) => {
      const inserted = await repo.insertSession(tx, {
        id: newId(),
        device_id: device.id,
        project_id: device.project_id,
        metro_id: device.metro_id,
        address_family: family,
        default_route: input.default_route ?? false,
        created_at: now.toISOString(),
      });
      // A concurrent request made the same session first.
      if (!inserted)
        throw new MetalError('validation_failed', sessionProblems({ family, config, existing: [family], addresses: [], deviceId }));
      await Promise.all([
        insertEvents(tx, [sessionEvent(inserted, 'bgp_session.created', `BGP session (${family}) created`)], now),
        commitWith?.(tx, inserted),
      ]);
      return inserted;
    });
    await this.applyMetro(device.metro_id, [row.id]);
    return (await this.observe([(await repo.findSession(this.ctx.db, row.id))!], false))[0];
  }

  async sessionsOfDevice(principal: Principal, deviceId: string): Promise<repo.BgpSessionRow[]> {
    const device = await this.device(principal, deviceId);
    return this.observe(await repo.sessionsOfDevice(this.ctx.db, device.id));
  }

  async sessionsOfProject(principal: Principal, projectId: string): Promise<repo.BgpSessionRow[]> {
    await this.projects.row(principal, projectId);
    return this.observe(await repo.sessionsOfProject(this.ctx.db, projectId));
  }

  async session(principal: Principal, id: string): Promise<repo.BgpSessionRow> {
    return (await this.observe([await this.sessionRow(principal, id)]))[0];
  }

  /** Turns the default route of a session on or off (Metal's PUT /bgp/sessions/{id}). */
  async setDefaultRoute(principal: Principal, id: string, defaultRoute: boolean): Promise<repo.BgpSessionRow> {
    const before = await this.sessionRow(principal, id);
    if (before.default_route === defaultRoute) return (await this.observe([before]))[0];
    const now = this.ctx.clock.now();
    const row = await this.ctx.db.transaction(async (tx) => {
      const updated = await repo.setDefaultRoute(tx, id, defaultRoute, now);
      if (!updated) throw new MetalError('not_found', `bgp session ${id} not found`);
      const body = `BGP session (${updated.address_family}) default route ${defaultRoute ? 'enabled' : 'disabled'}`;
      await insertEvents(tx, [sessionEvent(updated, 'bgp_session.updated', body)], now);
      return updated;
    });
    await this.applyMetro(row.metro_id, [row.id]);
    return (await this.observe([(await repo.findSession(this.ctx.db, row.id))!], false))[0];
  }

  async deleteSession(principal: Principal, id: string): Promise<void> {
    await this.sessionRow(principal, id);
    const now = this.ctx.clock.now();
    const row = await this.ctx.db.transaction(async (tx) => {
      const deleted = await repo.deleteSession(tx, id);
      if (!deleted) throw new MetalError('not_found', `bgp session ${id} not found`);
      await insertEvents(tx, [sessionEvent(deleted, 'bgp_session.deleted', `BGP session (${deleted.address_family}) deleted`)], now);
      return deleted;
    });
    await this.applyMetro(row.metro_id, []);
  }

  /** What the device's server configures its BGP speaker with: one entry per session (Metal's BgpNeighborData). */
  async neighbors(principal: Principal, deviceId: string): Promise<BgpNeighbor[]> {
    const device = await this.device(principal, deviceId);
    const [config, sessions, blocks] = await Promise.all([
      repo.findConfig(this.ctx.db, device.project_id),
      repo.sessionsOfDevice(this.ctx.db, device.id),
      this.blocksOf(device.project_id, device.metro_id),
    ]);
    if (!config) return [];
    const md5 = config.md5_sealed ? this.ctx.secrets.open(config.md5_sealed) : null;
    const setup = this.routerOf(device.metro_id);
    return sessions.flatMap((s) => {
      const ip = customerIp(device.ip_addresses, s.address_family);
      if (!ip) return [];
      return [
        {
          family: familyNumber(s.address_family),
          customerAsn: config.asn,
          customerIp: ip,
          md5,
          multihop: true,
          peerAsn: ROUTER_ASN,
          peerIps: [...(setup.peerIps?.[s.address_family] ?? DEFAULT_PEER_IPS[s.address_family])],
          routesIn: routesIn(blocks, s.address_family),
          routesOut: routesOut(s.default_route, s.address_family),
        },
      ];
    });
  }

  /** The project's blocks changed: its sessions' routers are given the new allowed prefixes. */
  async reservationsChanged(projectId: string): Promise<void> {
    const metros = await repo.metrosOfProject(this.ctx.db, projectId);
    const sessions = await repo.sessionsOfProject(this.ctx.db, projectId);
    await Promise.all(
      metros.map((m) =>
        this.applyMetro(
          m,
          sessions.filter((s) => s.metro_id === m).map((s) => s.id),
        ),
      ),
    );
  }

  /**
   * The ranges a project with a global BGP deployment may announce from every metro (Metal's GlobalBgpRange): its
   * global IPv4 reservations. None for a local deployment or without BGP.
   */
  async globalRanges(principal: Principal, projectId: string): Promise<ReservationRow[]> {
    const config = await this.config(principal, projectId);
    if (config?.deployment_type !== 'global') return [];
    return (await this.reservations(projectId)).filter((r) => r.type === 'global_ipv4');
  }

  /** The durable job that brings a metro's router in line with the store (after devices with sessions went). */
  readonly reconcileJob = async (job: JobRow): Promise<JobOutcome> => {
    const metroId = (job.payload as { metro_id: string }).metro_id;
    const failure = await this.applyMetro(metroId, []);
    return failure ? { retry: { error: failure, final: {} } } : {};
  };

  // ------------------------------------------------------------------ internals

  private async device(principal: Principal, id: string) {
    const row = await this.devices.get(id, principal.projectId ?? undefined);
    if (!(await this.projects.isVisible(principal, row.project_id))) throw new MetalError('not_found', `device ${id} not found`);
    return row;
  }

  private async sessionRow(principal: Principal, id: string): Promise<repo.BgpSessionRow> {
    const row = isUuid(id) ? await repo.findSession(this.ctx.db, id) : undefined;
    if (!row || !(await this.projects.isVisible(principal, row.project_id)))
      throw new MetalError('not_found', `bgp session ${id} not found`);
    return row;
  }

  /** The project's blocks that serve a metro: its reservations there and its global ones. */
  private async blocksOf(projectId: string, metroId: string): Promise<Block[]> {
    return (await this.reservations(projectId)).filter((r) => r.metro_id === metroId || r.type === 'global_ipv4');
  }

  private routerOf(metroId: string): MetroRouterSetup {
    let setup = this.routers.get(metroId);
    if (!setup) {
      setup = this.routerFactory(this.ctx.world.metros.get(metroId)?.code ?? metroId);
      this.routers.set(metroId, setup);
    }
    return setup;
  }

  /**
   * Makes the metro's router hold exactly the metro's sessions, as the store says when the change runs: one change
   * at a time per metro in this server, and across servers on one PostgreSQL under the metro's router lock. When
   * the router does not take it, `blamed` sessions (those the change was for) show down with the reason; nothing
   * else changes, and the change is tried again when they are next read. Resolves to the failure's reason, if any.
   */
  private applyMetro(metroId: string, blamed: readonly string[]): Promise<string | undefined> {
    const work = () =>
      this.ctx.db.kind === 'postgres'
        ? this.ctx.db.transaction(async (tx) => {
            await repo.lockMetroRouter(tx, metroId);
            return this.reconcileRouter(tx, metroId, blamed);
          })
        : this.reconcileRouter(this.ctx.db, metroId, blamed);
    const run = (this.queues.get(metroId) ?? Promise.resolve()).then(work, work);
    this.queues.set(
      metroId,
      run.catch(() => undefined),
    );
    return run;
  }

  private async reconcileRouter(db: Queryable, metroId: string, blamed: readonly string[]): Promise<string | undefined> {
    const rows = await repo.routedSessionsOfMetro(db, metroId);
    const blocks = new Map<string, Block[]>();
    for (const projectId of new Set(rows.map((r) => r.project_id))) blocks.set(projectId, await this.blocksOf(projectId, metroId));
    const sessions = rows.flatMap(
      (r) =>
        routerSession({
          id: r.id,
          family: r.address_family,
          defaultRoute: r.default_route,
          addresses: r.ip_addresses,
          asn: r.asn,
          md5: r.md5_sealed ? this.ctx.secrets.open(r.md5_sealed) : undefined,
          maxPrefix: r.max_prefix,
          blocks: blocks.get(r.project_id) ?? [],
        }) ?? [],
    );
    const now = this.ctx.clock.now();
    try {
      await this.routerOf(metroId).router.reconcile(sessions);
    } catch (err) {
      if (!(err instanceof DriverError)) throw err;
      // The driver keeps MD5 passwords out of its messages; the tenant is told the kind of failure only.
      this.ctx.log.warn({ metroId, kind: err.kind, message: err.message }, 'the metro router did not take the BGP sessions');
      const reason = routerFailureReason(err.kind);
      const failed = rows.filter((r) => blamed.includes(r.id) || r.router_error);
      await repo.setRouterError(
        db,
        failed.map((r) => r.id),
        reason,
        now,
      );
      return reason;
    }
    await repo.setRouterError(
      db,
      rows.filter((r) => r.router_error).map((r) => r.id),
      null,
      now,
    );
    return undefined;
  }

  /**
   * The sessions with status, reason and learned routes as their routers say now (recorded when they changed). A
   * session whose last change the router did not take, or that the router no longer holds, is applied again first
   * (`retry`).
   */
  private async observe(rows: repo.BgpSessionRow[], retry = true): Promise<repo.BgpSessionRow[]> {
    const read = (metros: Iterable<string>) =>
      Promise.all(
        [...new Set(metros)].map(async (m) => {
          const router = this.routerOf(m).router;
          const answer = await router.sessionStates().then(
            (list) => ({ list }),
            (err: unknown) => ({ err }),
          );
          return [m, { router, ...answer }] as const;
        }),
      );
    const states = new Map(await read(rows.map((r) => r.metro_id)));
    if (retry) {
      // Routers that did not take a change, or lost sessions they should hold (restarted), are given them again.
      const stale = new Set(
        rows
          .filter((r) => {
            const metro = states.get(r.metro_id)!;
            return r.router_error || ('list' in metro && !metro.list.some((h) => h.id === routerSessionId(r.id)));
          })
          .map((r) => r.metro_id),
      );
      if (stale.size) {
        await Promise.all(
          [...stale].map((m) =>
            this.applyMetro(
              m,
              rows.filter((r) => r.metro_id === m && r.router_error).map((r) => r.id),
            ),
          ),
        );
        rows = (await Promise.all(rows.map((r) => repo.findSession(this.ctx.db, r.id)))).flatMap((r) => r ?? []);
        for (const [m, state] of await read(stale)) states.set(m, state);
      }
    }
    const now = this.ctx.clock.now();
    return Promise.all(
      rows.map(async (row) => {
        const metro = states.get(row.metro_id)!;
        if ('err' in metro) {
          const kind = metro.err instanceof DriverError ? metro.err.kind : undefined;
          return { ...row, status: 'unknown' as const, reason: routerFailureReason(kind), learned_routes: [] };
        }
        const state = metro.list.find((s) => s.id === routerSessionId(row.id));
        const seen = observedStatus(state, row.router_error);
        const learned =
          seen.status === 'up'
            ? (await metro.router.learnedRoutes(routerSessionId(row.id)).catch(() => [])).filter((r) => r.accepted).map((r) => r.prefix)
            : [];
        const observed = { ...row, ...seen, learned_routes: learned };
        const changed =
          row.status !== observed.status ||
          row.reason !== observed.reason ||
          JSON.stringify(row.learned_routes) !== JSON.stringify(learned);
        if (!changed) return observed;
        await repo.recordObserved(this.ctx.db, row.id, observed, now);
        return { ...observed, updated_at: now };
      }),
    );
  }
}

const sessionEvent = (row: repo.BgpSessionRow, type: string, body: string) => ({
  id: newId(),
  type,
  body,
  project_id: row.project_id,
  device_id: row.device_id,
});

/**
 * Ends the BGP sessions of devices being deleted, in the caller's transaction (with the addresses they held): the
 * rows go, and a durable job per metro makes its router drop them, retried until the router takes it.
 */
export async function endSessionsOfDevices(tx: Queryable, deviceIds: string[], now: Date): Promise<void> {
  const ended = await repo.deleteSessionsOfDevices(tx, deviceIds);
  if (!ended.length) return;
  await Promise.all([
    insertEvents(
      tx,
      ended.map((row) => sessionEvent(row, 'bgp_session.deleted', `BGP session (${row.address_family}) deleted with its device`)),
      now,
    ),
    enqueueJobs(
      tx,
      [...new Set(ended.map((row) => row.metro_id))].map((metroId) => ({
        kind: 'reconcile_router' as const,
        payload: { metro_id: metroId },
      })),
      now,
    ),
  ]);
}
