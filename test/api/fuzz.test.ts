/**
 * Hostile requests over every operation of the server's own OpenAPI document: malformed path ids, query values
 * (huge, negative, fractional, NaN, NUL, unicode, very long), bodies (wrong types, nulls, deep nesting, huge
 * strings, arrays for objects, invalid JSON), other methods and odd headers. Not one may get a 5xx, and every
 * 4xx must be in the Metal error shape. Deterministic (seeded) and bounded in count.
 */
import type { InjectOptions } from 'fastify';
import type { Cloud } from '../../lib/cloud';
import { seededRandom } from '../../lib/core/random';
import { adminProject, apiClient, deviceInput, sshPublicKey, testCloud } from '../support/cloud';

jest.setTimeout(300_000);

const SEED = 20261206;
const REQUESTS = 2400;

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; enum?: unknown[]; const?: unknown };
interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: Record<string, Schema>;
  body?: Schema;
}

const HOSTILE_TEXT = [
  '',
  ' ',
  '0',
  '-1',
  '1.5',
  '1e21',
  '92233720368547758',
  '-92233720368547758',
  '9'.repeat(400),
  'NaN',
  'Infinity',
  'null',
  'true',
  '%00',
  'a%00b',
  '\u0000',
  '%C0%AF',
  '%FF',
  '%E0%A4%A',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${jndi:x}',
  '😀🇺🇳',
  'ＡＢＣ',
  '\u202e',
  'x'.repeat(5000),
  'urn:uuid:6f1d8e0a-4b7c-4e55-9d1c-0c6f2f7a8b9c',
  '00000000-0000-0000-0000-000000000000',
  '6F1D8E0A-4B7C-4E55-9D1C-0C6F2F7A8B9C',
  '[]',
  '{}',
  'a,b,,c',
  '%2F',
  '%20',
  '+',
];

/** A JSON text nested `depth` deep (as text: building it as a value and stringifying would overflow). */
const deepJson = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

function operations(document: { paths: Record<string, Record<string, any>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params: { name: string; in: string; schema: Schema }[] = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, p.schema])),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

