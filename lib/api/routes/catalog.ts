import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MetalError } from '../../contract/errors';
import { CapacityList, FacilityList, Metro, MetroList, OperatingSystemList, Plan, PlanList, ShapeQuery } from '../../contract/schemas';
import { presentFacility, presentMetro, presentOs, presentPlan } from '../../engine/present';
import { closest } from '../../engine/world';
import { errorResponses, IdParams, RouteDeps, sendList } from './shared';

const PlanQuery = Type.Composite([ShapeQuery, Type.Object({ metro: Type.Optional(Type.String({ description: 'only plans offered in this metro' })) })]);
type ShapeQueryT = { include?: string; exclude?: string };

/** The catalogue: lists the spec leaves unpaginated, so each answer holds every entry. */
export function catalogRoutes(app: FastifyInstance, { engine }: RouteDeps): void {
  const world = engine.world;
  const allPlans = () => [...world.plans.values()].map((p) => presentPlan(p, world));

  app.get<{ Querystring: ShapeQueryT & { metro?: string } }>('/plans', { schema: { tags: ['plans'], summary: 'List plans with specs and per-metro prices', querystring: PlanQuery, response: { 200: PlanList, ...errorResponses } } }, async (req, reply) => {
    if (!req.query.metro) return sendList(reply, 'plans', allPlans(), req.query);
    const metro = world.metro(req.query.metro);
    if (!metro) throw new MetalError('validation_failed', `query parameter metro: unknown metro "${req.query.metro}"; did you mean ${closest(req.query.metro, [...world.metros.values()].map((m) => m.code)).join(', ')}?`);
    return sendList(reply, 'plans', world.plansIn(metro.id).map((p) => presentPlan(p, world)), req.query);
  });

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/projects/:id/plans',
    { schema: { tags: ['plans'], summary: 'List the plans a project may deploy (every plan)', params: IdParams, querystring: ShapeQuery, response: { 200: PlanList, ...errorResponses } } },
    async (req, reply) => {
      await engine.projects.row(req.principal, req.params.id);
      return sendList(reply, 'plans', allPlans(), req.query);
    },
  );

  app.get<{ Params: IdParams }>('/plans/:id', { schema: { tags: ['plans'], summary: 'Get a plan by id or slug', params: IdParams, response: { 200: Plan, ...errorResponses } } }, async (req) => {
    const plan = world.plan(req.params.id);
    if (!plan) throw new MetalError('not_found', `plan ${req.params.id} not found`);
    return presentPlan(plan, world);
  });

  app.get<{ Querystring: ShapeQueryT }>('/locations/metros', { schema: { tags: ['metros'], summary: 'List metros (core and edge)', querystring: ShapeQuery, response: { 200: MetroList, ...errorResponses } } }, async (req, reply) =>
    sendList(reply, 'metros', [...world.metros.values()].map(presentMetro), req.query),
  );

  app.get<{ Params: IdParams }>('/locations/metros/:id', { schema: { tags: ['metros'], summary: 'Get a metro by id or code', params: IdParams, response: { 200: Metro, ...errorResponses } } }, async (req) => {
    const metro = world.metro(req.params.id);
    if (!metro) throw new MetalError('not_found', `metro ${req.params.id} not found; metros: ${[...world.metros.values()].map((m) => m.code).join(', ')}`);
    return presentMetro(metro);
  });

  app.get<{ Querystring: ShapeQueryT }>('/facilities', { schema: { tags: ['facilities'], summary: 'List facilities', querystring: ShapeQuery, response: { 200: FacilityList, ...errorResponses } } }, async (req, reply) =>
    sendList(reply, 'facilities', [...world.facilities.values()].map((f) => presentFacility(f, world)), req.query),
  );

  app.get<{ Querystring: ShapeQueryT }>('/operating-systems', { schema: { tags: ['operating-systems'], summary: 'List operating systems', querystring: ShapeQuery, response: { 200: OperatingSystemList, ...errorResponses } } }, async (req, reply) =>
    sendList(reply, 'operating_systems', [...world.operatingSystems.values()].map(presentOs), req.query),
  );

  app.get('/capacity/metros', { schema: { tags: ['capacity'], summary: 'Capacity per metro and plan: normal, limited or unavailable', response: { 200: CapacityList, ...errorResponses } } }, async () =>
    engine.operator.capacity('metro'),
  );
  app.get('/capacity', { schema: { tags: ['capacity'], summary: 'Capacity per facility and plan: normal, limited or unavailable', response: { 200: CapacityList, ...errorResponses } } }, async () =>
    engine.operator.capacity('facility'),
  );
}
