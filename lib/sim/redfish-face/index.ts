/**
 * One Redfish service (node:http or node:https) in front of many SimMachines: one ComputerSystem and one Manager
 * (with a virtual CD) per machine, sessions, ETags with If-Match, async resets through task monitors, and the
 * machines' seeded BMC faults. Real clients (sushy, redfishtool) and the project's Redfish driver drive it.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { PowerAction } from '../../core/hardware';
import type { SimMachine } from '../machine';
import {
  bootDeviceFor,
  collection,
  computerSystem,
  inventoryTree,
  Json,
  manager,
  managerPath,
  RedfishPowerState,
  redfishError,
  RESET_ACTIONS,
  ResetType,
  ROOT,
  serviceRoot,
  systemPath,
  systemSettings,
  virtualCd,
} from './resources';
import { SESSIONS_PATH, SessionTable } from './sessions';
import { TASK_MONITORS_PATH, TaskList, TASKS_PATH } from './tasks';
import { FaceVendorProfile, faceVendorProfile } from './vendors';

export interface BmcCredentials {
  username: string;
  /** A secret: never logged, never echoed in responses. */
  password: string;
}

export interface RedfishFaceOptions {
  machines: SimMachine[];
  /** The same account for every BMC, or one per machine id. */
  credentials: BmcCredentials | ((machineId: string) => BmcCredentials);
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** The session table size; a login beyond it answers 503 (session exhaustion). @default 64 */
  sessionLimit?: number;
  /** Retry-After (seconds) sent with busy answers. @default 1 */
  busyRetryAfterSeconds?: number;
  /** How long a 'timeout' fault holds a request before dropping the connection. @default 30000 */
  stallMs?: number;
  /** Called after every answer (tests use it to see which requests a client made). Never sees credentials. */
  onRequest?: (record: RequestRecord) => void;
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  ifMatch?: string;
  /** How the request authenticated. */
  auth: 'session' | 'basic' | 'none';
}

export interface RedfishFace {
  /** http(s)://127.0.0.1:port */
  readonly baseUrl: string;
  /** The full URL of a machine's ComputerSystem. */
  systemUrl(machineId: string): string;
  sessionCount(): number;
  /** Drops every session, as a BMC reset or session timeout does. */
  expireSessions(): void;
  close(): Promise<void>;
}

interface MachineState {
  machine: SimMachine;
  profile: FaceVendorProfile;
  credentialKey: string;
  inventory: Map<string, Json>;
  transition: RedfishPowerState | null;
  /** Dell profile: the next On answers 409 once. */
  conflictOnNextOn: boolean;
}

