import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DEVICE_STATES,
  Device,
  DeviceActionInput,
  DeviceCreateInput,
  DeviceList,
  DeviceUpdateInput,
  EventList,
  IpAssignment,
  IpAssignmentInput,
  IpAssignmentList,
  ShapeQuery,
  SshKeyList,
  type DeviceActionInput as ActionT,
  type DeviceCreateInput as CreateT,
  type DeviceUpdateInput as UpdateT,
  type IpAssignmentInput as IpAssignmentInputT,
  type ShapeQuery as ShapeQueryT,
} from '../../contract/schemas';
import { MetalError } from '../../contract/errors';
import { shownState, type DeviceRow } from '../../engine';
import { idempotent } from '../idempotency';
import { devicePresenter } from '../present/devices';
import { presentEvent } from '../present/events';
import { presentAssignment, presentElasticAssignment } from '../present/ip-assignments';
import { presentSshKey } from '../present/projects-and-keys';
import { linkedObjects, withIncludes, type Relations } from '../includes';
import { ResponseCache } from '../response-cache';
import { deviceCreateRules } from '../body-rules';
import { pageParams, splitList } from '../paging';
import {
  errorResponses,
  IdParams,
  PageQuery,
  PageQueryT,
  pageBody,
  postCreated,
  presentPage,
  RouteDeps,
  sendList,
  sendOne,
  sendPage,
} from './shared';

const DeviceListQuery = Type.Composite([
  PageQuery,
  Type.Object({
    state: Type.Optional(Type.String({ description: 'comma-separated device states' })),
    hostname: Type.Optional(Type.String()),
    tag: Type.Optional(Type.String()),
  }),
]);
type DeviceListQueryT = PageQueryT & { state?: string; hostname?: string; tag?: string };

const STATE_NAME = `(${DEVICE_STATES.join('|')})`;
/** metalforge extension of GET /devices/{id}: answer once the device is in one of these states. */
const DeviceGetQuery = Type.Composite([
  PageQuery,
  Type.Object({
    wait_for_state: Type.Optional(
      Type.String({
        pattern: `^${STATE_NAME}(,${STATE_NAME})*$`,
        description: `device states separated by commas, e.g. "active,failed" (each one of ${DEVICE_STATES.join(', ')})`,
      }),
    ),
    wait_timeout: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 60, default: 30, description: 'seconds wait_for_state may hold the response (1 to 60)' }),
    ),
  }),
]);
type DeviceGetQueryT = PageQueryT & { wait_for_state?: string; wait_timeout?: number };
/** Whether a wait_for_state request got its state ("reached") or ran out of wait_timeout ("timeout"). */
export const WAIT_HEADER = 'X-Metalforge-Wait';
/**
 * How often held requests re-read their devices. One round is one query however many requests wait, yet the rows
 * still cost: ~3 ms of server time for one waiter, ~11 ms for fifty (PGlite). Every 200 ms, a device waited for
 * for a second costs less than the two or three plain GETs a poller would make, and is answered 100 ms after it
 * changes on average.
 */
const WAIT_ROUND_MS = 200;

interface Waiter {
  id: string;
  projectScope: string | undefined;
  states: ReadonlySet<string>;
  deadline: number;
  /** Ends the wait; with the row that ended it when the device reached a wanted state. */
  done: (row?: DeviceRow) => void;
}

/**
 * Requests held until their device reaches a wanted state, is gone, or their deadline passes. One timer re-reads
 * every held device each round; the engine answers those concurrent reads with one query.
 */
class DeviceWaits {
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly read: (id: string, projectScope: string | undefined) => Promise<DeviceRow>) {}

  /**
   * The device's row once it is in one of `states`; undefined when it is gone, the timeout passed, or `cancel`'s
   * callback (a client that went away) ended the wait.
   */
  wait(
    id: string,
    projectScope: string | undefined,
    states: ReadonlySet<string>,
    timeoutMs: number,
    cancel: (end: () => void) => void,
  ): Promise<DeviceRow | undefined> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        id,
        projectScope,
        states,
        deadline: Date.now() + timeoutMs,
        done: (row) => {
          this.waiters.delete(waiter);
          resolve(row);
        },
      };
      this.waiters.add(waiter);
      cancel(() => waiter.done());
      this.timer ??= setTimeout(() => void this.round(), WAIT_ROUND_MS);
    });
  }

  /** Ends every wait now (the server is closing): each held request is answered with the device as it is. */
  releaseAll(): void {
    for (const waiter of [...this.waiters]) waiter.done();
  }

  private async round(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.waiters].map(async (waiter) => {
        if (now >= waiter.deadline) return waiter.done();
        // A read that fails for any reason (gone, store trouble) ends the wait: the plain read after it says why.
        const row = await this.read(waiter.id, waiter.projectScope).catch(() => undefined);
        if (row === undefined) waiter.done();
        else if (waiter.states.has(shownState(row.state))) waiter.done(row);
      }),
    );
    this.timer = this.waiters.size > 0 ? setTimeout(() => void this.round(), WAIT_ROUND_MS) : undefined;
  }
}

