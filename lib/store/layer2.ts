/**
 * Layer 2: a project's VLANs, its devices' networks (type, ports, the VLANs each port carries) and the VLAN
 * assignment batches. The rules live in lib/engine/network/port-rules.ts; this module loads what they need and
 * stores what they decided. A device's network row is locked (FOR UPDATE) while a change to it is decided and
 * written, so changes to one device's ports run one at a time.
 */
import { isUuid } from '../core/ids';
import type { Queryable } from './database';

export type NetworkTypeName = 'layer3' | 'hybrid' | 'hybrid-bonded' | 'layer2-bonded' | 'layer2-individual';
export type BatchState = 'queued' | 'in_progress' | 'completed' | 'failed';

export interface VlanRow {
  id: string;
  project_id: string;
  metro_id: string;
  vxlan: number;
  description: string | null;
  tags: string[];
  created_at: Date | string;
  updated_at: Date | string;
}

/** A port with the VLANs it carries (ascending by VXLAN) and its native one. */
export interface PortRow {
  id: string;
  device_id: string;
  name: string;
  mac: string | null;
  native_vlan_id: string | null;
  /** With the block of the VLAN's metal gateway, if it has one. */
  vlans: { id: string; vxlan: number; created_at: string; gateway?: { network: string; cidr: number } | null }[];
}

/** A device's network as the device presenter shows it. */
export interface DeviceNetwork {
  network_type: NetworkTypeName;
  ports: PortRow[];
}

/** A device's network with its ports (bond0 first, then the NICs in order). */
export interface NetworkRow {
  device_id: string;
  machine_id: string;
  project_id: string;
  metro_id: string;
  network_type: NetworkTypeName;
  updated_at: Date | string;
  ports: PortRow[];
}

export interface BatchAssignment {
  vlan_id: string;
  vxlan: number;
  state: 'assigned' | 'unassigned';
  native: boolean;
}

export interface BatchRow {
  id: string;
  port_id: string;
  project_id: string;
  state: BatchState;
  vlan_assignments: BatchAssignment[];
  error_messages: string[];
  created_at: Date | string;
  updated_at: Date | string;
}

// ------------------------------------------------------------------ VLANs

const VLAN_COLUMNS = 'id, project_id, metro_id, vxlan, description, tags, created_at, updated_at';

export async function findVlan(db: Queryable, id: string): Promise<VlanRow | undefined> {
  const [row] = await db.query<VlanRow>(`SELECT ${VLAN_COLUMNS} FROM virtual_networks WHERE id = $1`, [id]);
  return row;
}

/**
 * The VLANs named by `vnids` in one query, each a VLAN id or a VXLAN id in `metroId`; keyed by the name as given,
 * with names that match nothing left out.
 */
export async function findVlansNamed(db: Queryable, metroId: string, vnids: readonly string[]): Promise<Map<string, VlanRow>> {
  const ids = vnids.filter(isUuid);
  const vxlans = vnids.filter((v) => /^\d{1,4}$/.test(v)).map(Number);
  const rows = await db.query<VlanRow>(
    `SELECT ${VLAN_COLUMNS} FROM virtual_networks WHERE id = ANY($1::uuid[]) OR (metro_id = $2 AND vxlan = ANY($3::int[]))`,
    [ids, metroId, vxlans],
  );
  const named = new Map<string, VlanRow>();
  for (const row of rows) {
    named.set(row.id, row);
    if (row.metro_id === metroId) named.set(String(row.vxlan), row);
  }
  return new Map(vnids.flatMap((v) => (named.has(v.toLowerCase()) ? [[v, named.get(v.toLowerCase())!] as const] : [])));
}

export function vlansOfProject(db: Queryable, projectId: string, metroId?: string): Promise<VlanRow[]> {
  return db.query<VlanRow>(
    `SELECT ${VLAN_COLUMNS} FROM virtual_networks WHERE project_id = $1 AND ($2::uuid IS NULL OR metro_id = $2) ORDER BY created_at, id`,
    [projectId, metroId ?? null],
  );
}

/** The VXLAN ids in use in a metro. */
export async function vxlansOfMetro(db: Queryable, metroId: string): Promise<Set<number>> {
  const rows = await db.query<{ vxlan: number }>('SELECT vxlan FROM virtual_networks WHERE metro_id = $1', [metroId]);
  return new Set(rows.map((r) => r.vxlan));
}

