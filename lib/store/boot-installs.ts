/**
 * What the boot network reads and consumes on devices: the armed install tokens (handed out once per network
 * boot; a rescue boot's token is one too) and the device that holds an address (the metadata service answers by
 * source address).
 */
import type { Queryable } from './database';
import { NETWORK_BOOT_JOB } from './workers';

/** A network boot (install or rescue) whose system has not phoned home yet: the lifecycle's NETWORK_BOOT_STATES. */
const INSTALLING = `state IN ('provisioning', 'reinstalling', 'rescuing') AND phone_home_hash IS NOT NULL`;

/**
 * Disarms the armed installs among `deviceIds` in one statement; returns those that were armed (each with its
 * install generation), so each armed install is handed out to exactly one caller.
 */
export function takeArmedInstalls(db: Queryable, deviceIds: string[]): Promise<{ id: string; install_generation: number }[]> {
  return db.query(
    `UPDATE devices SET install_token_armed = false WHERE id = ANY($1::uuid[]) AND install_token_armed AND ${INSTALLING}
RETURNING id, install_generation`,
    [deviceIds],
  );
}

/** The live (not deleted) device that has `address` among its assigned addresses. */
export async function deviceIdAtAddress(db: Queryable, address: string): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM devices WHERE state <> 'deleted' AND ip_addresses @> $1::jsonb LIMIT 1`, [
    JSON.stringify([{ address }]),
  ]);
  return rows[0]?.id;
}

/** The device whose current, still running install (or rescue boot) has this token hash. */
export async function installingDevice(
  db: Queryable,
  deviceId: string,
  tokenHash: string,
): Promise<{ id: string; hostname: string } | undefined> {
  const rows = await db.query<{ id: string; hostname: string }>(
    `SELECT id, hostname FROM devices WHERE id = $1 AND phone_home_hash = $2 AND ${INSTALLING}`,
    [deviceId, tokenHash],
  );
  return rows[0];
}

/**
 * Network boots (installs, rescue boots) on machines of `bmcDriver` that are armed but have no job: after a restart
 * of an in-process simulator their machines came back powered off and would never phone home.
 */
export function strandedInstalls(db: Queryable, bmcDriver: string): Promise<{ id: string; kind: 'provision' | 'reinstall' | 'rescue' }[]> {
  return db.query(
    `SELECT d.id, ${NETWORK_BOOT_JOB} AS kind FROM devices d
WHERE ${INSTALLING} AND d.machine_id IN (SELECT id FROM machines WHERE bmc_driver = $1)
  AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.device_id = d.id)`,
    [bmcDriver],
  );
}
