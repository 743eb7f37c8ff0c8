/**
 * The Redfish driver: power, one-time boot override, virtual media and inventory of one ComputerSystem.
 * Every operation is idempotent (state is read first), settings are read back, and vendor values and quirks
 * go through the tables in mappings.ts.
 */
import { Clock, systemClock } from '../../core/clock';
import {
  BmcDriver,
  BmcEndpoint,
  BootDevice,
  BootSetting,
  DriverError,
  DriverFeature,
  MediaStatus,
  PowerAction,
  PowerState,
} from '../types';
import { Json, linkOf, RedfishClient, Resource } from './client';
import { readInventory } from './inventory';
import {
  BOOT_TARGETS,
  bootEnabled,
  bootMode,
  bootSettingOf,
  POWER_STATES,
  RESET_TYPES,
  SETTLED_STATE,
  TRANSITIONAL_POWER_STATES,
  vendorQuirks,
} from './mappings';

export interface RedfishDriverOptions {
  clock?: Clock;
  /** Per HTTP request. @default 30000 */
  requestTimeoutMs?: number;
  /** How long to wait for PowerState to settle after a reset (BMCs often need more than a minute). @default 180000 */
  powerTimeoutMs?: number;
  /** PowerState poll interval. @default 1000 */
  pollIntervalMs?: number;
  /** How long a task monitor may stay in progress. @default 600000 */
  taskTimeoutMs?: number;
  /** Retries of busy answers and of failed reads. @default 5 */
  busyRetries?: number;
  /** First retry backoff, doubled per retry. @default 500 */
  backoffMs?: number;
  /** @default 8000 */
  maxBackoffMs?: number;
  /** Requests in flight to this BMC at once. @default 4 */
  maxConcurrentRequests?: number;
}

const SYSTEMS_PATH = '/redfish/v1/Systems';
const FEATURES: ReadonlySet<DriverFeature> = new Set(['power', 'boot_device', 'virtual_media', 'inventory']);

/** Splits a BMC address into its origin and, when given, the ComputerSystem path. */
function parseAddress(address: string): { origin: URL; systemPath?: string } {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(address) ? address : `https://${address}`);
  } catch {
    throw new DriverError(
      'protocol',
      `Redfish address ${JSON.stringify(address)} is not a URL; use https://host[:port][/redfish/v1/Systems/<id>]`,
    );
  }
  const match = /^(\/redfish\/v1\/Systems\/[^/]+)\/?$/.exec(url.pathname);
  return { origin: new URL(url.origin), systemPath: match?.[1] };
}

