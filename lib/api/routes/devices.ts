import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  Device,
  DeviceActionInput,
  DeviceCreateInput,
  DeviceList,
  DeviceUpdateInput,
  EventList,
  type DeviceActionInput as ActionT,
  type DeviceCreateInput as CreateT,
  type DeviceUpdateInput as UpdateT,
} from '../../contract/schemas';
import { MetalError } from '../../contract/errors';
import type { DeviceRow } from '../../engine/present';
import { idempotent } from '../idempotency';
import { ResponseCache } from '../response-cache';
import { pageParams, splitList } from '../paging';
import { errorResponses, IdParams, PageQuery, PageQueryT, pageBody, RouteDeps, sendOne, sendPage } from './shared';

const DeviceListQuery = Type.Composite([
  PageQuery,
  Type.Object({
    state: Type.Optional(Type.String({ description: 'comma-separated device states' })),
    hostname: Type.Optional(Type.String()),
    tag: Type.Optional(Type.String()),
  }),
]);
type DeviceListQueryT = PageQueryT & { state?: string; hostname?: string; tag?: string };

const DEVICE_INCLUDES = ['project', 'ssh_keys', 'plan', 'facility', 'metro', 'operating_system'];

const DeleteQuery = Type.Object({ force_delete: Type.Optional(Type.Boolean()) });
const conflict = { 409: errorResponses[422] };