/** Inserts a VLAN; undefined when its VXLAN id is taken in its metro. */
export async function insertVlan(db: Queryable, v: Omit<VlanRow, 'updated_at'>): Promise<VlanRow | undefined> {
  const [row] = await db.query<VlanRow>(
    `INSERT INTO virtual_networks (id, project_id, metro_id, vxlan, description, tags, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $7) ON CONFLICT (metro_id, vxlan) DO NOTHING RETURNING ${VLAN_COLUMNS}`,
    [v.id, v.project_id, v.metro_id, v.vxlan, v.description, JSON.stringify(v.tags), v.created_at],
  );
  return row;
}

export async function updateVlan(
  db: Queryable,
  id: string,
  changes: { description?: string; tags?: string[] },
  now: Date,
): Promise<VlanRow | undefined> {
  const [row] = await db.query<VlanRow>(
    `UPDATE virtual_networks SET description = coalesce($2, description), tags = coalesce($3::jsonb, tags), updated_at = $4
WHERE id = $1 RETURNING ${VLAN_COLUMNS}`,
    [id, changes.description ?? null, changes.tags ? JSON.stringify(changes.tags) : null, now.toISOString()],
  );
  return row;
}

/** Deletes a VLAN that no port carries and no gateway serves; undefined when one does (or it is gone). */
export async function deleteVlan(db: Queryable, id: string): Promise<VlanRow | undefined> {
  const [row] = await db.query<VlanRow>(
    `DELETE FROM virtual_networks v WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM port_vlans pv WHERE pv.vlan_id = v.id)
  AND NOT EXISTS (SELECT 1 FROM metal_gateways g WHERE g.vlan_id = v.id)
RETURNING ${VLAN_COLUMNS}`,
    [id],
  );
  return row;
}

/** What uses each VLAN: the devices whose ports carry it, and its metal gateway. */
export interface VlanUsers {
  vlan_id: string;
  device_ids: string[];
  gateway_id: string | null;
}

export function vlanUsers(db: Queryable, vlanIds: readonly string[]): Promise<VlanUsers[]> {
  return db.query<VlanUsers>(
    `SELECT v.id AS vlan_id,
  coalesce((SELECT jsonb_agg(DISTINCT p.device_id) FROM port_vlans pv JOIN ports p ON p.id = pv.port_id WHERE pv.vlan_id = v.id), '[]') AS device_ids,
  (SELECT g.id FROM metal_gateways g WHERE g.vlan_id = v.id) AS gateway_id
FROM virtual_networks v WHERE v.id = ANY($1::uuid[])`,
    [vlanIds],
  );
}

/** The devices (ids and hostnames) whose ports carry a VLAN. */
export function devicesOnVlan(db: Queryable, vlanId: string): Promise<{ id: string; hostname: string; port: string }[]> {
  return db.query(
    `SELECT d.id, d.hostname, p.name AS port FROM port_vlans pv JOIN ports p ON p.id = pv.port_id JOIN devices d ON d.id = p.device_id
WHERE pv.vlan_id = $1 ORDER BY d.hostname, p.name`,
    [vlanId],
  );
}

// ------------------------------------------------------------------ networks and ports

const PORTS_OF = (deviceExpr: string) => `coalesce((SELECT jsonb_agg(jsonb_build_object(
  'id', p.id, 'device_id', p.device_id, 'name', p.name, 'mac', p.mac, 'native_vlan_id', p.native_vlan_id,
  'vlans', coalesce((SELECT jsonb_agg(jsonb_build_object('id', v.id, 'vxlan', v.vxlan, 'created_at', pv.created_at,
      'gateway', (SELECT jsonb_build_object('network', r.network, 'cidr', r.cidr)
        FROM metal_gateways g JOIN ip_reservations r ON r.id = g.reservation_id WHERE g.vlan_id = v.id)) ORDER BY v.vxlan)
    FROM port_vlans pv JOIN virtual_networks v ON v.id = pv.vlan_id WHERE pv.port_id = p.id), '[]'::jsonb))
  ORDER BY p.name <> 'bond0', length(p.name), p.name) FROM ports p WHERE p.device_id = ${deviceExpr}), '[]'::jsonb)`;

