/**
 * The API app factory (no listen): /metal/v1 routes with schemas, auth, rate limits and the error catalogue.
 * Tests drive it through inject(); the CLI listens.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { FastifyInstance, FastifyRequest, FastifyServerOptions, FastifySchemaCompiler } from 'fastify';
import type { Engine } from '../engine';
import type { Database } from '../store/database';
import { MetalError } from '../contract/errors';
import { authHook, RateLimiter, RateLimitOptions } from './auth';
import { errorHandler, notFoundHandler } from './errors';
import { collectOperations, openApiDocument } from './openapi';
import { catalogRoutes } from './routes/catalog';
import { deviceRoutes } from './routes/devices';
import { keyRoutes } from './routes/keys';
import { operatorRoutes } from './routes/operator';
import { projectRoutes } from './routes/projects';
import { spotRoutes } from './routes/spot';
import { terraformStateRoutes } from './routes/terraform-state';

export const API_PREFIX = '/metal/v1';

export interface ApiOptions {
  engine: Engine;
  db: Database;
  logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
  rateLimit?: Partial<RateLimitOptions>;
  /** Largest accepted request body. @default 256 KiB */
  bodyLimit?: number;
  version?: string;
  /** Extra routes on the same server (the boot service). */
  register?: (app: FastifyInstance) => Promise<void> | void;
}

export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? false;
  const app: FastifyInstance = Fastify({
    ...(logger && typeof (logger as { info?: unknown }).info === 'function' ? { loggerInstance: logger as never } : { logger: logger as FastifyServerOptions['logger'] }),
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true, verbose: true } },
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler());
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  const operations = collectOperations(app, API_PREFIX);
  const limiter = new RateLimiter({ limit: 6000, windowMs: 60_000, ...options.rateLimit });
  const deps = { engine: options.engine, db: options.db };

  await app.register(
    async (api) => {
      api.addHook('onRequest', authHook(options.engine, limiter));
      api.addHook('preValidation', refuseNulCharacters);
      api.get('/openapi.json', { config: { public: true } }, async () => openApiDocument(operations, API_PREFIX, options.version ?? '0.1.0'));
      api.get('/health', { config: { public: true } }, async () => ({ status: 'ok' }));
      projectRoutes(api, deps);
      deviceRoutes(api, deps);
      catalogRoutes(api, deps);
      keyRoutes(api, deps);
      operatorRoutes(api, deps);
      spotRoutes(api, deps);
      await api.register(terraformStateRoutes, deps);
    },
    { prefix: API_PREFIX },
  );
  if (options.register) await options.register(app);
  return app;
}

/**
 * Query strings and paths are text, so their numbers and booleans are coerced; JSON bodies are not: a body
 * that sends 5 for a hostname or "web" for a tag list gets a 422 naming the field, not a silent conversion.
 */
function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const options = { allErrors: true, removeAdditional: false, useDefaults: true, verbose: true, strict: false } as const;
  const text = addFormats(new Ajv({ ...options, coerceTypes: 'array' }));
  const json = addFormats(new Ajv({ ...options, coerceTypes: false }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema as object);
}

/**
 * PostgreSQL text and jsonb cannot hold NUL characters: refuse them up front with the field's name, rather than
 * fail in the database (where, inside a group commit, the error would fail every create of the batch).
 */
async function refuseNulCharacters(request: FastifyRequest): Promise<void> {
  const field = nulPath(request.query, 'query parameter ') ?? nulPath(request.body, '');
  if (field !== undefined) throw new MetalError('validation_failed', `${field || 'body'}: must not contain NUL (\\u0000) characters`);
}

function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (!value || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const name = Array.isArray(value) ? `${path}[${key}]` : `${path}${path && !path.endsWith(' ') ? '.' : ''}${key}`;
    if (key.includes('\u0000')) return name;
    const found = nulPath(inner, name);
    if (found !== undefined) return found;
  }
  return undefined;
}
