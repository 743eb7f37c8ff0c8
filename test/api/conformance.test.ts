/**
 * Compatibility and hygiene of the API surface: the OpenAPI document lists the routes, responses validate
 * against the official Metal schemas (copied into fixtures/metal-openapi), and a BMC password given to the
 * operator API never appears in a response or a log line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import pino from 'pino';
import { parse } from 'yaml';
import type { Cloud } from '../../lib/cloud';
import { apiClient, eventually, testCloud } from '../support/cloud';

const SCHEMA_DIR = join(__dirname, 'fixtures', 'metal-openapi');
const SCHEMA_BASE = 'https://metal.equinix.com/schemas/';

/** The official component schemas, with their relative $refs resolved by ajv. */
function officialSchemas(): (name: string) => ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // OpenAPI's numeric formats, and "string", which the official Device schema uses as a format by mistake.
  for (const format of ['double', 'float', 'int32', 'int64', 'string']) ajv.addFormat(format, true);
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.yaml'))) {
    ajv.addSchema(parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')), SCHEMA_BASE + file);
  }
  return (name) => ajv.getSchema(`${SCHEMA_BASE}${name}.yaml`)!;
}

function expectValid(validate: ValidateFunction, value: unknown): void {
  const ok = validate(value);
  expect(ok ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
}

describe('API conformance and secrets', () => {
  let cloud: Cloud;
  let api: ReturnType<typeof apiClient>;
  const logLines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    cloud = await testCloud('pglite', { logger: pino({ level: 'trace' }, sink) });
    api = apiClient(cloud);
  });
  afterAll(async () => {
    await cloud?.close();
  });

  describe('the OpenAPI document', () => {
    it('lists the routes the server serves, each with a summary', async () => {
      const res = await apiClient(cloud, null).get('/openapi.json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\./);
      const paths = res.body.paths as Record<string, Record<string, { summary?: string; responses: object }>>;
      const expected: [string, string][] = [
        ['/projects', 'get'], ['/projects', 'post'], ['/projects/{id}', 'get'], ['/projects/{id}', 'put'], ['/projects/{id}', 'delete'],
        ['/projects/{id}/devices', 'get'], ['/projects/{id}/devices', 'post'], ['/devices/{id}', 'get'], ['/devices/{id}', 'put'],
        ['/devices/{id}', 'delete'], ['/devices/{id}/actions', 'post'], ['/devices/{id}/events', 'get'], ['/plans', 'get'],
        ['/locations/metros', 'get'], ['/facilities', 'get'], ['/operating-systems', 'get'], ['/capacity/metros', 'get'],
        ['/user/api-keys', 'post'], ['/operator/machines', 'post'],
      ];
      for (const [path, method] of expected) expect(Object.keys(paths[path] ?? {})).toContain(method);
      for (const [path, operations] of Object.entries(paths)) {
        for (const [method, op] of Object.entries(operations)) {
          expect(op.summary).toBeTruthy();
          expect(cloud.app.hasRoute({ method: method.toUpperCase() as 'GET', url: `/metal/v1${path.replace(/\{(\w+)\}/g, ':$1')}` })).toBe(true);
        }
      }
      expect(paths['/projects/{id}/devices'].post).toMatchObject({ requestBody: { required: true }, responses: { 201: expect.anything(), 422: expect.anything() } });
    });
  });

  describe('responses against the official Metal schemas', () => {
    const schema = officialSchemas();

    it('Project', async () => {
      const created = await api.post('/projects', { name: 'conformance', customdata: { a: 1 }, tags: ['x'] });
      expectValid(schema('Project'), created.body);
      for (const p of (await api.get('/projects')).body.projects) expectValid(schema('Project'), p);
    });

    it('Plan and Metro', async () => {
      const plans = (await api.get('/plans')).body.plans;
      expect(plans.length).toBeGreaterThan(0);
      for (const p of plans) expectValid(schema('Plan'), p);
      const metros = (await api.get('/locations/metros')).body.metros;
      expect(metros.length).toBeGreaterThan(0);
      for (const m of metros) expectValid(schema('Metro'), m);
    });

    it('Device, while queued and once active', async () => {
      const project = (await api.post('/projects', { name: 'conformance-devices' })).body.id;
      const created = await api.post(`/projects/${project}/devices`, { plan: 'm3.small.x86', metro: 'am', operating_system: 'rocky_9', hostname: 'conform', tags: ['t'], customdata: { k: 'v' } });
      expect(created.status).toBe(201);
      expectValid(schema('Device'), created.body);
      const active = await eventually(async () => {
        const d = (await api.get(`/devices/${created.body.id}`)).body;
        return d.state === 'active' && d;
      }, 'the device to be active');
      expectValid(schema('Device'), active);
      for (const d of (await api.get(`/projects/${project}/devices`)).body.devices) expectValid(schema('Device'), d);
    });

    it('the check can fail: a Device with a wrong type is refused', () => {
      const validate = schema('Device');
      expect(validate({ id: 'not-a-uuid', locked: 'yes', ip_addresses: [{ address_family: 'four' }] })).toBe(false);
    });
  });

  describe('BMC secrets', () => {
    const password = 'Bmc-Pa55word-7c1e9a';

    it('never appear in responses or log lines', async () => {
      const responses: string[] = [];
      const enrol = await api.post('/operator/machines', {
        facility: 'ny5', plan: 'c3.small.x86', macs: ['0c:c4:7a:00:00:01'],
        bmc: { driver: 'redfish', address: 'https://10.9.9.9', username: 'root', password },
      });
      responses.push(enrol.raw);
      expect(enrol.status).toBe(201);
      expect(enrol.body.bmc).toEqual({ driver: 'redfish', address: 'https://10.9.9.9', username: 'root', has_password: true });
      // The verify job fails (no redfish driver in this cloud) and logs why.
      const failed = await eventually(async () => {
        const m = await api.get(`/operator/machines/${enrol.body.id}`);
        responses.push(m.raw);
        return m.body.state === 'failed' && m.body;
      }, 'the machine verification to fail');
      expect(failed.last_error).toMatch(/redfish/);
      responses.push((await api.get('/operator/machines?per_page=100')).raw);
      const invalid = await api.post('/operator/machines', { facility: 'ny5', plan: 'c3.small.x86', macs: ['bad'], bmc: { driver: 'ipmi', address: '10.0.0.1', password }, extra: password });
      responses.push(invalid.raw);
      expect(invalid.status).toBe(422);

      for (const text of responses) expect(text).not.toContain(password);
      // The logs do describe the enrolment requests, just not the secret.
      expect(logLines.some((l) => l.includes('/operator/machines'))).toBe(true);
      expect(logLines.filter((l) => l.includes(password))).toEqual([]);
      expect(logLines.filter((l) => l.includes(cloud.adminToken))).toEqual([]);
      const [row] = await cloud.db.query<{ bmc_secret: string }>('SELECT bmc_secret FROM machines WHERE id = $1', [enrol.body.id]);
      expect(row.bmc_secret).not.toContain(password);
    });
  });
});
