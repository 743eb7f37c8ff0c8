/**
 * RedfishClient behaviours that need a BMC misbehaving in one precise way: a tiny scripted node:http server
 * answers each request from a queue, and a recording clock shows the waits without sleeping.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedfishClient } from '../../../lib/drivers/redfish/client';
import { DriverError } from '../../../lib/drivers/types';
import type { Clock } from '../../../lib/core/clock';

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface Seen {
  method: string;
  path: string;
  ifMatch?: string;
  token?: string;
  acceptEncoding?: string;
}

let server: http.Server;
let origin: URL;
let script: ((seen: Seen) => Scripted)[] = [];
let seen: Seen[] = [];
let sleeps: number[] = [];

const recordingClock: Clock = {
  now: () => new Date(sleeps.reduce((t, ms) => t + ms, 0)),
  sleep: async (ms) => {
    sleeps.push(ms);
  },
};

function clientFor(overrides: Partial<ConstructorParameters<typeof RedfishClient>[1]> = {}): RedfishClient {
  return new RedfishClient(origin, {
    username: 'admin',
    password: 'client-secret',
    timeoutMs: 2000,
    clock: recordingClock,
    busyRetries: 3,
    backoffMs: 100,
    maxBackoffMs: 1000,
    maxConcurrentRequests: 2,
    taskTimeoutMs: 60000,
    ...overrides,
  });
}

const login: (seen: Seen) => Scripted = () => ({
  status: 201,
  headers: { 'X-Auth-Token': 'tok-1', Location: '/redfish/v1/SessionService/Sessions/1' },
  body: {},
});

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const entry: Seen = {
        method: req.method ?? '',
        path: req.url ?? '',
        ifMatch: req.headers['if-match'],
        token: req.headers['x-auth-token'] as string | undefined,
        acceptEncoding: req.headers['accept-encoding'],
      };
      seen.push(entry);
      const next: (seen: Seen) => Scripted = script.shift() ?? (() => ({ status: 500, body: { error: { message: 'script exhausted' } } }));
      const answer = next(entry);
      const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        ...(payload ? { 'Content-Type': 'application/json' } : {}),
        ...answer.headers,
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  script = [];
  seen = [];
  sleeps = [];
});

it('retries a 412 with the W/ stripped, then without If-Match', async () => {
  script = [login, () => ({ status: 412 }), () => ({ status: 412 }), () => ({ status: 204 }), () => ({ status: 204 })];
  const client = clientFor();
  await client.patch('/redfish/v1/Systems/1', { Boot: {} }, 'W/"abc"');
  expect(seen.slice(1, 4).map((s) => s.ifMatch)).toEqual(['W/"abc"', '"abc"', undefined]);
  expect(seen.every((s) => s.acceptEncoding === 'identity')).toBe(true);
  await client.close();
  expect(seen.at(-1)).toMatchObject({
    method: 'DELETE',
    path: '/redfish/v1/SessionService/Sessions/1',
    token: 'tok-1',
  });
});

it('honours Retry-After on a busy answer, and backs off exponentially without it', async () => {
  script = [
    login,
    () => ({ status: 503, headers: { 'Retry-After': '7' } }),
    () => ({ status: 409 }),
    () => ({ status: 200, body: { Id: '1' }, headers: { ETag: 'W/"e1"' } }),
  ];
  const client = clientFor();
  expect(await client.get('/redfish/v1/Systems/1')).toEqual({ body: { Id: '1' }, etag: 'W/"e1"' });
  expect(sleeps).toEqual([7000, 200]);
  await client.close();
});

it('polls a task monitor at the Retry-After pace and fails when the task ends in Exception', async () => {
  script = [
    login,
    () => ({ status: 202, headers: { Location: '/redfish/v1/TaskService/TaskMonitors/9', 'Retry-After': '2' } }),
    () => ({ status: 202, headers: { 'Retry-After': '5' }, body: { TaskState: 'Running' } }),
    () => ({ status: 200, body: { TaskState: 'Exception', Messages: [{ Message: 'PSU fault' }] } }),
  ];
  const client = clientFor();
  const error = await client.action('/redfish/v1/Systems/1/Actions/ComputerSystem.Reset', { ResetType: 'On' }).catch((e) => e);
  expect(error).toBeInstanceOf(DriverError);
  expect(error.kind).toBe('protocol');
  expect(error.message).toMatch(/ended Exception: PSU fault/);
  expect(seen.slice(2).map((s) => s.path)).toEqual(['/redfish/v1/TaskService/TaskMonitors/9', '/redfish/v1/TaskService/TaskMonitors/9']);
  expect(sleeps).toEqual([2000, 5000]);
  await client.close();
});

it('times out a task that never finishes, measured on the injected clock', async () => {
  script = [login, () => ({ status: 202, headers: { Location: '/redfish/v1/TaskService/TaskMonitors/3', 'Retry-After': '30' } })];
  for (let i = 0; i < 3; i++) script.push(() => ({ status: 202, headers: { 'Retry-After': '30' } }));
  const client = clientFor({ busyRetries: 0 });
  const error = await client.action('/redfish/v1/Systems/1/Actions/ComputerSystem.Reset', { ResetType: 'On' }).catch((e) => e);
  expect(error.kind).toBe('timeout');
  expect(sleeps).toEqual([30000, 30000]);
  await client.close();
});

it('maps a 400 to protocol with the BMC message, and a 404 to unsupported', async () => {
  script = [
    login,
    () => ({ status: 400, body: { error: { '@Message.ExtendedInfo': [{ Message: 'Value Floppy not in list' }] } } }),
    () => ({ status: 404 }),
  ];
  const client = clientFor();
  const bad = await client.patch('/redfish/v1/Systems/1', { Boot: {} }).catch((e) => e);
  expect(bad.kind).toBe('protocol');
  expect(bad.message).toMatch(/answered 400: Value Floppy not in list/);
  const missing = await client.get('/redfish/v1/Systems/1/Bios').catch((e) => e);
  expect(missing.kind).toBe('unsupported');
  await client.close();
});
