/**
 * The device lifecycle as a declared table (from, event, to). Nothing changes a device's state outside it:
 * `transition()` is the only way, and every applied transition is written to the event log.
 * Wait states have a timeout that ends in `failed` with a message a user can act on.
 */
import type { DeviceStateName } from '../contract/schemas';

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
  | 'delete'
  | 'deprovisioned'
  | 'deprovision_failed';

export interface Transition {
  from: DeviceStateName;
  event: DeviceEvent;
  to: DeviceStateName;
}

const t = (from: DeviceStateName[], event: DeviceEvent, to: DeviceStateName): Transition[] => from.map((f) => ({ from: f, event, to }));

export const DEVICE_TRANSITIONS: readonly Transition[] = [
  ...t(['queued'], 'provision_started', 'provisioning'),
  ...t(['provisioning', 'reinstalling'], 'phone_home', 'active'),
  ...t(['provisioning', 'reinstalling'], 'install_failed', 'failed'),
  ...t(['queued', 'provisioning', 'reinstalling', 'powering_on', 'powering_off', 'deprovisioning'], 'timeout', 'failed'),
  ...t(['active'], 'power_off', 'powering_off'),
  ...t(['powering_off'], 'powered_off', 'inactive'),
  ...t(['inactive'], 'power_on', 'powering_on'),
  ...t(['powering_on'], 'powered_on', 'active'),
  // A failed power action leaves the device where it was, with an event saying why.
  { from: 'powering_on', event: 'power_failed', to: 'inactive' },
  { from: 'powering_off', event: 'power_failed', to: 'active' },
  ...t(['active', 'inactive', 'failed'], 'reinstall', 'reinstalling'),
  ...t(['queued', 'provisioning', 'reinstalling', 'active', 'inactive', 'failed', 'powering_on', 'powering_off'], 'delete', 'deprovisioning'),
  ...t(['deprovisioning'], 'deprovisioned', 'deleted'),
  ...t(['deprovisioning'], 'deprovision_failed', 'failed'),
];

/**
 * States in which the device rests; everything else is a wait state with a timeout. `failed` is the failure state:
 * it rests, with a failure_reason, until the user reinstalls or deletes the device.
 */
export const STABLE_STATES: ReadonlySet<DeviceStateName> = new Set(['active', 'inactive', 'failed', 'deleted']);

const index = new Map(DEVICE_TRANSITIONS.map((tr) => [`${tr.from}:${tr.event}`, tr.to]));

/** The state `event` leads to from `from`, or undefined when the table has no such transition. */
export function nextState(from: DeviceStateName, event: DeviceEvent): DeviceStateName | undefined {
  return index.get(`${from}:${event}`);
}

/** The states from which `event` is allowed (for error messages). */
export function statesAllowing(event: DeviceEvent): DeviceStateName[] {
  return DEVICE_TRANSITIONS.filter((tr) => tr.event === event).map((tr) => tr.from);
}

/** provisioning_percentage at each milestone of an install; the installer's own progress fills the band between. */
export const PROVISIONING_PROGRESS = { queued: 0, started: 10, networkBoot: 30, installerDone: 95, phonedHome: 100 } as const;
