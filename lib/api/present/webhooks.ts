/** The bodies of the webhooks the engine sends, in the shapes their receivers are promised. */
import { METAL_API_BASE } from '../../contract/hrefs';
import type { TerminationNotice, WebhookBodies } from '../../engine';

export function presentTerminationNotice(n: TerminationNotice) {
  return {
    type: 'spot.termination_notice',
    created_at: n.sentAt.toISOString(),
    device: { id: n.deviceId, hostname: n.hostname, href: `${METAL_API_BASE}/devices/${n.deviceId}` },
    spot_market_request: n.spotMarketRequestId
      ? { id: n.spotMarketRequestId, href: `${METAL_API_BASE}/spot-market-requests/${n.spotMarketRequestId}` }
      : null,
    reason: n.reason,
    termination_time: n.terminationTime.toISOString(),
    price: n.price,
  };
}

/** What the engine is given to write its webhooks with (EngineOptions.webhookBodies). */
export const webhookBodies: WebhookBodies = { terminationNotice: presentTerminationNotice };
