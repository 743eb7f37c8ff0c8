/**
 * Device addresses as they are stored today (each device row's ip_addresses), read by project or by one
 * address's id or text. Their blocks and assignments are in the address management tables (ip-pools.ts).
 */
import type { Queryable } from './database';

/** A device's row as far as its addresses go; `A` is the address shape the caller stored (the contract's IpAddress). */
export interface DeviceAddressesRow<A> {
  device_id: string;
  project_id: string;
  metro_id: string;
  created_at: Date | string;
  ip_addresses: A[];
}

const COLUMNS = 'id AS device_id, project_id, metro_id, created_at, ip_addresses';

/** The project's devices that hold addresses, oldest first. */
export function addressesOfProject<A>(db: Queryable, projectId: string): Promise<DeviceAddressesRow<A>[]> {
  return db.query<DeviceAddressesRow<A>>(
    `SELECT ${COLUMNS} FROM devices
WHERE project_id = $1 AND state <> 'deleted' AND jsonb_array_length(ip_addresses) > 0 ORDER BY created_at, id`,
    [projectId],
  );
}

/** The device holding the address with this id (or, as device hrefs name them, this address text). */
export async function deviceWithAddress<A>(db: Queryable, idOrAddress: string): Promise<DeviceAddressesRow<A> | undefined> {
  const [row] = await db.query<DeviceAddressesRow<A>>(
    `SELECT ${COLUMNS} FROM devices WHERE state <> 'deleted' AND (ip_addresses @> $1::jsonb OR ip_addresses @> $2::jsonb) LIMIT 1`,
    [JSON.stringify([{ id: idOrAddress }]), JSON.stringify([{ address: idOrAddress }])],
  );
  return row;
}
