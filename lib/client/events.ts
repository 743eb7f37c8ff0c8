/** Events: all the user's (/events), a project's, a device's. */
import type { Event } from '../contract/schemas';
import { getPage, type ListQuery } from './pagination';
import { path, type Transport } from './transport';

export function eventsApi(t: Transport) {
  return {
    list: (query?: ListQuery) => getPage<Event>(t, 'events', '/events', query),
    listForProject: (projectId: string, query?: ListQuery) => getPage<Event>(t, 'events', path`/projects/${projectId}/events`, query),
    listForDevice: (deviceId: string, query?: ListQuery) => getPage<Event>(t, 'events', path`/devices/${deviceId}/events`, query),
  };
}
export type EventsApi = ReturnType<typeof eventsApi>;
