/**
 * Applies device state changes in batches: one locking SELECT, one UPDATE and one INSERT into the event log per
 * batch, whatever its size. Every change goes through the declared lifecycle table.
 */
import type { DeviceStateName } from '../contract/schemas';
import type { Queryable } from '../store/database';
import { newId } from './ids';
import { DeviceEvent, nextState, statesAllowing } from './lifecycle';

/** Device columns a transition may also set, with their SQL types. */
const PATCHABLE = {
  provisioning_percentage: 'float8',
  failure_reason: 'text',
  deadline: 'timestamptz',
  phone_home_hash: 'text',
  machine_id: 'uuid',
  operating_system_id: 'uuid',
  root_password: 'text',
  termination_time: 'timestamptz',
  deleted_at: 'timestamptz',
  userdata: 'text',
  install_generation: 'int',
} as const;

export type DevicePatch = Partial<Record<keyof typeof PATCHABLE, string | number | null>>;

export interface TransitionRequest {
  deviceId: string;
  /** null = no state change: only the patch (and the message, when given, as an event) is applied. */
  event: DeviceEvent | null;
  /** Only apply when the device is in one of these states (guards against stale jobs). */
  onlyFrom?: DeviceStateName[];
  patch?: DevicePatch;
  /** Event log text; defaults to a sentence naming the transition. */
  message?: string;
}

export type TransitionResult = { ok: true; from: DeviceStateName; to: DeviceStateName } | { ok: false; state?: DeviceStateName; error: string };

const SET_CLAUSES = Object.entries(PATCHABLE)
  .map(([col, type]) => `${col} = CASE WHEN v.patch ? '${col}' THEN (v.patch->>'${col}')::${type} ELSE d.${col} END`)
  .join(',\n  ');

export async function applyTransitions(tx: Queryable, requests: TransitionRequest[], now: Date): Promise<TransitionResult[]> {
  if (!requests.length) return [];
  const ids = [...new Set(requests.map((r) => r.deviceId))];
  const rows = await tx.query<{ id: string; state: DeviceStateName; project_id: string; hostname: string }>(
    'SELECT id, state, project_id, hostname FROM devices WHERE id = ANY($1::uuid[]) FOR UPDATE',
    [ids],
  );
  const current = new Map(rows.map((r) => [r.id, r]));
  const updates: { id: string; to: string; patch: DevicePatch }[] = [];
  const events: Record<string, unknown>[] = [];
  const results: TransitionResult[] = requests.map((req) => {
    const row = current.get(req.deviceId);
    if (!row) return { ok: false, error: `device ${req.deviceId} not found` };
    const from = row.state;
    if (req.onlyFrom && !req.onlyFrom.includes(from)) return { ok: false, state: from, error: `device is ${from}` };
    if (req.event === null) {
      updates.push({ id: row.id, to: from, patch: req.patch ?? {} });
      if (req.message) events.push({ id: newId(), type: 'instance.update', body: req.message, project_id: row.project_id, device_id: row.id });
      return { ok: true, from, to: from };
    }
    const to = nextState(from, req.event);
    if (!to) {
      return { ok: false, state: from, error: `the device is ${from}; ${req.event.replace(/_/g, ' ')} is possible only when it is ${statesAllowing(req.event).join(', ')}` };
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
  });
  if (updates.length) {
    await tx.query(
      `UPDATE devices d SET state = v.to_state, updated_at = $2,
  ${SET_CLAUSES}
FROM (SELECT x->>'id' AS id, x->>'to' AS to_state, x->'patch' AS patch FROM jsonb_array_elements($1::jsonb) x) v
WHERE d.id = v.id::uuid`,
      [JSON.stringify(lastPerDevice(updates)), now.toISOString()],
    );
    await insertEvents(tx, events, now);
  }
  return results;
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

/** Multi-row insert into the event log. */
export async function insertEvents(tx: Queryable, events: Record<string, unknown>[], now: Date): Promise<void> {
  if (!events.length) return;
  await tx.query(
    `INSERT INTO events (id, type, body, state, project_id, device_id, from_state, transition, to_state, created_at)
SELECT (x->>'id')::uuid, x->>'type', x->>'body', coalesce(x->>'state', 'done'), (x->>'project_id')::uuid, (x->>'device_id')::uuid,
  x->>'from_state', x->>'transition', x->>'to_state', $2
FROM jsonb_array_elements($1::jsonb) x`,
    [JSON.stringify(events), now.toISOString()],
  );
}
