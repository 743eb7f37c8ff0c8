/**
 * Liberal in what the API accepts, as the Metal API was: unknown body fields and query parameters are ignored
 * (named in the X-Metalforge-Ignored response header and the debug log, never an error), a `null` where the
 * schema takes no null means "not given", an empty JSON body is an empty object, and PATCH works as PUT. One mechanism driven by
 * each route's schemas: type errors on known fields still fail validation with the field's name.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const IGNORED_HEADER = 'X-Metalforge-Ignored';

declare module 'fastify' {
  interface FastifyRequest {
    /** Input this request carried that the API ignored (field paths, `query parameter x`, `include=x`). */
    ignoredInput?: string[];
  }
}

interface SchemaNode {
  type?: string | string[];
  nullable?: boolean;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
}

/** Records input the API ignored; reported once the response is sent. */
export function noteIgnored(request: FastifyRequest, names: string[]): void {
  if (names.length) (request.ignoredInput ??= []).push(...names);
}

/** Installs the content-type parser and hooks on an API plugin context. */
export function acceptLiberally(api: FastifyInstance): void {
  const parseJson = api.getDefaultJsonParser('error', 'ignore');
  // packngo and libcloud send DELETEs and actions with Content-Type: application/json and no body at all.
  api.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    (body as string).trim() === '' ? done(null, {}) : parseJson(request, body as string, done),
  );
  // packngo 0.x updates projects and locks devices with PATCH, which Metal took like PUT. Registered before the
  // routes; the OpenAPI document (collected by an earlier hook) keeps naming PUT.
  api.addHook('onRoute', (route) => {
    if (route.method === 'PUT') route.method = ['PUT', 'PATCH'];
  });
  api.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema as { body?: SchemaNode; querystring?: SchemaNode } | undefined;
    const ignored: string[] = [];
    if (schema?.body && isObject(request.body)) prune(request.body, schema.body, '', ignored);
    if (isObject(request.query)) {
      const known = schema?.querystring?.properties ?? {};
      for (const name of Object.keys(request.query)) if (!(name in known)) ignored.push(`query parameter ${name}`);
    }
    noteIgnored(request, ignored);
  });
  api.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.ignoredInput?.length) return;
    reply.header(IGNORED_HEADER, headerText(request.ignoredInput.join(', ')));
    request.log.debug({ ignored: request.ignoredInput }, 'ignored input the API does not know');
  });
}

/** Names come from the client: percent-encode what a header may not carry, and keep it short. */
function headerText(text: string): string {
  const safe = text.replace(/[^\x20-\x7e]/gu, percentEncoded);
  return safe.length > IGNORED_HEADER_MAX ? `${safe.slice(0, IGNORED_HEADER_MAX - 3)}...` : safe;
}
const IGNORED_HEADER_MAX = 1024;
const percentEncoded = (c: string): string => {
  try {
    return encodeURIComponent(c);
  } catch {
    return '%EF%BF%BD'; // a lone surrogate: U+FFFD
  }
};

/**
 * Drops, in place, the keys an object schema does not know (when it declares additionalProperties: false) and
 * nulls where the field takes none, descending into known object and array fields.
 */
function prune(value: unknown, schema: SchemaNode, path: string, ignored: string[]): void {
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => prune(item, schema.items!, `${path}[${i}]`, ignored));
    return;
  }
  if (!isObject(value) || !schema.properties) return;
  for (const [key, inner] of Object.entries(value)) {
    const field = schema.properties[key];
    const name = path ? `${path}.${key}` : key;
    if (!field) {
      if (schema.additionalProperties === false) {
        delete value[key];
        ignored.push(name);
      }
    } else if (inner === null && !takesNull(field)) {
      delete value[key];
    } else {
      prune(inner, field, name, ignored);
    }
  }
}

function takesNull(schema: SchemaNode): boolean {
  return (
    schema.nullable === true ||
    schema.type === 'null' ||
    (Array.isArray(schema.type) && schema.type.includes('null')) ||
    !!schema.anyOf?.some(takesNull)
  );
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
