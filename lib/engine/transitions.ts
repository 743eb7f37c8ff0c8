/**
 * Applies device state changes in batches: one SELECT, then one statement that updates the devices and logs
 * their events, whatever the batch size. Every change goes through the declared lifecycle table.
 */
import type { Queryable } from '../store/database';
import { deviceStates, writeDeviceStates, type DevicePatch, type DeviceStateRow } from '../store/devices';
import type { NewEvent } from '../store/events';
import { newId } from '../core/ids';
import { DeviceEvent, LifecycleState, nextState, statesAllowing } from './lifecycle';

// Other services log events through the engine's transitions module.

export interface TransitionRequest {
  deviceId: string;
  /** null = no state change: only the patch (and the message, when given, as an event) is applied. */
  event: DeviceEvent | null;
  /** Only apply when the device is in one of these states (guards against stale jobs). */
  onlyFrom?: LifecycleState[];
  /** Only apply while this install (install_generation) is the device's current one. */
  onlyGeneration?: number;
  patch?: DevicePatch;
  /** Event log text; defaults to a sentence naming the transition. */
  message?: string;
}

export type TransitionResult =
  { ok: true; from: LifecycleState; to: LifecycleState } | { ok: false; state?: LifecycleState; error: string };

type DeviceState = DeviceStateRow<LifecycleState>;

/** Rounds of optimistic retries before a transition batch gives up on a device that keeps changing. */
const MAX_ATTEMPTS = 5;

/**
 * Optimistic: the batch reads its devices without locks, decides every request against the lifecycle table, and
 * writes each device only if its state and install are still the ones read. A device changed meanwhile (another
 * engine on the same PostgreSQL) is read and decided again. A lock-free read saves a tuple write per device,
 * which is most of a transition's cost on PGlite.
 */
export async function applyTransitions(tx: Queryable, requests: TransitionRequest[], now: Date): Promise<TransitionResult[]> {
  const results: TransitionResult[] = new Array(requests.length);
  let pending = requests.map((_, i) => i);
  for (let attempt = 1; pending.length; attempt++) {
    const ids = [...new Set(pending.map((i) => requests[i].deviceId))];
    const rows = await deviceStates<LifecycleState>(tx, ids);
    const read = new Map(rows.map((r) => [r.id, { ...r }]));
    const current = new Map(rows.map((r) => [r.id, r]));
    const updates: { id: string; to: string; patch: DevicePatch }[] = [];
    const events: (NewEvent & { device_id: string })[] = [];
    for (const i of pending) results[i] = decide(requests[i], current.get(requests[i].deviceId), updates, events);
    const merged = lastPerDevice(updates).map((u) => ({
      ...u,
      from: read.get(u.id)!.state,
      generation: read.get(u.id)!.install_generation,
    }));
    // One statement writes the devices and logs the events of those written.
    const written = new Set(await writeDeviceStates(tx, merged, events, now));
    const conflicted = new Set(merged.filter((u) => !written.has(u.id)).map((u) => u.id));
    pending = pending.filter((i) => conflicted.has(requests[i].deviceId));
    if (pending.length && attempt >= MAX_ATTEMPTS) {
      for (const i of pending) results[i] = { ok: false, error: `device ${requests[i].deviceId} kept changing; try again` };
      break;
    }
  }
  return results;
}

/** Decides one request against the device as the batch has it so far (`row` moves with applied transitions). */
function decide(
  req: TransitionRequest,
  row: DeviceState | undefined,
  updates: { id: string; to: string; patch: DevicePatch }[],
  events: (NewEvent & { device_id: string })[],
): TransitionResult {
  if (!row) return { ok: false, error: `device ${req.deviceId} not found` };
  const from = row.state;
  if (req.onlyFrom && !req.onlyFrom.includes(from)) return { ok: false, state: from, error: `device is ${from}` };
  if (req.onlyGeneration !== undefined && req.onlyGeneration !== row.install_generation)
    return { ok: false, state: from, error: 'a newer install has started' };
  if (req.event === null) {
    updates.push({ id: row.id, to: from, patch: req.patch ?? {} });
    if (req.message)
      events.push({ id: newId(), type: 'instance.update', body: req.message, project_id: row.project_id, device_id: row.id });
    return { ok: true, from, to: from };
  }
  const to = nextState(from, req.event);
  if (!to) {
    return {
      ok: false,
      state: from,
      error: `the device is ${from}; ${req.event.replace(/_/g, ' ')} is possible only when it is ${statesAllowing(req.event).join(', ')}`,
    };
  }
  row.state = to; // later requests in the same batch see the new state
  updates.push({ id: row.id, to, patch: req.patch ?? {} });
  events.push({
    id: newId(),
    type: `instance.${req.event}`,
    body: req.message ?? `${row.hostname}: ${from} → ${to} (${req.event.replace(/_/g, ' ')})`,
    project_id: row.project_id,
    device_id: row.id,
    from_state: from,
    transition: req.event,
    to_state: to,
  });
  return { ok: true, from, to };
}

/** Several transitions of one device in a batch collapse into its final state with all patches merged. */
function lastPerDevice(updates: { id: string; to: string; patch: DevicePatch }[]) {
  const merged = new Map<string, { id: string; to: string; patch: DevicePatch }>();
  for (const u of updates) {
    const prev = merged.get(u.id);
    merged.set(u.id, { id: u.id, to: u.to, patch: { ...(prev?.patch ?? {}), ...u.patch } });
  }
  return [...merged.values()];
}
