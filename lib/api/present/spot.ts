/** Spot market requests in the API's shape, from their rows, their devices and the current price of their pool (pure). */
import { METAL_API_BASE, href } from '../../contract/hrefs';
import type { SpotMarketRequest } from '../../contract/schemas';
import { isoTime as iso } from '../../core/clock';
import { shownState, type LifecycleState, type SpotRequestView, type World } from '../../engine';
import { presentMetro } from './catalog';
import { presentAddress } from './ip-assignments';

export function presentSpotRequest({ request: r, devices, price }: SpotRequestView, world: World): SpotMarketRequest {
  const plan = world.plans.get(r.plan_id)!;
  const out: SpotMarketRequest = {
    id: r.id,
    href: `${METAL_API_BASE}/spot-market-requests/${r.id}`,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    devices_min: r.devices_min,
    devices_max: r.devices_max,
    max_bid_price: r.max_bid_price,
    end_at: r.end_at ? iso(r.end_at)! : null,
    metro: presentMetro(world.metros.get(r.metro_id)!),
    facilities: null,
    instances: null,
    project: href(`/projects/${r.project_id}`),
    plan: { id: plan.id, slug: plan.slug, href: `${METAL_API_BASE}/plans/${plan.id}` },
    kind: r.kind,
    state: r.state,
    filled_total: r.filled_total,
    instance_parameters: r.instance_parameters,
    devices: devices.map((d) => ({
      id: d.id,
      hostname: d.hostname,
      // The store keeps device states as text; the device lifecycle owns their type.
      state: shownState(d.state as LifecycleState),
      ip_addresses: d.ip_addresses.map(presentAddress),
      href: `${METAL_API_BASE}/devices/${d.id}`,
      ...(d.termination_time && { termination_time: iso(d.termination_time) }),
    })),
  };
  if (r.closed_reason) out.closed_reason = r.closed_reason;
  if (price !== undefined) out.price = price;
  return out;
}
