/** Machines: the hardware behind devices. */
import type { DriverName, HardwareInventory } from '../core/hardware';
import type { PlanSpecs } from '../contract/schemas';
import type { Queryable } from './database';

/** The states the machines table allows (its CHECK constraint); engine/machine-lifecycle.ts moves machines between them. */
export type MachineState = 'enrolling' | 'available' | 'allocated' | 'maintenance' | 'failed';

export interface MachineRow {
  id: string;
  name: string;
  state: MachineState;
  facility_id: string;
  plan_id: string;
  /** Global enrolment number; derives the machine's (simulated) addresses. */
  ordinal: number;
  macs: string[];
  bmc_driver: DriverName;
  bmc_address: string;
  bmc_username: string | null;
  /** Sealed (lib/engine/secrets.ts); never returned or logged. */
  bmc_secret: string | null;
  bmc_options: { insecure?: boolean; ca_cert?: string };
  inventory: unknown;
  last_error: string | null;
  device_id: string | null;
  created_at: Date | string;
}

/** What driving a machine's BMC needs. */
export type BmcMachine = Pick<
  MachineRow,
  'id' | 'name' | 'state' | 'bmc_driver' | 'bmc_address' | 'bmc_username' | 'bmc_secret' | 'bmc_options'
>;

/** An available machine picked for a device. */
export type FreeMachine = Pick<MachineRow, 'id' | 'facility_id' | 'ordinal' | 'macs'>;

/**
 * A machine state change decided from `from` (engine/machine-lifecycle.ts), with the columns that change with it.
 * Written only while the machine is still in `from`.
 */
export interface MachineStateChange {
  id: string;
  from: MachineState;
  to: MachineState;
  /** Set when present (null frees the machine). */
  device_id?: string | null;
  last_error?: string | null;
  inventory?: HardwareInventory | null;
}

export function bmcMachines(db: Queryable, ids: string[]): Promise<BmcMachine[]> {
  return db.query<BmcMachine>(
    'SELECT id, name, state, bmc_driver, bmc_address, bmc_username, bmc_secret, bmc_options FROM machines WHERE id = ANY($1::uuid[])',
    [ids],
  );
}

/**
 * Locks up to `limit` available machines of the plan in the facilities, skipping those other transactions hold
 * (so concurrent batches on several servers never pick the same machine) and `exclude` (this transaction's own
 * picks, which SKIP LOCKED does not skip).
 */