/** A device's network as the device presenter shows it; the device query selects it beside each device. */
export const DEVICE_NETWORK_COLUMN = `(SELECT jsonb_build_object('network_type', n.network_type, 'ports', ${PORTS_OF('n.device_id')})
  FROM device_networks n WHERE n.device_id = d.id) AS network`;

const NETWORK_SELECT = `SELECT n.device_id, n.machine_id, d.project_id, d.metro_id, n.network_type, n.updated_at, ${PORTS_OF('n.device_id')} AS ports
FROM device_networks n JOIN devices d ON d.id = n.device_id`;

export async function findNetwork(db: Queryable, deviceId: string): Promise<NetworkRow | undefined> {
  const [row] = await db.query<NetworkRow>(`${NETWORK_SELECT} WHERE n.device_id = $1`, [deviceId]);
  return row;
}

/** The network of the device holding a machine now, if any. */
export async function networkOfMachine(db: Queryable, machineId: string): Promise<NetworkRow | undefined> {
  const [row] = await db.query<NetworkRow>(`${NETWORK_SELECT} WHERE n.machine_id = $1`, [machineId]);
  return row;
}

/** Locks a device's network for this transaction (one change at a time per device) and loads it. */
export async function lockNetwork(tx: Queryable, deviceId: string): Promise<NetworkRow | undefined> {
  const locked = await tx.query('SELECT device_id FROM device_networks WHERE device_id = $1 FOR UPDATE', [deviceId]);
  return locked.length ? findNetwork(tx, deviceId) : undefined;
}

/** The device a port belongs to. */
export async function deviceOfPort(db: Queryable, portId: string): Promise<string | undefined> {
  const [row] = await db.query<{ device_id: string }>('SELECT device_id FROM ports WHERE id = $1', [portId]);
  return row?.device_id;
}

/** Writes a device's network type and every port's VLANs and native VLAN (the caller holds its lock). */
export async function writeNetwork(
  tx: Queryable,
  deviceId: string,
  type: NetworkTypeName,
  ports: { id: string; vlans: string[]; native: string | null }[],
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const wanted = JSON.stringify(ports.flatMap((p) => p.vlans.map((v) => ({ port_id: p.id, vlan_id: v }))));
  const portIds = ports.map((p) => p.id);
  await Promise.all([
    tx.query('UPDATE device_networks SET network_type = $2, updated_at = $3 WHERE device_id = $1', [deviceId, type, at]),
    tx.query(
      `DELETE FROM port_vlans pv WHERE pv.port_id = ANY($1::uuid[])
AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) w (port_id uuid, vlan_id uuid) WHERE w.port_id = pv.port_id AND w.vlan_id = pv.vlan_id)`,
      [portIds, wanted],
    ),
    tx.query(
      `INSERT INTO port_vlans (port_id, vlan_id, created_at) SELECT w.port_id, w.vlan_id, $2 FROM jsonb_to_recordset($1::jsonb) w (port_id uuid, vlan_id uuid)
ON CONFLICT DO NOTHING`,
      [wanted, at],
    ),
    tx.query(
      `UPDATE ports p SET native_vlan_id = w.native FROM jsonb_to_recordset($1::jsonb) w (id uuid, native uuid)
WHERE p.id = w.id AND p.native_vlan_id IS DISTINCT FROM w.native`,
      [JSON.stringify(ports.map((p) => ({ id: p.id, native: p.native })))],
    ),
  ]);
}

/** Releases the networks of devices being deleted: their ports and VLAN assignments go; returns their machines. */
export async function deleteNetworksOfDevices(tx: Queryable, deviceIds: string[]): Promise<{ machine_id: string; metro_id: string }[]> {
  if (!deviceIds.length) return [];
  return tx.query(
    `DELETE FROM device_networks n USING devices d WHERE d.id = n.device_id AND n.device_id = ANY($1::uuid[])
RETURNING n.machine_id, d.metro_id`,
    [deviceIds],
  );
}

