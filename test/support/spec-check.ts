/**
 * Checks the API's responses against the official Metal OpenAPI description (a copy in
 * test/api/fixtures/metal-openapi): `attachSpecCheck(app)` adds an onSend hook that looks up the spec's operation
 * by method and path template and validates the JSON body against that operation's schema for the status sent.
 * Responses of operations or statuses the spec does not describe (metalforge extensions) are counted, not judged.
 *
 * Null: the spec is OpenAPI 3.0 and marks almost nothing `nullable`, yet Metal sent `null` for properties it had no
 * value for (termination_time, hardware_reservation, ...), and the typed clients (packngo, the SDKs) read null as
 * absent. So null passes where the spec lets the property be absent (it is not `required`) or says `nullable`;
 * a null for a required property, or any other wrong type, is a violation.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { parse } from 'yaml';

export const SPEC_DIR = join(__dirname, '..', 'api', 'fixtures', 'metal-openapi');
const API_PREFIX = '/metal/v1';

export interface Violation {
  operation: string;
  status: number;
  url: string;
  errors: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAPI 3.0 schema → JSON Schema ajv validates as the note above says (null for optional or nullable properties). */
export function allowNullWhereAbsentAllowed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowNullWhereAbsentAllowed);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node))
    out[key] = key === 'example' || key === 'default' ? value : allowNullWhereAbsentAllowed(value);
  if (out.nullable === true) {
    const { nullable: _, ...rest } = out;
    return { anyOf: [{ type: 'null' }, rest] };
  }
  if (isObject(out.properties)) {
    const required = new Set(Array.isArray(out.required) ? (out.required as string[]) : []);
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([name, schema]) => [name, required.has(name) ? schema : { anyOf: [{ type: 'null' }, schema] }]),
    );
  }
  return out;
}

interface Operation {
  name: string;
  method: string;
  file: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** The spec's operations and a validator per operation and status, each parsed and compiled on first use. */
export class MetalSpec {
  private readonly ajv: Ajv;
  /** Path template with its parameters blanked (/devices/{}/events) → the template and its path file. */
  private readonly paths = new Map<string, { template: string; file: string }>();
  private readonly operations = new Map<string, Operation | undefined>();
  private readonly validators = new Map<string, ValidateFunction | null>();
  private readonly loaded = new Set<string>();

  constructor(dir = SPEC_DIR) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    // OpenAPI's numeric formats; "datetime" and "string" are the spec's own slips for date-time and no format.
    for (const format of ['double', 'float', 'int32', 'int64', 'string', 'datetime', 'binary']) this.ajv.addFormat(format, true);
    const root = parse(readFileSync(join(dir, 'openapi3.yaml'), 'utf8')) as { paths: Record<string, { $ref: string }> };
    for (const [template, item] of Object.entries(root.paths))
      this.paths.set(blankParameters(template), { template, file: join(dir, item.$ref) });
  }

  /** The spec operation for a method and a route template in fastify's form (/metal/v1/devices/:id). */
  operation(method: string, routeTemplate: string): Operation | undefined {
    const path = routeTemplate.startsWith(API_PREFIX) ? routeTemplate.slice(API_PREFIX.length) : routeTemplate;
    const shape = blankParameters(path.replace(/:(\w+)/g, '{$1}'));
    const key = `${method.toUpperCase()} ${shape}`;
    if (!this.operations.has(key)) this.operations.set(key, this.readOperation(method.toLowerCase(), shape));
    return this.operations.get(key);
  }

  private readOperation(method: string, shape: string): Operation | undefined {
    const path = this.paths.get(shape);
    if (!path) return undefined;
    const op = (parse(readFileSync(path.file, 'utf8')) as Record<string, { operationId?: string; responses?: Operation['responses'] }>)[
      method
    ];
    if (!op?.responses) return undefined;
    return { name: `${method.toUpperCase()} ${path.template} (${op.operationId})`, method, file: path.file, responses: op.responses };
  }

  /** Validation errors of `body` as the response of `operation` with `status`; undefined when the spec has no schema for it. */
  check(operation: Operation, status: number, body: unknown): string[] | undefined {
    const validate = this.validator(operation, status);
    if (!validate) return undefined;
    if (validate(body)) return [];
    // The null alternatives added above only repeat what the other branch says.
    const meaningful = validate.errors!.filter((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null'));
    return meaningful.map(
      (e) => `${e.instancePath || '/'} ${e.message}${'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`,
    );
  }

  private validator(operation: Operation, status: number): ValidateFunction | null {
    const key = `${operation.name} ${status}`;
    if (!this.validators.has(key)) {
      const response = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`];
      const schema = response?.content?.['application/json']?.schema;
      this.validators.set(key, schema ? this.compile(operation, status, schema) : null);
    }
    return this.validators.get(key)!;
  }

  private compile(operation: Operation, status: number, schema: unknown): ValidateFunction {
    this.loadReferencedFiles(schema, dirname(operation.file));
    const id = `${pathToFileURL(operation.file).href}?${operation.method}-${status}`;
    return this.ajv.compile({ ...(allowNullWhereAbsentAllowed(schema) as Json), $id: id });
  }

  /** Adds every schema file `schema` reaches through $refs (relative to `base`) to ajv, each under its file URL. */
  private loadReferencedFiles(schema: unknown, base: string): void {
    const refs: string[] = [];
    const collect = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (isObject(node)) {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else collect(v);
        }
      }
    };
    collect(schema);
    for (const ref of refs) {
      const file = ref.split('#')[0];
      if (!file) continue;
      const path = join(base, file);
      if (this.loaded.has(path)) continue;
      this.loaded.add(path);
      const content = parse(readFileSync(path, 'utf8'));
      this.ajv.addSchema({ ...(allowNullWhereAbsentAllowed(content) as Json), $id: pathToFileURL(path).href });
      this.loadReferencedFiles(content, dirname(path));
    }
  }
}

const blankParameters = (template: string) => template.replace(/\{[^}]+\}/g, '{}').replace(/\/+$/, '');

let shared: MetalSpec | undefined;
/** One parsed spec per test file (parsing it takes a moment). */
export const metalSpec = (): MetalSpec => (shared ??= new MetalSpec());

/** What the hooks of this test file saw: operations judged (with status), those the spec lacks, and violations. */
export const specCheckLog = { judged: new Set<string>(), unjudged: new Set<string>(), violations: [] as Violation[] };

/** Violations recorded since the last call (the test setup asserts there are none after each test). */
export function takeViolations(): Violation[] {
  return specCheckLog.violations.splice(0);
}

/** Validates every JSON response `app` sends against the spec; add before the app's first request. */
export function attachSpecCheck(app: FastifyInstance): void {
  const spec = metalSpec();
  app.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url;
    const operation = route && spec.operation(request.method, route);
    // A reply with its own serializer gets its content type only after onSend.
    const type = String(reply.getHeader('content-type') ?? 'application/json');
    if (!operation || !type.includes('json') || typeof payload !== 'string' || payload === '') {
      if (route?.startsWith(API_PREFIX) && !operation) specCheckLog.unjudged.add(`${request.method} ${route}`);
      return payload;
    }
    const errors = spec.check(operation, reply.statusCode, JSON.parse(payload));
    if (errors === undefined) specCheckLog.unjudged.add(`${operation.name} ${reply.statusCode}`);
    else {
      specCheckLog.judged.add(`${operation.name} ${reply.statusCode}`);
      if (errors.length) specCheckLog.violations.push({ operation: operation.name, status: reply.statusCode, url: request.url, errors });
    }
    return payload;
  });
}
