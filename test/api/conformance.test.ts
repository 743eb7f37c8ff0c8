/**
 * Compatibility and hygiene of the API surface: the OpenAPI document lists the routes; a flow over every route
 * sends only responses the official Metal spec accepts (test/support/spec-check.ts judges every response of a
 * test cloud, and test/setup.ts fails a test that got one the spec refuses); the main objects carry every
 * property the spec names; and a BMC password given to the operator API never appears in a response or a log line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { parse } from 'yaml';
import type { Cloud } from '../../lib/cloud';
import { apiClient, eventually, testCloud } from '../support/cloud';
import { metalSpec, SPEC_DIR, specCheckLog, takeViolations } from '../support/spec-check';

/** The property names of one of the spec's component schemas. */
const specProperties = (schema: string): string[] =>
  Object.keys(
    (parse(readFileSync(join(SPEC_DIR, 'components', 'schemas', `${schema}.yaml`), 'utf8')) as { properties: object }).properties,
  );

/** Spec properties `body` lacks (a property with no value must be there as null). */
const missing = (schema: string, body: Record<string, unknown>, except: string[] = []) =>
  specProperties(schema).filter((p) => !(p in body) && !except.includes(p));

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
        ['/projects', 'get'],
        ['/projects', 'post'],
        ['/projects/{id}', 'get'],
        ['/projects/{id}', 'put'],
        ['/projects/{id}', 'delete'],
        ['/projects/{id}/devices', 'get'],
        ['/projects/{id}/devices', 'post'],
        ['/devices/{id}', 'get'],
        ['/devices/{id}', 'put'],
        ['/devices/{id}', 'delete'],
        ['/devices/{id}/actions', 'post'],
        ['/devices/{id}/events', 'get'],
        ['/plans', 'get'],
        ['/locations/metros', 'get'],
        ['/facilities', 'get'],
        ['/operating-systems', 'get'],
        ['/capacity/metros', 'get'],
        ['/user/api-keys', 'post'],
        ['/operator/machines', 'post'],
      ];
      for (const [path, method] of expected) expect(Object.keys(paths[path] ?? {})).toContain(method);
      for (const [path, operations] of Object.entries(paths)) {
        for (const [method, op] of Object.entries(operations)) {
          expect(op.summary).toBeTruthy();
          expect(cloud.app.hasRoute({ method: method.toUpperCase() as 'GET', url: `/metal/v1${path.replace(/\{(\w+)\}/g, ':$1')}` })).toBe(
            true,
          );
        }
      }
      expect(paths['/projects/{id}/devices'].post).toMatchObject({
        requestBody: { required: true },
        responses: { 201: expect.anything(), 422: expect.anything() },
      });
    });
  });

  describe('responses against the official Metal spec', () => {
    /** Bodies of the flow, by the spec schema they are an instance of, for the completeness check. */
    const seen: Record<string, Record<string, unknown>[]> = {};
    const keep = <T extends { status: number; body: any }>(schema: string, res: T, ...items: Record<string, unknown>[]) => {
      (seen[schema] ??= []).push(...(items.length ? items : [res.body]));
      return res;
    };

    it('a flow over every route sends only what the spec allows', async () => {
      // Catalogue.
      const plans = keep('Plan', await api.get('/plans'), ...(await api.get('/plans')).body.plans);
      keep('Plan', await api.get(`/plans/${plans.body.plans[0].id}`));
      const metros = await api.get('/locations/metros');
      keep('Metro', metros, ...metros.body.metros);
      keep('Metro', await api.get('/locations/metros/am'));
      const facilities = await api.get('/facilities');
      keep('Facility', facilities, ...facilities.body.facilities);
      const oses = await api.get('/operating-systems');
      keep('OperatingSystem', oses, ...oses.body.operating_systems);
      for (const path of ['/capacity', '/capacity/metros', '/user']) expect((await api.get(path)).status).toBe(200);

      // Projects and keys.
      const project = keep('Project', await api.post('/projects', { name: 'conformance', customdata: { a: 1 }, tags: ['x'] })).body.id;
      const sshKey = await api.post(`/projects/${project}/ssh-keys`, {
        label: 'ops',
        key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops@example',
      });
      keep('SSHKey', sshKey);
      const userKey = keep(
        'SSHKey',
        await api.post('/ssh-keys', { label: 'me', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMe me@example' }),
      ).body.id;
      keep('SSHKey', await api.put(`/ssh-keys/${userKey}`, { label: 'me2' }));
      keep('SSHKey', await api.get(`/ssh-keys/${userKey}`));
      expect((await api.get('/ssh-keys')).status).toBe(200);
      expect((await api.get(`/projects/${project}/ssh-keys`)).status).toBe(200);
      keep('AuthToken', await api.post(`/projects/${project}/api-keys`, { description: 'ci' }));
      const apiKey = keep('AuthToken', await api.post('/user/api-keys', { description: 'laptop' })).body.id;
      for (const path of ['/user/api-keys', `/projects/${project}/api-keys`])
        keep('AuthToken', await api.get(path), ...(await api.get(path)).body.api_keys);
      expect((await api.delete(`/user/api-keys/${apiKey}`)).status).toBe(204);
      keep('Project', await api.put(`/projects/${project}`, { name: 'conformance-2' }));

      // Devices, with every relation the spec lets a client include.
      const created = keep(
        'Device',
        await api.post(`/projects/${project}/devices`, {
          plan: 'm3.small.x86',
          metro: 'am',
          operating_system: 'rocky_9',
          hostname: 'conform',
          tags: ['t'],
          customdata: { k: 'v' },
          project_ssh_keys: [sshKey.body.id],
        }),
      );
      expect(created.status).toBe(201);
      const id = created.body.id;
      const active = await eventually(async () => {
        const d = await api.get(`/devices/${id}?wait_for_state=active&wait_timeout=5`);
        return d.body.state === 'active' && d;
      }, 'the device to be active');
      keep('Device', active);
      keep('Device', await api.get(`/devices/${id}?include=project,metro,facility,plan,operating_system,ssh_keys,hardware_reservation`));
      keep('Device', await api.put(`/devices/${id}`, { description: 'checked' }));
      const list = await api.get(`/projects/${project}/devices?include=project`);
      keep('Device', list, ...list.body.devices);
      // A project links to its devices and SSH keys, on reads and updates.
      for (const read of [await api.get(`/projects/${project}`), await api.put(`/projects/${project}`, { tags: ['y'] })]) {
        keep('Project', read);
        expect(read.body).toMatchObject({ devices: [{ href: created.body.href }], ssh_keys: [{ href: sshKey.body.href }] });
      }
      keep('Project', await api.get('/projects'), ...(await api.get('/projects')).body.projects);
      expect((await api.post(`/devices/${id}/actions`, { type: 'reboot' })).status).toBe(202);
      for (const path of [`/devices/${id}/events`, `/projects/${project}/events`, '/events'])
        keep('Event', await api.get(path), ...(await api.get(path)).body.events);

      // The spot market.
      for (const path of ['/market/spot/prices', '/market/spot/prices/metros']) expect((await api.get(path)).status).toBe(200);
      const bid = keep(
        'SpotMarketRequest',
        await api.post(`/projects/${project}/spot-market-requests`, {
          devices_min: 1,
          devices_max: 1,
          max_bid_price: 0.5,
          metro: 'ny',
          instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'spot' },
        }),
      );
      expect(bid.status).toBe(201);
      keep('SpotMarketRequest', await api.get(`/spot-market-requests/${bid.body.id}`));
      keep('SpotMarketRequest', await api.put(`/spot-market-requests/${bid.body.id}`, { max_bid_price: 0.6 }));
      expect((await api.get(`/projects/${project}/spot-market-requests`)).status).toBe(200);
      expect((await api.delete(`/spot-market-requests/${bid.body.id}?force_termination=true`)).status).toBe(204);

      // Errors are judged too.
      expect((await api.get('/devices/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await api.post(`/projects/${project}/devices`, { plan: 'nope', metro: 'am', operating_system: 'rocky_9' })).status).toBe(422);
      expect((await apiClient(cloud, null).get('/projects')).status).toBe(401);

      expect((await api.delete(`/devices/${id}`)).status).toBe(204);
      expect((await api.delete(`/ssh-keys/${userKey}`)).status).toBe(204);

      // The check was not vacuous: these operations were each judged against the spec's schema.
      const judged = [...specCheckLog.judged].map((j) => j.replace(/ \(\w+\)/, ''));
      for (const operation of [
        'GET /plans 200',
        'GET /locations/metros 200',
        'GET /facilities 200',
        'GET /operating-systems 200',
        'GET /capacity/metros 200',
        'GET /user 200',
        'POST /projects 201',
        'GET /projects/{id} 200',
        'PUT /projects/{id} 200',
        'GET /projects 200',
        'POST /projects/{id}/ssh-keys 201',
        'GET /ssh-keys/{id} 200',
        'POST /user/api-keys 201',
        'GET /user/api-keys 200',
        'POST /projects/{id}/devices 201',
        'GET /devices/{id} 200',
        'PUT /devices/{id} 200',
        'GET /projects/{id}/devices 200',
        'GET /devices/{id}/events 200',
        'GET /events 200',
        'POST /projects/{id}/spot-market-requests 201',
        'GET /spot-market-requests/{id} 200',
        'GET /market/spot/prices 200',
        'GET /devices/{id} 404',
        'POST /projects/{id}/devices 422',
        'GET /projects 401',
      ])
        expect({ judged, unjudged: [...specCheckLog.unjudged] }).toEqual(
          expect.objectContaining({ judged: expect.arrayContaining([operation]) }),
        );
    });

    it('the main objects carry every property the spec names (null where metalforge has no value)', () => {
      const except: Record<string, string[]> = {
        // The token is shown only in the response that created the key.
        AuthToken: ['token'],
      };
      for (const [schema, bodies] of Object.entries(seen)) {
        expect(bodies.length).toBeGreaterThan(0);
        for (const body of bodies)
          expect({ schema, body: body.href, missing: missing(schema, body, except[schema]) }).toEqual({
            schema,
            body: body.href,
            missing: [],
          });
      }
      expect(Object.keys(seen).sort()).toEqual([
        'AuthToken',
        'Device',
        'Event',
        'Facility',
        'Metro',
        'OperatingSystem',
        'Plan',
        'Project',
        'SSHKey',
        'SpotMarketRequest',
      ]);
    });

    it('shows network ports as Metal did: bond0 over eth0 and eth1, layer3, stable ids', () => {
      const [device] = seen.Device.filter((d) => d.state === 'active');
      const ports = device.network_ports as {
        id: string;
        name: string;
        type: string;
        data: { mac: string | null; bonded: boolean };
        bond: { id: string } | null;
        network_type: string;
      }[];
      expect(ports.map((p) => [p.name, p.type, p.network_type, p.data.bonded])).toEqual([
        ['bond0', 'NetworkBondPort', 'layer3', true],
        ['eth0', 'NetworkPort', 'layer3', true],
        ['eth1', 'NetworkPort', 'layer3', true],
      ]);
      expect(ports[1].data.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      expect(ports[1].bond).toEqual({ id: ports[0].id, name: 'bond0' });
      expect(new Set(ports.map((p) => p.id)).size).toBe(3);
      const again = seen.Device.find((d) => d.id === device.id && d !== device)!;
      expect((again.network_ports as { id: string }[]).map((p) => p.id)).toEqual(ports.map((p) => p.id));
      expect(device).toMatchObject({
        network_type: 'layer3',
        bonding_mode: 5,
        provisioning_percentage: null,
        termination_time: null,
        sos: null,
        user: 'root',
      });
    });

    it('the check can fail: wrong types, and null where the spec requires a value, are violations', () => {
      const spec = metalSpec();
      const getDevice = spec.operation('GET', '/metal/v1/devices/:id')!;
      expect(spec.check(getDevice, 200, { id: 'not-a-uuid', locked: 'yes', ip_addresses: [{ address_family: 'four' }] })).toEqual(
        expect.arrayContaining([
          '/id must match format "uuid"',
          '/locked must be boolean',
          '/ip_addresses/0/address_family must be integer',
        ]),
      );
      expect(spec.check(getDevice, 200, { created_by: { id: null, short_id: 'abc' } })).toEqual(['/created_by/id must be string']);
      expect(spec.check(getDevice, 200, { termination_time: null, hardware_reservation: null })).toEqual([]);
      expect(spec.operation('GET', '/metal/v1/operator/machines')).toBeUndefined();
      expect(takeViolations()).toEqual([]);
    });
  });

  describe('BMC secrets', () => {
    const password = 'Bmc-Pa55word-7c1e9a';

    it('never appear in responses or log lines', async () => {
      const responses: string[] = [];
      const enrol = await api.post('/operator/machines', {
        facility: 'ny5',
        plan: 'c3.small.x86',
        macs: ['0c:c4:7a:00:00:01'],
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
      const invalid = await api.post('/operator/machines', {
        facility: 'ny5',
        plan: 'c3.small.x86',
        macs: ['bad'],
        bmc: { driver: 'ipmi', address: '10.0.0.1', password },
        extra: password,
      });
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
