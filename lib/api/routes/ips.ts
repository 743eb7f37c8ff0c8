/** IP addresses as devices hold them today: assignments and the blocks they come from (read-only). */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { IpAssignment, IpReservation, IpReservationList, ShapeQuery, type ShapeQuery as ShapeQueryT } from '../../contract/schemas';
import { pageParams } from '../paging';
import { presentIp, presentReservation } from '../present/ip-assignments';
import { errorResponses, IdParams, PageQuery, PageQueryT, RouteDeps, sendOne, sendPage } from './shared';

/** An assignment is found by its id or its address (device hrefs have named it by address). */
const IdOrAddressParams = Type.Object({ id: Type.String({ pattern: '^[0-9A-Fa-f:.-]{1,64}$', description: 'a UUID or an IP address' }) });

export function ipRoutes(app: FastifyInstance, { engine }: RouteDeps): void {
  const tags = ['ip-addresses'];

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/ips/:id',
    {
      schema: {
        tags,
        summary: 'Get an IP assignment (by id or address) or the block it comes from',
        params: IdOrAddressParams,
        querystring: ShapeQuery,
        response: { 200: Type.Union([IpAssignment, IpReservation]), ...errorResponses },
      },
    },
    async (req, reply) => sendOne(reply, presentIp(await engine.addresses.get(req.principal, req.params.id), engine.world), req.query),
  );

  app.get<{ Params: IdParams; Querystring: PageQueryT }>(
    '/projects/:id/ips',
    {
      schema: {
        tags,
        summary: 'List the address blocks of a project’s devices',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: IpReservationList, ...errorResponses },
      },
    },
    async (req, reply) => {
      const all = await engine.addresses.reservationsOf(req.principal, req.params.id);
      const { page, perPage } = pageParams(req.query);
      const items = all.slice((page - 1) * perPage, page * perPage).map((held) => presentReservation(held, engine.world));
      return sendPage(req, reply, 'ip_addresses', { items, total: all.length }, req.query);
    },
  );
}
