/** The operator API: enrol the world (metros, facilities, plans, operating systems, machines). */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  FacilityInput,
  IpPool,
  IpPoolInput,
  IpPoolList,
  Machine,
  MachineInput,
  MachineList,
  MetroInput,
  OperatingSystemInput,
  PlanInput,
  type FacilityInput as FacilityT,
  type IpPoolInput as IpPoolT,
  type MachineInput as MachineT,
  type MetroInput as MetroT,
  type OperatingSystemInput as OsT,
  type PlanInput as PlanT,
} from '../../contract/schemas';
import { presentFacility, presentMetro, presentOs, presentPlan } from '../present/catalog';
import { presentIpPool } from '../present/ip-assignments';
import { presentMachine } from '../present/machines';
import { pageParams } from '../paging';
import { errorResponses, IdParams, PageQuery, PageQueryT, presentPage, RouteDeps, sendPage } from './shared';

const operator = { operator: true };
const conflict = { 409: errorResponses[422] };

export function operatorRoutes(app: FastifyInstance, { engine }: RouteDeps): void {
  const world = engine.world;
  app.post<{ Body: MetroT }>(
    '/operator/metros',
    {
      config: operator,
      schema: {
        tags: ['operator'],
        summary: 'Enrol a metro',
        body: MetroInput,
        response: { 201: Type.Unknown(), ...errorResponses, ...conflict },
      },
    },
    async (req, reply) => {
      await engine.operator.createMetro(req.body);
      return reply.status(201).send(presentMetro(world.metro(req.body.code)!));
    },
  );
  app.post<{ Body: FacilityT }>(
    '/operator/facilities',
    {
      config: operator,
      schema: {
        tags: ['operator'],
        summary: 'Enrol a facility in a metro',
        body: FacilityInput,
        response: { 201: Type.Unknown(), ...errorResponses, ...conflict },
      },
    },
    async (req, reply) => {
      await engine.operator.createFacility(req.body);
      return reply.status(201).send(presentFacility(world.facility(req.body.code)!, world));
    },
  );
  app.post<{ Body: PlanT }>(
    '/operator/plans',
    {
      config: operator,
      schema: {
        tags: ['operator'],
        summary: 'Enrol a plan (specs and hourly price)',
        body: PlanInput,
        response: { 201: Type.Unknown(), ...errorResponses, ...conflict },
      },
    },
    async (req, reply) => {
      await engine.operator.createPlan(req.body);
      return reply.status(201).send(presentPlan(world.plan(req.body.slug)!, world));
    },
  );
  app.post<{ Body: OsT }>(
    '/operator/operating-systems',
    {
      config: operator,
      schema: {
        tags: ['operator'],
        summary: 'Enrol an operating system',
        body: OperatingSystemInput,
        response: { 201: Type.Unknown(), ...errorResponses, ...conflict },
      },
    },
    async (req, reply) => {
      await engine.operator.createOperatingSystem(req.body);
      return reply.status(201).send(presentOs(world.os(req.body.slug)!, world));
    },
  );
  app.post<{ Body: IpPoolT }>(
    '/operator/ip-pools',
    {
      config: operator,
      schema: {
        tags: ['operator'],
        summary: 'Enrol an address pool (per metro, or global for anycast)',
        body: IpPoolInput,
        response: { 201: IpPool, ...errorResponses },
      },
    },
    async (req, reply) => {
      const pool = await engine.ipam.enrolPool(req.body);
      return reply.status(201).send(presentIpPool({ ...pool, free: pool.size - pool.allocated }, world));
    },
  );
  app.get(
    '/operator/ip-pools',
    {
      config: operator,
      schema: {
        tags: ['operator'],
        summary: 'The address pools and how much of each is given out',
        response: { 200: IpPoolList, ...errorResponses },
      },
    },
    async () => ({ ip_pools: (await engine.ipam.pools()).map((pool) => presentIpPool(pool, world)) }),
  );
  app.post<{ Body: MachineT }>(
    '/operator/machines',
    {
      config: operator,
      schema: {
        tags: ['operator'],
        summary: 'Enrol a machine with its BMC; it is verified before it becomes available',
        body: MachineInput,
        response: { 201: Machine, ...errorResponses },
      },
    },
    async (req, reply) => {
      const machine = await engine.operator.enrollMachine(req.body);
      engine.jobs.poke();
      return reply.status(201).send(presentMachine(machine, engine.world));
    },
  );
  app.get<{ Querystring: PageQueryT & { state?: string } }>(
    '/operator/machines',
    {
      config: operator,
      schema: {
        tags: ['operator'],
        summary: 'List machines',
        querystring: Type.Composite([PageQuery, Type.Object({ state: Type.Optional(Type.String()) })]),
        response: { 200: MachineList, ...errorResponses },
      },
    },
    async (req, reply) =>
      sendPage(
        req,
        reply,
        'machines',
        presentPage(await engine.operator.machines(pageParams(req.query), { state: req.query.state }), (m) =>
          presentMachine(m, engine.world),
        ),
        req.query,
      ),
  );
  app.get<{ Params: IdParams }>(
    '/operator/machines/:id',
    {
      config: operator,
      schema: { tags: ['operator'], summary: 'Get a machine', params: IdParams, response: { 200: Machine, ...errorResponses } },
    },
    async (req) => presentMachine(await engine.operator.machine(req.params.id), engine.world),
  );
  app.get(
    '/operator/backup',
    {
      config: operator,
      schema: {
        tags: ['operator'],
        summary: 'A consistent backup of the whole store, taken while it serves (what `metalforge backup` saves)',
        response: { 200: Type.String(), ...errorResponses },
      },
    },
    async (_req, reply) => reply.type('application/x-ndjson').send(await engine.operator.backup()),
  );
  app.delete<{ Params: IdParams }>(
    '/operator/machines/:id',
    {
      config: operator,
      schema: {
        tags: ['operator'],
        summary: 'Remove a machine (it must run no device)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses, ...conflict },
      },
    },
    async (req, reply) => {
      await engine.operator.removeMachine(req.params.id);
      return reply.status(204).send();
    },
  );
}
