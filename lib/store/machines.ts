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
export type BmcMachine = Pick<MachineRow, 'id' | 'name' | 'state' | 'bmc_driver' | 'bmc_address' | 'bmc_username' | 'bmc_secret' | 'bmc_options'>;

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
  return db.query<BmcMachine>('SELECT id, name, state, bmc_driver, bmc_address, bmc_username, bmc_secret, bmc_options FROM machines WHERE id = ANY($1::uuid[])', [ids]);
}

/**
 * Locks up to `limit` available machines of the plan in the facilities, skipping those other transactions hold
 * (so concurrent batches on several servers never pick the same machine) and `exclude` (this transaction's own
 * picks, which SKIP LOCKED does not skip).
 */
export function lockFreeMachines(tx: Queryable, planId: string, facilityIds: string[], limit: number, exclude: string[] = []): Promise<FreeMachine[]> {
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
export function simMachineSpecs(db: Queryable, names: string[]): Promise<{ name: string; macs: string[]; specs: PlanSpecs }[]> {
  return db.query(
    `SELECT m.bmc_address AS name, m.macs, p.specs FROM machines m JOIN plans p ON p.id = m.plan_id WHERE m.bmc_driver = 'sim' AND m.bmc_address = ANY($1::text[])`,
    [names],
  );
}