export function lockFreeMachines(
  tx: Queryable,
  planId: string,
  facilityIds: string[],
  limit: number,
  exclude: string[] = [],
): Promise<FreeMachine[]> {
  return tx.query<FreeMachine>(
    `SELECT id, facility_id, ordinal, macs FROM machines WHERE plan_id = $1 AND facility_id = ANY($2::uuid[]) AND state = 'available'
  AND id <> ALL($4::uuid[])
ORDER BY facility_id, ordinal LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [planId, facilityIds, limit, exclude],
  );
}

/** Writes machine state changes in one statement; a machine no longer in the state a change was decided from is left alone. */
export async function writeMachineStates(tx: Queryable, changes: MachineStateChange[]): Promise<void> {
  if (!changes.length) return;
  await tx.query(
    `UPDATE machines m SET state = x->>'to',
  device_id = CASE WHEN x ? 'device_id' THEN (x->>'device_id')::uuid ELSE m.device_id END,
  last_error = CASE WHEN x ? 'last_error' THEN x->>'last_error' ELSE m.last_error END,
  inventory = CASE WHEN x ? 'inventory' THEN x->'inventory' ELSE m.inventory END
FROM jsonb_array_elements($1::jsonb) x
WHERE m.id = ANY($2::uuid[]) AND m.id = (x->>'id')::uuid AND m.state = x->>'from'`,
    [JSON.stringify(changes), changes.map((c) => c.id)],
  );
}

/** Simulated machines by name (their BMC address), with their NICs and their plan's specs. */
export function simMachineSpecs(
  db: Queryable,
  names: string[],
): Promise<{ name: string; plan: string; macs: string[]; specs: PlanSpecs }[]> {
  return db.query(
    `SELECT m.bmc_address AS name, p.slug AS plan, m.macs, p.specs FROM machines m JOIN plans p ON p.id = m.plan_id WHERE m.bmc_driver = 'sim' AND m.bmc_address = ANY($1::text[])`,
    [names],
  );
}

/** A machine to enrol: it stays `enrolling` until its verify job has logged in to the BMC. */
export interface NewMachine {
  id: string;
  /** Given, or derived from the enrolment number by `name(ordinal)`. */
  name: string | ((ordinal: number) => string);
  facility_id: string;
  plan_id: string;
  macs: string[];
  bmc_driver: DriverName;
  bmc_address: string;
  bmc_username: string | null;
  bmc_secret: string | null;
  bmc_options: MachineRow['bmc_options'];
}

/** Inserts an enrolling machine and its NICs; a BMC or MAC already enrolled is a unique violation (23505). */
export async function insertEnrollingMachine(tx: Queryable, m: NewMachine): Promise<void> {
  const [{ ordinal }] = await tx.query<{ ordinal: number }>('SELECT coalesce(max(ordinal), 0) + 1 AS ordinal FROM machines');
  await tx.query(
    `INSERT INTO machines (id, name, facility_id, plan_id, ordinal, macs, state, bmc_driver, bmc_address, bmc_username, bmc_secret, bmc_options)
VALUES ($1,$2,$3,$4,$5,$6::jsonb,'enrolling',$7,$8,$9,$10,$11::jsonb)`,
    [
      m.id,
      typeof m.name === 'string' ? m.name : m.name(ordinal),
      m.facility_id,
      m.plan_id,
      ordinal,
      JSON.stringify(m.macs),
      m.bmc_driver,
      m.bmc_address,
      m.bmc_username,
      m.bmc_secret,
      JSON.stringify(m.bmc_options),
    ],
  );
  await tx.query('INSERT INTO machine_macs (mac, machine_id) SELECT unnest($1::text[]), $2::uuid', [m.macs, m.id]);
}

/** Simulated machines, available at once (they need no BMC verification); their BMC address is their name. */
export async function insertSimMachines(
  q: Queryable,
  rows: Pick<MachineRow, 'id' | 'name' | 'facility_id' | 'plan_id' | 'ordinal' | 'macs'>[],
): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `INSERT INTO machines (id, name, facility_id, plan_id, ordinal, macs, state, bmc_driver, bmc_address)
SELECT r.id, r.name, r.facility_id, r.plan_id, r.ordinal, r.macs, 'available', 'sim', r.name
FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, name text, facility_id uuid, plan_id uuid, ordinal int, macs jsonb)`,
    [JSON.stringify(rows)],
  );
  await q.query(
    `INSERT INTO machine_macs (mac, machine_id)
SELECT jsonb_array_elements_text(r.macs), r.id FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, macs jsonb)`,
    [JSON.stringify(rows.map((r) => ({ id: r.id, macs: r.macs })))],
  );
}

/** The machine whose BMC is at `address`, and the machines that hold any of `macs`: what an enrolment collides with. */
export async function enrolmentCollisions(
  db: Queryable,
  driver: string,
  address: string,
  macs: string[],
): Promise<{ bmc?: string; macs: { mac: string; name: string }[] }> {
  const [bmc] = await db.query<{ name: string }>('SELECT name FROM machines WHERE bmc_driver = $1 AND bmc_address = $2', [driver, address]);
  const taken = await db.query<{ mac: string; name: string }>(
    'SELECT mm.mac, m.name FROM machine_macs mm JOIN machines m ON m.id = mm.machine_id WHERE mm.mac = ANY($1::text[])',
    [macs],
  );
  return { bmc: bmc?.name, macs: taken };
}

export async function machineById(db: Queryable, id: string): Promise<MachineRow | undefined> {
  const [row] = await db.query<MachineRow>('SELECT * FROM machines WHERE id = $1', [id]);
  return row;
}

/** A page of machines by name, optionally in one state, with the total. */
export async function machinePage(
  db: Queryable,
  page: { page: number; perPage: number },
  state?: string,
): Promise<{ rows: MachineRow[]; total: number }> {
  const where = state ? 'WHERE state = $1' : '';
  const params = state ? [state] : [];
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM machines ${where}`, params);
  const rows = await db.query<MachineRow>(
    `SELECT * FROM machines ${where} ORDER BY name LIMIT ${page.perPage} OFFSET ${(page.page - 1) * page.perPage}`,
    params,
  );
  return { rows, total };
}

export async function deleteMachine(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM machines WHERE id = $1', [id]);
}

/** Free (available) machines per place (metro or facility code) and plan slug, for every pair that has machines. */
export function freeMachineCounts(db: Queryable, by: 'metro' | 'facility'): Promise<{ place: string; plan: string; free: number }[]> {
  const place = by === 'metro' ? 'mt.code' : 'f.code';
  return db.query(
    `SELECT ${place} AS place, p.slug AS plan, count(*) FILTER (WHERE m.state = 'available')::int AS free
FROM machines m JOIN facilities f ON f.id = m.facility_id JOIN metros mt ON mt.id = f.metro_id JOIN plans p ON p.id = m.plan_id
GROUP BY ${place}, p.slug ORDER BY ${place}, p.slug`,
  );
}

export interface PoolLoadRow {
  metro_id: string;
  plan_id: string;
  total: number;
  allocated: number;
}

/** Machines per pool that can serve devices, and how many of them hold one. */
export function poolLoads(tx: Queryable): Promise<PoolLoadRow[]> {
  return tx.query<PoolLoadRow>(
    `SELECT f.metro_id, m.plan_id, count(*) FILTER (WHERE m.state IN ('available', 'allocated'))::int AS total, count(*) FILTER (WHERE m.state = 'allocated')::int AS allocated
FROM machines m JOIN facilities f ON f.id = m.facility_id GROUP BY f.metro_id, m.plan_id`,
  );
}

export interface FreePoolMachine {
  id: string;
  facility_id: string;
  ordinal: number;
  macs: string[];
  metro_id: string;
  plan_id: string;
}

/** Available machines of the plans in the metros, locked for the round (machines another round holds are skipped). */
export function lockFreePoolMachines(tx: Queryable, planIds: string[], metroIds: string[]): Promise<FreePoolMachine[]> {
  return tx.query<FreePoolMachine>(
    `SELECT m.id, m.facility_id, m.ordinal, m.macs, f.metro_id, m.plan_id FROM machines m JOIN facilities f ON f.id = m.facility_id
WHERE m.state = 'available' AND m.plan_id = ANY($1::uuid[]) AND f.metro_id = ANY($2::uuid[]) ORDER BY m.facility_id, m.ordinal FOR UPDATE OF m SKIP LOCKED`,
    [planIds, metroIds],
  );
}
