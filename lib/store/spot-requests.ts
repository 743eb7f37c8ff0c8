/**
 * Spot market requests (bids): their rows, creation, optimistic updates (a write checks the state it was decided
 * on), closing and listing, plus what a clearing round loads and writes in bulk. The state changes are decided by
 * the lifecycle table in lib/engine/spot/lifecycle.ts; this module only writes them.
 *
 * Some statements here read or write devices, machines and projects for the spot market (placing and reclaiming
 * spot devices, pool loads, project webhooks). They live here until those aggregates' repositories exist, and move
 * there then.
 */
import type { SpotMarketRequest, SpotMarketRequestCreateInput } from '../contract/schemas';
import type { Queryable } from './database';
import { LIVE_DEVICE } from './devices';

export interface SpotRequestRow {
  id: string;
  project_id: string;
  metro_id: string;
  plan_id: string;
  devices_min: number;
  devices_max: number;
  max_bid_price: number;
  end_at: Date | string | null;
  kind: 'one_time' | 'persistent';
  instance_parameters: SpotMarketRequestCreateInput['instance_parameters'];
  state: SpotMarketRequest['state'];
  filled_total: number;
  closed_reason: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export type NewSpotRequest = Pick<
  SpotRequestRow,
  'id' | 'project_id' | 'metro_id' | 'plan_id' | 'devices_min' | 'devices_max' | 'max_bid_price' | 'end_at' | 'kind' | 'instance_parameters'
>;

/** A request's bid and its limits: what an update may change. */
export type SpotBidFields = Pick<SpotRequestRow, 'devices_min' | 'devices_max' | 'max_bid_price'> & { end_at: string | null };

/** Devices that still hold (or are about to hold) a machine. */

export async function insertRequest(db: Queryable, r: NewSpotRequest, now: Date): Promise<SpotRequestRow> {
  const [row] = await db.query<SpotRequestRow>(
    `INSERT INTO spot_market_requests (id, project_id, metro_id, plan_id, devices_min, devices_max, max_bid_price, end_at, kind, instance_parameters, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $11) RETURNING *`,
    [
      r.id,
      r.project_id,
      r.metro_id,
      r.plan_id,
      r.devices_min,
      r.devices_max,
      r.max_bid_price,
      r.end_at,
      r.kind,
      JSON.stringify(r.instance_parameters),
      now.toISOString(),
    ],
  );
  return row;
}

export async function findRequest(db: Queryable, id: string): Promise<SpotRequestRow | undefined> {
  const [row] = await db.query<SpotRequestRow>('SELECT * FROM spot_market_requests WHERE id = $1', [id]);
  return row;
}

export function listRequests(db: Queryable, projectId: string): Promise<SpotRequestRow[]> {
  return db.query<SpotRequestRow>('SELECT * FROM spot_market_requests WHERE project_id = $1 ORDER BY created_at, id', [projectId]);
}

/** Changes the bid of a request that is still open; false when it was closed meanwhile. */
export async function updateBid(tx: Queryable, id: string, bid: SpotBidFields, now: Date): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE spot_market_requests SET devices_min = $2, devices_max = $3, max_bid_price = $4, end_at = $5, updated_at = $6 WHERE id = $1 AND state = 'open' RETURNING id`,
    [id, bid.devices_min, bid.devices_max, bid.max_bid_price, bid.end_at, now.toISOString()],
  );
  return rows.length > 0;
}

/** Closes requests that are still open, each with its reason; returns those it closed. */
export function closeRequests(
  tx: Queryable,
  requests: { id: string; reason: string }[],
  now: Date,
): Promise<{ id: string; project_id: string; closed_reason: string }[]> {
  if (!requests.length) return Promise.resolve([]);
  return tx.query(
    `UPDATE spot_market_requests r SET state = 'closed', closed_reason = x->>'reason', updated_at = $2 FROM jsonb_array_elements($1::jsonb) x
WHERE r.id = ANY($3::uuid[]) AND r.id = (x->>'id')::uuid AND r.state = 'open' RETURNING r.id, r.project_id, r.closed_reason`,
    [JSON.stringify(requests), now.toISOString(), requests.map((r) => r.id)],
  );
}

/** Adds `n` to each request's filled_total (one statement for all). */
export async function addFilled(tx: Queryable, fills: { id: string; n: number }[], now: Date): Promise<void> {
  if (!fills.length) return;
  await tx.query(
    `UPDATE spot_market_requests r SET filled_total = r.filled_total + (x->>'n')::int, updated_at = $2 FROM jsonb_array_elements($1::jsonb) x
WHERE r.id = ANY($3::uuid[]) AND r.id = (x->>'id')::uuid`,
    [JSON.stringify(fills), now.toISOString(), [...new Set(fills.map((f) => f.id))]],
  );
}

/** Open requests, locked for the round, each with its devices that hold a machine and have no termination notice. */
export function lockOpenRequests(tx: Queryable): Promise<(SpotRequestRow & { live: number })[]> {
  return tx.query(
    `SELECT r.*, (SELECT count(*) FROM devices d WHERE d.spot_market_request_id = r.id AND d.termination_time IS NULL AND d.${LIVE_DEVICE})::int AS live
FROM spot_market_requests r WHERE r.state = 'open' ORDER BY r.id FOR UPDATE`,
  );
}

/** One-time requests filled up to devices_max whose devices are all gone: what the `fulfil` event closes. */
export function fulfilledRequests(tx: Queryable): Promise<Pick<SpotRequestRow, 'id' | 'project_id' | 'state'>[]> {
  return tx.query(
    `SELECT r.id, r.project_id, r.state FROM spot_market_requests r WHERE r.state = 'open' AND r.kind = 'one_time' AND r.filled_total >= r.devices_max
  AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.spot_market_request_id = r.id AND d.${LIVE_DEVICE})`,
  );
}

/** Replicas sharing one PostgreSQL clear one at a time (held until the transaction ends). */
export async function lockClearing(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [SPOT_LOCK_ID]);
}
const SPOT_LOCK_ID = 7_245_002;
