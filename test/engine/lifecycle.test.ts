import { DEVICE_STATES } from '../../lib/contract/schemas';
import {
  DEVICE_TRANSITIONS,
  DeviceEvent,
  LIFECYCLE_STATES,
  nextState,
  shownState,
  STABLE_STATES,
  statesAllowing,
  statesShownAs,
} from '../../lib/engine/lifecycle';

const EVENTS: DeviceEvent[] = [
  'provision_started',
  'phone_home',
  'install_failed',
  'timeout',
  'power_off',
  'powered_off',
  'power_on',
  'powered_on',
  'power_failed',
  'reinstall',
  'rescue',
  'reboot',
  'delete',
  'deprovisioned',
  'deprovision_failed',
];

describe('device lifecycle table', () => {
  it('uses only known states and declares each (from, event) once', () => {
    const keys = DEVICE_TRANSITIONS.map((t) => `${t.from}:${t.event}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of DEVICE_TRANSITIONS) {
      expect(LIFECYCLE_STATES).toContain(t.from);
      expect(LIFECYCLE_STATES).toContain(t.to);
    }
  });

  it('declares a transition for every event', () => {
    for (const event of EVENTS) expect(statesAllowing(event).length).toBeGreaterThan(0);
  });

  it('follows the Metal lifecycle', () => {
    expect(nextState('queued', 'provision_started')).toBe('provisioning');
    expect(nextState('provisioning', 'phone_home')).toBe('active');
    expect(nextState('active', 'power_off')).toBe('powering_off');
    expect(nextState('powering_off', 'powered_off')).toBe('inactive');
    expect(nextState('inactive', 'power_on')).toBe('powering_on');
    expect(nextState('powering_on', 'powered_on')).toBe('active');
    expect(nextState('active', 'reinstall')).toBe('reinstalling');
    expect(nextState('reinstalling', 'phone_home')).toBe('active');
    expect(nextState('active', 'delete')).toBe('deprovisioning');
    expect(nextState('deprovisioning', 'deprovisioned')).toBe('deleted');
    expect(nextState('provisioning', 'install_failed')).toBe('failed');
    expect(nextState('deprovisioning', 'deprovision_failed')).toBe('failed');
  });

  it('refuses what the table does not declare', () => {
    expect(nextState('active', 'power_on')).toBeUndefined();
    expect(nextState('deleted', 'delete')).toBeUndefined();
    expect(nextState('deleted', 'reinstall')).toBeUndefined();
    expect(nextState('queued', 'phone_home')).toBeUndefined();
    expect(nextState('inactive', 'power_off')).toBeUndefined();
    expect(statesAllowing('power_on')).toEqual(['inactive']);
  });

  it('rescues an active device into an in-memory system and brings it back with a reboot or a reinstall', () => {
    expect(nextState('active', 'rescue')).toBe('rescuing');
    expect(nextState('rescuing', 'phone_home')).toBe('rescue');
    expect(nextState('rescuing', 'timeout')).toBe('failed');
    // The BMC could not reboot it: the machine still runs the OS of its disk.
    expect(nextState('rescuing', 'power_failed')).toBe('active');
    expect(nextState('rescue', 'reboot')).toBe('active');
    expect(nextState('rescue', 'reinstall')).toBe('reinstalling');
    expect(nextState('rescue', 'power_off')).toBe('powering_off');
    expect(nextState('rescue', 'delete')).toBe('deprovisioning');
    expect(nextState('rescuing', 'delete')).toBe('deprovisioning');
    expect(statesAllowing('rescue')).toEqual(['active']);
    for (const s of ['queued', 'provisioning', 'reinstalling', 'inactive', 'failed', 'rescuing', 'rescue'] as const)
      expect(nextState(s, 'rescue')).toBeUndefined();
    expect(STABLE_STATES.has('rescue')).toBe(true);
  });

  it('shows every lifecycle state as a state of the spec, and filters by the states it shows', () => {
    for (const s of LIFECYCLE_STATES) expect(DEVICE_STATES).toContain(shownState(s));
    expect(shownState('rescuing')).toBe('powering_on');
    expect(shownState('rescue')).toBe('active');
    expect(statesShownAs(['active'])).toEqual(['active', 'rescue']);
    expect(statesShownAs(['failed', 'queued'])).toEqual(['queued', 'failed']);
  });

  it('every wait state can time out into failed; deleted is terminal; every other state can be left', () => {
    const waitStates = LIFECYCLE_STATES.filter((s) => !STABLE_STATES.has(s));
    for (const s of waitStates) expect(nextState(s, 'timeout')).toBe('failed');
    expect(DEVICE_TRANSITIONS.filter((t) => t.from === 'deleted')).toEqual([]);
    for (const s of LIFECYCLE_STATES.filter((x) => x !== 'deleted')) {
      expect(DEVICE_TRANSITIONS.some((t) => t.from === s)).toBe(true);
    }
  });

  it('every state except queued is reachable from queued', () => {
    const reached = new Set<string>(['queued']);
    for (let changed = true; changed;) {
      changed = false;
      for (const t of DEVICE_TRANSITIONS) {
        if (reached.has(t.from) && !reached.has(t.to)) {
          reached.add(t.to);
          changed = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...LIFECYCLE_STATES].sort());
  });
});
