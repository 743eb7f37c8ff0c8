import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MetalError } from '../../contract/errors';
import { CapacityList, FacilityList, Metro, MetroList, OperatingSystemList, Plan, PlanList } from '../../contract/schemas';
import { presentFacility, presentMetro, presentOs, presentPlan } from '../../engine/present';
import { closest } from '../../engine/world';
import { buildMeta } from '../paging';
import { errorResponses, IdOrSlugParams, IdParams, pageOf, PageQuery, PageQueryT, RouteDeps } from './shared';

const PlanQuery = Type.Composite([PageQuery, Type.Object({ metro: Type.Optional(Type.String({ description: 'only plans offered in this metro' })) })]);

export function catalogRoutes(app: FastifyInstance, { engine }: RouteDeps): void {
  const world = engine.world;
  const paged = <T>(url: string, key: string, all: T[], query: PageQueryT) => {
    const p = pageOf(all, query);
    return { [key]: p.items, meta: buildMeta(url, { page: p.page, perPage: p.perPage }, p.total) };
  };

  app.get<{ Querystring: PageQueryT & { metro?: string } }>('/plans', { schema: { tags: ['plans'], summary: 'List plans with specs and per-metro prices', querystring: PlanQuery, response: { 200: PlanList, ...errorResponses } } }, async (req) => {
    let plans = [...world.plans.values()];
    if (req.query.metro) {
      const metro = world.metro(req.query.metro);
      if (!metro) throw new MetalError('validation_failed', `query parameter metro: unknown metro "${req.query.metro}"; did you mean ${closest(req.query.metro, [...world.metros.values()].map((m) => m.code)).join(', ')}?`);
      plans = world.plansIn(metro.id);
    }
    return paged(req.url, 'plans', plans.map((p) => presentPlan(p, world)), req.query);
  });

  app.get<{ Params: IdParams }>('/plans/:id', { schema: { tags: ['plans'], summary: 'Get a plan by id or slug', params: IdOrSlugParams, response: { 200: Plan, ...errorResponses } } }, async (req) => {
    const plan = world.plan(req.params.id);
    if (!plan) throw new MetalError('not_found', `plan ${req.params.id} not found`);
    return presentPlan(plan, world);
  });

  app.get<{ Querystring: PageQueryT }>('/locations/metros', { schema: { tags: ['metros'], summary: 'List metros (core and edge)', querystring: PageQuery, response: { 200: MetroList, ...errorResponses } } }, async (req) =>
    paged(req.url, 'metros', [...world.metros.values()].map(presentMetro), req.query),
  );

  app.get<{ Params: IdParams }>('/locations/metros/:id', { schema: { tags: ['metros'], summary: 'Get a metro by id or code', params: IdOrSlugParams, response: { 200: Metro, ...errorResponses } } }, async (req) => {
    const metro = world.metro(req.params.id);
    if (!metro) throw new MetalError('not_found', `metro ${req.params.id} not found; metros: ${[...world.metros.values()].map((m) => m.code).join(', ')}`);
    return presentMetro(metro);
  });

  app.get<{ Querystring: PageQueryT }>('/facilities', { schema: { tags: ['facilities'], summary: 'List facilities', querystring: PageQuery, response: { 200: FacilityList, ...errorResponses } } }, async (req) =>
    paged(req.url, 'facilities', [...world.facilities.values()].map((f) => presentFacility(f, world)), req.query),
  );

  app.get<{ Querystring: PageQueryT }>('/operating-systems', { schema: { tags: ['operating-systems'], summary: 'List operating systems', querystring: PageQuery, response: { 200: OperatingSystemList, ...errorResponses } } }, async (req) =>
    paged(req.url, 'operating_systems', [...world.operatingSystems.values()].map((o) => presentOs(o, world)), req.query),
  );

  app.get('/capacity/metros', { schema: { tags: ['capacity'], summary: 'Capacity per metro and plan: normal, limited or unavailable', response: { 200: CapacityList, ...errorResponses } } }, async () =>
    engine.operator.capacity(),
  );
  app.get('/capacity', { schema: { tags: ['capacity'], summary: 'Capacity per metro and plan (alias of /capacity/metros)', response: { 200: CapacityList, ...errorResponses } } }, async () =>
    engine.operator.capacity(),
  );
}
