/**
 * Termination notices of reclaimed spot devices: a termination_time on the device, an event, and a signed webhook
 * to the project when it has one (written to the outbox in the round's transaction, in the shape the API's
 * presenter gives it: EngineOptions.webhookBodies).
 */
import { newId } from '../../core/ids';
import type { Queryable } from '../../store/database';
import { setTerminationTimes } from '../../store/devices';
import { projectsWithWebhook } from '../../store/projects';
import { enqueueWebhooks } from '../../store/webhook-outbox';

import { insertEvents } from '../../store/events';
import type { SpotReclaim } from './clearing';

/** A termination notice as the engine knows it; the webhook's body is its presentation (WebhookBodies). */
export interface TerminationNotice {
  sentAt: Date;
  deviceId: string;
  hostname: string;
  spotMarketRequestId: string | null;
  reason: SpotReclaim['reason'];
  terminationTime: Date;
  /** The spot price that reclaimed it. */
  price: number | undefined;
}

/** The bodies of the webhooks the engine sends, in the shapes their receivers are promised (lib/api/present). */
export interface WebhookBodies {
  terminationNotice(notice: TerminationNotice): unknown;
}

const REASONS = {
  outbid: 'the spot price rose above its max bid',
  end_at: "its spot market request's end_at has passed",
  on_demand: 'its machine is needed for on-demand capacity',
};

/** Writes the notices; returns how many webhooks were queued. */
export async function sendTerminationNotices(
  tx: Queryable,
  reclaims: SpotReclaim[],
  devices: Map<string, { project_id: string; hostname: string; spot_market_request_id: string | null }>,
  prices: Map<string, number>,
  now: Date,
  bodies: WebhookBodies,
): Promise<number> {
  if (!reclaims.length) return 0;
  await setTerminationTimes(
    tx,
    reclaims.map((r) => ({ id: r.deviceId, t: r.terminationTime.toISOString() })),
    now,
  );
  await insertEvents(
    tx,
    reclaims.map((r) => {
      const d = devices.get(r.deviceId)!;
      return {
        id: newId(),
        type: 'instance.spot_termination_notice',
        body: `${d.hostname} will be terminated at ${r.terminationTime.toISOString()}: ${REASONS[r.reason]} (spot price ${prices.get(r.pool)}/h); convert it to on-demand to keep it`,
        project_id: d.project_id,
        device_id: r.deviceId,
      };
    }),
    now,
  );
  const hooked = await projectsWithWebhook(tx, [...new Set(reclaims.map((r) => devices.get(r.deviceId)!.project_id))]);
  const webhooks = reclaims
    .filter((r) => hooked.has(devices.get(r.deviceId)!.project_id))
    .map((r) => {
      const d = devices.get(r.deviceId)!;
      const body = bodies.terminationNotice({
        sentAt: now,
        deviceId: r.deviceId,
        hostname: d.hostname,
        spotMarketRequestId: d.spot_market_request_id,
        reason: r.reason,
        terminationTime: r.terminationTime,
        price: prices.get(r.pool),
      });
      return { projectId: d.project_id, body };
    });
  await enqueueWebhooks(tx, webhooks, now);
  return webhooks.length;
}
