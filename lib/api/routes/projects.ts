import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  Project,
  ProjectCreateInput,
  ProjectList,
  ProjectUpdateInput,
  type ProjectCreateInput as CreateT,
  type ProjectUpdateInput as UpdateT,
} from '../../contract/schemas';
import { idempotent } from '../idempotency';
import { linkedObjects, withIncludes, type Relations } from '../includes';
import { pageParams } from '../paging';
import { presentProject } from '../present/projects-and-keys';
import { errorResponses, IdParams, PageQuery, PageQueryT, RouteDeps, sendOne, sendPage } from './shared';

export function projectRoutes(app: FastifyInstance, { engine }: RouteDeps): void {
  /**
   * `include=devices,ssh_keys,organization` expands those links of a project. Members, memberships, invitations
   * and volumes are empty here: naming them changes nothing.
   */
  const projectRelations = (req: FastifyRequest): Relations => {
    const linked = linkedObjects(engine, req.principal);
    return {
      expand: { devices: linked.devices, ssh_keys: linked.sshKeys, organization: linked.organizations },
      embedded: ['members', 'memberships', 'invitations', 'volumes'],
    };
  };

  app.get<{ Querystring: PageQueryT }>(
    '/projects',
    { schema: { tags: ['projects'], summary: 'List projects', querystring: PageQuery, response: { 200: ProjectList, ...errorResponses } } },
    async (req, reply) => {
      const page = await engine.projects.list(req.principal, pageParams(req.query));
      const items = await withIncludes(req, reply, page.items.map(presentProject), projectRelations(req), req.query.include);
      return sendPage(req, reply, 'projects', { items, total: page.total }, req.query);
    },
  );

  app.post<{ Body: CreateT }>(
    '/projects',
    {
      schema: { tags: ['projects'], summary: 'Create a project', body: ProjectCreateInput, response: { 201: Project, ...errorResponses } },
    },
    async (req, reply) => {
      const out = await idempotent(engine, req, reply, 201, presentProject, (commitWith) =>
        engine.projects.create(req.principal, req.body, commitWith),
      );
      return out ?? reply;
    },
  );

  app.get<{ Params: IdParams; Querystring: PageQueryT }>(
    '/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary: 'Get a project',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Project, ...errorResponses },
      },
    },
    async (req, reply) => {
      const [project] = await withIncludes(
        req,
        reply,
        [presentProject(await engine.projects.get(req.principal, req.params.id))],
        projectRelations(req),
        req.query.include,
      );
      return sendOne(reply, project, req.query);
    },
  );

  app.put<{ Params: IdParams; Body: UpdateT }>(
    '/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary: 'Update a project',
        params: IdParams,
        body: ProjectUpdateInput,
        response: { 200: Project, ...errorResponses },
      },
    },
    async (req) => presentProject(await engine.projects.update(req.principal, req.params.id, req.body)),
  );

  app.delete<{ Params: IdParams }>(
    '/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary: 'Delete a project (it must have no devices)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses, 409: errorResponses[422] },
      },
    },
    async (req, reply) => {
      await engine.projects.delete(req.principal, req.params.id);
      return reply.status(204).send();
    },
  );
}
