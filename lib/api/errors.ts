/**
 * Turns every failure into a Metal-shaped `{"errors": [...]}` body with a catalogue code. Validation errors
 * name the field and what is allowed; 5xx bodies never carry internals (they are logged instead).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { mustBe, mustBeOfType, mustHaveFormat, type BoundKeyword } from '../contract/bounds';
import { codeForStatus, MetalError } from '../contract/errors';
import { withRuleProblems } from './body-rules';

export interface AjvError {
  keyword: string;
  instancePath: string;
  schemaPath?: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: { description?: string; anyOf?: { const?: unknown; required?: string[] }[] };
}

const CONTEXT_LABEL: Record<string, string> = { body: '', querystring: 'query parameter ', params: 'path parameter ', headers: 'header ' };

/** One readable sentence per ajv error: "<field>: <problem and what is allowed>". */
export function describeValidationError(error: AjvError, context: string): string {
  const path = fieldPath(error.instancePath);
  const field = (name: string) => `${CONTEXT_LABEL[context] ?? ''}${name}`;
  switch (error.keyword) {
    case 'required':
      return `${field(path ? `${path}.${error.params.missingProperty}` : String(error.params.missingProperty))}: is required`;
    case 'additionalProperties':
      return `${field(path ? `${path}.${error.params.additionalProperty}` : String(error.params.additionalProperty))}: is not a known field; remove it (check the spelling)`;
    case 'enum':
      return `${field(path)}: must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'pattern':
      return `${field(path)}: ${mustBe('pattern', String(error.params.pattern), error.parentSchema?.description)}`;
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
      return `${field(path)}: ${mustBe(error.keyword as BoundKeyword, error.params.limit as number)}`;
    case 'format':
      return `${field(path)}: ${mustHaveFormat(String(error.params.format))}`;
    case 'not':
      return `${field(path)}: ${error.parentSchema?.description ?? 'is not allowed here'}`;
    case 'type':
      return `${field(path || 'body')}: ${mustBeOfType(String(error.params.type))}`;
    case 'anyOf': {
      // A union of literals (TypeBox's enums) lists its values, like `enum`.
      const branches = error.parentSchema?.anyOf ?? [];
      const values = branches.map((branch) => branch.const);
      if (values.length && values.every((v) => v !== undefined)) return `${field(path)}: must be one of ${values.join(', ')}`;
      // One of several fields required (metro or facility).
      const required = branches.map((branch) => branch.required?.[0]);
      if (required.length && required.every((name) => name !== undefined)) {
        const [first, ...others] = required.map((name) => (path ? `${path}.${name}` : name!));
        return `${field(first)}: is required (or ${others.join(' or ')})`;
      }
      return `${field(path)}: does not match any allowed form`;
    }
    default:
      return `${field(path || 'body')}: ${error.message}`;
  }
}

/** A JSON pointer as the field names in messages: "/ip_addresses/1/cidr" → "ip_addresses[1].cidr", as the engine names it. */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '');
}

export async function errorHandler(
  error: FastifyError & { validation?: AjvError[]; validationContext?: string },
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  if (error instanceof MetalError) {
    void reply.status(error.status).send(error.toBody());
    return;
  }
  if (error.validation && error.validationContext === 'params') {
    // Every path parameter names an object; one that cannot be an id names no object (Metal answers 404).
    const rules = new Map(
      (error.validation as AjvError[]).map((e) => [
        e.instancePath.replace(/^\//, '') || String(e.params.missingProperty),
        e.parentSchema?.description,
      ]),
    );
    const messages = [...rules].map(
      ([name, rule]) => `path parameter ${name}: ${rule ? `must be ${rule}` : 'is not valid'}; no such object exists`,
    );
    void reply.status(404).send(new MetalError('not_found', messages).toBody());
    return;
  }
  if (error.validation) {
    // Unions produce one error per branch plus one for the union; the union's sentence says it all.
    const unionPaths = new Set(error.validation.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
    const isBranch = (e: AjvError) =>
      e.keyword === 'const' || (e.keyword === 'required' && /\/anyOf\/\d+\/required$/.test(e.schemaPath ?? ''));
    const relevant = error.validation.filter((e) => !isBranch(e) || !unionPaths.has(e.instancePath));
    const schemaMessages = [...new Set(relevant.map((e) => describeValidationError(e, error.validationContext ?? 'body')))];
    // A route with domain rules lists their problems in the same answer (one answer per bad request).
    const messages = error.validationContext === 'body' ? await withRuleProblems(request, relevant, schemaMessages) : schemaMessages;
    void reply.status(422).send(new MetalError('validation_failed', messages).toBody());
    return;
  }
  const byFastifyCode: Record<string, MetalError> = {
    FST_ERR_CTP_INVALID_JSON_BODY: new MetalError('bad_request', 'body: is not valid JSON; send a JSON object'),
    FST_ERR_CTP_EMPTY_JSON_BODY: new MetalError('bad_request', 'body: is empty; send a JSON object (or omit the Content-Type header)'),
    FST_ERR_CTP_BODY_TOO_LARGE: new MetalError(
      'payload_too_large',
      `body: is larger than the limit; keep request bodies under ${Math.round(request.routeOptions.bodyLimit! / 1024)} KiB`,
    ),
    FST_ERR_CTP_INVALID_MEDIA_TYPE: new MetalError('unsupported_media_type', 'Content-Type: send the body as application/json'),
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: new MetalError('bad_request', 'Content-Length: does not match the body'),
  };
  const mapped = error.code ? byFastifyCode[error.code] : undefined;
  if (mapped) {
    void reply.status(mapped.status).send(mapped.toBody());
    return;
  }
  if (error.statusCode && error.statusCode < 500) {
    void reply.status(error.statusCode).send({ errors: [error.message], code: codeForStatus(error.statusCode) });
    return;
  }
  request.log.error({ err: error }, 'request failed');
  void reply.status(500).send(new MetalError('internal').toBody());
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .status(404)
    .send(
      new MetalError(
        'not_found',
        `no route ${request.method} ${request.url.split('?')[0]}; see /metal/v1/openapi.json for the routes this server offers`,
      ).toBody(),
    );
}

/**
 * Errors fastify raises before a route is found (a URL that is not valid percent-encoded UTF-8, a path parameter
 * longer than the router allows), in the Metal shape like every other answer.
 */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const metal =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new MetalError('uri_too_long', 'URL path: a path segment is too long; ids are UUIDs (36 characters)')
      : new MetalError('bad_request', 'URL: is not valid percent-encoded UTF-8; encode each byte of the path and query as %XX of UTF-8');
  void reply.status(metal.status).send(metal.toBody());
}

/**
 * Requests node's HTTP parser refuses (headers too large, malformed, too slow) never reach fastify's routing:
 * answer them on the socket, in the Metal shape, and close it.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const metal =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new MetalError(
          'headers_too_large',
          "headers: the request line and headers together exceed the server's limit (16 KiB); send fewer or shorter headers",
        )
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new MetalError('request_timeout')
        : new MetalError('bad_request', 'request: is not valid HTTP/1.1');
  const body = JSON.stringify(metal.toBody());
  socket.end(
    `HTTP/1.1 ${metal.status} ${STATUS_CODES[metal.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
