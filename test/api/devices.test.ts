/**
 * Projects and devices through the HTTP API (inject): CRUD, actions, events, pagination, `exclude`,
 * Metal-shaped errors for every kind of bad input, and idempotent creates. Workers run on a real clock.
 */
import type { Cloud } from '../../lib/cloud';
import { apiClient, availableBackends, deviceState, eventually, stopPostgres, testCloud } from '../support/cloud';

afterAll(stopPostgres);

// The same API tests on the embedded store and on a PostgreSQL server.
describe.each(availableBackends())('projects and devices over HTTP on %s', (backend) => {
  let cloud: Cloud;
  let api: ReturnType<typeof apiClient>;
  let projectId: string;
  const newDevice = { plan: 'c3.small.x86', metro: 'ny', operating_system: 'ubuntu_24_04' };
  const stateOf = async (id: string) => (await api.get(`/devices/${id}`)).body.state as string;
  const until = (id: string, state: string) => eventually(async () => (await stateOf(id)) === state, `device ${id} to be ${state}`);

  beforeAll(async () => {
    cloud = await testCloud(backend);
    api = apiClient(cloud);
    projectId = (await api.post('/projects', { name: 'devices' })).body.id;
  });
  afterAll(async () => {
    await cloud?.close();
  });

  describe('projects', () => {
    it('create, get, update, list and delete', async () => {
      const created = await api.post('/projects', { name: 'crud', tags: ['a'], customdata: { team: 'x' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'crud',
        tags: ['a'],
        customdata: { team: 'x' },
        href: `/metal/v1/projects/${created.body.id}`,
      });
      const id = created.body.id;
      expect((await api.get(`/projects/${id}`)).body.name).toBe('crud');
      const updated = await api.put(`/projects/${id}`, { name: 'crud-2', tags: ['b'] });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name: 'crud-2', tags: ['b'], customdata: { team: 'x' } });
      expect((await api.get('/projects?per_page=100')).body.projects.map((p: { id: string }) => p.id)).toContain(id);
      expect((await api.delete(`/projects/${id}`)).status).toBe(204);
      expect((await api.get(`/projects/${id}`)).status).toBe(404);
    });

    it('refuses to delete a project that still has devices', async () => {
      const id = (await api.post('/projects', { name: 'busy' })).body.id;
      const device = (await api.post(`/projects/${id}/devices`, newDevice)).body;
      const res = await api.delete(`/projects/${id}`);
      expect(res.status).toBe(409);
      expect(res.body.errors[0]).toMatch(/still has 1 device\(s\); delete them first/);
      await api.delete(`/devices/${device.id}`);
      await eventually(async () => (await api.get(`/devices/${device.id}`)).status === 404, 'the device to be deleted');
      expect((await api.delete(`/projects/${id}`)).status).toBe(204);
    });
  });

  describe('a device', () => {
    let id: string;

    it('is created queued and becomes active', async () => {
      const res = await api.post(`/projects/${projectId}/devices`, {
        ...newDevice,
        hostname: 'api-1',
        tags: ['web'],
        userdata: '#!/bin/sh\necho hi',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        hostname: 'api-1',
        state: 'queued',
        tags: ['web'],
        plan: { slug: 'c3.small.x86' },
        metro: { code: 'ny' },
        operating_system: { slug: 'ubuntu_24_04' },
      });
      expect(res.body.ip_addresses.length).toBeGreaterThan(0);
      id = res.body.id;
      await until(id, 'active');
      const listed = await api.get(`/projects/${projectId}/devices`);
      expect(listed.body.devices.map((d: { id: string }) => d.id)).toContain(id);
    });

    it('is updated in place', async () => {
      const res = await api.put(`/devices/${id}`, { hostname: 'api-1-renamed', description: 'front', tags: ['web', 'blue'] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ hostname: 'api-1-renamed', description: 'front', tags: ['web', 'blue'], state: 'active' });
    });

    it('runs power_off and power_on, and refuses actions the state does not allow', async () => {
      expect((await api.post(`/devices/${id}/actions`, { type: 'power_off' })).status).toBe(202);
      await until(id, 'inactive');
      const wrong = await api.post(`/devices/${id}/actions`, { type: 'power_off' });
      expect(wrong.status).toBe(409);
      expect(wrong.body.errors[0]).toMatch(/inactive.*possible only when it is active/);
      expect((await api.post(`/devices/${id}/actions`, { type: 'power_on' })).status).toBe(202);
      await until(id, 'active');
      expect((await api.post(`/devices/${id}/actions`, { type: 'reboot' })).status).toBe(202);
      expect((await api.post(`/devices/${id}/actions`, { type: 'reinstall', operating_system: 'debian_12' })).status).toBe(202);
      await until(id, 'active');
      expect((await api.get(`/devices/${id}`)).body.operating_system.slug).toBe('debian_12');
    });

    it('lists its events, newest first, including every state change', async () => {
      const res = await api.get(`/devices/${id}/events?per_page=100`);
      expect(res.status).toBe(200);
      const bodies: string[] = res.body.events.map((e: { body: string }) => e.body).reverse();
      const transitions = bodies.filter((b) => b.includes('→'));
      expect(transitions.map((b) => b.replace(/^.*?: /, '').replace(/ \(.*$/, ''))).toEqual([
        'queued → provisioning',
        'provisioning → active',
        'active → powering_off',
        'powering_off → inactive',
        'inactive → powering_on',
        'powering_on → active',
        'active → reinstalling',
        'reinstalling → active',
      ]);
      expect(res.body.events[0].relationships).toEqual(expect.arrayContaining([{ href: `/metal/v1/devices/${id}` }]));
    });

    it('is deleted: deprovisioning, then gone', async () => {
      expect((await api.delete(`/devices/${id}`)).status).toBe(204);
      await eventually(async () => (await api.get(`/devices/${id}`)).status === 404, 'the device to be gone');
      const listed = await api.get(`/projects/${projectId}/devices`);
      expect(listed.body.devices.map((d: { id: string }) => d.id)).not.toContain(id);
    });
  });

  describe('rescue', () => {
    const types = (device: { actions: { type: string }[] }) => device.actions.map((a) => a.type);

    it('reboots an active device into the rescue system and back to its OS with reboot, showing the spec states', async () => {
      const { id } = (
        await api.post(`/projects/${projectId}/devices`, { ...newDevice, hostname: 'rescue-api', userdata: '#!/bin/sh\necho keep' })
      ).body;
      await until(id, 'active');
      expect(types((await api.get(`/devices/${id}`)).body)).toContain('rescue');

      expect((await api.post(`/devices/${id}/actions`, { type: 'rescue' })).status).toBe(202);
      await eventually(async () => (await deviceState(cloud, id)) === 'rescue', 'the device to be in rescue');
      // The spec's Device.state has no rescue: a rescued device is active (up, reachable) and is waited for as such.
      const rescued = await api.get(`/devices/${id}?wait_for_state=active&wait_timeout=1`);
      expect(rescued.headers['x-metalforge-wait']).toBe('reached');
      expect(rescued.body).toMatchObject({ state: 'active', userdata: '#!/bin/sh\necho keep', operating_system: { slug: 'ubuntu_24_04' } });
      expect(types(rescued.body)).toEqual(['power_off', 'reboot', 'reinstall']);
      const listed = await api.get(`/projects/${projectId}/devices?state=active&per_page=100`);
      expect(listed.body.devices.map((d: { id: string }) => d.id)).toContain(id);
      const again = await api.post(`/devices/${id}/actions`, { type: 'rescue' });
      expect(again.status).toBe(422);
      expect(again.body.errors).toEqual(['type: the device is rescue; rescue is possible only when it is active']);
      const bodies = (await api.get(`/devices/${id}/events?per_page=100`)).body.events.map((e: { body: string }) => e.body);
      expect(bodies).toEqual(
        expect.arrayContaining(['rescue-api: active → rescuing (rescue)', 'rescue-api: rescuing → rescue (phone home)']),
      );

      expect((await api.post(`/devices/${id}/actions`, { type: 'reboot' })).status).toBe(202);
      expect(await deviceState(cloud, id)).toBe('active');
      expect(types((await api.get(`/devices/${id}`)).body)).toContain('rescue');
    });

    it('refuses rescue of a device that is not active with a 422 naming its state', async () => {
      const { id } = (await api.post(`/projects/${projectId}/devices`, { ...newDevice, hostname: 'rescue-off' })).body;
      await until(id, 'active');
      expect((await api.post(`/devices/${id}/actions`, { type: 'power_off' })).status).toBe(202);
      await until(id, 'inactive');
      const res = await api.post(`/devices/${id}/actions`, { type: 'rescue' });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual(['type: the device is inactive; rescue is possible only when it is active']);
      expect(await deviceState(cloud, id)).toBe('inactive');
    });
  });

  describe('pagination', () => {
    let pageProject: string;
    beforeAll(async () => {
      pageProject = (await api.post('/projects', { name: 'pages' })).body.id;
      for (let i = 0; i < 5; i++)
        expect((await api.post(`/projects/${pageProject}/devices`, { ...newDevice, metro: 'da', hostname: `page-${i}` })).status).toBe(201);
    });

    it('pages with page/per_page and links first, previous, self, next and last', async () => {
      const path = `/metal/v1/projects/${pageProject}/devices`;
      const first = await api.get(`/projects/${pageProject}/devices?per_page=2`);
      expect(first.body.devices.map((d: { hostname: string }) => d.hostname)).toEqual(['page-0', 'page-1']);
      expect(first.body.meta).toEqual({
        first: { href: `${path}?per_page=2&page=1` },
        last: { href: `${path}?per_page=2&page=3` },
        self: { href: `${path}?per_page=2&page=1` },
        next: { href: `${path}?per_page=2&page=2` },
        total: 5,
        current_page: 1,
        last_page: 3,
      });
      const middle = await api.get(`/projects/${pageProject}/devices?per_page=2&page=2`);
      expect(middle.body.devices.map((d: { hostname: string }) => d.hostname)).toEqual(['page-2', 'page-3']);
      expect(middle.body.meta.previous.href).toBe(`${path}?per_page=2&page=1`);
      expect(middle.body.meta.next.href).toBe(`${path}?per_page=2&page=3`);
      const last = await api.get(`/projects/${pageProject}/devices?per_page=2&page=3`);
      expect(last.body.devices.map((d: { hostname: string }) => d.hostname)).toEqual(['page-4']);
      expect(last.body.meta.next).toBeUndefined();
      // Following the links visits every device once.
      const seen: string[] = [];
      let next: string | undefined = `${path}?per_page=2`;
      while (next) {
        const page = await api.get(next.replace('/metal/v1', ''));
        seen.push(...page.body.devices.map((d: { hostname: string }) => d.hostname));
        next = page.body.meta.next?.href;
      }
      expect(seen).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    });

    it('refuses per_page above 1000 and page below 1 with 422 naming the parameter', async () => {
      for (const query of ['per_page=1001', 'per_page=0', 'page=0', 'page=abc']) {
        const res = await api.get(`/projects/${pageProject}/devices?${query}`);
        expect(res.status).toBe(422);
        expect(res.body.errors[0]).toMatch(new RegExp(`query parameter ${query.split('=')[0]}`));
      }
      expect((await api.get(`/projects/${pageProject}/devices?per_page=1000`)).status).toBe(200);
    });

    it('applies exclude= to lists and single devices, keeping id and href', async () => {
      const list = await api.get(`/projects/${pageProject}/devices?exclude=plan,ip_addresses,id`);
      expect(list.status).toBe(200);
      for (const d of list.body.devices) {
        expect(d.plan).toBeUndefined();
        expect(d.ip_addresses).toBeUndefined();
        expect(d.id).toBeDefined();
        expect(d.href).toBeDefined();
        expect(d.hostname).toBeDefined();
      }
      const one = await api.get(`/devices/${list.body.devices[0].id}?exclude=operating_system`);
      expect(one.body.operating_system).toBeUndefined();
      expect(one.body.plan.slug).toBe('c3.small.x86');
    });
  });

  describe('bad input gets a Metal error body, never a 500', () => {
    const statuses: number[] = [];
    const create = async (body: unknown, headers?: Record<string, string>) => {
      const res = await api.post(`/projects/${projectId}/devices`, body, headers);
      statuses.push(res.status);
      return res;
    };
    afterAll(() => {
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
    });

    it('malformed JSON → 400', async () => {
      const res = await cloud.app.inject({
        method: 'POST',
        url: `/metal/v1/projects/${projectId}/devices`,
        headers: { 'x-auth-token': cloud.adminToken, 'content-type': 'application/json' },
        payload: '{"plan": "c3.small.x86",',
      });
      statuses.push(res.statusCode);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0]).toMatch(/not valid JSON/);
    });

    it('a create missing several required fields → one 422 naming every one of them', async () => {
      const res = await create({ hostname: 'bare' });
      expect(res.status).toBe(422);
      expect([...res.body.errors].sort()).toEqual([
        'metro: is required (or facility)',
        'operating_system: is required',
        'plan: is required',
      ]);
      const located = await create({ hostname: 'bare', facility: ['ny5'] });
      expect(located.body.errors).toEqual(['plan: is required', 'operating_system: is required']);
      const spot = await api.post(`/projects/${projectId}/spot-market-requests`, { devices_max: 1 });
      expect(spot.status).toBe(422);
      expect([...spot.body.errors].sort()).toEqual([
        'devices_min: is required',
        'instance_parameters: is required',
        'max_bid_price: is required',
        'metro: is required (or facilities)',
      ]);
    });

    it('wrong types and unknown enum values → 422 naming each field (unknown fields are ignored)', async () => {
      const res = await create({ ...newDevice, billing_cycle: 'weekly', locked: 'sure', colour: 'red' });
      expect(res.status).toBe(422);
      const text = res.body.errors.join('\n');
      expect(text).toMatch(/billing_cycle/);
      expect(text).toMatch(/billing_cycle: must be one of hourly, daily, monthly, yearly/);
      expect(text).not.toMatch(/constant|any allowed form/);
      expect(text).toMatch(/locked: must be a boolean/);
      expect(text).not.toMatch(/colour/);
      const missing = await create({ metro: 'ny' });
      expect(missing.status).toBe(422);
      expect(missing.body.errors.join('\n')).toMatch(/plan: is required/);
      expect(missing.body.errors.join('\n')).toMatch(/operating_system: is required/);
      const action = await api.post(`/devices/00000000-0000-4000-8000-000000000000/actions`, { type: 'explode' });
      statuses.push(action.status);
      expect(action.status).toBe(422);
      expect(action.body.errors[0]).toMatch(/type: must be one of power_on, power_off, reboot, reinstall/);
    });

    it('an invalid hostname → 422 naming hostname and the rule', async () => {
      const res = await create({ ...newDevice, hostname: 'bad_host!' });
      expect(res.status).toBe(422);
      expect(res.body.errors[0]).toMatch(/^hostname: must be a hostname/);
    });

    it('unknown plan, metro and operating system → 422 listing valid values or suggestions', async () => {
      const plan = await create({ ...newDevice, plan: 'c3.smal.x86' });
      expect(plan.status).toBe(422);
      expect(plan.body.errors[0]).toMatch(/plan: unknown plan "c3.smal.x86"; did you mean "c3\.small\.x86".*valid values: /);
      const metro = await create({ ...newDevice, metro: 'nyc' });
      expect(metro.status).toBe(422);
      expect(metro.body.errors[0]).toMatch(/metro: unknown metro "nyc"; did you mean .*ny/);
      const os = await create({ ...newDevice, operating_system: 'ubuntu_24_4' });
      expect(os.status).toBe(422);
      expect(os.body.errors[0]).toMatch(/operating_system: unknown operating system "ubuntu_24_4"; did you mean .*ubuntu_24_04/);
      const all = await create({ plan: 'nope', metro: 'nope', operating_system: 'nope' });
      expect(all.body.errors).toHaveLength(3);
    });

    it('an oversized body → 413', async () => {
      const res = await create({ ...newDevice, userdata: 'x'.repeat(300 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body.errors[0]).toMatch(/larger than the limit/);
    });

    it('odd but well-formed requests are refused with a 4xx that names the field', async () => {
      const cases: [unknown, RegExp][] = [
        [{ ...newDevice, metro: undefined, facility: ['ny5', 'da6'] }, /facility: all facilities must be in one metro/],
        [{ ...newDevice, facility: ['da6'] }, /metro: "ny" does not contain facility da6/],
        [{ ...newDevice, hostname: `${'a'.repeat(64)}.example` }, /^hostname/],
        [{ ...newDevice, tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, /^tags/],
        [{ ...newDevice, termination_time: 'tomorrow' }, /^termination_time/],
        [{ ...newDevice, project_ssh_keys: ['not-a-uuid'] }, /^project_ssh_keys/],
        [
          { ...newDevice, project_ssh_keys: ['00000000-0000-4000-8000-000000000000'] },
          /ssh key 00000000-0000-4000-8000-000000000000 does not exist/,
        ],
        [{ ...newDevice, spot_instance: true }, /^spot_instance/],
        [{ ...newDevice, operating_system: 'custom_ipxe' }, /^ipxe_script_url: required/],
        [{ ...newDevice, plan: 'g2.large.x86', metro: 'ty' }, /not offered in metro ty/],
        [[newDevice], /body: must be a JSON object/],
      ];
      for (const [body, message] of cases) {
        const res = await create(body);
        expect({ body, status: res.status }).toEqual({ body, status: 422 });
        expect(res.body.errors.join('\n')).toMatch(message);
      }
      // NUL characters cannot be stored: refused by name, in the query and anywhere in the body.
      const nulQuery = await api.get(`/projects/${projectId}/devices?hostname=a%00b`);
      statuses.push(nulQuery.status);
      expect(nulQuery.status).toBe(422);
      expect(nulQuery.body.errors[0]).toMatch(/^query parameter hostname: must not contain NUL/);
      const nulBody = await create({ ...newDevice, customdata: { notes: ['fine', 'not\u0000fine'] } });
      expect(nulBody.status).toBe(422);
      expect(nulBody.body.errors[0]).toMatch(/^customdata\.notes\[1\]: must not contain NUL/);
      for (const query of ['page=9999', 'state=nonsense', 'tag=']) {
        const res = await api.get(`/projects/${projectId}/devices?${query}`);
        statuses.push(res.status);
        expect({ query, status: res.status }).toEqual({ query, status: 200 });
      }
    });

    it('unknown ids and routes → 404', async () => {
      for (const path of [
        '/devices/not-a-uuid',
        '/devices/00000000-0000-4000-8000-000000000000',
        '/projects/00000000-0000-4000-8000-000000000000',
        '/no/such/route',
      ]) {
        const res = await api.get(path);
        statuses.push(res.status);
        expect(res.status).toBe(404);
        expect(res.body.errors).toHaveLength(1);
      }
    });
  });

  describe('GET /devices/{id} with wait_for_state (metalforge extension)', () => {
    let id: string;
    beforeAll(async () => {
      id = (await api.post(`/projects/${projectId}/devices`, { ...newDevice, hostname: 'waiter' })).body.id;
      await until(id, 'active');
    });

    it('answers at once, as a plain GET, when the device is already in a wanted state', async () => {
      const plain = await api.get(`/devices/${id}`);
      const waited = await api.get(`/devices/${id}?wait_for_state=provisioning,active&wait_timeout=60`);
      expect(waited.status).toBe(200);
      expect(waited.body).toEqual(plain.body);
      expect(waited.headers['x-metalforge-wait']).toBe('reached');
      expect(plain.headers['x-metalforge-wait']).toBeUndefined();
    });

    it('holds the answer until the device reaches a wanted state', async () => {
      const held = api.get(`/devices/${id}?wait_for_state=inactive`);
      // Issued after the held request: the device is still active then, so an answer saying inactive was held.
      expect(await stateOf(id)).toBe('active');
      expect((await api.post(`/devices/${id}/actions`, { type: 'power_off' })).status).toBe(202);
      const res = await held;
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, state: 'inactive' });
      expect(res.headers['x-metalforge-wait']).toBe('reached');
      expect((await api.post(`/devices/${id}/actions`, { type: 'power_on' })).status).toBe(202);
      await until(id, 'active');
    });

    it('answers with the device as it is when wait_timeout passes, saying so in X-Metalforge-Wait', async () => {
      const res = await api.get(`/devices/${id}?wait_for_state=failed&wait_timeout=1&exclude=ip_addresses`);
      expect(res.status).toBe(200);
      expect(res.headers['x-metalforge-wait']).toBe('timeout');
      expect(res.body).toMatchObject({ id, state: 'active' });
      expect(res.body.ip_addresses).toBeUndefined();
    });

    it('answers 404 when the device is deleted while waited for', async () => {
      const doomed = (await api.post(`/projects/${projectId}/devices`, { ...newDevice, hostname: 'doomed' })).body.id;
      await until(doomed, 'active');
      const held = api.get(`/devices/${doomed}?wait_for_state=failed&wait_timeout=30`);
      expect((await api.delete(`/devices/${doomed}`)).status).toBe(204);
      expect((await held).status).toBe(404);
    });

    it('answers a device deleted while waited for as deleted when the wait names deleted', async () => {
      const doomed = (await api.post(`/projects/${projectId}/devices`, { ...newDevice, hostname: 'doomed-too' })).body.id;
      await until(doomed, 'active');
      const held = api.get(`/devices/${doomed}?wait_for_state=failed,deleted&wait_timeout=30`);
      expect((await api.delete(`/devices/${doomed}`)).status).toBe(204);
      const res = await held;
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: doomed, hostname: 'doomed-too', state: 'deleted' });
      expect(res.headers['x-metalforge-wait']).toBe('reached');
      // A wait for `deleted` that starts once it is gone is answered the same (a watcher's next wait may start just
      // after the deletion); a plain read, a wait for anything else and another project's key get a 404.
      const late = await api.get(`/devices/${doomed}?wait_for_state=active,deleted&wait_timeout=1`);
      expect(late).toMatchObject({ status: 200, body: { id: doomed, state: 'deleted' } });
      expect(late.headers['x-metalforge-wait']).toBe('reached');
      expect((await api.get(`/devices/${doomed}`)).status).toBe(404);
      expect((await api.get(`/devices/${doomed}?wait_for_state=active&wait_timeout=1`)).status).toBe(404);
      const other = (await api.post('/projects', { name: 'not-the-owner' })).body.id;
      const otherKey = (await api.post(`/projects/${other}/api-keys`, { description: 'other' })).body.token;
      expect((await apiClient(cloud, otherKey).get(`/devices/${doomed}?wait_for_state=deleted&wait_timeout=1`)).status).toBe(404);
    });

    it('refuses unknown states and timeouts outside 1 to 60 with 422 naming the parameter', async () => {
      const cases: [string, RegExp][] = [
        ['wait_for_state=running', /^query parameter wait_for_state: must be device states separated by commas.*active/],
        ['wait_for_state=active,', /^query parameter wait_for_state: must be device states/],
        ['wait_for_state=active&wait_timeout=0', /^query parameter wait_timeout: must be at least 1/],
        ['wait_for_state=active&wait_timeout=61', /^query parameter wait_timeout: must be at most 60/],
        ['wait_for_state=active&wait_timeout=soon', /^query parameter wait_timeout: must be a/],
      ];
      for (const [query, message] of cases) {
        const res = await api.get(`/devices/${id}?${query}`);
        expect(res.status).toBe(422);
        expect(res.body.errors[0]).toMatch(message);
      }
    });

    it('documents both parameters in the OpenAPI document', async () => {
      const doc = (await api.get('/openapi.json')).body;
      const parameters = doc.paths['/devices/{id}'].get.parameters as { name: string; schema: Record<string, unknown> }[];
      expect(parameters.find((p) => p.name === 'wait_for_state')?.schema).toMatchObject({
        type: 'string',
        pattern: expect.stringContaining('active'),
      });
      expect(parameters.find((p) => p.name === 'wait_timeout')?.schema).toMatchObject({
        type: 'integer',
        minimum: 1,
        maximum: 60,
        default: 30,
      });
    });
  });

  describe('idempotent create', () => {
    it('the same Idempotency-Key gives the same device, created once', async () => {
      const project = (await api.post('/projects', { name: 'idem' })).body.id;
      const body = { ...newDevice, metro: 'sv', hostname: 'idem-1' };
      const headers = { 'idempotency-key': 'create-idem-1' };
      const [a, b] = await Promise.all([
        api.post(`/projects/${project}/devices`, body, headers),
        api.post(`/projects/${project}/devices`, body, headers),
      ]);
      // A retry racing the first request is told to retry (409); once it is done, it gets the first response.
      const statuses = [a.status, b.status].sort();
      expect([
        [201, 201],
        [201, 409],
      ]).toContainEqual(statuses);
      const first = a.status === 201 ? a : b;
      const replay = await api.post(`/projects/${project}/devices`, body, headers);
      expect(replay.status).toBe(201);
      expect(replay.body.id).toBe(first.body.id);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const listed = await api.get(`/projects/${project}/devices`);
      expect(listed.body.devices.map((d: { id: string }) => d.id)).toEqual([first.body.id]);

      const different = await api.post(`/projects/${project}/devices`, { ...body, hostname: 'idem-2' }, headers);
      expect(different.status).toBe(422);
      expect(different.body.errors[0]).toMatch(/Idempotency-Key: this key was already used for a different request/);
      expect((await api.get(`/projects/${project}/devices`)).body.meta.total).toBe(1);
    });

    it('a claim left by a server that died mid-request is taken over by a retry, one held by a live server is not', async () => {
      const project = (await api.post('/projects', { name: 'idem-crash' })).body.id;
      const body = { ...newDevice, metro: 'sv', hostname: 'idem-crash' };
      const headers = { 'idempotency-key': 'crashed-first-try' };
      const first = await api.post(`/projects/${project}/devices`, body, headers);
      expect(first.status).toBe(201);
      // As if this (live) server were still running the first request: a retry must wait.
      await api.delete(`/devices/${first.body.id}`);
      await eventually(async () => (await api.get(`/devices/${first.body.id}`)).status === 404, 'the first device to be gone');
      await cloud.db.query(
        `UPDATE idempotency_keys SET status = 0, response = 'null', created_at = now() - interval '1 hour' WHERE key = $1`,
        [headers['idempotency-key']],
      );
      const early = await api.post(`/projects/${project}/devices`, body, headers);
      expect(early.status).toBe(409);
      expect(early.body.errors[0]).toMatch(/still running; retry in a moment/);
      // As if the server holding the claim had died before its create committed: the retry runs the create.
      await cloud.db.query(`UPDATE idempotency_keys SET worker_id = gen_random_uuid() WHERE key = $1`, [headers['idempotency-key']]);
      const retried = await api.post(`/projects/${project}/devices`, body, headers);
      expect(retried.status).toBe(201);
      expect(retried.body.hostname).toBe('idem-crash');
      const replay = await api.post(`/projects/${project}/devices`, body, headers);
      expect(replay.body.id).toBe(retried.body.id);
      expect((await api.get(`/projects/${project}/devices`)).body.meta.total).toBe(1);
    });

    it('records the answer in the transaction of the create: a create that committed is replayed, never run again', async () => {
      const project = (await api.post('/projects', { name: 'idem-atomic' })).body.id;
      const body = { ...newDevice, metro: 'sv', hostname: 'idem-atomic' };
      const headers = { 'idempotency-key': 'atomic-first-try' };
      // The answer is written by the create's own transaction: a failure right after the create commits (the
      // server killed before it answers) leaves the key answered, not claimed.
      const recorded: unknown[] = [];
      const created = await cloud.engine.devices.create(
        await cloud.engine.accounts.authenticate(cloud.adminToken),
        project,
        body,
        async (tx, device) => {
          recorded.push((await tx.query('SELECT count(*)::int AS n FROM devices WHERE id = $1', [device.id]))[0]);
        },
      );
      expect(recorded).toEqual([{ n: 1 }]);
      const first = await api.post(`/projects/${project}/devices`, { ...body, hostname: 'idem-atomic-2' }, headers);
      const [row] = await cloud.db.query<{ status: number; response: { id: string } }>(
        'SELECT status, response FROM idempotency_keys WHERE key = $1',
        [headers['idempotency-key']],
      );
      expect(row).toEqual({ status: 201, response: expect.objectContaining({ id: first.body.id, hostname: 'idem-atomic-2' }) });
      // Even if this server is gone, the retry is a replay of the committed create.
      await cloud.db.query(`UPDATE idempotency_keys SET worker_id = gen_random_uuid() WHERE key = $1`, [headers['idempotency-key']]);
      const retry = await api.post(`/projects/${project}/devices`, { ...body, hostname: 'idem-atomic-2' }, headers);
      expect(retry.status).toBe(201);
      expect(retry.body.id).toBe(first.body.id);
      expect((await api.get(`/projects/${project}/devices`)).body.devices.map((d: { id: string }) => d.id).sort()).toEqual(
        [created.id, first.body.id].sort(),
      );
    });

    it('project and SSH key creates commit their answer with the create too', async () => {
      const headers = { 'idempotency-key': 'project-once' };
      const project = await api.post('/projects', { name: 'idem-project' }, headers);
      const key = await api.post(
        `/projects/${project.body.id}/ssh-keys`,
        { label: 'ops', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0ZXN0a2V5dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVzdA ops@example' },
        { 'idempotency-key': 'ssh-once' },
      );
      const rows = await cloud.db.query<{ key: string; status: number; response: { id: string } }>(
        `SELECT key, status, response FROM idempotency_keys WHERE key IN ('project-once', 'ssh-once') ORDER BY key`,
      );
      expect(rows).toEqual([
        { key: 'project-once', status: 201, response: expect.objectContaining({ id: project.body.id }) },
        { key: 'ssh-once', status: 201, response: expect.objectContaining({ id: key.body.id }) },
      ]);
      // A retry after the server that created it died is a replay.
      await cloud.db.query(`UPDATE idempotency_keys SET worker_id = gen_random_uuid() WHERE key = 'project-once'`);
      const retry = await api.post('/projects', { name: 'idem-project' }, headers);
      expect(retry).toMatchObject({ status: 201, body: { id: project.body.id } });
    });

    it('a failed request frees its key', async () => {
      const project = (await api.post('/projects', { name: 'idem-fail' })).body.id;
      const headers = { 'idempotency-key': 'retry-after-fix' };
      const bad = await api.post(`/projects/${project}/devices`, { ...newDevice, metro: 'nyc' }, headers);
      expect(bad.status).toBe(422);
      const good = await api.post(`/projects/${project}/devices`, { ...newDevice, metro: 'sv' }, headers);
      expect(good.status).toBe(201);
    });
  });

  describe('ip_addresses on create', () => {
    const kinds = (device: { ip_addresses: { address_family: number; public: boolean; cidr: number }[] }) =>
      device.ip_addresses.map((a) => `${a.public ? 'public' : 'private'}-v${a.address_family}/${a.cidr}`);

    it('gives the blocks asked for: private only, or a /30 public block', async () => {
      const plain = (await api.post(`/projects/${projectId}/devices`, { ...newDevice, hostname: 'ip-default' })).body;
      expect(kinds(plain)).toEqual(['public-v4/31', 'public-v6/127', 'private-v4/30']);
      const privateOnly = await api.post(`/projects/${projectId}/devices`, {
        ...newDevice,
        hostname: 'ip-private',
        ip_addresses: [{ address_family: 4, public: false }],
      });
      expect(privateOnly.status).toBe(201);
      expect(kinds(privateOnly.body)).toEqual(['private-v4/30']);
      const block = await api.post(`/projects/${projectId}/devices`, {
        ...newDevice,
        hostname: 'ip-block',
        ip_addresses: [
          { address_family: 4, public: true, cidr: 30 },
          { address_family: 4, public: false },
          { address_family: 6, public: true },
        ],
      });
      expect(kinds(block.body)).toEqual(['public-v4/30', 'private-v4/30', 'public-v6/127']);
      const [v4] = block.body.ip_addresses;
      expect(v4).toMatchObject({
        netmask: '255.255.255.252',
        parent_block: { network: v4.network, cidr: 30 },
        assigned_to: { href: block.body.href },
      });
      // Addresses stay as created through the install.
      await until(block.body.id, 'active');
      expect((await api.get(`/devices/${block.body.id}`)).body.ip_addresses.map((a: { address: string }) => a.address)).toEqual(
        block.body.ip_addresses.map((a: { address: string }) => a.address),
      );
    });

    it('answers 422 naming the entry, the field and the allowed range', async () => {
      const res = await api.post(`/projects/${projectId}/devices`, {
        ...newDevice,
        ip_addresses: [
          { address_family: 4, public: true, cidr: 20 },
          { address_family: 7, public: false },
        ],
      });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        'ip_addresses[0].cidr: 20 is not offered for IPv4; give 28 to 32 (a /28 holds 16 addresses)',
        'ip_addresses[1].address_family: must be 4 or 6, not 7; give 4 or 6',
      ]);
      const noPrivate = await api.post(`/projects/${projectId}/devices`, {
        ...newDevice,
        ip_addresses: [{ address_family: 4, public: true }],
      });
      expect(noPrivate.body.errors).toEqual([
        'ip_addresses: must include private IPv4 ({"address_family": 4, "public": false}), as on Metal',
      ]);
    });
  });

  describe('include', () => {
    it('expands the project and SSH key links of a device and of a device page', async () => {
      const project = (await api.post('/projects', { name: 'include-me' })).body.id;
      const key = (
        await api.post(`/projects/${project}/ssh-keys`, {
          label: 'ops',
          key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0ZXN0a2V5dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVzdA ops@example',
        })
      ).body;
      const device = (await api.post(`/projects/${project}/devices`, { ...newDevice, metro: 'da', hostname: 'inc-1' })).body;
      expect(device.project).toEqual({ href: `/metal/v1/projects/${project}` });

      const one = (await api.get(`/devices/${device.id}?include=project,ssh_keys`)).body;
      expect(one.project).toMatchObject({ id: project, name: 'include-me' });
      expect(one.ssh_keys).toEqual([expect.objectContaining({ id: key.id, label: 'ops', fingerprint: key.fingerprint })]);

      const page = (await api.get(`/projects/${project}/devices?include=project`)).body;
      expect(page.devices[0].project).toMatchObject({ id: project, name: 'include-me' });
      expect(page.meta.total).toBe(1);
      // Plan, metro, facility and OS are always embedded: naming them changes nothing.
      expect((await api.get(`/devices/${device.id}?include=plan`)).body.plan.slug).toBe('c3.small.x86');
    });

    it('ignores relations a device does not have, as Metal did (the official provider asks for hardware_reservation)', async () => {
      const plain = await api.get(`/projects/${projectId}/devices`);
      const res = await api.get(`/projects/${projectId}/devices?include=organization,hardware_reservation,created_by`);
      expect(res.status).toBe(200);
      expect(res.body.devices.map((d: { id: string }) => d.id)).toEqual(plain.body.devices.map((d: { id: string }) => d.id));
      expect(res.body.devices.every((d: { hardware_reservation: unknown }) => d.hardware_reservation === null)).toBe(true);
    });

    it('ignores relations it does not expand, naming them in X-Metalforge-Ignored', async () => {
      const res = await api.get(`/projects/${projectId}/devices?include=project,metro,facility,hardware_reservation`);
      expect(res.status).toBe(200);
      expect(res.headers['x-metalforge-ignored']).toBe('include=hardware_reservation');
      expect(res.body.devices[0].project.name).toBeDefined();
    });
  });
});