describe('fuzzing every route of the OpenAPI document', () => {
  let cloud: Cloud;
  let realIds: string[];
  let document: { paths: Record<string, Record<string, any>> };

  beforeAll(async () => {
    cloud = await testCloud('pglite', { rateLimit: { limit: 1_000_000 }, authFailures: { limit: 1_000_000 } });
    const admin = apiClient(cloud);
    const { projectId } = await adminProject(cloud, 'fuzz');
    const device = (await admin.post(`/projects/${projectId}/devices`, deviceInput({ hostname: 'fuzz' }))).body;
    const sshKey = (await admin.post('/ssh-keys', { label: 'fuzz', key: sshPublicKey('fuzz') })).body;
    const apiKey = (await admin.post(`/projects/${projectId}/api-keys`, { description: 'fuzz' })).body;
    const machines = (await admin.get('/operator/machines?per_page=1')).body.machines;
    realIds = [projectId, device.id, sshKey.id, apiKey.id, machines[0].id, 'c3.small.x86', 'ny'];
    expect(realIds.every(Boolean)).toBe(true);
    document = (await admin.get('/openapi.json')).body;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it(`answers ${REQUESTS} hostile requests with zero 5xx and every 4xx in the Metal error shape`, async () => {
    const random = seededRandom(SEED);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const chance = (p: number) => random() < p;
    const ops = operations(document);
    expect(ops.length).toBeGreaterThan(40);

    const hostileValue = (schema?: Schema, depth = 0): unknown => {
      const roll = random();
      if (roll < 0.1) return null;
      if (roll < 0.2) return pick(HOSTILE_TEXT);
      if (roll < 0.3) return pick([-1, 0, 1.5, 1e21, -1e21, 2 ** 63, Number.MAX_SAFE_INTEGER + 2, 1e308]);
      if (roll < 0.38) return pick([true, false]);
      if (roll < 0.46) return depth < 3 ? [hostileValue(schema?.items, depth + 1), pick(HOSTILE_TEXT)] : [];
      if (roll < 0.54) return depth < 3 ? { [pick(HOSTILE_TEXT)]: hostileValue(undefined, depth + 1) } : {};
      if (roll < 0.6) return 'y'.repeat(pick([1_000, 70_000]));
      if (schema?.enum) return pick(schema.enum);
      if (schema?.anyOf?.length) return hostileValue(pick(schema.anyOf), depth + 1);
      if (schema?.type === 'object' && schema.properties && depth < 3) return hostileBody(schema, depth + 1);
      if (schema?.type === 'array') return depth < 3 ? [hostileValue(schema.items, depth + 1)] : [];
      return pick(HOSTILE_TEXT);
    };
    function hostileBody(schema: Schema | undefined, depth = 0): Record<string, unknown> {
      const body: Record<string, unknown> = {};
      for (const [name, inner] of Object.entries(schema?.properties ?? {})) if (chance(0.7)) body[name] = hostileValue(inner, depth);
      if (chance(0.2)) body[pick(HOSTILE_TEXT)] = hostileValue();
      return body;
    }
    const payloadFor = (op: Operation): { payload?: string; contentType?: string } => {
      const roll = random();
      if (roll < 0.45) return { payload: JSON.stringify(hostileBody(op.body)), contentType: 'application/json' };
      if (roll < 0.55) return { payload: pick(['null', '[]', '"text"', '42', 'true', '[{}]', '{"a":']), contentType: 'application/json' };
      if (roll < 0.62)
        return { payload: `{"name":"deep","customdata":${deepJson(pick([40, 3_000, 20_000]))}}`, contentType: 'application/json' };
      if (roll < 0.66) return { payload: JSON.stringify({ name: 'z'.repeat(300_000) }), contentType: 'application/json' };
      if (roll < 0.72)
        return {
          payload: 'name=x',
          contentType: pick(['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']),
        };
      if (roll < 0.76) return { payload: '{"name":"\\ud800"}', contentType: 'application/json; charset=utf-16' };
      if (roll < 0.8) return { payload: '{}', contentType: 'application/json' };
      return {};
    };
    const pathFor = (op: Operation) =>
      op.path.replace(/\{([A-Za-z_]+)\}/g, () => {
        if (chance(0.3)) return encodeURIComponent(pick(realIds));
        const value = pick(HOSTILE_TEXT);
        return chance(0.5) ? encodeURIComponent(value) : value.replace(/[/?#]|\0/g, (c) => encodeURIComponent(c));
      });
    const queryFor = (op: Operation) => {
      const params = new URLSearchParams();
      for (const [name, schema] of Object.entries(op.query)) if (chance(0.6)) params.append(name, String(hostileValue(schema)));
      if (chance(0.3)) params.append(pick(['page', 'per_page', 'include', 'exclude', 'state', pick(HOSTILE_TEXT)]), pick(HOSTILE_TEXT));
      const raw = params.toString();
      return chance(0.1) ? `${raw}&page=%00&per_page=%FF` : raw;
    };
    const tokenFor = () => {
      const roll = random();
      if (roll < 0.75) return cloud.adminToken;
      if (roll < 0.85) return undefined;
      return pick(['mf_wrong', '', 'x'.repeat(2000), cloud.adminToken + '\u00e9', `${cloud.adminToken},${cloud.adminToken}`]);
    };

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const op = ops[i % ops.length];
      const method = chance(0.12) ? pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) : op.method;
      const { payload, contentType } = method === 'GET' || method === 'HEAD' ? {} : payloadFor(op);
      const query = queryFor(op);
      const token = tokenFor();
      const headers: Record<string, string> = {};
      if (token !== undefined) headers['x-auth-token'] = token;
      if (contentType) headers['content-type'] = contentType;
      if (chance(0.1)) headers['idempotency-key'] = pick(HOSTILE_TEXT.filter((v) => !v.includes('\u0000')));
      if (chance(0.05)) headers['accept'] = pick(['text/html', 'application/xml', '*/*;q=0']);
      const request: InjectOptions = {
        method: method as InjectOptions['method'],
        url: `/metal/v1${pathFor(op)}${query ? `?${query}` : ''}`,
        headers,
        payload,
      };
      const res = await cloud.app.inject(request);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const what = `${request.method} ${String(request.url).slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
      if (res.statusCode >= 500) failures.push(what);
      else if (res.statusCode >= 400 && method !== 'HEAD') {
        let body: any;
        try {
          body = JSON.parse(res.body);
        } catch {
          body = undefined;
        }
        const shaped =
          body &&
          Array.isArray(body.errors) &&
          body.errors.length > 0 &&
          body.errors.every((e: unknown) => typeof e === 'string' && e.length > 0) &&
          typeof body.code === 'string';
        if (!shaped) failures.push(`not in the Metal error shape: ${what}`);
      }
    }
    console.log(
      `fuzz seed ${SEED}: ${REQUESTS} requests over ${ops.length} operations; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(failures).toEqual([]);
  });
});
