/** The event log in the contract's Metal shape. */
import { METAL_API_BASE, href } from '../../contract/hrefs';
import type { Event } from '../../contract/schemas';
import { isoTime } from '../../core/clock';
import type { EventRow } from '../../engine';

export function presentEvent(e: EventRow): Event {
  const relationships = [];
  if (e.device_id) relationships.push(href(`/devices/${e.device_id}`));
  if (e.project_id) relationships.push(href(`/projects/${e.project_id}`));
  return {
    id: e.id,
    type: e.type,
    body: e.body,
    state: e.state,
    interpolated: e.body,
    created_at: isoTime(e.created_at) ?? '',
    href: `${METAL_API_BASE}/events/${e.id}`,
    relationships,
    modified_by: null,
    ip: null,
  };
}
