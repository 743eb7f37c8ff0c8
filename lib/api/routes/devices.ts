import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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
import { pageParams } from '../paging';
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

  app.get<{ Params: IdParams; Querystring: DeviceListQueryT }>(
    '/projects/:id/devices',
    { schema: { tags: ['devices'], summary: 'List the devices of a project', params: IdParams, querystring: DeviceListQuery, response: { 200: DeviceList, ...errorResponses } } },
    async (req, reply) => {
      const version = await engine.projects.devicesVersion(req.principal, req.params.id);
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
    async (req, reply) => sendOne(reply, engine.devices.present(await scoped(req, req.params.id)), req.query),
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
