/**
 * IP addresses: blocks projects reserve from the pools (create, read, change, release, what is still free in
 * them), and the management addresses devices hold with the blocks they come from.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MetalError } from '../../contract/errors';
import {
  IP_RESERVATION_TYPES,
  IpAssignment,
  IpAvailabilitiesList,
  IpReservation,
  IpReservationList,
  IpReservationRequestInput,
  IpReservationUpdateInput,
  ShapeQuery,
  type IpReservationRequestInput as ReserveT,
  type IpReservationUpdateInput as UpdateT,
  type ShapeQuery as ShapeQueryT,
} from '../../contract/schemas';
import { MANAGEMENT_BLOCK, type HeldAddress, type Principal } from '../../engine';
import { idempotent } from '../idempotency';
import { pageParams } from '../paging';
import { presentElasticAssignment, presentIp, presentIpBlock, presentReservation } from '../present/ip-assignments';
import { errorResponses, IdParams, PageQuery, PageQueryT, RouteDeps, sendOne, sendPage } from './shared';

/** An assignment is found by its id or its address (device hrefs have named it by address). */
const IdOrAddressParams = Type.Object({ id: Type.String({ pattern: '^[0-9A-Fa-f:.-]{1,64}$', description: 'a UUID or an IP address' }) });

const TypesQuery = Type.Object({
  ...PageQuery.properties,
  types: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String())], {
      description: `comma-separated or repeated: ${IP_RESERVATION_TYPES.join(', ')}`,
    }),
  ),
});
type TypesQueryT = PageQueryT & { types?: string | string[] };

const CidrQuery = Type.Object({
  cidr: Type.Integer({ minimum: 0, maximum: 128, description: 'size of the blocks to list, in prefix bits' }),
});

/** Device management blocks and addresses are read-only here: they live and die with their device. */
const managementBlock = (held: HeldAddress & { block: boolean }, id: string) =>
  new MetalError(
    'validation_failed',
    `id: ${id} is ${held.block ? MANAGEMENT_BLOCK : `an address of device ${held.holder.device_id}; ${MANAGEMENT_BLOCK}`}`,
  );

export function ipRoutes(app: FastifyInstance, { engine }: RouteDeps): void {
  const tags = ['ip-addresses'];
  const present = (row: Parameters<typeof presentIpBlock>[0]) => presentIpBlock(row, engine.world);
  /** Reservations with links to their elastic IPs (one query for all). */
  const presentAll = async (rows: Parameters<typeof presentIpBlock>[0][]) => {
    const assigned = await engine.elasticIps.idsByReservation(rows.map((r) => r.id));
    return rows.map((row) => presentIpBlock(row, engine.world, assigned.get(row.id)));
  };

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/ips/:id',
    {
      schema: {
        tags,
        summary: 'Get an IP reservation, an IP assignment (by id or address) or the block it comes from',
        params: IdOrAddressParams,
        querystring: ShapeQuery,
        response: { 200: Type.Union([IpAssignment, IpReservation]), ...errorResponses },
      },
    },
    async (req, reply) => {
      const found = await findIp(req.principal, req.params.id);
      const body =
        found.kind === 'reservation'
          ? (await presentAll([found.row]))[0]
          : found.kind === 'elastic'
            ? presentElasticAssignment(found.row, engine.world)
            : presentIp(found.held, engine.world);
      return sendOne(reply, body, req.query);
    },
  );

  app.put<{ Params: IdParams; Body: UpdateT }>(
    '/ips/:id',
    {
      schema: {
        tags,
        summary: 'Change the details, tags or customdata of an IP reservation',
        params: IdParams,
        body: IpReservationUpdateInput,
        response: { 200: IpReservation, ...errorResponses },
      },
    },
    async (req) => {
      const found = await findIp(req.principal, req.params.id);
      if (found.kind === 'elastic') {
        throw new MetalError(
          'validation_failed',
          `id: ${req.params.id} is an elastic IP of device ${found.row.device_id}; change its block (PUT /ips/${found.row.reservation_id}), or unassign it and assign it again`,
        );
      }
      if (found.kind === 'management') throw managementBlock(found.held, req.params.id);
      return (await presentAll([await engine.ipam.update(req.principal, req.params.id, req.body)]))[0];
    },
  );

  app.delete<{ Params: IdParams }>(
    '/ips/:id',
    {
      schema: {
        tags,
        summary: 'Release an IP reservation, or unassign an elastic IP from its device',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const found = await findIp(req.principal, req.params.id);
      if (found.kind === 'management') throw managementBlock(found.held, req.params.id);
      if (found.kind === 'elastic') await engine.elasticIps.unassign(req.principal, req.params.id);
      else await engine.ipam.release(req.principal, req.params.id);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: IdParams; Querystring: { cidr: number } }>(
    '/ips/:id/available',
    {
      schema: {
        tags,
        summary: 'The blocks of a size still free in an IP reservation',
        params: IdParams,
        querystring: CidrQuery,
        response: { 200: IpAvailabilitiesList, ...errorResponses },
      },
    },
    async (req) => {
      const row = await engine.ipam.reservation(req.principal, req.params.id);
      if (!row) throw new MetalError('not_found', `ip reservation ${req.params.id} not found`);
      return { available: engine.ipam.available(row, req.query.cidr, await engine.elasticIps.assignedIn(row.id)) };
    },
  );

  app.post<{ Params: IdParams; Body: ReserveT }>(
    '/projects/:id/ips',
    {
      schema: {
        tags,
        summary: 'Reserve a block of addresses for a project',
        params: IdParams,
        body: IpReservationRequestInput,
        response: { 201: IpReservation, ...errorResponses },
      },
    },
    async (req, reply) =>
      (await idempotent(engine, req, reply, 201, present, (commitWith) =>
        engine.ipam.reserve(req.principal, req.params.id, req.body, commitWith),
      )) ?? reply,
  );

  app.get<{ Params: IdParams; Querystring: TypesQueryT }>(
    '/projects/:id/ips',
    {
      schema: {
        tags,
        summary: 'List the IP reservations of a project and the management blocks of its devices',
        params: IdParams,
        querystring: TypesQuery,
        response: { 200: IpReservationList, ...errorResponses },
      },
    },
    async (req, reply) => {
      const types = [req.query.types ?? []]
        .flat()
        .flatMap((t) => t.split(','))
        .filter(Boolean);
      const [reserved, held] = await Promise.all([
        engine.ipam.reservationsOf(req.principal, req.params.id),
        engine.addresses.reservationsOf(req.principal, req.params.id),
      ]);
      const all = [...(await presentAll(reserved)), ...held.map((h) => presentReservation(h, engine.world))].filter(
        (block) => !types.length || types.includes(block.type),
      );
      const { page, perPage } = pageParams(req.query);
      return sendPage(req, reply, 'ip_addresses', { items: all.slice((page - 1) * perPage, page * perPage), total: all.length }, req.query);
    },
  );

  /** What an /ips id names, as the principal may see it: a reservation, an elastic IP or a management address (404 otherwise). */
  async function findIp(principal: Principal, id: string) {
    const row = await engine.ipam.reservation(principal, id);
    if (row) return { kind: 'reservation' as const, row };
    const elastic = await engine.elasticIps.get(principal, id);
    if (elastic) return { kind: 'elastic' as const, row: elastic };
    return { kind: 'management' as const, held: await engine.addresses.get(principal, id) };
  }
}
