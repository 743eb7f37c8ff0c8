/** Machines: the hardware behind devices. */
import type { PlanSpecs } from '../contract/schemas';
import type { Queryable } from './database';

/** Simulated machines by name (their BMC address), with their NICs and their plan's specs. */
export function simMachineSpecs(db: Queryable, names: string[]): Promise<{ name: string; macs: string[]; specs: PlanSpecs }[]> {
  return db.query(
    `SELECT m.bmc_address AS name, m.macs, p.specs FROM machines m JOIN plans p ON p.id = m.plan_id WHERE m.bmc_driver = 'sim' AND m.bmc_address = ANY($1::text[])`,
    [names],
  );
}
