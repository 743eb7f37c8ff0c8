/**
 * The API app factory (no listen): /metal/v1 routes with schemas, auth, rate limits and the error catalogue.
 * Tests drive it through inject(); the CLI listens.
 */
import { METAL_API_BASE } from '../contract/hrefs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import Fastify, {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
  FastifySchemaCompiler,
  LogController,
} from 'fastify';
import type { Engine } from '../engine';
import { MetalError } from '../contract/errors';
import { UUID_PATTERN } from '../contract/schemas';
import { authHook, DEFAULT_AUTH_FAILURES, RateLimiter, RateLimitOptions } from './auth';
import { clientErrorHandler, errorHandler, frameworkErrorHandler, notFoundHandler } from './errors';
import { healthRoutes } from './health';
import { acceptLiberally } from './liberal';
import { metricsRoutes } from './metrics';
import { collectOperations, openApiDocument } from './openapi';
import { bgpRoutes } from './routes/bgp';
import { catalogRoutes } from './routes/catalog';
import { deviceRoutes } from './routes/devices';
import { keyRoutes } from './routes/keys';
import { ipRoutes } from './routes/ips';
import { layer2Routes } from './routes/layer2';
import { operatorRoutes } from './routes/operator';
import { organizationRoutes } from './routes/organizations';
import { projectRoutes } from './routes/projects';
import { spotRoutes } from './routes/spot';
import { terraformStateRoutes } from './routes/terraform-state';

export const API_PREFIX = METAL_API_BASE;

export interface ApiOptions {
  engine: Engine;
  logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
  rateLimit?: Partial<RateLimitOptions>;
  /** Failed authentications per source address and window before 429. @default 20 per minute */
  authFailures?: Partial<RateLimitOptions>;
  /** Largest accepted request body. @default 256 KiB */
  bodyLimit?: number;
  version?: string;
  /** Serve /metrics without a token (otherwise the operator's token is required). @default false */
  metricsPublic?: boolean;
}

/** One log entry per request, when it is answered, with the request in it (fastify's default is two entries). */
class OneEntryPerRequest extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const entry = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...entry, err: error }, 'request errored');
    else reply.log.info(entry, 'request completed');
  }
}

export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? false;
  const app: FastifyInstance = Fastify({
    ...(logger && typeof (logger as { info?: unknown }).info === 'function'
      ? { loggerInstance: logger as never }
      : { logger: logger as FastifyServerOptions['logger'] }),
    logController: new OneEntryPerRequest(),
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true, verbose: true } },
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler());
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  const operations = collectOperations(app, API_PREFIX);
  const limiter = new RateLimiter({ limit: 6000, windowMs: 60_000, ...options.rateLimit });
  const authFailures = new RateLimiter({ ...DEFAULT_AUTH_FAILURES, ...options.authFailures });
  const deps = { engine: options.engine };
  await metricsRoutes(app, { engine: options.engine, public: options.metricsPublic, limiter, authFailures });

  const routes = async (api: FastifyInstance) => {
    acceptLiberally(api);
    api.addHook('onRequest', authHook(options.engine, limiter, authFailures));
    api.addHook('preValidation', refuseUnstorableInput);
    api.get('/openapi.json', { config: { public: true } }, async () => openApiDocument(operations, API_PREFIX, options.version ?? '0.1.0'));
    healthRoutes(api, options.engine);
    projectRoutes(api, deps);
    deviceRoutes(api, deps);
    catalogRoutes(api, deps);
    keyRoutes(api, deps);
    operatorRoutes(api, deps);
    spotRoutes(api, deps);
    organizationRoutes(api, deps);
    ipRoutes(api, deps);
    bgpRoutes(api, deps);
    layer2Routes(api, deps);
    await api.register(terraformStateRoutes, deps);
  };
  await app.register(routes, { prefix: API_PREFIX });
  // Old clients (packngo's https://api.packet.net/) call the API at the root; /metal/v1 stays canonical.
  await app.register(routes);
  return app;
}

/**
 * Query strings and paths are text, so their numbers and booleans are coerced; JSON bodies are not: a body
 * that sends 5 for a hostname or "web" for a tag list gets a 422 naming the field, not a silent conversion.
 */
function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const options = { allErrors: true, removeAdditional: false, useDefaults: true, verbose: true, strict: false } as const;
  // ajv-formats' uuid also takes "urn:uuid:..." forms, which PostgreSQL's uuid type refuses.
  const strict = (ajv: Ajv) =>
    addFormats(ajv).addFormat('uuid', new RegExp(UUID_PATTERN)).addFormat('date-time', { type: 'string', validate: storableDateTime });
  const text = strict(new Ajv({ ...options, coerceTypes: 'array' }));
  const json = strict(new Ajv({ ...options, coerceTypes: false }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema as object);
}

const rfc3339DateTime = (fullFormats['date-time'] as { validate: (value: string) => boolean }).validate;
/** Instants whose UTC year has four digits, as RFC 3339 writes it. */
const STORABLE_FROM = Date.UTC(1000, 0);
const STORABLE_UNTIL = Date.UTC(10000, 0);

/**
 * An RFC 3339 date-time the store keeps and reads back as sent. RFC 3339 also allows what would fail the statement
 * (and with it every create of a group commit) or the answer: a leap second or a "+01" offset (JavaScript cannot
 * read them), offsets beyond PostgreSQL's ±15:59, a year it refuses (0000) or readers take for a two-digit one.
 */
function storableDateTime(value: string): boolean {
  if (!rfc3339DateTime(value)) return false;
  const offsetHours = /([+-])(\d\d):?\d\d$/.exec(value)?.[2];
  const at = Date.parse(value);
  return at >= STORABLE_FROM && at < STORABLE_UNTIL && Number(offsetHours ?? 0) <= 15;
}

/** JSON bodies deeper than this are refused: far above any Metal shape, far below what can overflow a stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses, with the field's name, what the store cannot keep: NUL characters and lone UTF-16 surrogates (a JSON
 * escape such as \ud800 that pairs with nothing; jsonb refuses both, text NUL too, and inside a group commit the
 * error would fail every create of the batch) and JSON nested deeper than MAX_JSON_DEPTH
 * (serialising it between threads or into jsonb recurses). The walk is iterative and stops at the depth limit,
 * so no input can exhaust the stack here.
 */
async function refuseUnstorableInput(request: FastifyRequest): Promise<void> {
  const problem = unstorable(request.query, 'query parameter ') ?? unstorable(request.body, '');
  if (problem !== undefined) throw new MetalError('validation_failed', problem);
}

function unstorable(root: unknown, label: string): string | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  const name = (path: string) => `${label}${path || 'body'}`;
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = unstorableText(value);
      if (problem) return `${name(path)}: ${problem}`;
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `${name(path.split(/[.[]/)[0])}: nested deeper than ${MAX_JSON_DEPTH} levels; flatten it`;
    for (const [key, inner] of Object.entries(value)) {
      const innerPath = Array.isArray(value) ? `${path}[${key}]` : `${path}${path ? '.' : ''}${key}`;
      const problem = unstorableText(key);
      if (problem) return `${name(innerPath)}: ${problem}`;
      stack.push({ value: inner, path: innerPath, depth: depth + 1 });
    }
  }
  return undefined;
}

function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  // With the u flag a well-formed pair is one code point: only a lone surrogate is in category Cs.
  if (/\p{Cs}/u.test(text)) return 'must be valid Unicode: it contains a lone surrogate (such as \\ud800) that pairs with nothing';
  return undefined;
}
