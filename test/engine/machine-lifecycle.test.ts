import {
  MACHINE_TRANSITIONS,
  MachineEvent,
  machineChange,
  nextMachineState,
  STABLE_MACHINE_STATES,
} from '../../lib/engine/machine-lifecycle';
import type { MachineState } from '../../lib/store/machines';

const STATES: MachineState[] = ['enrolling', 'available', 'allocated', 'maintenance', 'failed'];
const EVENTS: MachineEvent[] = ['verified', 'verify_failed', 'allocate', 'release', 'park'];

describe('machine lifecycle table', () => {
  it('uses only known states and declares each (from, event) once', () => {
    const keys = MACHINE_TRANSITIONS.map((t) => `${t.from}:${t.event}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of MACHINE_TRANSITIONS) {
      expect(STATES).toContain(t.from);
      expect(STATES).toContain(t.to);
    }
  });

  it('declares a transition for every event', () => {
    for (const event of EVENTS) expect(MACHINE_TRANSITIONS.some((t) => t.event === event)).toBe(true);
  });

  it('enrols, allocates and returns machines', () => {
    expect(nextMachineState('enrolling', 'verified')).toBe('available');
    expect(nextMachineState('enrolling', 'verify_failed')).toBe('failed');
    expect(nextMachineState('available', 'allocate')).toBe('allocated');
    expect(nextMachineState('allocated', 'release')).toBe('available');
    expect(nextMachineState('allocated', 'park')).toBe('maintenance');
  });

  it('refuses what the table does not declare', () => {
    expect(nextMachineState('allocated', 'allocate')).toBeUndefined();
    expect(nextMachineState('enrolling', 'allocate')).toBeUndefined();
    expect(nextMachineState('maintenance', 'allocate')).toBeUndefined();
    expect(nextMachineState('failed', 'allocate')).toBeUndefined();
    expect(nextMachineState('available', 'verified')).toBeUndefined();
    expect(nextMachineState('available', 'release')).toBeUndefined();
    // Only an enrolling machine's check decides it; a later failure of its BMC does not fail a machine in use.
    for (const s of STATES.filter((x) => x !== 'enrolling')) expect(nextMachineState(s, 'verify_failed')).toBeUndefined();
  });

  it('allocates only available machines', () => {
    expect(MACHINE_TRANSITIONS.filter((t) => t.event === 'allocate').map((t) => t.from)).toEqual(['available']);
  });

  it('every wait state has a way to the pool and to failure; every state is reachable from enrolling', () => {
    for (const s of STATES.filter((x) => !STABLE_MACHINE_STATES.has(x))) {
      expect(MACHINE_TRANSITIONS.some((t) => t.from === s && t.to === 'available')).toBe(true);
      expect(MACHINE_TRANSITIONS.some((t) => t.from === s && t.to === 'failed')).toBe(true);
    }
    const reached = new Set<string>(['enrolling']);
    for (let changed = true; changed;) {
      changed = false;
      for (const t of MACHINE_TRANSITIONS) {
        if (reached.has(t.from) && !reached.has(t.to)) {
          reached.add(t.to);
          changed = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...STATES].sort());
  });

  it('decides a change from the state the machine was read in, with the columns that change with it', () => {
    expect(machineChange({ id: 'm', state: 'allocated' }, 'release', { device_id: null })).toEqual({
      id: 'm',
      from: 'allocated',
      to: 'available',
      device_id: null,
    });
    expect(machineChange({ id: 'm', state: 'maintenance' }, 'release')).toBeUndefined();
  });
});
