/**
 * The OpenAPI 3 document, generated from the route schemas as routes are registered (the schemas are the
 * source of truth, so the document cannot drift from what the server validates).
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifySchema {
    /** OpenAPI grouping and one-line description of the operation. */
    tags?: string[];
    summary?: string;
  }
}

interface Operation {
  method: string;
  path: string;
  schema: Record<string, unknown>;
  public: boolean;
}

const OPENAPI_METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']);

export function collectOperations(app: FastifyInstance, prefix: string): Operation[] {
  const operations: Operation[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith(prefix) || !route.schema) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      // OpenAPI has no verbs beyond these (Terraform's LOCK/UNLOCK are described on their path's GET).
      if (!OPENAPI_METHODS.has(method)) continue;
      operations.push({
        method: method.toLowerCase(),
        path: route.url,
        schema: route.schema as Record<string, unknown>,
        public: !!(route.config as { public?: boolean } | undefined)?.public,
      });
    }
  });
  return operations;
}

export function openApiDocument(operations: Operation[], prefix: string, version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = op.path.slice(prefix.length).replace(/:([A-Za-z_]+)/g, '{$1}') || '/';
    const s = op.schema as {
      summary?: string;
      tags?: string[];
      params?: JsonObject;
      querystring?: JsonObject;
      body?: unknown;
      response?: Record<string, unknown>;
    };
    const parameters = [
      ...Object.entries(s.params?.properties ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema: strip(schema) })),
      ...Object.entries(s.querystring?.properties ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: (s.querystring?.required ?? []).includes(name),
        schema: strip(schema),
      })),
    ];
    const responses = Object.fromEntries(
      Object.entries(s.response ?? {}).map(([code, schema]) => [
        code,
        {
          description: code.startsWith('2') ? 'success' : 'error',
          ...(isEmpty(schema) ? {} : { content: { 'application/json': { schema: strip(schema) } } }),
        },
      ]),
    );
    (paths[path] ??= {})[op.method] = {
      summary: s.summary,
      tags: s.tags,
      operationId: `${op.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase())}`,
      parameters: parameters.length ? parameters : undefined,
      requestBody: s.body ? { required: true, content: { 'application/json': { schema: strip(s.body) } } } : undefined,
      responses,
      security: op.public ? [] : undefined,
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'metalforge Metal v1 compatible API',
      version,
      description: 'A subset of the Equinix Metal v1 API, plus an operator API to enrol the world.',
    },
    servers: [{ url: prefix }],
    components: { securitySchemes: { x_auth_token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } } },
    security: [{ x_auth_token: [] }],
    paths,
  };
}

type JsonObject = { properties?: Record<string, unknown>; required?: string[] };

const isEmpty = (schema: unknown) => (schema as { type?: string }).type === 'null';

/**
 * JSON Schema → OpenAPI 3.0 schema: drop TypeBox's symbol keys (JSON round trip) and `$id`s, and write an exclusive
 * bound the 3.0 way (`minimum: 0, exclusiveMinimum: true`; ajv validates with the numeric form).
 */
function strip(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => {
    if (key === '$id') return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const node = value as Record<string, unknown>;
    const exclusive = (bound: 'Minimum' | 'Maximum') =>
      typeof node[`exclusive${bound}`] === 'number'
        ? { [bound.toLowerCase()]: node[`exclusive${bound}`], [`exclusive${bound}`]: true }
        : {};
    return { ...node, ...exclusive('Minimum'), ...exclusive('Maximum') };
  });
}
