import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MetalError } from '../../contract/errors';
import { CapacityList, FacilityList, Metro, MetroList, OperatingSystemList, Plan, PlanList, ShapeQuery } from '../../contract/schemas';
import { presentFacility, presentMetro, presentOs, presentPlan } from '../present/catalog';
import { suggestion } from '../../contract/catalog-rules';
import { errorResponses, IdOrSlugParams, IdParams, RouteDeps, sendList } from './shared';

const PlanQuery = Type.Composite([
  ShapeQuery,
  Type.Object({ metro: Type.Optional(Type.String({ description: 'only plans offered in this metro' })) }),
]);
type ShapeQueryT = { include?: string; exclude?: string };

/** A whole-list route's schema: include / exclude only, as the spec has no paging for it. */
const listSchema = (tags: string[], summary: string, response: object) => ({
  schema: { tags, summary, querystring: ShapeQuery, response: { 200: response, ...errorResponses } },
});
const capacitySchema = (summary: string) => ({
  schema: {
    tags: ['capacity'],
    summary: `Capacity per ${summary} and plan: normal, limited or unavailable`,
    response: { 200: CapacityList, ...errorResponses },
  },
});

/** The catalogue: lists the spec leaves unpaginated, so each answer holds every entry. */
export function catalogRoutes(app: FastifyInstance, { engine }: RouteDeps): void {
  const world = engine.world;
  const allPlans = () => [...world.plans.values()].map((p) => presentPlan(p, world));

  app.get<{ Querystring: ShapeQueryT & { metro?: string } }>(
    '/plans',
    { schema: { ...listSchema(['plans'], 'List plans with specs and per-metro prices', PlanList).schema, querystring: PlanQuery } },
    async (req, reply) => {
      const { metro: code } = req.query;
      if (!code) return sendList(reply, 'plans', allPlans(), req.query);
      const metro = world.metro(code);
      if (!metro) {
        const codes = [...world.metros.values()].map((m) => m.code);
        throw new MetalError('validation_failed', `query parameter metro: unknown metro "${code}"; ${suggestion(code, codes)}`);
      }
      return sendList(
        reply,
        'plans',
        world.plansIn(metro.id).map((p) => presentPlan(p, world)),
        req.query,
      );
    },
  );

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/projects/:id/plans',
    { schema: { ...listSchema(['plans'], 'List the plans a project may deploy (every plan)', PlanList).schema, params: IdParams } },
    async (req, reply) => {
      await engine.projects.row(req.principal, req.params.id);
      return sendList(reply, 'plans', allPlans(), req.query);
    },
  );

  app.get<{ Params: IdParams }>(
    '/plans/:id',
    {
      schema: { tags: ['plans'], summary: 'Get a plan by id or slug', params: IdOrSlugParams, response: { 200: Plan, ...errorResponses } },
    },
    async (req) => {
      const plan = world.plan(req.params.id);
      if (!plan) throw new MetalError('not_found', `plan ${req.params.id} not found`);
      return presentPlan(plan, world);
    },
  );

  const metroSchema = listSchema(['metros'], 'List metros (core and edge)', MetroList);
  app.get<{ Querystring: ShapeQueryT }>('/locations/metros', metroSchema, async (req, reply) =>
    sendList(reply, 'metros', [...world.metros.values()].map(presentMetro), req.query),
  );

  app.get<{ Params: IdParams }>(
    '/locations/metros/:id',
    {
      schema: {
        tags: ['metros'],
        summary: 'Get a metro by id or code',
        params: IdOrSlugParams,
        response: { 200: Metro, ...errorResponses },
      },
    },
    async (req) => {
      const metro = world.metro(req.params.id);
      if (!metro)
        throw new MetalError(
          'not_found',
          `metro ${req.params.id} not found; metros: ${[...world.metros.values()].map((m) => m.code).join(', ')}`,
        );
      return presentMetro(metro);
    },
  );

  app.get<{ Querystring: ShapeQueryT }>('/facilities', listSchema(['facilities'], 'List facilities', FacilityList), async (req, reply) =>
    sendList(
      reply,
      'facilities',
      [...world.facilities.values()].map((f) => presentFacility(f, world)),
      req.query,
    ),
  );

  const osSchema = listSchema(['operating-systems'], 'List operating systems', OperatingSystemList);
  app.get<{ Querystring: ShapeQueryT }>('/operating-systems', osSchema, async (req, reply) =>
    sendList(
      reply,
      'operating_systems',
      [...world.operatingSystems.values()].map((o) => presentOs(o, world)),
      req.query,
    ),
  );

  app.get('/capacity/metros', capacitySchema('metro'), async () => engine.operator.capacity('metro'));
  app.get('/capacity', capacitySchema('facility'), async () => engine.operator.capacity('facility'));
}
