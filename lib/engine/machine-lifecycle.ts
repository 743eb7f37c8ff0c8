/**
 * The machine lifecycle as a declared table (from, event, to). Enrolment checks the BMC before a machine joins the
 * pool, allocation gives it to one device, deprovisioning returns it or parks it for an operator. Every machine state
 * change the engine makes is decided here; lib/store/machines.ts writes it only while the machine is still in the
 * state it was decided from.
 */
import type { MachineState, MachineStateChange } from '../store/machines';

export type MachineEvent = 'verified' | 'verify_failed' | 'allocate' | 'release' | 'park';

export interface MachineTransition {
  from: MachineState;
  event: MachineEvent;
  to: MachineState;
}

export const MACHINE_TRANSITIONS: readonly MachineTransition[] = [
  { from: 'enrolling', event: 'verified', to: 'available' },
  // A machine whose BMC cannot be driven stays out of the pool; enrolling it again is the way back.
  { from: 'enrolling', event: 'verify_failed', to: 'failed' },
  { from: 'available', event: 'allocate', to: 'allocated' },
  { from: 'allocated', event: 'release', to: 'available' },
  // Forced deprovisioning past a BMC failure: the device goes away, the machine waits for an operator.
  { from: 'allocated', event: 'park', to: 'maintenance' },
];

/**
 * `enrolling` is the wait state: its verify job's last attempt ends it in `failed`, the failure state, which rests
 * until the machine is removed. `maintenance` rests until an operator returns the machine.
 */
export const STABLE_MACHINE_STATES: ReadonlySet<MachineState> = new Set(['available', 'allocated', 'maintenance', 'failed']);

const index = new Map(MACHINE_TRANSITIONS.map((tr) => [`${tr.from}:${tr.event}`, tr.to]));

/** The state `event` leads to from `from`, or undefined when the table has no such transition. */
export function nextMachineState(from: MachineState, event: MachineEvent): MachineState | undefined {
  return index.get(`${from}:${event}`);
}

/** The change `event` makes to a machine in its current state, with the columns that change with it; undefined when the table refuses it. */
export function machineChange(
  machine: { id: string; state: MachineState },
  event: MachineEvent,
  columns: Omit<MachineStateChange, 'id' | 'from' | 'to'> = {},
): MachineStateChange | undefined {
  const to = nextMachineState(machine.state, event);
  return to && { id: machine.id, from: machine.state, to, ...columns };
}
