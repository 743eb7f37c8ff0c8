/**
 * The device lifecycle as a declared table (from, event, to). Nothing changes a device's state outside it:
 * `transition()` is the only way, and every applied transition is written to the event log.
 * Wait states have a timeout that ends in `failed` with a message a user can act on.
 */
import { DEVICE_STATES, type DeviceStateName } from '../contract/schemas';

/**
 * Rescue mode, which the spec's Device.state has no value for: `rescuing` while the machine network-boots the
 * in-memory rescue system, `rescue` once that system phoned home. The API shows them as the spec states a client
 * can act on (see shownState), so strict clients that check the enum keep working.
 */
export const RESCUE_STATES = ['rescuing', 'rescue'] as const;
export const LIFECYCLE_STATES = [...DEVICE_STATES, ...RESCUE_STATES] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

export type DeviceEvent =
  | 'provision_started'
  | 'phone_home'
  | 'install_failed'
  | 'timeout'
  | 'power_off'
  | 'powered_off'
  | 'power_on'
  | 'powered_on'
  | 'power_failed'
  | 'reinstall'
  | 'rescue'
  | 'reboot'
  | 'delete'
  | 'deprovisioned'
  | 'deprovision_failed';

export interface Transition {
  from: LifecycleState;
  event: DeviceEvent;
  to: LifecycleState;
}

const t = (from: LifecycleState[], event: DeviceEvent, to: LifecycleState): Transition[] => from.map((f) => ({ from: f, event, to }));

export const DEVICE_TRANSITIONS: readonly Transition[] = [
  ...t(['queued'], 'provision_started', 'provisioning'),
  ...t(['provisioning', 'reinstalling'], 'phone_home', 'active'),
  ...t(['provisioning', 'reinstalling'], 'install_failed', 'failed'),
  ...t(['queued', 'provisioning', 'reinstalling', 'powering_on', 'powering_off', 'deprovisioning', 'rescuing'], 'timeout', 'failed'),
  ...t(['active', 'rescue'], 'power_off', 'powering_off'),
  ...t(['powering_off'], 'powered_off', 'inactive'),
  ...t(['inactive'], 'power_on', 'powering_on'),
  ...t(['powering_on'], 'powered_on', 'active'),
  // A failed power action leaves the device where it was, with an event saying why.
  { from: 'powering_on', event: 'power_failed', to: 'inactive' },
  { from: 'powering_off', event: 'power_failed', to: 'active' },
  // Rescue reboots into an in-memory system and leaves the disk alone; a BMC that could not reboot the machine
  // leaves it running its own OS. A reboot boots the disk again (an active device reboots in place).
  { from: 'active', event: 'rescue', to: 'rescuing' },
  { from: 'rescuing', event: 'phone_home', to: 'rescue' },
  { from: 'rescuing', event: 'power_failed', to: 'active' },
  ...t(['active', 'rescue'], 'reboot', 'active'),
  ...t(['active', 'inactive', 'failed', 'rescue'], 'reinstall', 'reinstalling'),
  ...t(
    ['queued', 'provisioning', 'reinstalling', 'active', 'inactive', 'failed', 'powering_on', 'powering_off', 'rescuing', 'rescue'],
    'delete',
    'deprovisioning',
  ),
  ...t(['deprovisioning'], 'deprovisioned', 'deleted'),
  ...t(['deprovisioning'], 'deprovision_failed', 'failed'),
];

/**
 * States in which the device rests; everything else is a wait state with a timeout. `failed` is the failure state:
 * it rests, with a failure_reason, until the user reinstalls or deletes the device.
 */
export const STABLE_STATES: ReadonlySet<LifecycleState> = new Set(['active', 'inactive', 'failed', 'deleted', 'rescue']);

const index = new Map(DEVICE_TRANSITIONS.map((tr) => [`${tr.from}:${tr.event}`, tr.to]));

/** The state `event` leads to from `from`, or undefined when the table has no such transition. */
export function nextState(from: LifecycleState, event: DeviceEvent): LifecycleState | undefined {
  return index.get(`${from}:${event}`);
}

/** The states from which `event` is allowed (for error messages). */
export function statesAllowing(event: DeviceEvent): LifecycleState[] {
  return DEVICE_TRANSITIONS.filter((tr) => tr.event === event).map((tr) => tr.from);
}

/**
 * The spec state the API shows for a lifecycle state: booting the rescue system is powering on (the machine is
 * down and coming up), a device in rescue is active (up, reachable over SSH). Events name the rescue states.
 */
const SHOWN_AS: Record<(typeof RESCUE_STATES)[number], DeviceStateName> = { rescuing: 'powering_on', rescue: 'active' };

export function shownState(state: LifecycleState): DeviceStateName {
  return state === 'rescuing' || state === 'rescue' ? SHOWN_AS[state] : state;
}

/** The lifecycle states the API shows as one of `shown` (a state filter in API terms, in the engine's). */
export function statesShownAs(shown: readonly string[]): LifecycleState[] {
  return LIFECYCLE_STATES.filter((s) => shown.includes(shownState(s)));
}

/** Network boots whose system phones home with a one-time token, and the state the device waits in meanwhile. */
export const NETWORK_BOOT_STATES = ['provisioning', 'reinstalling', 'rescuing'] as const satisfies readonly LifecycleState[];

/** provisioning_percentage at each milestone of an install; the installer's own progress fills the band between. */
export const PROVISIONING_PROGRESS = { queued: 0, started: 10, networkBoot: 30, installerDone: 95, phonedHome: 100 } as const;