export function createRedfishDriver(endpoint: BmcEndpoint, options: RedfishDriverOptions = {}): BmcDriver {
  if (endpoint.driver !== 'redfish') {
    throw new DriverError('unsupported', `createRedfishDriver got an endpoint for the ${endpoint.driver} driver`);
  }
  const clock = options.clock ?? systemClock;
  const powerTimeoutMs = options.powerTimeoutMs ?? 180000;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const { origin, systemPath: givenSystemPath } = parseAddress(endpoint.address);
  const client = new RedfishClient(origin, {
    username: endpoint.username,
    password: endpoint.password,
    caCert: endpoint.caCert,
    insecure: endpoint.insecure,
    timeoutMs: options.requestTimeoutMs ?? 30000,
    clock,
    busyRetries: options.busyRetries ?? 5,
    backoffMs: options.backoffMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 8000,
    maxConcurrentRequests: options.maxConcurrentRequests ?? 4,
    taskTimeoutMs: options.taskTimeoutMs ?? 600000,
  });
  const bmc = client.bmc;

  let systemPathPromise: Promise<string> | undefined;
  /** The ComputerSystem path: from the address, else the only member of /redfish/v1/Systems. */
  function systemPath(): Promise<string> {
    if (givenSystemPath) return Promise.resolve(givenSystemPath);
    systemPathPromise ??= client.get(SYSTEMS_PATH).then(({ body }) => {
      const paths = (Array.isArray(body.Members) ? body.Members : []).map(linkOf).filter((p): p is string => p !== undefined);
      if (paths.length === 1) return paths[0];
      systemPathPromise = undefined;
      if (paths.length === 0) throw new DriverError('unsupported', `BMC ${bmc} lists no ComputerSystem this account may see`);
      throw new DriverError(
        'protocol',
        `BMC ${bmc} lists ${paths.length} systems; put the system path in the address (…/redfish/v1/Systems/<id>)`,
      );
    });
    return systemPathPromise;
  }

  async function getSystem(): Promise<Resource & { path: string }> {
    const path = await systemPath();
    return { path, ...(await client.get(path)) };
  }

  function powerStateOf(system: Json): PowerState {
    const state = POWER_STATES[String(system.PowerState)];
    if (!state) throw new DriverError('protocol', `BMC ${bmc} reports an unknown PowerState ${JSON.stringify(system.PowerState)}`);
    return state;
  }

  /** Polls PowerState until it is settled (not transitional) and, when given, equal to `target`. */
  async function waitForPower(target: PowerState | undefined, after: string): Promise<Json> {
    const deadline = clock.now().getTime() + powerTimeoutMs;
    for (;;) {
      const { body } = await getSystem();
      const reported = String(body.PowerState);
      if (!TRANSITIONAL_POWER_STATES.has(reported) && (target === undefined || powerStateOf(body) === target)) return body;
      if (clock.now().getTime() >= deadline) {
        throw new DriverError(
          'timeout',
          `BMC ${bmc}: PowerState was still ${reported} ${powerTimeoutMs} ms after ${after}; the machine may be stuck, check its console`,
        );
      }
      await clock.sleep(pollIntervalMs);
    }
  }

  function resetTypeFor(action: PowerAction, system: Json): string | undefined {
    const reset = (system.Actions as Record<string, Json> | undefined)?.['#ComputerSystem.Reset'];
    const allowed = reset?.['ResetType@Redfish.AllowableValues'];
    const candidates = RESET_TYPES[action];
    return Array.isArray(allowed) ? candidates.find((c) => allowed.includes(c)) : candidates[0];
  }

  function resetTarget(system: Json, path: string): string {
    const reset = (system.Actions as Record<string, Json> | undefined)?.['#ComputerSystem.Reset'];
    return typeof reset?.target === 'string' ? reset.target : `${path}/Actions/ComputerSystem.Reset`;
  }

  /** POSTs a ResetType. A 409 on On is re-checked: already on is success; still off is retried per vendor. */
  async function postReset(system: Json, path: string, resetType: string): Promise<void> {
    const target = resetTarget(system, path);
    const retries = vendorQuirks(system.Manufacturer).powerOnConflictRetries;
    for (let attempt = 0; ; attempt++) {
      const answer = await client.action(target, { ResetType: resetType }, { retryConflict: resetType !== 'On' });
      if (answer.status !== 409) return;
      const { body } = await getSystem();
      if (powerStateOf(body) === 'on' && !TRANSITIONAL_POWER_STATES.has(String(body.PowerState))) return;
      if (attempt >= retries) {
        throw new DriverError('busy', `BMC ${bmc} refused ResetType On (409) while the system is ${String(body.PowerState)}; retry later`);
      }
      await clock.sleep(client.backoff(attempt));
    }
  }

  async function setPower(action: PowerAction): Promise<void> {
    const found = await getSystem();
    const { path } = found;
    let system = found.body;
    if (TRANSITIONAL_POWER_STATES.has(String(system.PowerState))) system = await waitForPower(undefined, 'an earlier transition');
    const current = powerStateOf(system);
    if (current === SETTLED_STATE[action] && (action === 'on' || action === 'off' || action === 'soft_off')) return;
    // Cycling or resetting a machine that is off leaves it on, the state those actions end in.
    const effective: PowerAction = current === 'off' && (action === 'cycle' || action === 'reset') ? 'on' : action;
    const resetType = resetTypeFor(effective, system);
    if (!resetType) {
      if (effective === 'cycle') {
        // No PowerCycle on this BMC: hard off, then on (what Ironic does for a reboot).
        await setPower('off');
        return setPower('on');
      }
      throw new DriverError(
        'unsupported',
        `BMC ${bmc} allows none of the ResetTypes ${RESET_TYPES[effective].join(', ')} needed for ${action}`,
      );
    }
    await postReset(system, path, resetType);
    await waitForPower(SETTLED_STATE[effective], `ResetType ${resetType}`);
  }

  async function getBootDevice(): Promise<BootSetting> {
    const { body } = await getSystem();
    const setting = bootSettingOf(body.Boot as Json | undefined);
    if (!setting) {
      throw new DriverError(
        'unsupported',
        `BMC ${bmc} reports boot target ${String(
          (body.Boot as Json | undefined)?.BootSourceOverrideTarget,
        )}, which metalforge does not model`,
      );
    }
    return setting;
  }

  async function setBootDevice(device: BootDevice, opts: { persistent?: boolean; efi?: boolean } = {}): Promise<void> {
    const persistent = opts.persistent ?? false;
    const efi = opts.efi ?? true;
    const system = await getSystem();
    const currentBoot = (system.body.Boot ?? {}) as Json;
    const target = vendorQuirks(system.body.Manufacturer).bootTargets[device] ?? BOOT_TARGETS[device];
    const allowed = currentBoot['BootSourceOverrideTarget@Redfish.AllowableValues'];
    if (Array.isArray(allowed) && !allowed.includes(target)) {
      throw new DriverError('unsupported', `BMC ${bmc} does not offer boot target ${target} (allowed: ${allowed.join(', ')})`);
    }
    // Enabled is always sent: Supermicro rejects a target without it, and it carries one-time vs persistent.
    const boot: Json = { BootSourceOverrideTarget: target, BootSourceOverrideEnabled: bootEnabled(persistent) };
    if ('BootSourceOverrideMode' in currentBoot) boot.BootSourceOverrideMode = bootMode(efi);

    const settingsPath = linkOf((system.body['@Redfish.Settings'] as Json | undefined)?.SettingsObject);
    const patchPath = settingsPath ?? system.path;
    const etag = settingsPath ? (await client.get(settingsPath)).etag : system.etag;
    await client.patch(patchPath, { Boot: boot }, etag);

    const readBack = ((await client.get(patchPath)).body.Boot ?? {}) as Json;
    const dropped = Object.entries(boot).filter(([field, value]) => readBack[field] !== value);
    if (dropped.length > 0) {
      throw new DriverError(
        'not_applied',
        `BMC ${bmc} accepted boot override ${target} but reads back ${dropped
          .map(([f]) => `${f}=${String(readBack[f])}`)
          .join(', ')}; the BMC dropped the setting, retry or check its firmware`,
      );
    }
  }

  let mediaSlotPromise: Promise<string> | undefined;
  /** The first CD/DVD VirtualMedia slot, under the system's Manager or the system itself. */
  function mediaSlot(): Promise<string> {
    mediaSlotPromise ??= (async () => {
      const { body: system } = await getSystem();
      const managers = Array.isArray((system.Links as Json | undefined)?.ManagedBy) ? ((system.Links as Json).ManagedBy as unknown[]) : [];
      const collections = [linkOf(system.VirtualMedia)];
      for (const manager of managers.map(linkOf).filter((m): m is string => m !== undefined)) {
        collections.push(linkOf((await client.get(manager)).body.VirtualMedia));
      }
      for (const path of collections.filter((c): c is string => c !== undefined)) {
        const { body } = await client.get(path);
        for (const slot of (Array.isArray(body.Members) ? body.Members : []).map(linkOf)) {
          if (!slot) continue;
          const types = (await client.get(slot)).body.MediaTypes;
          if (Array.isArray(types) && types.some((t) => t === 'CD' || t === 'DVD')) return slot;
        }
      }
      throw new DriverError('unsupported', `BMC ${bmc} has no CD/DVD virtual media slot`);
    })().catch((error: unknown) => {
      mediaSlotPromise = undefined;
      throw error;
    });
    return mediaSlotPromise;
  }

  const statusOf = (slot: Json): MediaStatus =>
    slot.Inserted === true && typeof slot.Image === 'string' && slot.Image.length > 0
      ? { inserted: true, image: slot.Image }
      : { inserted: false };

  async function mediaStatus(): Promise<MediaStatus> {
    return statusOf((await client.get(await mediaSlot())).body);
  }

  /** Runs the slot's action when it has one, else PATCHes the slot; then reads back. */
  async function changeMedia(slotPath: string, slot: Resource, want: MediaStatus): Promise<void> {
    const actions = (slot.body.Actions ?? {}) as Record<string, Json>;
    const action = actions[want.inserted ? '#VirtualMedia.InsertMedia' : '#VirtualMedia.EjectMedia'];
    if (typeof action?.target === 'string') await client.action(action.target, want.inserted ? { Image: want.image } : {});
    else
      await client.patch(
        slotPath,
        want.inserted ? { Image: want.image, Inserted: true, WriteProtected: true } : { Image: null, Inserted: false },
        slot.etag,
      );
    const now = statusOf((await client.get(slotPath)).body);
    if (now.inserted !== want.inserted || now.image !== want.image) {
      throw new DriverError(
        'not_applied',
        `BMC ${bmc}: virtual media ${
          want.inserted ? `insert of ${want.image}` : 'eject'
        } was accepted but the slot reads ${now.inserted ? `inserted ${now.image}` : 'empty'}`,
      );
    }
  }

  async function insertMedia(imageUrl: string): Promise<void> {
    const slotPath = await mediaSlot();
    let slot = await client.get(slotPath);
    const current = statusOf(slot.body);
    if (current.inserted && current.image === imageUrl) return;
    if (current.inserted) {
      await changeMedia(slotPath, slot, { inserted: false });
      slot = await client.get(slotPath);
    }
    await changeMedia(slotPath, slot, { inserted: true, image: imageUrl });
  }

  async function ejectMedia(): Promise<void> {
    const slotPath = await mediaSlot();
    const slot = await client.get(slotPath);
    if (!statusOf(slot.body).inserted) return;
    await changeMedia(slotPath, slot, { inserted: false });
  }

  return {
    name: 'redfish',
    features: FEATURES,
    power: {
      powerState: async () => powerStateOf((await getSystem()).body),
      setPower,
    },
    boot: { getBootDevice, setBootDevice },
    media: { insertMedia, ejectMedia, mediaStatus },
    inventory: { inventory: async () => readInventory(client, (await getSystem()).body) },
    close: () => client.close(),
  };
}
