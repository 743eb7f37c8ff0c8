/**
 * The Terraform state service over HTTP as Terraform's http backend speaks it (basic auth, LOCK/UNLOCK with lock
 * info, ?ID= on writes), versions and restore, key scopes, bad input, and that state contents never reach the logs.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Cloud } from '../../lib/cloud';
import { MAX_STATE_BYTES } from '../../lib/contract/terraform-state';
import { apiClient, testCloud } from '../support/cloud';

type Method = 'GET' | 'POST' | 'LOCK' | 'UNLOCK';

const lockInfo = (id: string, who = 'ci@runner-1') => ({
  ID: id,
  Operation: 'OperationTypeApply',
  Info: '',
  Who: who,
  Version: '1.11.0',
  Created: '2026-12-06T11:00:00Z',
  Path: '',
});
const stateDoc = (serial: number, marker = 'not-a-real-secret') =>
  JSON.stringify({
    version: 4,
    terraform_version: '1.11.0',
    serial,
    lineage: 'lin-1',
    outputs: { password: { value: marker, type: 'string', sensitive: true } },
    resources: [],
  });

describe('Terraform state over the http backend protocol', () => {
  let cloud: Cloud;
  const logLines: string[] = [];
  let projectA: string;
  let projectB: string;
  let writer: string;
  let reader: string;
  let otherProjectKey: string;

  /** One request as Terraform sends it: basic auth with any user name and the API token as password. */
  const tf = async (
    method: Method,
    path: string,
    options: { token?: string; body?: string | object; headers?: Record<string, string> } = {},
  ) => {
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const res = await cloud.app.inject({
      method: method as 'GET',
      url: `/metal/v1${path}`,
      headers: {
        authorization: `Basic ${Buffer.from(`terraform:${options.token ?? writer}`).toString('base64')}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(body === undefined ? {} : { payload: body }),
    });
    let json: any;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, body: json, raw: res.body, headers: res.headers };
  };
  const state = (name: string, project = projectA) => `/projects/${project}/terraform/state/${name}`;

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(chunk.toString()), done()) });
    cloud = await testCloud('pglite', { catalog: false, logger: pino({ level: 'trace' }, sink) });
    const admin = apiClient(cloud);
    projectA = (await admin.post('/projects', { name: 'alpha' })).body.id;
    projectB = (await admin.post('/projects', { name: 'beta' })).body.id;
    writer = (await admin.post(`/projects/${projectA}/api-keys`, { description: 'ci pipeline' })).body.token;
    reader = (await admin.post(`/projects/${projectA}/api-keys`, { description: 'dashboards', read_only: true })).body.token;
    otherProjectKey = (await admin.post(`/projects/${projectB}/api-keys`, { description: 'beta ci' })).body.token;
  }, 180_000);
  afterAll(async () => {
    await cloud?.close();
  });

  it('reads 404 before the first write, then locks, writes with the lock ID, reads back the exact bytes and unlocks', async () => {
    expect((await tf('GET', state('web'))).status).toBe(404);
    expect((await tf('LOCK', state('web'), { body: lockInfo('lock-1') })).status).toBe(200);
    // Terraform may send the same LOCK again: the holder keeps it.
    expect((await tf('LOCK', state('web'), { body: lockInfo('lock-1') })).status).toBe(200);

    const held = await tf('LOCK', state('web'), { body: lockInfo('lock-2', 'ci@runner-2') });
    expect(held.status).toBe(409);
    expect(held.body).toMatchObject({ ID: 'lock-1', Who: 'ci@runner-1', Operation: 'OperationTypeApply', code: 'conflict' });
    expect(held.body.errors[0]).toMatch(/locked by ID=lock-1 \(terraform apply by ci@runner-1/);

    const document = `${stateDoc(1)}\n`;
    const withoutId = await tf('POST', state('web'), { body: document });
    expect(withoutId.status).toBe(409);
    expect(withoutId.body.errors[0]).toMatch(/ID query parameter/);
    expect((await tf('POST', `${state('web')}?ID=lock-2`, { body: document })).status).toBe(409);
    expect((await tf('POST', `${state('web')}?ID=lock-1`, { body: document })).status).toBe(200);

    const read = await tf('GET', state('web'), { token: reader });
    expect(read.status).toBe(200);
    expect(read.raw).toBe(document);
    expect(read.headers['content-type']).toMatch(/application\/json/);

    const wrongUnlock = await tf('UNLOCK', state('web'), { body: lockInfo('lock-2') });
    expect(wrongUnlock.status).toBe(409);
    expect(wrongUnlock.body.ID).toBe('lock-1');
    expect(wrongUnlock.body.errors[0]).toMatch(/lock lock-2 does not hold state "web".*force-unlock lock-1/);
    expect((await tf('UNLOCK', state('web'), { body: lockInfo('lock-1') })).status).toBe(200);
    // Unlocked: another run may lock now.
    expect((await tf('LOCK', state('web'), { body: lockInfo('lock-2') })).status).toBe(200);
    // force-unlock sends no lock info: any lock goes.
    expect((await tf('UNLOCK', state('web'))).status).toBe(200);
    expect((await tf('LOCK', state('web'), { body: lockInfo('lock-3') })).status).toBe(200);
    expect((await tf('UNLOCK', state('web'), { body: lockInfo('lock-3') })).status).toBe(200);
  });

  it('accepts X-Auth-Token as well as basic auth, and refuses a wrong password', async () => {
    const byHeader = await cloud.app.inject({ method: 'GET', url: `/metal/v1${state('web')}`, headers: { 'x-auth-token': writer } });
    expect(byHeader.statusCode).toBe(200);
    expect((await tf('GET', state('web'), { token: 'mf_wrong' })).status).toBe(401);
  });

  it('keeps every version with the key that wrote it, and restores an old one as a new version', async () => {
    for (const serial of [1, 2, 3]) expect((await tf('POST', state('versions'), { body: stateDoc(serial) })).status).toBe(200);
    const listed = await tf('GET', `${state('versions')}/versions`, { token: reader });
    expect(listed.status).toBe(200);
    expect(listed.body.versions.map((v: { version: number; serial: number }) => [v.version, v.serial])).toEqual([
      [3, 3],
      [2, 2],
      [1, 1],
    ]);
    expect(listed.body.versions[0]).toMatchObject({
      lineage: 'lin-1',
      created_by: { description: 'ci pipeline' },
      size_bytes: Buffer.byteLength(stateDoc(3)),
    });
    expect(listed.body.meta.total).toBe(3);
    expect(listed.raw).not.toContain('not-a-real-secret');

    expect((await tf('GET', `${state('versions')}/versions/1`, { token: reader })).raw).toBe(stateDoc(1));
    expect((await tf('POST', `${state('versions')}/versions/1/restore`, { token: reader })).status).toBe(403);
    const restored = await tf('POST', `${state('versions')}/versions/1/restore`);
    expect(restored.status).toBe(201);
    expect(restored.body).toMatchObject({ version: 4, serial: 1, restored_from: 1, created_by: { description: 'ci pipeline' } });
    expect((await tf('GET', state('versions'))).raw).toBe(stateDoc(1));

    // While someone holds the lock, a restore needs that lock's ID.
    expect((await tf('LOCK', state('versions'), { body: lockInfo('held') })).status).toBe(200);
    expect((await tf('POST', `${state('versions')}/versions/2/restore`)).status).toBe(409);
    expect((await tf('POST', `${state('versions')}/versions/2/restore?ID=held`)).status).toBe(201);
    expect((await tf('UNLOCK', state('versions'), { body: lockInfo('held') })).status).toBe(200);
  });

  it('a read-only key reads but cannot lock, write or unlock', async () => {
    expect((await tf('GET', state('web'), { token: reader })).status).toBe(200);
    for (const [method, body] of [
      ['LOCK', lockInfo('ro')],
      ['POST', stateDoc(9)],
      ['UNLOCK', undefined],
    ] as const) {
      const res = await tf(method, state('web'), { token: reader, body });
      expect(res.status).toBe(403);
      expect(res.body.errors[0]).toMatch(/read-only/);
    }
  });

  it('a key of another project gets 404 for every operation', async () => {
    for (const [method, path, body] of [
      ['GET', state('web'), undefined],
      ['LOCK', state('web'), lockInfo('x')],
      ['UNLOCK', state('web'), undefined],
      ['POST', state('web'), stateDoc(5)],
      ['GET', `${state('versions')}/versions`, undefined],
      ['POST', `${state('versions')}/versions/1/restore`, undefined],
    ] as const) {
      const res = await tf(method, path, { token: otherProjectKey, body });
      expect([method, path, res.status]).toEqual([method, path, 404]);
      expect(res.body.errors[0]).toMatch(/project .* not found/);
    }
    // Its own project works with the same key.
    expect((await tf('POST', state('web', projectB), { token: otherProjectKey, body: stateDoc(1) })).status).toBe(200);
  });

  it('answers bad input with a clear 4xx in the Metal error shape', async () => {
    const cases: [Method, string, string | undefined, number, RegExp][] = [
      ['POST', state('bad'), '{"serial": 1, ', 400, /body: is not valid JSON/],
      ['POST', state('bad'), '[1, 2]', 400, /must be a JSON object/],
      ['POST', state('bad'), '', 400, /not valid JSON/],
      ['LOCK', state('bad'), undefined, 400, /send the lock info as JSON/],
      ['LOCK', state('bad'), '{"Who": "me"}', 422, /ID: is required/],
      ['LOCK', state('bad'), 'not json', 400, /not valid JSON/],
      ['GET', state('no..pe$'), undefined, 404, /path parameter name: must be 1 to 128 letters/],
      ['GET', state('-leading'), undefined, 404, /path parameter name/],
      ['GET', `${state('never-written')}/versions`, undefined, 404, /terraform state "never-written" not found/],
      ['UNLOCK', state('never-written'), undefined, 404, /terraform state "never-written" not found/],
      ['GET', `${state('versions')}/versions/99`, undefined, 404, /has no version 99/],
      ['POST', `${state('versions')}/versions/99/restore`, undefined, 404, /has no version 99/],
      ['GET', `${state('versions')}/versions/zero`, undefined, 404, /path parameter version/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await tf(method, path, { body });
      expect([method, path, res.status]).toEqual([method, path, status]);
      expect(res.body.errors.join(' ')).toMatch(message);
      expect(res.body.code).toBeTruthy();
    }
    const md5 = await tf('POST', state('bad'), { body: stateDoc(1), headers: { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' } });
    expect(md5.status).toBe(400);
    expect(md5.body.errors[0]).toMatch(/Content-MD5/);
    // Nothing of the refused writes was stored.
    expect((await tf('GET', state('bad'))).status).toBe(404);
  });

  it(`refuses a state over ${MAX_STATE_BYTES / 1024 / 1024} MiB with 413 and keeps the previous version`, async () => {
    expect((await tf('POST', state('big'), { body: stateDoc(1) })).status).toBe(200);
    const padding = 'x'.repeat(MAX_STATE_BYTES);
    const res = await tf('POST', state('big'), { body: `{"serial":2,"pad":"${padding}"}` });
    expect(res.status).toBe(413);
    expect(res.body.errors[0]).toMatch(/larger than the limit.*65536 KiB/);
    expect((await tf('GET', state('big'))).raw).toBe(stateDoc(1));
    // Other routes keep the small default limit.
    const other = await cloud.app.inject({
      method: 'POST',
      url: '/metal/v1/projects',
      headers: { 'x-auth-token': cloud.adminToken, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(300 * 1024) }),
    });
    expect(other.statusCode).toBe(413);
  }, 60_000);

  it('never logs state contents or tokens', async () => {
    const secret = 'state-secret-7f3a9c';
    expect((await tf('POST', state('logged'), { body: stateDoc(1, secret) })).status).toBe(200);
    expect((await tf('GET', state('logged'))).raw).toContain(secret);
    expect((await tf('POST', state('logged'), { body: `{"broken": "${secret}` })).status).toBe(400);
    expect((await tf('POST', state('logged'), { body: `["${secret}"]` })).status).toBe(400);
    const logs = logLines.join('');
    expect(logs).toContain('terraform/state/logged');
    expect(logs).not.toContain(secret);
    expect(logs).not.toContain(writer);
    expect(logs).not.toContain(Buffer.from(`terraform:${writer}`).toString('base64'));
  });

  it('does not list LOCK and UNLOCK as OpenAPI operations (OpenAPI has no such verbs)', async () => {
    const doc = (await apiClient(cloud, null).get('/openapi.json')).body;
    const path = doc.paths['/projects/{id}/terraform/state/{name}'];
    expect(Object.keys(path).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/projects/{id}/terraform/state/{name}/versions/{version}/restore'].post.summary).toBeTruthy();
  });
});
