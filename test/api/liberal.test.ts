/**
 * Liberal in what the API accepts, as the Metal API was: requests shaped the way packngo and libcloud send them
 * (unknown fields, nulls, a facility string, empty JSON bodies, the action type in the query, the API at the root)
 * succeed, with what was ignored named in X-Metalforge-Ignored; type errors on known fields stay 422s.
 */
import type { InjectOptions } from 'fastify';
import pino from 'pino';
import type { Cloud } from '../../lib/cloud';
import { apiClient, testCloud } from '../support/cloud';

describe('the API accepts what Metal clients send', () => {
  let cloud: Cloud;
  let api: ReturnType<typeof apiClient>;
  let projectId: string;
  const newDevice = { plan: 'c3.small.x86', metro: 'ny', operating_system: 'ubuntu_24_04' };

  /** A raw request: exact body bytes and headers, at any path (the root or /metal/v1). */
  const raw = async (method: InjectOptions['method'], url: string, payload?: string, headers: Record<string, string> = {}) => {
    const res = await cloud.app.inject({
      method,
      url,
      headers: { 'x-auth-token': cloud.adminToken, ...headers },
      ...(payload === undefined ? {} : { payload }),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, ignored: res.headers['x-metalforge-ignored'] };
  };
  const json = { 'content-type': 'application/json' };
  /** The server's log lines at debug level. */
  const logLines: { msg?: string; ignored?: string[] }[] = [];

  beforeAll(async () => {
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
    cloud = await testCloud('pglite', { logger });
    api = apiClient(cloud);
    projectId = (await api.post('/projects', { name: 'liberal' })).body.id;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('creates a device from packngo’s body at the root path: project_id, "tags": null, a facility list', async () => {
    const body = {
      hostname: 'pk-1',
      plan: 'c3.small.x86',
      facility: ['ny5'],
      operating_system: 'ubuntu_24_04',
      billing_cycle: 'hourly',
      project_id: projectId,
      userdata: '',
      tags: null,
    };
    const res = await raw('POST', `/projects/${projectId}/devices`, JSON.stringify(body), json);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ hostname: 'pk-1', tags: [], facility: { code: 'ny5' }, metro: { code: 'ny' } });
    expect(res.ignored).toBeUndefined();
  });

  it('creates a device from libcloud’s body: a facility string and include in the body (ignored, named)', async () => {
    const body = {
      hostname: 'lc-1',
      plan: 'c3.small.x86',
      operating_system: 'ubuntu_24_04',
      facility: 'da6',
      include: 'plan',
      billing_cycle: 'hourly',
    };
    const res = await raw('POST', `/metal/v1/projects/${projectId}/devices`, JSON.stringify(body), json);
    expect(res.status).toBe(201);
    expect(res.body.facility.code).toBe('da6');
    expect(res.ignored).toBe('include');
  });

  it('names ignored input a header cannot carry percent-encoded and cut short, never failing the request', async () => {
    const res = await raw('GET', `/metal/v1/capacity?${encodeURIComponent('\u202e')}=NaN&%ED%A0%80=1&${'k'.repeat(3000)}=1`);
    expect(res.status).toBe(200);
    expect(res.ignored).toMatch(/^query parameter %E2%80%AE, query parameter (%[0-9A-F]{2})+, query parameter k+\.\.\.$/);
    expect(String(res.ignored)).toHaveLength(1024);
  });

  it('names every ignored field and query parameter, nested ones by their path, in a header and the debug log', async () => {
    const res = await api.post(`/projects/${projectId}/devices?colour=red`, { ...newDevice, colour: 'red' });
    expect(res.status).toBe(201);
    expect(res.headers['x-metalforge-ignored']).toBe('colour, query parameter colour');
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'ignored input the API does not know', ignored: ['colour', 'query parameter colour'] }),
    );
    const spot = await api.post(`/projects/${projectId}/spot-market-requests`, {
      devices_min: 1,
      devices_max: 1,
      max_bid_price: 0.01,
      metro: 'ny',
      instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'bid', colour: 'red', tags: null },
    });
    expect(spot.status).toBe(201);
    expect(spot.headers['x-metalforge-ignored']).toBe('instance_parameters.colour');
  });

  it('null means "not given": on create and on update', async () => {
    const created = await api.post(`/projects/${projectId}/devices`, {
      ...newDevice,
      hostname: 'nulls',
      description: null,
      tags: null,
      customdata: null,
      locked: null,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ hostname: 'nulls', description: '', tags: [], customdata: {}, locked: false });
    const updated = await api.put(`/devices/${created.body.id}`, { hostname: null, description: 'kept hostname' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ hostname: 'nulls', description: 'kept hostname' });
  });

  it('facility "any" alone places the device in a metro offering the plan', async () => {
    const res = await api.post(`/projects/${projectId}/devices`, {
      plan: 'c3.small.x86',
      operating_system: 'ubuntu_24_04',
      facility: 'any',
    });
    expect(res.status).toBe(201);
    const offered = (await api.get('/plans/c3.small.x86')).body.available_in_metros.map((m: { code: string }) => m.code);
    expect(offered).toContain(res.body.metro.code);
  });

  it('keeps 422s: wrong types on known fields, fields an update cannot change, another project_id, unknown catalogue entries', async () => {
    const typed = await api.post(`/projects/${projectId}/devices`, { ...newDevice, tags: 'web', locked: 'yes', colour: 'red' });
    expect(typed.status).toBe(422);
    expect(typed.body.errors).toEqual(expect.arrayContaining(['tags: must be an array', 'locked: must be a boolean']));
    expect(typed.body.errors.join('\n')).not.toMatch(/colour/);
    const other = await api.post(`/projects/${projectId}/devices`, { ...newDevice, project_id: '00000000-0000-4000-8000-000000000000' });
    expect(other.status).toBe(422);
    expect(other.body.errors[0]).toMatch(/^project_id: names project 00000000-0000-4000-8000-000000000000 but the path names /);
    const device = (await api.post(`/projects/${projectId}/devices`, { ...newDevice, hostname: 'fixed' })).body;
    const moved = await api.put(`/devices/${device.id}`, { plan: 'm3.large.x86', operating_system: 'debian_12', colour: 'red' });
    expect(moved.status).toBe(422);
    expect(moved.body.errors.sort()).toEqual([
      'operating_system: is changed by reinstalling: POST /devices/{id}/actions with {"type":"reinstall","operating_system":...}',
      'plan: cannot be changed on a device; create a new device there',
    ]);
    const unknown = await api.post(`/projects/${projectId}/devices`, { ...newDevice, facility: 'zz9', colour: 'red' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0]).toMatch(/^facility: unknown facility "zz9"/);
  });

  it('takes an empty body with a JSON content type as {} (DELETE) and the action type from the query string', async () => {
    const device = (await api.post(`/projects/${projectId}/devices`, { ...newDevice, hostname: 'empty-bodies' })).body;
    const off = await raw('POST', `/metal/v1/devices/${device.id}/actions?type=power_off`, '', json);
    // The device is still being provisioned: the action was understood (type came from the query) and refused by state.
    expect(off.status).toBe(409);
    expect(off.body.errors[0]).toMatch(/power off is possible only when it is active/);
    const missing = await raw('POST', `/metal/v1/devices/${device.id}/actions`, '', json);
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual(['type: is required']);
    const deleted = await raw('DELETE', `/devices/${device.id}`, '', json);
    expect(deleted.status).toBe(204);
    const project = await raw('DELETE', `/projects/${(await api.post('/projects', { name: 'gone' })).body.id}`, '', json);
    expect(project.status).toBe(204);
  });

  it('takes PATCH as PUT (packngo 0.x updates projects and locks devices with it)', async () => {
    const project = await raw('PATCH', `/projects/${projectId}`, JSON.stringify({ name: 'liberal-renamed' }), json);
    expect(project.status).toBe(200);
    expect(project.body.name).toBe('liberal-renamed');
    const device = (await api.post(`/projects/${projectId}/devices`, { ...newDevice, hostname: 'patched' })).body;
    const locked = await raw('PATCH', `/devices/${device.id}`, JSON.stringify({ locked: true }), json);
    expect(locked.status).toBe(200);
    expect((await api.get(`/devices/${device.id}`)).body.locked).toBe(true);
    const doc = (await raw('GET', '/metal/v1/openapi.json')).body;
    expect(Object.keys(doc.paths['/devices/{id}'])).not.toContain('patch');
  });

  it('still refuses a body that is not JSON', async () => {
    const res = await raw('POST', `/metal/v1/projects/${projectId}/devices`, '{"plan":', json);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatch(/^body: is not valid JSON/);
  });

  it('serves the API at the root as well as /metal/v1; the OpenAPI document names /metal/v1', async () => {
    const atRoot = await raw('GET', '/projects');
    const canonical = await raw('GET', '/metal/v1/projects');
    expect(atRoot.status).toBe(200);
    expect(atRoot.body.projects.map((p: { id: string }) => p.id)).toEqual(canonical.body.projects.map((p: { id: string }) => p.id));
    const doc = (await raw('GET', '/metal/v1/openapi.json')).body;
    expect(doc.servers).toEqual([{ url: '/metal/v1' }]);
    expect(Object.keys(doc.paths)).toContain('/projects');
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/metal/v1'))).toBe(false);
  });
});
