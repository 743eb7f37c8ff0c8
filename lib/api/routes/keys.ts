/** SSH keys (user and project), API keys (user and project), the current user, events. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MetalError } from '../../contract/errors';
import {
  ApiKey,
  ApiKeyCreateInput,
  ApiKeyList,
  Event,
  EventList,
  ShapeQuery,
  SshKey,
  SshKeyCreateInput,
  SshKeyList,
  SshKeyUpdateInput,
  type ApiKeyCreateInput as ApiKeyCreateT,
  type SshKeyCreateInput as SshCreateT,
  type SshKeyUpdateInput as SshUpdateT,
  type ShapeQuery as ShapeQueryT,
} from '../../contract/schemas';
import type { Principal } from '../../engine/accounts';
import { requireUserKey } from '../auth';
import { idempotent } from '../idempotency';
import { withIncludes } from '../includes';
import { pageParams } from '../paging';
import { presentEvent } from '../present/events';
import { presentApiKey, presentSshKey, presentUser } from '../present/projects-and-keys';
import { errorResponses, IdParams, PageQuery, PageQueryT, presentPage, RouteDeps, sendOne, sendPage } from './shared';

const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  full_name: Type.String(),
  created_at: Type.String(),
  href: Type.String(),
  default_organization_id: Type.String(),
});
const noContent = { 204: Type.Null(), ...errorResponses };

export function keyRoutes(app: FastifyInstance, { engine }: RouteDeps): void {
  app.get<{ Querystring: ShapeQueryT }>(
    '/user',
    {
      schema: {
        tags: ['users'],
        summary: 'The user owning this API key',
        querystring: ShapeQuery,
        response: { 200: User, ...errorResponses },
      },
    },
    async (req, reply) => {
      // A user links to nothing here that include could expand: every relation named is ignored input.
      const [user] = await withIncludes(
        req,
        reply,
        [presentUser(await engine.accounts.user(req.principal), req.principal.organizationId)],
        { expand: {} },
        req.query.include,
      );
      return sendOne(reply, user, req.query);
    },
  );

  // ------------------------------------------------------------------ SSH keys
  app.get(
    '/ssh-keys',
    { schema: { tags: ['ssh-keys'], summary: 'List your user SSH keys', response: { 200: SshKeyList, ...errorResponses } } },
    async (req) => {
      requireUserKey(req.principal, 'user SSH keys');
      return { ssh_keys: (await engine.projects.listSshKeys(req.principal, null)).map(presentSshKey) };
    },
  );
  app.post<{ Body: SshCreateT }>(
    '/ssh-keys',
    {
      schema: {
        tags: ['ssh-keys'],
        summary: 'Create a user SSH key',
        body: SshKeyCreateInput,
        response: { 201: SshKey, ...errorResponses },
      },
    },
    async (req, reply) => {
      requireUserKey(req.principal, 'user SSH keys');
      return (
        (await idempotent(engine, req, reply, 201, presentSshKey, (commitWith) =>
          engine.projects.createSshKey(req.principal, req.body, null, commitWith),
        )) ?? reply
      );
    },
  );
  app.get<{ Params: IdParams }>(
    '/ssh-keys/:id',
    { schema: { tags: ['ssh-keys'], summary: 'Get an SSH key', params: IdParams, response: { 200: SshKey, ...errorResponses } } },
    async (req) => {
      const row = await engine.projects.sshKeyRow(req.principal, req.params.id);
      return presentSshKey((await engine.projects.listSshKeys(req.principal, row.project_id)).find((k) => k.id === row.id)!);
    },
  );
  app.put<{ Params: IdParams; Body: SshUpdateT }>(
    '/ssh-keys/:id',
    {
      schema: {
        tags: ['ssh-keys'],
        summary: 'Update an SSH key',
        params: IdParams,
        body: SshKeyUpdateInput,
        response: { 200: SshKey, ...errorResponses },
      },
    },
    async (req) => presentSshKey(await engine.projects.updateSshKey(req.principal, req.params.id, req.body)),
  );
  app.delete<{ Params: IdParams }>(
    '/ssh-keys/:id',
    { schema: { tags: ['ssh-keys'], summary: 'Delete an SSH key', params: IdParams, response: noContent } },
    async (req, reply) => {
      await engine.projects.deleteSshKey(req.principal, req.params.id);
      return reply.status(204).send();
    },
  );
  app.get<{ Params: IdParams }>(
    '/projects/:id/ssh-keys',
    {
      schema: {
        tags: ['ssh-keys'],
        summary: 'List the SSH keys of a project',
        params: IdParams,
        response: { 200: SshKeyList, ...errorResponses },
      },
    },
    async (req) => {
      await engine.projects.row(req.principal, req.params.id);
      return { ssh_keys: (await engine.projects.listSshKeys(req.principal, req.params.id)).map(presentSshKey) };
    },
  );
  app.post<{ Params: IdParams; Body: SshCreateT }>(
    '/projects/:id/ssh-keys',
    {
      schema: {
        tags: ['ssh-keys'],
        summary: 'Create a project SSH key',
        params: IdParams,
        body: SshKeyCreateInput,
        response: { 201: SshKey, ...errorResponses },
      },
    },
    async (req, reply) => {
      await engine.projects.row(req.principal, req.params.id);
      return (
        (await idempotent(engine, req, reply, 201, presentSshKey, (commitWith) =>
          engine.projects.createSshKey(req.principal, req.body, req.params.id, commitWith),
        )) ?? reply
      );
    },
  );

  // ------------------------------------------------------------------ API keys
  app.get(
    '/user/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'List your user API keys (tokens are never shown again)',
        response: { 200: ApiKeyList, ...errorResponses },
      },
    },
    async (req) => {
      requireUserKey(req.principal, 'API keys');
      return { api_keys: (await engine.accounts.listKeys(req.principal, null)).map(presentApiKey) };
    },
  );
  app.post<{ Body: ApiKeyCreateT }>(
    '/user/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Create a user API key; the token is in this response only',
        body: ApiKeyCreateInput,
        response: { 201: ApiKey, ...errorResponses },
      },
    },
    async (req, reply) => {
      requireUserKey(req.principal, 'API keys');
      return (
        (await idempotent(engine, req, reply, 201, presentApiKey, (commitWith) =>
          engine.accounts.createKey(req.principal, req.body, null, commitWith),
        )) ?? reply
      );
    },
  );
  app.get<{ Params: IdParams }>(
    '/projects/:id/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'List the API keys of a project',
        params: IdParams,
        response: { 200: ApiKeyList, ...errorResponses },
      },
    },
    async (req) => {
      requireUserKey(req.principal, 'API keys');
      await engine.projects.row(req.principal, req.params.id);
      return { api_keys: (await engine.accounts.listKeys(req.principal, req.params.id)).map(presentApiKey) };
    },
  );
  app.post<{ Params: IdParams; Body: ApiKeyCreateT }>(
    '/projects/:id/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Create a project API key; the token is in this response only',
        params: IdParams,
        body: ApiKeyCreateInput,
        response: { 201: ApiKey, ...errorResponses },
      },
    },
    async (req, reply) => {
      requireUserKey(req.principal, 'API keys');
      await engine.projects.row(req.principal, req.params.id);
      return (
        (await idempotent(engine, req, reply, 201, presentApiKey, (commitWith) =>
          engine.accounts.createKey(req.principal, req.body, req.params.id, commitWith),
        )) ?? reply
      );
    },
  );
  const deleteKey = async (principal: Principal, id: string) => {
    requireUserKey(principal, 'API keys');
    const key = await engine.accounts.getKey(id);
    const mine = key.project_id
      ? await engine.projects.row(principal, key.project_id).then(
          () => true,
          () => false,
        )
      : key.user_id === principal.userId;
    if (!mine) throw new MetalError('not_found', `api key ${id} not found`);
    await engine.accounts.deleteKey(id);
  };
  for (const path of ['/user/api-keys/:id', '/api-keys/:id']) {
    app.delete<{ Params: IdParams }>(
      path,
      { schema: { tags: ['api-keys'], summary: 'Revoke an API key', params: IdParams, response: noContent } },
      async (req, reply) => {
        await deleteKey(req.principal, req.params.id);
        return reply.status(204).send();
      },
    );
  }

  // ------------------------------------------------------------------ events
  app.get<{ Querystring: PageQueryT }>(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Events of all your projects, newest first',
        querystring: PageQuery,
        response: { 200: EventList, ...errorResponses },
      },
    },
    async (req, reply) => {
      const scope = req.principal.projectId ? { projectId: req.principal.projectId } : { organizationId: req.principal.organizationId };
      return sendPage(
        req,
        reply,
        'events',
        presentPage(await engine.projects.events(scope, pageParams(req.query)), presentEvent),
        req.query,
      );
    },
  );
  app.get<{ Params: IdParams; Querystring: ShapeQueryT }>(
    '/events/:id',
    {
      schema: {
        tags: ['events'],
        summary: 'Get an event',
        params: IdParams,
        querystring: ShapeQuery,
        response: { 200: Event, ...errorResponses },
      },
    },
    async (req, reply) => sendOne(reply, presentEvent(await engine.projects.event(req.principal, req.params.id)), req.query),
  );
  app.get<{ Params: IdParams; Querystring: PageQueryT }>(
    '/projects/:id/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Events of a project, newest first',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: EventList, ...errorResponses },
      },
    },
    async (req, reply) => {
      await engine.projects.row(req.principal, req.params.id);
      return sendPage(
        req,
        reply,
        'events',
        presentPage(await engine.projects.events({ projectId: req.params.id }, pageParams(req.query)), presentEvent),
        req.query,
      );
    },
  );
}
