/** Enrolled machines as the operator API shows them (BMC credentials never leave the store). */
import { METAL_API_BASE, href } from '../../contract/hrefs';
import type { Machine } from '../../contract/schemas';
import type { MachineRow, World } from '../../engine';

export function presentMachine(row: MachineRow, world: World): Machine {
  const out: Machine = {
    id: row.id,
    name: row.name,
    state: row.state,
    facility: world.facilities.get(row.facility_id)?.code ?? row.facility_id,
    plan: world.plans.get(row.plan_id)?.slug ?? row.plan_id,
    macs: row.macs,
    bmc: { driver: row.bmc_driver, address: row.bmc_address, has_password: row.bmc_secret !== null },
    created_at: new Date(row.created_at).toISOString(),
    href: `${METAL_API_BASE}/operator/machines/${row.id}`,
  };
  if (row.bmc_username) out.bmc.username = row.bmc_username;
  if (row.device_id) out.device = href(`/devices/${row.device_id}`);
  if (row.last_error) out.last_error = row.last_error;
  if (row.inventory) out.inventory = row.inventory;
  return out;
}