/** A machine's NIC names (eth0, eth1, ... in its MAC order) and its metro. */
export async function machineNics(db: Queryable, machineId: string): Promise<{ metro_id: string; nics: string[] } | undefined> {
  const [row] = await db.query<{ metro_id: string; n: number }>(
    `SELECT f.metro_id, jsonb_array_length(m.macs) AS n FROM machines m JOIN facilities f ON f.id = m.facility_id WHERE m.id = $1`,
    [machineId],
  );
  return row && { metro_id: row.metro_id, nics: Array.from({ length: row.n }, (_, i) => `eth${i}`) };
}

// ------------------------------------------------------------------ batches

const BATCH_COLUMNS = 'id, port_id, project_id, state, vlan_assignments, error_messages, created_at, updated_at';

export async function insertBatch(
  tx: Queryable,
  b: Pick<BatchRow, 'id' | 'port_id' | 'project_id' | 'vlan_assignments'>,
  now: Date,
): Promise<BatchRow> {
  const [row] = await tx.query<BatchRow>(
    `INSERT INTO port_vlan_batches (id, port_id, project_id, vlan_assignments, created_at, updated_at)
VALUES ($1, $2, $3, $4::jsonb, $5, $5) RETURNING ${BATCH_COLUMNS}`,
    [b.id, b.port_id, b.project_id, JSON.stringify(b.vlan_assignments), now.toISOString()],
  );
  return row;
}

export async function findBatch(db: Queryable, id: string): Promise<BatchRow | undefined> {
  const [row] = await db.query<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM port_vlan_batches WHERE id = $1`, [id]);
  return row;
}

export function batchesOfPort(db: Queryable, portId: string): Promise<BatchRow[]> {
  return db.query<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM port_vlan_batches WHERE port_id = $1 ORDER BY created_at, id`, [portId]);
}

export async function setBatchState(db: Queryable, id: string, state: BatchState, errors: string[], now: Date): Promise<void> {
  await db.query('UPDATE port_vlan_batches SET state = $2, error_messages = $3::jsonb, updated_at = $4 WHERE id = $1', [
    id,
    state,
    JSON.stringify(errors),
    now.toISOString(),
  ]);
}

// ------------------------------------------------------------------ metal gateways

export interface GatewayRow {
  id: string;
  project_id: string;
  vlan_id: string;
  reservation_id: string;
  owns_reservation: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

const GATEWAY_COLUMNS = 'id, project_id, vlan_id, reservation_id, owns_reservation, created_at, updated_at';

/** Inserts a gateway; undefined when its VLAN already has one. */
export async function insertGateway(tx: Queryable, g: Omit<GatewayRow, 'updated_at'>): Promise<GatewayRow | undefined> {
  const [row] = await tx.query<GatewayRow>(
    `INSERT INTO metal_gateways (id, project_id, vlan_id, reservation_id, owns_reservation, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING RETURNING ${GATEWAY_COLUMNS}`,
    [g.id, g.project_id, g.vlan_id, g.reservation_id, g.owns_reservation, g.created_at],
  );
  return row;
}

export async function findGateway(db: Queryable, id: string): Promise<GatewayRow | undefined> {
  const [row] = await db.query<GatewayRow>(`SELECT ${GATEWAY_COLUMNS} FROM metal_gateways WHERE id = $1`, [id]);
  return row;
}

export function gatewaysOfProject(db: Queryable, projectId: string): Promise<GatewayRow[]> {
  return db.query<GatewayRow>(`SELECT ${GATEWAY_COLUMNS} FROM metal_gateways WHERE project_id = $1 ORDER BY created_at, id`, [projectId]);
}

/** The gateway on a VLAN or on a block, if any. */
export async function gatewayUsing(db: Queryable, by: { vlanId?: string; reservationId?: string }): Promise<GatewayRow | undefined> {
  const [row] = await db.query<GatewayRow>(`SELECT ${GATEWAY_COLUMNS} FROM metal_gateways WHERE vlan_id = $1 OR reservation_id = $2`, [
    by.vlanId ?? null,
    by.reservationId ?? null,
  ]);
  return row;
}

export async function deleteGateway(tx: Queryable, id: string): Promise<GatewayRow | undefined> {
  const [row] = await tx.query<GatewayRow>(`DELETE FROM metal_gateways WHERE id = $1 RETURNING ${GATEWAY_COLUMNS}`, [id]);
  return row;
}
