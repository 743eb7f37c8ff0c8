/** BGP: a project's configuration, its devices' sessions with the metro routers, and their neighbor data. */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ShapeQuery, type ShapeQuery as ShapeQueryT } from '../../contract/schemas';
import {
  BgpConfig,
  BgpConfigRequestInput,
  BgpSession,
  BgpSessionInput,
  BgpSessionList,
  BgpSessionNeighbors,
  GlobalBgpRangeList,
  type BgpConfigRequestInput as ConfigRequestT,
  type BgpSessionInput as SessionInputT,
} from '../../contract/schemas-bgp';
import { idempotent } from '../idempotency';
import { presentBgpConfig, presentBgpNeighbor, presentBgpSession, presentGlobalBgpRange } from '../present-bgp';
import { errorResponses, IdParams, RouteDeps, sendList, sendOne } from './shared';

const noContent = { 204: Type.Null(), ...errorResponses };

export function bgpRoutes(app: FastifyInstance, { engine }: RouteDeps): void {
  const tags = ['bgp'];

  type Req = FastifyRequest<{ Params: IdParams }>;
  /** A read of what the path's id names: one object, or with `listKey` a list under that key; `exclude` applied. */
  const read = (path: string, summary: string, response: TSchema, answer: (req: Req) => Promise<object>, listKey?: string) =>
    app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
      path,
      { schema: { tags, summary, params: IdParams, querystring: ShapeQuery, response: { 200: response, ...errorResponses } } },
      async (req, reply) => {
        const found = await answer(req);
        return listKey ? sendList(reply, listKey, found as object[], req.query) : sendOne(reply, found, req.query);
      },
    );

  for (const path of ['/projects/:id/bgp-config', '/projects/:id/bgp-configs']) {
    read(path, "A project's BGP configuration ({} when BGP is not enabled)", BgpConfig, async (req) => {
      const found = await engine.bgp.config(req.principal, req.params.id);
      return presentBgpConfig(found, found ? await engine.bgp.sessionsOfProject(req.principal, req.params.id) : []);
    });
  }

  app.post<{ Params: IdParams; Body: ConfigRequestT }>(
    '/projects/:id/bgp-configs',
    {
      schema: {
        tags,
        summary: 'Enable BGP for a project (local or global; asking again for the same configuration is done)',
        params: IdParams,
        body: BgpConfigRequestInput,
        response: noContent,
      },
    },
    async (req, reply) => {
      await engine.bgp.requestConfig(req.principal, req.params.id, req.body);
      return reply.status(204).send();
    },
  );

  read(
    '/projects/:id/bgp/sessions',
    "The BGP sessions of a project's devices",
    BgpSessionList,
    async (req) => (await engine.bgp.sessionsOfProject(req.principal, req.params.id)).map(presentBgpSession),
    'bgp_sessions',
  );

  read(
    '/devices/:id/bgp/sessions',
    "A device's BGP sessions",
    BgpSessionList,
    async (req) => (await engine.bgp.sessionsOfDevice(req.principal, req.params.id)).map(presentBgpSession),
    'bgp_sessions',
  );

  app.post<{ Params: IdParams; Body: SessionInputT }>(
    '/devices/:id/bgp/sessions',
    {
      schema: {
        tags,
        summary: "Open a BGP session between a device and its metro's router (one per address family)",
        params: IdParams,
        body: BgpSessionInput,
        response: { 201: BgpSession, ...errorResponses },
      },
    },
    async (req, reply) =>
      (await idempotent(engine, req, reply, 201, presentBgpSession, (commitWith) =>
        engine.bgp.createSession(req.principal, req.params.id, req.body, commitWith),
      )) ?? reply,
  );

  read(
    '/projects/:id/global-bgp-ranges',
    'The ranges a project with a global BGP deployment may announce from every metro: its global IPv4 reservations',
    GlobalBgpRangeList,
    async (req) => (await engine.bgp.globalRanges(req.principal, req.params.id)).map(presentGlobalBgpRange),
    'global_bgp_ranges',
  );

  read('/bgp/sessions/:id', 'A BGP session, with its status as the router says now', BgpSession, async (req) =>
    presentBgpSession(await engine.bgp.session(req.principal, req.params.id)),
  );

  app.put<{ Params: IdParams; Body: boolean }>(
    '/bgp/sessions/:id',
    {
      schema: {
        tags,
        summary: 'Turn the default route of a BGP session on (true) or off (false); the body is the JSON boolean',
        params: IdParams,
        body: Type.Boolean(),
        response: { 200: BgpSession, ...errorResponses },
      },
    },
    async (req) => presentBgpSession(await engine.bgp.setDefaultRoute(req.principal, req.params.id, req.body)),
  );

  app.delete<{ Params: IdParams }>(
    '/bgp/sessions/:id',
    { schema: { tags, summary: 'Close a BGP session (the router drops it)', params: IdParams, response: noContent } },
    async (req, reply) => {
      await engine.bgp.deleteSession(req.principal, req.params.id);
      return reply.status(204).send();
    },
  );

  read(
    '/devices/:id/bgp/neighbors',
    "What a device's BGP speaker is configured with: one entry per session",
    BgpSessionNeighbors,
    async (req) => (await engine.bgp.neighbors(req.principal, req.params.id)).map(presentBgpNeighbor),
    'bgp_neighbors',
  );
}
