/**
 * The device states as the API shows them, with what the console says about each. Resting states end a wait; from
 * any other the device moves on by itself, so the console holds a wait_for_state request on it to see the next.
 * The table is keyed by the contract's state names, so a state added there fails the console's type check here.
 */
import type { DeviceStateName } from '../../contract/schemas';

export type { DeviceStateName };

export const DEVICE_STATE_INFO: Record<DeviceStateName, { label: string; resting: boolean }> = {
  queued: { label: 'queued', resting: false },
  provisioning: { label: 'provisioning', resting: false },
  deprovisioning: { label: 'deprovisioning', resting: false },
  reinstalling: { label: 'reinstalling', resting: false },
  active: { label: 'active', resting: true },
  inactive: { label: 'powered off', resting: true },
  failed: { label: 'failed', resting: true },
  powering_on: { label: 'powering on', resting: false },
  powering_off: { label: 'powering off', resting: false },
  deleted: { label: 'deleted', resting: true },
};

export const DEVICE_STATES = Object.keys(DEVICE_STATE_INFO) as DeviceStateName[];

/** The wait_for_state value that ends a wait as soon as the device leaves `state`. */
export const anyStateBut = (state: DeviceStateName): string => DEVICE_STATES.filter((s) => s !== state).join(',');
