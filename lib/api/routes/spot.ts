import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  SpotMarketPricesList,
  SpotMarketPricesPerMetroList,
  SpotMarketRequest,
  SpotMarketRequestCreateInput,
  SpotMarketRequestList,
  SpotMarketRequestUpdateInput,
  SpotPricesHistoryReport,
  Webhook,
  WebhookInput,
  type SpotMarketRequestCreateInput as CreateT,
  type SpotMarketRequestUpdateInput as UpdateT,
  type WebhookInput as WebhookT,
} from '../../contract/schemas';
import type { SpotRequestView } from '../../engine';
import { spotRequestRules, spotUpdateRules } from '../body-rules';
import { idempotent } from '../idempotency';
import { presentSpotRequest } from '../present/spot';
import { errorResponses, IdParams, RouteDeps } from './shared';

const PricesQuery = Type.Object({ facility: Type.Optional(Type.String()), plan: Type.Optional(Type.String()) });
const MetroPricesQuery = Type.Object({ metro: Type.Optional(Type.String()), plan: Type.Optional(Type.String()) });
const HistoryQuery = Type.Object({
  plan: Type.String({ minLength: 1 }),
  metro: Type.Optional(Type.String()),
  facility: Type.Optional(Type.String()),
  from: Type.String({ minLength: 1, description: 'an ISO 8601 date-time or unix seconds' }),
  until: Type.String({ minLength: 1, description: 'an ISO 8601 date-time or unix seconds' }),
});
const DeleteQuery = Type.Object({ force_termination: Type.Optional(Type.Boolean()) });

export function spotRoutes(app: FastifyInstance, { engine }: RouteDeps): void {
  const present = (request: SpotRequestView) => presentSpotRequest(request, engine.world);
  const tags = ['spot market'];

  app.post<{ Params: IdParams; Body: CreateT }>(
    '/projects/:id/spot-market-requests',
    {
      schema: {
        tags,
        summary: 'Create a spot market request (a bid for devices; filled while the spot price is at most max_bid_price)',
        params: IdParams,
        body: SpotMarketRequestCreateInput,
        response: { 201: SpotMarketRequest, ...errorResponses },
      },
      config: { bodyRules: spotRequestRules(engine) },
    },
    async (req, reply) => {
      const out = await idempotent(engine, req, reply, 201, present, (commitWith) =>
        engine.spot.createRequest(req.principal, req.params.id, req.body, commitWith),
      );
      return out ?? reply;
    },
  );

  app.get<{ Params: IdParams }>(
    '/projects/:id/spot-market-requests',
    {
      schema: {
        tags,
        summary: 'List the spot market requests of a project, each with its devices',
        params: IdParams,
        response: { 200: SpotMarketRequestList, ...errorResponses },
      },
    },
    async (req) => ({ spot_market_requests: (await engine.spot.list(req.principal, req.params.id)).map(present) }),
  );

  app.get<{ Params: IdParams }>(
    '/spot-market-requests/:id',
    {
      schema: {
        tags,
        summary: 'Get a spot market request with its devices (ids, states, addresses, termination times)',
        params: IdParams,
        response: { 200: SpotMarketRequest, ...errorResponses },
      },
    },
    async (req) => present(await engine.spot.get(req.principal, req.params.id)),
  );

  app.put<{ Params: IdParams; Body: UpdateT }>(
    '/spot-market-requests/:id',
    {
      schema: {
        tags,
        summary:
          'Change the bid of an open spot market request (max_bid_price, devices_min, devices_max, end_at; null clears end_at); it is cleared again at once',
        params: IdParams,
        body: SpotMarketRequestUpdateInput,
        response: { 200: SpotMarketRequest, ...errorResponses },
      },
      config: { bodyRules: spotUpdateRules(engine) },
    },
    async (req) => present(await engine.spot.updateRequest(req.principal, req.params.id, req.body)),
  );

  app.delete<{ Params: IdParams; Querystring: { force_termination?: boolean } }>(
    '/spot-market-requests/:id',
    {
      schema: {
        tags,
        summary: 'Close a spot market request; with force_termination=true its devices are deprovisioned too',
        params: IdParams,
        querystring: DeleteQuery,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      // packngo sends force_termination in a JSON body rather than the query string.
      const body = req.body as { force_termination?: unknown } | undefined;
      const force = req.query.force_termination ?? body?.force_termination === true;
      await engine.spot.delete(req.principal, req.params.id, force);
      return reply.status(204).send();
    },
  );

  app.get<{ Querystring: { facility?: string; plan?: string } }>(
    '/market/spot/prices',
    {
      schema: {
        tags,
        summary: 'Current spot prices by facility and plan',
        querystring: PricesQuery,
        response: { 200: SpotMarketPricesList, ...errorResponses },
      },
    },
    async (req) => ({ spot_market_prices: await engine.spot.pricesByFacility(req.query) }),
  );

  app.get<{ Querystring: { metro?: string; plan?: string } }>(
    '/market/spot/prices/metros',
    {
      schema: {
        tags,
        summary: 'Current spot prices by metro and plan',
        querystring: MetroPricesQuery,
        response: { 200: SpotMarketPricesPerMetroList, ...errorResponses },
      },
    },
    async (req) => ({ spot_market_prices: await engine.spot.pricesByMetro(req.query) }),
  );

  app.get<{ Querystring: { plan: string; metro?: string; facility?: string; from: string; until: string } }>(
    '/market/spot/prices/history',
    {
      schema: {
        tags,
        summary: 'Spot price history of a plan in a metro (90 days are kept)',
        querystring: HistoryQuery,
        response: { 200: SpotPricesHistoryReport, ...errorResponses },
      },
    },
    async (req) => ({ prices_history: { datapoints: await engine.spot.history(req.query) } }),
  );

  app.put<{ Params: IdParams; Body: WebhookT }>(
    '/projects/:id/webhook',
    {
      schema: {
        tags,
        summary: 'Set the project webhook (spot termination notices); the signing secret is shown only in this response',
        params: IdParams,
        body: WebhookInput,
        response: { 200: Webhook, ...errorResponses },
      },
    },
    async (req) => engine.spot.setWebhook(req.principal, req.params.id, req.body.url),
  );
}
