import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorBody, PageQuery, UUID_PATTERN } from '../../contract/schemas';
import type { Engine } from '../../engine';
import { buildMeta, excludeFields, pageParams, splitList } from '../paging';

export interface RouteDeps {
  engine: Engine;
}

/** The id of an object (device, project, key, ...): a malformed one names no object, so it gets a 404 naming `id`. */
export const IdParams = Type.Object({ id: Type.String({ pattern: UUID_PATTERN, description: 'a UUID' }) });
export type IdParams = { id: string };

/** Catalogue entries are found by id or by their slug / code. */
export const IdOrSlugParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: 'an id or a slug' }) });

/** Error responses every authenticated route may give. */
export const errorResponses = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody, 429: ErrorBody };

export { PageQuery };
export type PageQueryT = { page?: number; per_page?: number; include?: string; exclude?: string };

/** A paged list body `{<key>: [...], meta}` with the `exclude`d fields dropped. */
export function pageBody<T extends object>(request: FastifyRequest, key: string, page: { items: T[]; total: number }, query: PageQueryT) {
  const exclude = splitList(query.exclude);
  const items = exclude.length ? page.items.map((i) => excludeFields(i, exclude)) : page.items;
  return { [key]: items, meta: buildMeta(request.url, pageParams(query), page.total) };
}

/** Sends a paged list; with `exclude` it is serialised as plain JSON (the response schema would require the dropped fields). */
export function sendPage<T extends object>(
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  page: { items: T[]; total: number },
  query: PageQueryT,
) {
  if (splitList(query.exclude).length) reply.serializer(JSON.stringify);
  return pageBody(request, key, page, query);
}

/** A single resource, with `exclude` applied. */
export function sendOne<T extends object>(reply: FastifyReply, item: T, query: { exclude?: string }): T {
  const exclude = splitList(query.exclude);
  if (!exclude.length) return item;
  reply.serializer(JSON.stringify);
  return excludeFields(item, exclude);
}

/** Sends a whole list (one the spec leaves unpaginated), with `exclude` applied. */
export function sendList<T extends object>(reply: FastifyReply, key: string, items: T[], query: { exclude?: string }) {
  const exclude = splitList(query.exclude);
  if (!exclude.length) return { [key]: items };
  reply.serializer(JSON.stringify);
  return { [key]: items.map((i) => excludeFields(i, exclude)) };
}

/** A page of rows from the engine, each presented (lib/api/present). */
export const presentPage = <R, T>(page: { items: R[]; total: number }, present: (row: R) => T) => ({
  items: page.items.map((row) => present(row)),
  total: page.total,
});

/** POST `path` (whose id names the owner) that creates an object and answers 201 with it as `create` presents it. */
export function postCreated<Body>(
  app: FastifyInstance,
  path: string,
  schema: { tags: string[]; summary: string; body: TSchema; response: TSchema },
  create: (req: FastifyRequest<{ Params: IdParams; Body: Body }>) => Promise<object>,
): void {
  app.post<{ Params: IdParams; Body: Body }>(
    path,
    {
      schema: {
        tags: schema.tags,
        summary: schema.summary,
        params: IdParams,
        body: schema.body,
        response: { 201: schema.response, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await create(req)),
  );
}
