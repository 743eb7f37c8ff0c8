/**
 * One Redfish service in front of many SimMachines, HTTPS by default like a BMC (HTTP only when asked): one
 * ComputerSystem, Chassis (Power, Thermal) and Manager (virtual CD, reset) per machine, a SEL per system, accounts
 * with roles, sessions, event subscriptions that receive power and boot events, ETags with If-Match, async resets
 * through task monitors, and the machines' seeded BMC faults. Real clients (sushy, redfishtool) and the project's
 * Redfish driver drive it.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { PowerAction } from '../../core/hardware';
import type { SimMachine } from '../machine';
import { Account, ACCOUNTS_PATH, AccountTable, hasPrivilege, Privilege, ROLE_PRIVILEGES, ROLES_PATH } from './accounts';
import { EVENT_MESSAGES, EVENT_TYPES, EventSubscriptions, MachineEvent, SUBSCRIPTIONS_PATH, SystemEventLog } from './events';
import {
  bootDeviceFor,
  chassis,
  chassisPath,
  chassisPower,
  chassisThermal,
  collection,
  computerSystem,
  INDICATOR_LED_VALUES,
  IndicatorLed,
  inventoryTree,
  Json,
  logServices,
  manager,
  MANAGER_RESET_TYPES,
  managerPath,
  Nameplate,
  RedfishPowerState,
  redfishError,
  RESET_ACTIONS,
  ResetType,
  ROOT,
  selPath,
  selService,
  serviceRoot,
  systemPath,
  systemSettings,
  virtualCd,
} from './resources';
import { SESSIONS_PATH, SessionTable } from './sessions';
import { TASK_MONITORS_PATH, TaskList, TASKS_PATH } from './tasks';
import { createFaceTls } from './tls';
import { FaceVendorProfile, faceVendorProfile } from './vendors';

export { createFaceTls } from './tls';
export type { FaceTls } from './tls';

export interface BmcCredentials {
  username: string;
  /** A secret: never logged, never echoed in responses. */
  password: string;
}

export interface RedfishFaceOptions {
  machines: SimMachine[];
  /** The same account for every BMC, or one per machine id. */
  credentials: BmcCredentials | ((machineId: string) => BmcCredentials);
  /** Serve HTTPS with this key and certificate (PEM); caCert is what clients should trust. @default a generated CA and certificate */
  tls?: { key: string; cert: string; caCert?: string };
  /** Serve plain HTTP instead of HTTPS (real BMCs do not; for clients that cannot do TLS). @default false */
  http?: boolean;
  /** Pause between event delivery attempts to a subscriber that did not answer 2xx. @default 1000 */
  eventRetryIntervalMs?: number;
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
  /** https://127.0.0.1:port (http:// when started with http: true) */
  readonly baseUrl: string;
  /** PEM of the CA that signed the face's certificate (undefined over HTTP, or when tls came without one). */
  readonly caCert: string | undefined;
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
  /** The BMC (account group) the machine belongs to. */
  group: string;
  nameplate: Nameplate;
  log: SystemEventLog;
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
/** The first byte of a TLS record carrying a handshake (ClientHello). */
const TLS_HANDSHAKE = 0x16;

/** Weak ETag of a representation: changes whenever the JSON does. */
function etagOf(body: Json): string {
  return `W/"${createHash('sha1').update(JSON.stringify(body)).digest('hex').slice(0, 16)}"`;
}

const ok = (body: Json | undefined): Reply => ({ status: 200, body });

const opaqueTag = (tag: string) => tag.trim().replace(/^W\//, '');

/**
 * The socket as a stream that first yields the bytes already read from it. A TLS server cannot take those back
 * through unshift (it reads the socket's handle directly), but it reads a plain stream through JavaScript.
 */
function replaying(socket: net.Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, done) => void socket.write(chunk, done),
    final: (done) => void socket.end(done),
    destroy: (error, done) => {
      socket.destroy();
      done(error);
    },
  });
  stream.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.once('end', () => stream.push(null));
  socket.once('close', () => stream.destroy());
  return stream;
}