export function deviceRoutes(app: FastifyInstance, { engine, db }: RouteDeps): void {
  const pages = new ResponseCache();
  /** The device, if the caller's key may see its project. */
  const scoped = async (req: FastifyRequest, id: string): Promise<DeviceRow> => {
    const row = await engine.devices.getRow(id, req.principal.projectId ?? undefined);
    if (!(await engine.projects.isVisible(req.principal, row.project_id))) throw new MetalError('not_found', `device ${id} not found`);
    return row;
  };

  /**
   * `include=project,ssh_keys` expands those links into objects, as Metal does. Plan, facility, metro and operating
   * system are always embedded, so naming them is accepted and changes nothing.
   */
  const withIncludes = async (req: FastifyRequest, reply: FastifyReply, devices: Device[], include?: string): Promise<object[]> => {
    const wanted = splitList(include).map((i) => i.split('.')[0]);
    const unknown = wanted.filter((i) => !DEVICE_INCLUDES.includes(i));
    if (unknown.length) throw new MetalError('validation_failed', `query parameter include: unknown relation ${unknown.map((u) => `"${u}"`).join(', ')} for devices; use ${DEVICE_INCLUDES.join(', ')}`);
    if (!wanted.includes('project') && !wanted.includes('ssh_keys')) return devices;
    reply.serializer(JSON.stringify); // expanded links do not fit the response schema's {href}
    const projects = wanted.includes('project')
      ? new Map(await Promise.all([...new Set(devices.map((d) => d.project.href.split('/').pop()!))].map(async (id) => [id, await engine.projects.get(req.principal, id)] as const)))
      : undefined;
    const keys = wanted.includes('ssh_keys') ? new Map((await engine.projects.sshKeysById(devices.flatMap((d) => d.ssh_keys.map((k) => k.href.split('/').pop()!)))).map((k) => [k.href, k])) : undefined;
    return devices.map((d) => ({
      ...d,
      ...(projects ? { project: projects.get(d.project.href.split('/').pop()!) ?? d.project } : {}),
      ...(keys ? { ssh_keys: d.ssh_keys.map((k) => keys.get(k.href) ?? k) } : {}),
    }));
  };

  app.get<{ Params: IdParams; Querystring: DeviceListQueryT }>(
    '/projects/:id/devices',
    { schema: { tags: ['devices'], summary: 'List the devices of a project', params: IdParams, querystring: DeviceListQuery, response: { 200: DeviceList, ...errorResponses } } },
    async (req, reply) => {
      const version = await engine.projects.devicesVersion(req.principal, req.params.id);
      if (req.query.include) {
        // Included objects change without the devices changing: such pages are not cached.
        const page = await engine.devices.list(req.params.id, { ...pageParams(req.query), state: req.query.state, hostname: req.query.hostname, tag: req.query.tag });
        const items = await withIncludes(req, reply, page.items, req.query.include);
        reply.serializer(JSON.stringify); // exclude may drop fields the response schema requires
        return pageBody(req, 'devices', { items, total: page.total }, req.query);
      }
      // Any change to the project's devices bumps devices_version, so a cached page is never stale.
      const body = await pages.get(`${req.params.id}:${version}:${req.url}`, async () => {
        const page = pageParams(req.query);
        const devices = await engine.devices.list(req.params.id, { ...page, state: req.query.state, hostname: req.query.hostname, tag: req.query.tag });
        // Serialised here, so the reply must not get sendPage's serializer (it would encode the string again).
        return JSON.stringify(pageBody(req, 'devices', devices, req.query));
      });
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.post<{ Params: IdParams; Body: CreateT }>(
    '/projects/:id/devices',
    { schema: { tags: ['devices'], summary: 'Create a device (placed on a free machine of the plan in the metro)', params: IdParams, body: DeviceCreateInput, response: { 201: Device, ...errorResponses } } },
    async (req, reply) => {
      const out = await idempotent(db, req, reply, 201, () => engine.devices.create(req.principal, req.params.id, req.body));
      return out ?? reply;
    },
  );

  app.get<{ Params: IdParams; Querystring: PageQueryT }>(
    '/devices/:id',
    { schema: { tags: ['devices'], summary: 'Get a device', params: IdParams, querystring: PageQuery, response: { 200: Device, ...errorResponses } } },
    async (req, reply) => {
      const [device] = await withIncludes(req, reply, [engine.devices.present(await scoped(req, req.params.id))], req.query.include);
      return sendOne(reply, device, req.query);
    },
  );

  app.put<{ Params: IdParams; Body: UpdateT }>(
    '/devices/:id',
    { schema: { tags: ['devices'], summary: 'Update a device in place', params: IdParams, body: DeviceUpdateInput, response: { 200: Device, ...errorResponses, ...conflict } } },
    async (req) => {
      await scoped(req, req.params.id);
      return engine.devices.update(req.params.id, req.body);
    },
  );

  app.delete<{ Params: IdParams; Querystring: { force_delete?: boolean } }>(
    '/devices/:id',
    { schema: { tags: ['devices'], summary: 'Delete (deprovision) a device', params: IdParams, querystring: DeleteQuery, response: { 204: Type.Null(), ...errorResponses, ...conflict } } },
    async (req, reply) => {
      await scoped(req, req.params.id);
      await engine.devices.delete(req.params.id, { force: req.query.force_delete });
      return reply.status(204).send();
    },
  );

  app.post<{ Params: IdParams; Body: ActionT }>(
    '/devices/:id/actions',
    { schema: { tags: ['devices'], summary: 'power_on, power_off, reboot or reinstall a device', params: IdParams, body: DeviceActionInput, response: { 202: Type.Null(), ...errorResponses, ...conflict } } },
    async (req, reply) => {
      await scoped(req, req.params.id);
      await engine.devices.action(req.params.id, req.body);
      return reply.status(202).send();
    },
  );

  app.get<{ Params: IdParams; Querystring: PageQueryT }>(
    '/devices/:id/events',
    { schema: { tags: ['events'], summary: 'Events of a device, newest first', params: IdParams, querystring: PageQuery, response: { 200: EventList, ...errorResponses } } },
    async (req, reply) => {
      await scoped(req, req.params.id);
      return sendPage(req, reply, 'events', await engine.projects.events({ deviceId: req.params.id }, pageParams(req.query)), req.query);
    },
  );
}
