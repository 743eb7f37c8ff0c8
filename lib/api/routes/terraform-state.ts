/**
 * Terraform state over Terraform's http backend protocol, per project and state name:
 *   GET    .../terraform/state/:name            the latest state (404: none yet)
 *   POST   .../terraform/state/:name?ID=<lock>  a new version (while locked, ID must be the holder's)
 *   LOCK   .../terraform/state/:name            lock info JSON in the body; 409 with the holder's lock info
 *   UNLOCK .../terraform/state/:name            releases that lock; without a body (force-unlock) any lock
 * plus the versions written (who, when) and restoring one. Terraform authenticates with basic auth (the password
 * is an API key of the project; lib/api/auth.ts), or X-Auth-Token. Bodies are taken as text: the document is
 * stored exactly as sent, and its contents are secrets, never logged.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ErrorBody } from '../../contract/schemas';
import {
  MAX_STATE_BYTES,
  STATE_NAME_PATTERN,
  STATE_NAME_RULE,
  StateLockedBody,
  TerraformStateVersion,
  TerraformStateVersionList,
} from '../../contract/terraform-state';
import type { StateDocument } from '../../engine/terraform-state';
import { pageParams } from '../paging';
import { presentStateVersion } from '../present/terraform-state';
import { errorResponses, PageQuery, PageQueryT, presentPage, RouteDeps, sendPage } from './shared';

const StateParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.String({ pattern: STATE_NAME_PATTERN, description: STATE_NAME_RULE }),
});
type StateParams = { id: string; name: string };
const VersionParams = Type.Object({ ...StateParams.properties, version: Type.Integer({ minimum: 1 }) });
type VersionParams = StateParams & { version: number };
const LockQuery = Type.Object({
  ID: Type.Optional(Type.String({ maxLength: 256, description: 'the lock ID, while the state is locked' })),
});
type LockQuery = { ID?: string };

const stateErrors = { ...errorResponses, 400: ErrorBody, 409: StateLockedBody, 413: ErrorBody };
const STATE = '/projects/:id/terraform/state/:name';

export async function terraformStateRoutes(app: FastifyInstance, { engine }: RouteDeps): Promise<void> {
  // Terraform locks with the WebDAV methods; both carry lock info in their body. (The routes are registered at
  // /metal/v1 and at the root, on one server: add each method once.)
  for (const method of ['LOCK', 'UNLOCK']) if (!app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });
  // Only in this plugin: any body is text (parsed and checked by the engine), up to the state limit.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_STATE_BYTES }, (_req, body, done) => done(null, body));
  const tags = ['terraform-state'];
  const service = engine.terraformState;

  app.get<{ Params: StateParams }>(
    STATE,
    {
      schema: {
        tags,
        summary: "The latest Terraform state (Terraform's http backend; 404 until the first write)",
        params: StateParams,
        response: stateErrors,
      },
    },
    async (req, reply) => sendDocument(reply, await service.read(req.principal, req.params.id, req.params.name)),
  );

  app.post<{ Params: StateParams; Querystring: LockQuery; Body: string }>(
    STATE,
    {
      bodyLimit: MAX_STATE_BYTES,
      schema: {
        tags,
        summary: 'Write a new version of the Terraform state (ID: the lock held)',
        params: StateParams,
        querystring: LockQuery,
        response: { 200: Type.Null(), ...stateErrors },
      },
    },
    async (req, reply) => {
      const md5 = req.headers['content-md5'];
      await service.write(req.principal, req.params.id, req.params.name, req.body ?? '', {
        lockId: req.query.ID,
        md5: typeof md5 === 'string' ? md5 : undefined,
      });
      return reply.status(200).send();
    },
  );

  const locking = [
    { method: 'LOCK', summary: "Lock the Terraform state with lock info (409 with the holder's lock info when held)", run: service.lock },
    {
      method: 'UNLOCK',
      summary: 'Unlock the Terraform state (the lock of the ID in the body; any lock without a body)',
      run: service.unlock,
    },
  ];
  for (const { method, summary, run } of locking) {
    app.route<{ Params: StateParams; Body: string }>({
      method,
      url: STATE,
      schema: { tags, summary, params: StateParams, response: { 200: Type.Null(), ...stateErrors } },
      handler: async (req, reply) => {
        await run.call(service, req.principal, req.params.id, req.params.name, req.body);
        return reply.status(200).send();
      },
    });
  }

  app.get<{ Params: StateParams; Querystring: PageQueryT }>(
    `${STATE}/versions`,
    {
      schema: {
        tags,
        summary: 'Versions of a Terraform state, newest first, with who wrote each and when',
        params: StateParams,
        querystring: PageQuery,
        response: { 200: TerraformStateVersionList, ...stateErrors },
      },
    },
    async (req, reply) =>
      sendPage(
        req,
        reply,
        'versions',
        presentPage(await service.versions(req.principal, req.params.id, req.params.name, pageParams(req.query)), (row) =>
          presentStateVersion(req.params.id, req.params.name, row),
        ),
        req.query,
      ),
  );

  app.get<{ Params: VersionParams }>(
    `${STATE}/versions/:version`,
    { schema: { tags, summary: 'The Terraform state document of one version', params: VersionParams, response: stateErrors } },
    async (req, reply) => sendDocument(reply, await service.version(req.principal, req.params.id, req.params.name, req.params.version)),
  );

  app.post<{ Params: VersionParams; Querystring: LockQuery }>(
    `${STATE}/versions/:version/restore`,
    {
      schema: {
        tags,
        summary: 'Make an old version the latest again (written as a new version)',
        params: VersionParams,
        querystring: LockQuery,
        response: { 201: TerraformStateVersion, ...stateErrors },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          presentStateVersion(
            req.params.id,
            req.params.name,
            await service.restore(req.principal, req.params.id, req.params.name, req.params.version, req.query.ID),
          ),
        ),
  );
}

function sendDocument(reply: FastifyReply, document: StateDocument): FastifyReply {
  return reply.type('application/json').header('content-md5', document.md5).send(Buffer.from(document.content));
}