export async function startRedfishFace(options: RedfishFaceOptions): Promise<RedfishFace> {
  const credentialsFor = typeof options.credentials === 'function' ? options.credentials : () => options.credentials as BmcCredentials;
  const busyRetryAfter = String(options.busyRetryAfterSeconds ?? 1);
  const stallMs = options.stallMs ?? 30000;
  const tls = options.http ? undefined : (options.tls ?? (await createFaceTls()));

  const accounts = new AccountTable();
  const subscriptions = new EventSubscriptions(options.eventRetryIntervalMs ?? 1000);
  const machines = new Map<string, MachineState>();
  const detachers: (() => void)[] = [];
  for (const machine of options.machines) {
    const { username, password } = credentialsFor(machine.id);
    const state: MachineState = {
      machine,
      profile: faceVendorProfile(machine.inventory.manufacturer),
      group: accounts.ensure(username, password).group,
      nameplate: { assetTag: '', indicatorLed: 'Off' },
      log: new SystemEventLog(),
      inventory: inventoryTree(machine),
      transition: null,
      conflictOnNextOn: false,
    };
    machines.set(machine.id, state);
    detachers.push(recordEvents(state));
  }
  const sessions = new SessionTable(options.sessionLimit ?? 64);
  const tasks = new TaskList();
  const stalls = new Set<NodeJS.Timeout>();

  /** Logs the machine's power and boot changes in its SEL and sends them to its BMC's event subscribers. */
  function recordEvents(state: MachineState): () => void {
    const { machine } = state;
    const record = (what: { messageId: string; message: string }, sensorType: MachineEvent['sensorType']) => {
      const event: MachineEvent = { machineId: machine.id, ...what, sensorType, severity: 'OK', created: new Date() };
      state.log.add(event);
      subscriptions.publish(state.group, event);
    };
    const onPower = (power: string) =>
      record(power === 'on' ? EVENT_MESSAGES.poweredOn(machine.id) : EVENT_MESSAGES.poweredOff(machine.id), 'System ACPI PowerState');
    const onBooted = ({ source }: { source: keyof FaceVendorProfile['bootTargets'] }) =>
      record(EVENT_MESSAGES.booted(machine.id, state.profile.bootTargets[source] ?? source), 'System Boot/Restart Initiated');
    machine.on('power', onPower);
    machine.on('booted', onBooted);
    return () => {
      machine.off('power', onPower);
      machine.off('booted', onBooted);
    };
  }

  function caller(req: http.IncomingMessage): Account | undefined {
    const token = req.headers['x-auth-token'];
    if (typeof token === 'string') {
      const id = sessions.accountOf(token);
      const account = id === undefined ? undefined : accounts.get(id);
      return account?.enabled ? account : undefined;
    }
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return accounts.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
    }
    return undefined;
  }

  function requireAuth(req: http.IncomingMessage, state?: MachineState): Account {
    const account = caller(req);
    if (!account || (state && state.group !== account.group))
      throw new HttpError(401, 'NoValidSession', 'Authentication required', {
        'WWW-Authenticate': 'Basic realm="Redfish"',
      });
    return account;
  }

  function requirePrivilege(account: Account, privilege: Privilege): void {
    if (!hasPrivilege(account, privilege))
      throw new HttpError(403, 'InsufficientPrivilege', `The ${account.role} role lacks the ${privilege} privilege this request needs`);
  }

  const visibleMachines = (account: Account) => [...machines.values()].filter((m) => m.group === account.group);

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
    const mapped = RESET_ACTIONS[resetType];
    if (mapped === 'nmi') {
      if (machine.power !== 'on') throw new HttpError(409, 'ResourceInUse', 'An NMI needs the system powered on');
      return { status: 204 };
    }
    const action: PowerAction = mapped === 'toggle' ? (machine.power === 'on' ? 'soft_off' : 'on') : mapped;
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

  /** AssetTag and IndicatorLED, writable on both the System and the Chassis. */
  function patchNameplate(state: MachineState, body: Json): void {
    if (body.AssetTag !== undefined) {
      if (typeof body.AssetTag !== 'string' || body.AssetTag.length > 64)
        throw new HttpError(400, 'PropertyValueTypeError', 'AssetTag must be a string of at most 64 characters');
    }
    if (body.IndicatorLED !== undefined && !(INDICATOR_LED_VALUES as readonly unknown[]).includes(body.IndicatorLED)) {
      throw new HttpError(400, 'PropertyValueNotInList', `IndicatorLED must be one of ${INDICATOR_LED_VALUES.join(', ')}`);
    }
    if (body.AssetTag !== undefined) state.nameplate.assetTag = body.AssetTag as string;
    if (body.IndicatorLED !== undefined) state.nameplate.indicatorLed = body.IndicatorLED as IndicatorLed;
  }

  function patchMedia(state: MachineState, patch: Json): void {
    if (patch.Inserted === false || patch.Image === null) state.machine.ejectMedia();
    else if (typeof patch.Image === 'string' && patch.Image.length > 0) state.machine.insertMedia(patch.Image);
    else throw new HttpError(400, 'PropertyMissing', 'Image (a URL) or Inserted=false is required');
  }

  /** Routes under /Systems/{id}, /Chassis/{id} and /Managers/{id}, after the BMC's delay and faults. */
  function machineRoute(method: string, kind: string, rest: string[], state: MachineState, req: http.IncomingMessage, body: Json): Reply {
    const account = requireAuth(req, state);
    if (method !== 'GET') requirePrivilege(account, 'ConfigureComponents');
    const { machine, profile } = state;
    const sub = rest.join('/');
    if (kind === 'Systems') {
      const path = systemPath(machine.id);
      const system = () => computerSystem(machine, profile, powerState(state), state.nameplate);
      if (sub === '') {
        if (method === 'GET') return ok(system());
        if (method === 'PATCH') {
          checkIfMatch(req, system(), profile.strongIfMatch);
          if (body.Boot !== undefined && profile.bootSettingsObject) {
            throw new HttpError(400, 'PropertyNotWritable', `Boot is changed through ${path}/Settings on this BMC`);
          }
          patchNameplate(state, body);
          if (body.Boot !== undefined) patchBoot(state, body.Boot);
          return { status: 204 };
        }
      }
      const sel = selPath(machine.id);
      if (sub === 'LogServices' && method === 'GET') return ok(logServices(machine));
      if (sub === 'LogServices/SEL' && method === 'GET') return ok(selService(machine, state.log.ids().length));
      if (sub === 'LogServices/SEL/Entries' && method === 'GET') {
        return ok(
          collection(
            `${sel}/Entries`,
            'LogEntry',
            state.log.ids().map((id) => `${sel}/Entries/${id}`),
          ),
        );
      }
      if (sub.startsWith('LogServices/SEL/Entries/') && method === 'GET') {
        const entry = state.log.entry(rest[rest.length - 1], `${sel}/Entries`);
        if (entry) return ok(entry);
      }
      if (sub === 'LogServices/SEL/Actions/LogService.ClearLog' && method === 'POST') {
        state.log.clear();
        return { status: 204 };
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
    } else if (kind === 'Chassis') {
      if (sub === '' && method === 'GET') return ok(chassis(machine, state.nameplate));
      if (sub === '' && method === 'PATCH') {
        checkIfMatch(req, chassis(machine, state.nameplate), profile.strongIfMatch);
        patchNameplate(state, body);
        return { status: 204 };
      }
      if (sub === 'Power' && method === 'GET') return ok(chassisPower(machine));
      if (sub === 'Thermal' && method === 'GET') return ok(chassisThermal(machine));
    } else {
      const path = managerPath(machine.id);
      if (sub === '' && method === 'GET') return ok(manager(machine));
      if (sub === 'Actions/Manager.Reset' && method === 'POST') {
        requirePrivilege(account, 'ConfigureManager');
        if (!(MANAGER_RESET_TYPES as readonly unknown[]).includes(body.ResetType)) {
          throw new HttpError(400, 'ActionParameterNotSupported', `ResetType must be one of ${MANAGER_RESET_TYPES.join(', ')}`);
        }
        // A BMC reset restarts the controller: every session on it is gone, the host keeps running.
        sessions.closeAll(new Set(accounts.inGroup(state.group).map((a) => a.id)));
        return { status: 204 };
      }
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
    if (top === 'AccountService') return accountRoute(method, path, segments.slice(1), account, body);
    if (top === 'EventService') return eventRoute(method, path, segments.slice(1), account, body);
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
      const mine = sessions.of(account.id);
      if (leaf === undefined && method === 'GET')
        return ok(
          collection(
            path,
            'Session',
            mine.map((s) => `${path}/${s.id}`),
          ),
        );
      const session = mine.find((s) => s.id === leaf);
      if (session && method === 'DELETE' && sessions.close(account.id, session.id)) return { status: 204 };
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
      if (top === 'Chassis')
        return ok(
          collection(
            path,
            'Chassis',
            mine.map((m) => chassisPath(m.machine.id)),
          ),
        );
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

  /** AccountService: the caller's BMC's accounts and the predefined roles; a password change applies at the next login. */
  function accountRoute(method: string, path: string, [collectionName, id]: string[], account: Account, body: Json): Reply {
    if (collectionName === undefined && method === 'GET') {
      return ok({
        '@odata.id': path,
        '@odata.type': '#AccountService.v1_10_0.AccountService',
        Id: 'AccountService',
        Name: 'Account Service',
        ServiceEnabled: true,
        MinPasswordLength: 1,
        MaxPasswordLength: 20,
        Accounts: { '@odata.id': ACCOUNTS_PATH },
        Roles: { '@odata.id': ROLES_PATH },
      });
    }
    if (collectionName === 'Roles' && method === 'GET') {
      if (id === undefined)
        return ok(
          collection(
            path,
            'Role',
            Object.keys(ROLE_PRIVILEGES).map((role) => `${path}/${role}`),
          ),
        );
      if (id in ROLE_PRIVILEGES) {
        return ok({
          '@odata.id': path,
          '@odata.type': '#Role.v1_3_0.Role',
          Id: id,
          Name: `${id} role`,
          RoleId: id,
          IsPredefined: true,
          AssignedPrivileges: ROLE_PRIVILEGES[id as keyof typeof ROLE_PRIVILEGES],
        });
      }
    }
    if (collectionName === 'Accounts') {
      const group = accounts.inGroup(account.group);
      if (id === undefined && method === 'GET')
        return ok(
          collection(
            path,
            'ManagerAccount',
            group.map((a) => `${path}/${a.id}`),
          ),
        );
      if (id === undefined && method === 'POST') {
        requirePrivilege(account, 'ConfigureUsers');
        const created = accounts.create(account.group, body);
        if (typeof created === 'string') throw new HttpError(400, 'PropertyValueFormatError', created);
        return { status: 201, body: accountBody(created), headers: { Location: `${ACCOUNTS_PATH}/${created.id}` } };
      }
      const target = group.find((a) => a.id === id);
      if (!target) throw new HttpError(404, 'ResourceNotFound', `Account ${id} not found`);
      if (method === 'GET') return ok(accountBody(target));
      const onlyOwnPassword = target.id === account.id && Object.keys(body).every((key) => key === 'Password');
      requirePrivilege(account, onlyOwnPassword ? 'ConfigureSelf' : 'ConfigureUsers');
      if (method === 'PATCH') {
        const problem = accounts.update(target.id, body);
        if (problem) throw new HttpError(400, 'PropertyValueFormatError', problem);
        return { status: 204 };
      }
      if (method === 'DELETE') {
        if (target.id === account.id) throw new HttpError(409, 'ResourceInUse', 'An account cannot delete itself');
        accounts.delete(target.id);
        sessions.closeAll(new Set([target.id]));
        return { status: 204 };
      }
    }
    throw new HttpError(404, 'ResourceNotFound', `${method} ${path} is not supported`);
  }

  function accountBody(account: Account): Json {
    return {
      '@odata.id': `${ACCOUNTS_PATH}/${account.id}`,
      '@odata.type': '#ManagerAccount.v1_8_0.ManagerAccount',
      Id: account.id,
      Name: 'User Account',
      UserName: account.username,
      RoleId: account.role,
      Enabled: account.enabled,
      Locked: false,
      // Redfish: Password is write-only and always reads as null.
      Password: null,
      Links: { Role: { '@odata.id': `${ROLES_PATH}/${account.role}` } },
    };
  }

  /** EventService: subscriptions of the caller's BMC, which receive its machines' power and boot events. */
  function eventRoute(method: string, path: string, [collectionName, id]: string[], account: Account, body: Json): Reply {
    if (collectionName === undefined && method === 'GET') {
      return ok({
        '@odata.id': path,
        '@odata.type': '#EventService.v1_7_0.EventService',
        Id: 'EventService',
        Name: 'Event Service',
        ServiceEnabled: true,
        DeliveryRetryAttempts: 3,
        DeliveryRetryIntervalSeconds: Math.ceil((options.eventRetryIntervalMs ?? 1000) / 1000),
        EventTypesForSubscription: EVENT_TYPES,
        Subscriptions: { '@odata.id': SUBSCRIPTIONS_PATH },
        Actions: { '#EventService.SubmitTestEvent': { target: `${path}/Actions/EventService.SubmitTestEvent` } },
      });
    }
    if (collectionName === 'Actions' && id === 'EventService.SubmitTestEvent' && method === 'POST') {
      requirePrivilege(account, 'ConfigureManager');
      const problem = subscriptions.submitTest(account.group, body);
      if (problem) throw new HttpError(400, 'ActionParameterMissing', problem);
      return { status: 204 };
    }
    if (collectionName === 'Subscriptions') {
      const mine = subscriptions.of(account.group);
      if (id === undefined && method === 'GET')
        return ok(
          collection(
            path,
            'EventDestination',
            mine.map((s) => `${path}/${s.id}`),
          ),
        );
      if (id === undefined && method === 'POST') {
        requirePrivilege(account, 'ConfigureManager');
        const created = subscriptions.create(account.group, body);
        if (typeof created === 'string') throw new HttpError(400, 'PropertyValueFormatError', created);
        const location = `${SUBSCRIPTIONS_PATH}/${created.id}`;
        return { status: 201, body: EventSubscriptions.body(created), headers: { Location: location } };
      }
      const subscription = mine.find((s) => s.id === id);
      if (!subscription) throw new HttpError(404, 'ResourceNotFound', `Subscription ${id} not found`);
      if (method === 'GET') return ok(EventSubscriptions.body(subscription));
      if (method === 'DELETE') {
        requirePrivilege(account, 'ConfigureManager');
        subscriptions.delete(subscription.id);
        return { status: 204 };
      }
    }
    throw new HttpError(404, 'ResourceNotFound', `${method} ${path} is not supported`);
  }

  function login(body: Json): Reply {
    const username = typeof body.UserName === 'string' ? body.UserName : '';
    const password = typeof body.Password === 'string' ? body.Password : '';
    const account = accounts.authenticate(username, password);
    if (!account) throw new HttpError(401, 'InvalidCredentials', 'Invalid username or password');
    const session = sessions.open(account.id, username);
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
      const perMachine = top === 'Systems' || top === 'Managers' || top === 'Chassis';
      const state = perMachine && id !== undefined ? machines.get(id) : undefined;
      if (perMachine && id !== undefined && !state) {
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
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 30000;
  // Like a BMC that answers plain http:// with a redirect to https://: redfishtool's default mode reads the service
  // root over http. One port serves both; the first byte of a connection tells a TLS handshake from plain HTTP.
  const redirect = http.createServer((req, res) => {
    res.writeHead(308, { Location: `https://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, 'Content-Length': '0' });
    res.end();
  });
  const sockets = new Set<net.Socket>();
  const front = tls
    ? net.createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.once('close', () => sockets.delete(socket));
        socket.once('data', (first: Buffer) =>
          (first[0] === TLS_HANDSHAKE ? server : redirect).emit('connection', replaying(socket, first)),
        );
      })
    : server;
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = front.address() as AddressInfo;
  const baseUrl = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;

  return {
    baseUrl,
    caCert: tls?.caCert,
    systemUrl: (machineId) => `${baseUrl}${systemPath(machineId)}`,
    sessionCount: () => sessions.size,
    expireSessions: () => sessions.clear(),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        for (const detach of detachers) detach();
        subscriptions.close();
        for (const timer of stalls) clearTimeout(timer);
        stalls.clear();
        for (const socket of sockets) socket.destroy();
        front.close(() => resolve());
        server.closeAllConnections();
        redirect.closeAllConnections();
      });
      return closed;
    },
  };
}
