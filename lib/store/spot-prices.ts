/**
 * Spot prices: the current price of each pool (metro × plan) and its history, written in bulk once per clearing
 * round. The price rules live in lib/engine/spot/price.ts; this module only stores what they decided.
 */
import type { Queryable } from './database';

export interface SpotPriceRow {
  metro_id: string;
  plan_id: string;
  price: number;
}

export interface SpotPricePoint extends SpotPriceRow {
  at: Date | string;
}

/** Current prices, optionally of one metro and/or plan. */
export function currentPrices(db: Queryable, filter: { metroId?: string; planId?: string } = {}): Promise<SpotPriceRow[]> {
  return db.query<SpotPriceRow>(
    'SELECT metro_id, plan_id, price FROM spot_prices WHERE ($1::uuid IS NULL OR metro_id = $1) AND ($2::uuid IS NULL OR plan_id = $2)',
    [filter.metroId ?? null, filter.planId ?? null],
  );
}

/** Current prices of every pool in the given metros. */
export function pricesInMetros(db: Queryable, metroIds: string[]): Promise<SpotPriceRow[]> {
  return db.query<SpotPriceRow>('SELECT metro_id, plan_id, price FROM spot_prices WHERE metro_id = ANY($1::uuid[])', [metroIds]);
}

/** What the next price step starts from: each pool's current price with its step time, and its last datapoint. */
export async function priceStepInput(tx: Queryable): Promise<{ previous: SpotPricePoint[]; lastRecorded: SpotPricePoint[] }> {
  const [previous, lastRecorded] = await Promise.all([
    tx.query<SpotPricePoint>('SELECT metro_id, plan_id, price, at FROM spot_prices'),
    tx.query<SpotPricePoint>(
      'SELECT DISTINCT ON (metro_id, plan_id) metro_id, plan_id, price, at FROM spot_price_history ORDER BY metro_id, plan_id, at DESC',
    ),
  ]);
  return { previous, lastRecorded };
}

/** Upserts the current prices (one statement for all pools). */
export async function savePrices(tx: Queryable, prices: SpotPricePoint[]): Promise<void> {
  if (!prices.length) return;
  await tx.query(
    `INSERT INTO spot_prices (metro_id, plan_id, price, at) SELECT (x->>'metro_id')::uuid, (x->>'plan_id')::uuid, (x->>'price')::float8, (x->>'at')::timestamptz
FROM jsonb_array_elements($1::jsonb) x ON CONFLICT (metro_id, plan_id) DO UPDATE SET price = excluded.price, at = excluded.at`,
    [JSON.stringify(prices)],
  );
}

/** Records datapoints (one statement); a second one at the same time replaces the first. */
export async function recordHistory(tx: Queryable, points: SpotPricePoint[]): Promise<void> {
  if (!points.length) return;
  await tx.query(
    `INSERT INTO spot_price_history (metro_id, plan_id, at, price) SELECT (x->>'metro_id')::uuid, (x->>'plan_id')::uuid, (x->>'at')::timestamptz, (x->>'price')::float8
FROM jsonb_array_elements($1::jsonb) x ON CONFLICT (metro_id, plan_id, at) DO UPDATE SET price = excluded.price`,
    [JSON.stringify(points)],
  );
}

/** One pool's datapoints between from and until, oldest first. */
export function historyBetween(
  db: Queryable,
  pool: { metroId: string; planId: string },
  from: Date,
  until: Date,
): Promise<{ at: Date | string; price: number }[]> {
  return db.query<{ at: Date | string; price: number }>(
    'SELECT at, price FROM spot_price_history WHERE metro_id = $1 AND plan_id = $2 AND at >= $3 AND at <= $4 ORDER BY at',
    [pool.metroId, pool.planId, from.toISOString(), until.toISOString()],
  );
}

export async function pruneHistory(tx: Queryable, before: Date): Promise<void> {
  await tx.query('DELETE FROM spot_price_history WHERE at < $1', [before.toISOString()]);
}