interface Reply {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
  /** Work to finish before answering (a synchronous reset). */
  wait?: Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly messageId: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1 << 20;

const credentialKey = (c: BmcCredentials) => `${c.username}\u0000${c.password}`;

/** Weak ETag of a representation: changes whenever the JSON does. */
function etagOf(body: Json): string {
  return `W/"${createHash('sha1').update(JSON.stringify(body)).digest('hex').slice(0, 16)}"`;
}

const ok = (body: Json | undefined): Reply => ({ status: 200, body });

const opaqueTag = (tag: string) => tag.trim().replace(/^W\//, '');

export async function startRedfishFace(options: RedfishFaceOptions): Promise<RedfishFace> {
  const credentialsFor = typeof options.credentials === 'function' ? options.credentials : () => options.credentials as BmcCredentials;
  const busyRetryAfter = String(options.busyRetryAfterSeconds ?? 1);
  const stallMs = options.stallMs ?? 30000;

  const machines = new Map<string, MachineState>();
  for (const machine of options.machines) {
    machines.set(machine.id, {
      machine,
      profile: faceVendorProfile(machine.inventory.manufacturer),
      credentialKey: credentialKey(credentialsFor(machine.id)),
      inventory: inventoryTree(machine),
      transition: null,
      conflictOnNextOn: false,
    });
  }
  const knownKeys = new Set([...machines.values()].map((m) => m.credentialKey));
  const sessions = new SessionTable(options.sessionLimit ?? 64);
  const tasks = new TaskList();
  const stalls = new Set<NodeJS.Timeout>();

  function caller(req: http.IncomingMessage): string | undefined {
    const token = req.headers['x-auth-token'];
    if (typeof token === 'string') return sessions.accountOf(token);
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return credentialKey({ username: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
    }
    return undefined;
  }

  function requireAuth(req: http.IncomingMessage, state?: MachineState): string {
    const key = caller(req);
    const allowed = key !== undefined && (state ? state.credentialKey === key : knownKeys.has(key));
    if (!allowed)
      throw new HttpError(401, 'NoValidSession', 'Authentication required', {
        'WWW-Authenticate': 'Basic realm="Redfish"',
      });
    return key;
  }

  const visibleMachines = (key: string) => [...machines.values()].filter((m) => m.credentialKey === key);

  function checkIfMatch(req: http.IncomingMessage, current: Json, strong: boolean): void {
    const header = req.headers['if-match'];
    if (!header || header.trim() === '*') return;
    const currentTag = opaqueTag(etagOf(current));
    const matches = header
      .split(',')
      .map((tag) => tag.trim())
      .some((tag) => (strong && tag.startsWith('W/') ? false : opaqueTag(tag) === currentTag));
    if (!matches) throw new HttpError(412, 'PreconditionFailed', 'The ETag in If-Match does not match the resource');
  }

  function powerState(state: MachineState): RedfishPowerState {
    return state.transition ?? (state.machine.power === 'on' ? 'On' : 'Off');
  }

  function reset(state: MachineState, body: Json): Reply {
    const resetType = body.ResetType as ResetType;
    if (typeof resetType !== 'string' || !(resetType in RESET_ACTIONS)) {
      throw new HttpError(400, 'ActionParameterNotSupported', `ResetType ${String(resetType)} is not supported`);
    }
    const { machine } = state;
    if (state.transition) throw new HttpError(409, 'ResourceInUse', `A power transition (${state.transition}) is in progress`);
    if (resetType === 'On' && machine.power === 'on') throw new HttpError(409, 'ResourceInUse', 'The system is already powered on');
    if (resetType === 'On' && state.conflictOnNextOn) {
      state.conflictOnNextOn = false;
      throw new HttpError(409, 'ResourceInUse', 'The system is not ready to power on yet');
    }
    const action: PowerAction = RESET_ACTIONS[resetType];
    const wasOn = machine.power === 'on';
    const expectedMs = {
      on: wasOn ? 0 : machine.duration('powerOnMs'),
      off: wasOn ? machine.duration('powerOffMs') : 0,
      soft_off: wasOn ? machine.duration('powerOffMs') : 0,
      cycle: (wasOn ? machine.duration('powerOffMs') : 0) + machine.duration('powerOnMs'),
      reset: 0,
    }[action];
    const goesOff = wasOn && (action === 'off' || action === 'soft_off' || action === 'cycle');
    const goesOn = action === 'on' || action === 'cycle';
    state.transition = goesOff ? 'PoweringOff' : goesOn && !wasOn ? 'PoweringOn' : null;
    const onPower = (power: string) => {
      if (power === 'off' && action === 'cycle') state.transition = 'PoweringOn';
    };
    machine.on('power', onPower);
    const work = machine.setPower(action).finally(() => {
      machine.off('power', onPower);
      state.transition = null;
      if (state.profile.conflictOnFirstOnAfterOff && machine.power === 'off' && goesOff) state.conflictOnNextOn = true;
    });
    if (expectedMs > 0) {
      const id = tasks.start(work, expectedMs, `${resetType} of ${machine.id}`);
      return {
        status: 202,
        body: tasks.body(id),
        headers: { Location: `${TASK_MONITORS_PATH}/${id}`, 'Retry-After': tasks.retryAfter(id) },
      };
    }
    return { status: 204, wait: work };
  }

  function patchBoot(state: MachineState, boot: unknown): void {
    if (typeof boot !== 'object' || boot === null) throw new HttpError(400, 'PropertyValueTypeError', 'Boot must be an object');
    const patch = boot as Record<string, unknown>;
    const current = state.machine.boot;
    const { profile } = state;
    if (profile.requiresOverrideEnabled && patch.BootSourceOverrideTarget !== undefined && patch.BootSourceOverrideEnabled === undefined) {
      throw new HttpError(400, 'PropertyMissing', 'BootSourceOverrideEnabled must be sent with BootSourceOverrideTarget');
    }
    const target =
      patch.BootSourceOverrideTarget === undefined ? current.device : bootDeviceFor(String(patch.BootSourceOverrideTarget), profile);
    if (target === undefined) {
      throw new HttpError(
        400,
        'PropertyValueNotInList',
        `BootSourceOverrideTarget ${String(patch.BootSourceOverrideTarget)} is not allowed`,
      );
    }
    const enabled = patch.BootSourceOverrideEnabled ?? (current.persistent ? 'Continuous' : 'Once');
    if (!['Once', 'Continuous', 'Disabled'].includes(String(enabled))) {
      throw new HttpError(400, 'PropertyValueNotInList', `BootSourceOverrideEnabled ${String(enabled)} is not allowed`);
    }
    const mode = patch.BootSourceOverrideMode ?? (current.efi ? 'UEFI' : 'Legacy');
    if (mode !== 'UEFI' && mode !== 'Legacy') {
      throw new HttpError(400, 'PropertyValueNotInList', `BootSourceOverrideMode ${String(mode)} is not allowed`);
    }
    if (target === 'none' || enabled === 'Disabled') state.machine.clearBootDevice();
    else state.machine.setBootDevice(target, { persistent: enabled === 'Continuous', efi: mode === 'UEFI' });
  }

  function patchMedia(state: MachineState, patch: Json): void {
    if (patch.Inserted === false || patch.Image === null) state.machine.ejectMedia();
    else if (typeof patch.Image === 'string' && patch.Image.length > 0) state.machine.insertMedia(patch.Image);
    else throw new HttpError(400, 'PropertyMissing', 'Image (a URL) or Inserted=false is required');
  }

  /** Routes under /Systems/{id} and /Managers/{id}, after the BMC's delay and faults. */
  function machineRoute(method: string, kind: string, rest: string[], state: MachineState, req: http.IncomingMessage, body: Json): Reply {
    requireAuth(req, state);
    const { machine, profile } = state;
    const sub = rest.join('/');
    if (kind === 'Systems') {
      const path = systemPath(machine.id);
      if (sub === '') {
        if (method === 'GET') return ok(computerSystem(machine, profile, powerState(state)));
        if (method === 'PATCH') {
          checkIfMatch(req, computerSystem(machine, profile, powerState(state)), profile.strongIfMatch);
          if (body.Boot !== undefined && profile.bootSettingsObject) {
            throw new HttpError(400, 'PropertyNotWritable', `Boot is changed through ${path}/Settings on this BMC`);
          }
          if (body.Boot !== undefined) patchBoot(state, body.Boot);
          return { status: 204 };
        }
      }
      if (sub === 'Settings' && profile.bootSettingsObject) {
        if (method === 'GET') return ok(systemSettings(machine, profile));
        if (method === 'PATCH') {
          checkIfMatch(req, systemSettings(machine, profile), profile.strongIfMatch);
          if (body.Boot !== undefined) patchBoot(state, body.Boot);
          return { status: 204 };
        }
      }
      if (sub === 'Actions/ComputerSystem.Reset' && method === 'POST') return reset(state, body);
      const resource = state.inventory.get(`${path}/${sub}`);
      if (resource && method === 'GET') return ok(resource);
    } else {
      const path = managerPath(machine.id);
      if (sub === '' && method === 'GET') return ok(manager(machine));
      if (sub === 'VirtualMedia' && method === 'GET')
        return ok(collection(`${path}/VirtualMedia`, 'VirtualMedia', [`${path}/VirtualMedia/Cd`]));
      if (sub === 'VirtualMedia/Cd') {
        if (method === 'GET') return ok(virtualCd(machine, profile));
        if (method === 'PATCH') {
          checkIfMatch(req, virtualCd(machine, profile), profile.strongIfMatch);
          patchMedia(state, body);
          return { status: 204 };
        }
      }
      if (!profile.virtualMediaPatchOnly && method === 'POST') {
        if (sub === 'VirtualMedia/Cd/Actions/VirtualMedia.InsertMedia') {
          if (typeof body.Image !== 'string' || body.Image === '') throw new HttpError(400, 'ActionParameterMissing', 'Image is required');
          machine.insertMedia(body.Image);
          return { status: 204 };
        }
        if (sub === 'VirtualMedia/Cd/Actions/VirtualMedia.EjectMedia') {
          machine.ejectMedia();
          return { status: 204 };
        }
      }
    }
    throw new HttpError(
      method === 'GET' ? 404 : 405,
      'ResourceNotFound',
      `${method} ${ROOT}/${kind}/${machine.id}/${sub} is not supported`,
    );
  }

  /** Routes that belong to the service rather than one machine: root, sessions, collections, tasks. */
  function serviceRoute(method: string, segments: string[], req: http.IncomingMessage, body: Json): Reply {
    const path = [ROOT, ...segments].join('/');
    const [top, id, leaf] = segments;
    if (segments.length === 0 && method === 'GET') return ok(serviceRoot());
    if (top === 'SessionService' && id === 'Sessions' && leaf === undefined && method === 'POST') return login(body);
    const account = requireAuth(req);
    if (top === 'SessionService' && id === undefined && method === 'GET') {
      return ok({
        '@odata.id': path,
        Id: 'SessionService',
        Name: 'Session Service',
        ServiceEnabled: true,
        SessionTimeout: 1800,
        Sessions: { '@odata.id': SESSIONS_PATH },
      });
    }
    if (top === 'SessionService' && id === 'Sessions') {
      const mine = sessions.of(account);
      if (leaf === undefined && method === 'GET')
        return ok(
          collection(
            path,
            'Session',
            mine.map((s) => `${path}/${s.id}`),
          ),
        );
      const session = mine.find((s) => s.id === leaf);
      if (session && method === 'DELETE' && sessions.close(account, session.id)) return { status: 204 };
      if (session && method === 'GET') return ok({ '@odata.id': path, Id: session.id, Name: 'User Session', UserName: session.username });
      if (!session) throw new HttpError(404, 'ResourceNotFound', `Session ${leaf} not found`);
    }
    if (method === 'GET' && id === undefined) {
      const mine = visibleMachines(account);
      if (top === 'Systems')
        return ok(
          collection(
            path,
            'ComputerSystem',
            mine.map((m) => systemPath(m.machine.id)),
          ),
        );
      if (top === 'Managers')
        return ok(
          collection(
            path,
            'Manager',
            mine.map((m) => managerPath(m.machine.id)),
          ),
        );
      if (top === 'Chassis') return ok(collection(path, 'Chassis', []));
      if (top === 'TaskService') {
        return ok({
          '@odata.id': path,
          Id: 'TaskService',
          Name: 'Task Service',
          ServiceEnabled: true,
          Tasks: { '@odata.id': TASKS_PATH },
        });
      }
    }
    if (top === 'TaskService' && method === 'GET' && leaf !== undefined) {
      const task = tasks.body(leaf);
      if (task && id === 'Tasks') return ok(task);
      if (task && id === 'TaskMonitors') {
        return tasks.running(leaf) ? { status: 202, body: task, headers: { 'Retry-After': tasks.retryAfter(leaf) } } : ok(task);
      }
    }
    if (top === 'TaskService' && id === 'Tasks' && leaf === undefined && method === 'GET') {
      return ok(
        collection(
          path,
          'Task',
          tasks.ids().map((t) => `${path}/${t}`),
        ),
      );
    }
    throw new HttpError(404, 'ResourceNotFound', `${method} ${path} is not supported`);
  }

  function login(body: Json): Reply {
    const username = typeof body.UserName === 'string' ? body.UserName : '';
    const password = typeof body.Password === 'string' ? body.Password : '';
    const account = credentialKey({ username, password });
    if (!knownKeys.has(account)) throw new HttpError(401, 'InvalidCredentials', 'Invalid username or password');
    const session = sessions.open(account, username);
    if (!session) {
      throw new HttpError(503, 'SessionLimitExceeded', 'The session table is full; close sessions or retry later', {
        'Retry-After': busyRetryAfter,
      });
    }
    return {
      status: 201,
      body: { '@odata.id': session.location, Id: session.id, Name: 'User Session', UserName: username },
      headers: { 'X-Auth-Token': session.token, Location: session.location },
    };
  }

  function send(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply): void {
    const method = req.method ?? 'GET';
    if (options.onRequest) {
      const ifMatch = req.headers['if-match'];
      options.onRequest({
        method,
        path: new URL(req.url ?? '/', 'http://face').pathname,
        status: reply.status,
        ifMatch,
        auth: req.headers['x-auth-token'] ? 'session' : req.headers.authorization ? 'basic' : 'none',
      });
    }
    const headers: Record<string, string> = { 'OData-Version': '4.0', ...reply.headers };
    let payload = '';
    if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      headers['Content-Type'] = 'application/json; charset=utf-8';
      if (reply.status === 200) headers.ETag = etagOf(reply.body);
    }
    headers['Content-Length'] = String(Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(method === 'HEAD' ? undefined : payload);
  }

  async function readJson(req: http.IncomingMessage): Promise<Json> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new HttpError(413, 'GeneralError', 'Request body too large');
      chunks.push(chunk as Buffer);
    }
    if (size === 0) return {};
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      return parsed as Json;
    } catch {
      throw new HttpError(400, 'MalformedJSON', 'The request body is not a JSON object');
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    try {
      const body = await readJson(req);
      const pathname = new URL(req.url ?? '/', 'http://face').pathname.replace(/\/+$/, '');
      if (pathname === '/redfish') return send(req, res, { status: 200, body: { v1: `${ROOT}/` } });
      if (pathname !== ROOT && !pathname.startsWith(`${ROOT}/`))
        throw new HttpError(404, 'ResourceNotFound', `${pathname} is not a Redfish path`);
      const segments = pathname.slice(ROOT.length).split('/').filter(Boolean).map(decodeURIComponent);
      const [top, id, ...rest] = segments;
      const state = (top === 'Systems' || top === 'Managers') && id !== undefined ? machines.get(id) : undefined;
      if ((top === 'Systems' || top === 'Managers') && id !== undefined && !state) {
        requireAuth(req);
        throw new HttpError(404, 'ResourceNotFound', `${top} ${id} not found`);
      }
      if (!state) return send(req, res, serviceRoute(method, segments, req, body));

      const { faults } = state.machine;
      if (faults.bmcDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.bmcDelayMs));
      const fault = state.machine.bmcFault();
      if (fault === 'timeout') {
        const timer = setTimeout(() => {
          stalls.delete(timer);
          req.socket.destroy();
        }, stallMs);
        stalls.add(timer);
        return;
      }
      if (fault === 'busy')
        throw new HttpError(503, 'ServiceTemporarilyUnavailable', 'The BMC is busy; retry later', {
          'Retry-After': busyRetryAfter,
        });
      const reply = machineRoute(method, top, rest, state, req, body);
      if (reply.wait) await reply.wait;
      send(req, res, reply);
    } catch (error) {
      if (error instanceof HttpError) {
        send(req, res, {
          status: error.status,
          body: redfishError(error.messageId, error.message),
          headers: error.headers,
        });
      } else {
        send(req, res, { status: 500, body: redfishError('InternalError', 'Internal error in the simulated BMC') });
      }
    }
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => void handle(req, res);
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 30000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;

  return {
    baseUrl,
    systemUrl: (machineId) => `${baseUrl}${systemPath(machineId)}`,
    sessionCount: () => sessions.size,
    expireSessions: () => sessions.clear(),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        for (const timer of stalls) clearTimeout(timer);
        stalls.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
