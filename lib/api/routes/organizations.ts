/** Organizations: each user belongs to one, implicit organization (made with the user). */
import type { FastifyInstance } from 'fastify';
import { MetalError } from '../../contract/errors';
import { Organization, OrganizationList, ShapeQuery, type ShapeQuery as ShapeQueryT } from '../../contract/schemas';
import { pageParams } from '../paging';
import { presentOrganization } from '../present/projects-and-keys';
import { errorResponses, IdParams, PageQuery, PageQueryT, RouteDeps, sendOne, sendPage } from './shared';

export function organizationRoutes(app: FastifyInstance, { engine }: RouteDeps): void {
  const tags = ['organizations'];

  app.get<{ Querystring: PageQueryT }>(
    '/organizations',
    {
      schema: {
        tags,
        summary: 'List your organizations (one per user)',
        querystring: PageQuery,
        response: { 200: OrganizationList, ...errorResponses },
      },
    },
    async (req, reply) => {
      const organization = presentOrganization(await engine.accounts.organization(req.principal));
      return sendPage(req, reply, 'organizations', { items: pageParams(req.query).page === 1 ? [organization] : [], total: 1 }, req.query);
    },
  );

  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/organizations/:id',
    {
      schema: {
        tags,
        summary: 'Get your organization',
        params: IdParams,
        querystring: ShapeQuery,
        response: { 200: Organization, ...errorResponses },
      },
    },
    async (req, reply) => {
      if (req.params.id !== req.principal.organizationId) throw new MetalError('not_found', `organization ${req.params.id} not found`);
      return sendOne(reply, presentOrganization(await engine.accounts.organization(req.principal)), req.query);
    },
  );
}