const DeleteQuery = Type.Object({ force_delete: Type.Optional(Type.Boolean()) });
const ActionQuery = Type.Object({ type: Type.Optional(Type.String({ description: 'the action type, when the body does not give it' })) });
const conflict = { 409: errorResponses[422] };

export function deviceRoutes(app: FastifyInstance, { engine }: RouteDeps): void {
  const pages = new ResponseCache();
  const present = devicePresenter(engine);
  const waits = new DeviceWaits((id, projectScope) => engine.devices.get(id, projectScope));
  app.addHook('preClose', (done) => {
    waits.releaseAll();
    done();
  });
  /** The device, if the caller's key may see its project. */
  const scoped = async (req: FastifyRequest, id: string, get = engine.devices.get.bind(engine.devices)): Promise<DeviceRow> => {
    const row = await get(id, req.principal.projectId ?? undefined);
    if (!(await engine.projects.isVisible(req.principal, row.project_id))) throw new MetalError('not_found', `device ${id} not found`);
    return row;
  };
  /**
   * The device for a wait. One that names `deleted` gets a deleted device's last row, in state `deleted`, as Metal's
   * state model ends it: a watcher learns of the deletion without a 404, whenever its wait started.
   */
  const waitedFor = (req: FastifyRequest, id: string, wanted: ReadonlySet<string>): Promise<DeviceRow> =>
    scoped(req, id).catch((err: unknown) =>
      wanted.has('deleted')
        ? scoped(req, id, engine.devices.getDeleted.bind(engine.devices)).catch(() => Promise.reject(err))
        : Promise.reject(err),
    );

  /**
   * `include=project,ssh_keys` expands those links of a device. Its plan, facility, metro and operating system are
   * always embedded; relations that have no value here (hardware_reservation, ...) are ignored, as Metal ignored them.
   */
  const deviceRelations = (req: FastifyRequest): Relations => {
    const linked = linkedObjects(engine, req.principal);
    return { expand: { project: linked.projects, ssh_keys: linked.sshKeys }, embedded: ['plan', 'facility', 'metro', 'operating_system'] };
  };

  app.get<{ Params: IdParams; Querystring: DeviceListQueryT }>(
    '/projects/:id/devices',
    {
      schema: {
        tags: ['devices'],
        summary: 'List the devices of a project',
        params: IdParams,
        querystring: DeviceListQuery,
        response: { 200: DeviceList, ...errorResponses },
      },
    },
    async (req, reply) => {
      const version = await engine.projects.devicesVersion(req.principal, req.params.id);
      if (req.query.include) {
        // Included objects change without the devices changing: such pages are not cached.
        const page = await engine.devices.list(req.params.id, {
          ...pageParams(req.query),
          state: req.query.state,
          hostname: req.query.hostname,
          tag: req.query.tag,
        });
        const items = await withIncludes(req, reply, page.items.map(present), deviceRelations(req), req.query.include);
        reply.serializer(JSON.stringify); // exclude may drop fields the response schema requires
        return pageBody(req, 'devices', { items, total: page.total }, req.query);
      }
      // Any change to the project's devices bumps devices_version, so a cached page is never stale.
      const body = await pages.get(`${req.params.id}:${version}:${req.url}`, async () => {
        const page = pageParams(req.query);
        const devices = await engine.devices.list(req.params.id, {
          ...page,
          state: req.query.state,
          hostname: req.query.hostname,
          tag: req.query.tag,
        });
        // Serialised here, so the reply must not get sendPage's serializer (it would encode the string again).
        return JSON.stringify(pageBody(req, 'devices', presentPage(devices, present), req.query));
      });
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.post<{ Params: IdParams; Body: CreateT }>(
    '/projects/:id/devices',
    {
      schema: {
        tags: ['devices'],
        summary: 'Create a device (placed on a free machine of the plan in the metro)',
        params: IdParams,
        body: DeviceCreateInput,
        response: { 201: Device, ...errorResponses },
      },
      config: { bodyRules: deviceCreateRules(engine) },
    },
    async (req, reply) => {
      const out = await idempotent(engine, req, reply, 201, present, (commitWith) =>
        engine.devices.create(req.principal, req.params.id, req.body, commitWith),
      );
      return out ?? reply;
    },
  );

  app.get<{ Params: IdParams; Querystring: DeviceGetQueryT }>(
    '/devices/:id',
    {
      schema: {
        tags: ['devices'],
        summary:
          'Get a device; with wait_for_state (metalforge extension), once it is in one of those states, gone (answered as state deleted when that is waited for), or wait_timeout has passed ' +
          '(header X-Metalforge-Wait: reached or timeout)',
        params: IdParams,
        querystring: DeviceGetQuery,
        response: { 200: Device, ...errorResponses },
      },
    },
    async (req, reply) => {
      const wanted = new Set(splitList(req.query.wait_for_state));
      let row = await waitedFor(req, req.params.id, wanted);
      if (wanted.size > 0 && !wanted.has(shownState(row.state))) {
        const timeoutMs = (req.query.wait_timeout ?? 30) * 1000;
        // A client that disconnects stops its wait; 'close' also fires after a response, when the wait is long over.
        const reached = await waits.wait(row.id, req.principal.projectId ?? undefined, wanted, timeoutMs, (end) =>
          reply.raw.once('close', end),
        );
        row = reached ?? (await waitedFor(req, req.params.id, wanted));
      }
      // The answer after a timeout is the device as it is, still 200: the header tells a waiter which it got.
      if (wanted.size > 0) reply.header(WAIT_HEADER, wanted.has(shownState(row.state)) ? 'reached' : 'timeout');
      const [device] = await withIncludes(req, reply, [present(row)], deviceRelations(req), req.query.include);
      return sendOne(reply, device, req.query);
    },
  );

  app.put<{ Params: IdParams; Body: UpdateT }>(
    '/devices/:id',
    {
      schema: {
        tags: ['devices'],
        summary: 'Update a device in place',
        params: IdParams,
        body: DeviceUpdateInput,
        response: { 200: Device, ...errorResponses, ...conflict },
      },
    },
    async (req) => {
      await scoped(req, req.params.id);
      return present(await engine.devices.update(req.params.id, req.body));
    },
  );

  app.delete<{ Params: IdParams; Querystring: { force_delete?: boolean } }>(
    '/devices/:id',
    {
      schema: {
        tags: ['devices'],
        summary: 'Delete (deprovision) a device',
        params: IdParams,
        querystring: DeleteQuery,
        response: { 204: Type.Null(), ...errorResponses, ...conflict },
      },
    },
    async (req, reply) => {
      await scoped(req, req.params.id);
      await engine.devices.delete(req.params.id, { force: req.query.force_delete });
      return reply.status(204).send();
    },
  );

  app.post<{ Params: IdParams; Body: ActionT; Querystring: { type?: string } }>(
    '/devices/:id/actions',
    {
      schema: {
        tags: ['devices'],
        summary: 'power_on, power_off, reboot, reinstall or rescue a device (rescue boots an in-memory system; reboot leaves it)',
        params: IdParams,
        querystring: ActionQuery,
        body: DeviceActionInput,
        response: { 202: Type.Null(), ...errorResponses, ...conflict },
      },
      // libcloud sends the action's type in the query string.
      preValidation: async (req) => {
        const body = (req.body ?? {}) as Partial<ActionT>;
        if (req.query.type === undefined || typeof body !== 'object' || Array.isArray(body) || body.type !== undefined) return;
        req.body = { ...body, type: req.query.type as ActionT['type'] };
      },
    },
    async (req, reply) => {
      await scoped(req, req.params.id);
      await engine.devices.action(req.params.id, req.body);
      return reply.status(202).send();
    },
  );

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/devices/:id/ips',
    {
      schema: {
        tags: ['ip-addresses'],
        summary: 'List the addresses assigned to a device (include=assigned_to,parent_block expands those links)',
        params: IdParams,
        querystring: ShapeQuery,
        response: { 200: IpAssignmentList, ...errorResponses },
      },
    },
    async (req, reply) => {
      const linked = linkedObjects(engine, req.principal);
      const relations = { expand: { assigned_to: linked.devices, parent_block: linked.ipBlocks }, embedded: ['metro'] };
      const device = await scoped(req, req.params.id);
      const addresses = [
        ...engine.addresses.assignmentsOf(device).map((a) => presentAssignment(a, engine.world)),
        ...(await engine.elasticIps.ofDevice(device.id)).map((a) => presentElasticAssignment(a, engine.world)),
      ];
      return sendList(reply, 'ip_addresses', await withIncludes(req, reply, addresses, relations, req.query.include), req.query);
    },
  );

  postCreated<IpAssignmentInputT>(
    app,
    '/devices/:id/ips',
    {
      tags: ['ip-addresses'],
      summary: "Assign an address or subnet of one of the project's reserved blocks to a device (an elastic IP)",
      body: IpAssignmentInput,
      response: IpAssignment,
    },
    async (req) => presentElasticAssignment(await engine.elasticIps.assign(req.principal, req.params.id, req.body), engine.world),
  );

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/devices/:id/ssh-keys',
    {
      schema: {
        tags: ['ssh-keys'],
        summary: 'List the SSH keys installed on a device (include=entity expands the project or user owning each)',
        params: IdParams,
        querystring: ShapeQuery,
        response: { 200: SshKeyList, ...errorResponses },
      },
    },
    async (req, reply) => {
      const keys = (await engine.projects.sshKeysById((await scoped(req, req.params.id)).ssh_key_ids)).map(presentSshKey);
      const relations = { expand: { entity: linkedObjects(engine, req.principal).keyOwners } };
      return sendList(reply, 'ssh_keys', await withIncludes(req, reply, keys, relations, req.query.include), req.query);
    },
  );

  app.get<{ Params: IdParams; Querystring: PageQueryT }>(
    '/devices/:id/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Events of a device, newest first',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: EventList, ...errorResponses },
      },
    },
    async (req, reply) => {
      await scoped(req, req.params.id);
      const events = await engine.projects.events({ deviceId: req.params.id }, pageParams(req.query));
      return sendPage(req, reply, 'events', presentPage(events, presentEvent), req.query);
    },
  );
}
