/**
 * The spot market request lifecycle as a declared table (from, event, to). A request is open until it is deleted,
 * its end_at passes or (one-time) every device it was filled with is gone; a closed request never changes again.
 * Both states are stable: a request waits on nothing, so it has no wait states, no timeouts and no failure state.
 *
 * Reclaims are not request events: a termination notice and the termination after it are device changes (the
 * device table's `delete`). The request's own state stays; a persistent request refills the place in a later round.
 */
import { MetalError } from '../../contract/errors';
import type { SpotMarketRequest } from '../../contract/schemas';

export const SPOT_REQUEST_STATES = ['open', 'closed'] as const satisfies readonly SpotMarketRequest['state'][];
export type SpotRequestState = (typeof SPOT_REQUEST_STATES)[number];

/**
 * update: the user changes the bid or its limits. fill: a clearing round gives it machines (filled_total grows).
 * expire: its end_at has passed. fulfil: a one-time request reached devices_max and all its devices are gone.
 * delete: the user deletes it (with force_termination its devices go too).
 */
export type SpotRequestEvent = 'update' | 'fill' | 'expire' | 'fulfil' | 'delete';
export const SPOT_REQUEST_EVENTS: readonly SpotRequestEvent[] = ['update', 'fill', 'expire', 'fulfil', 'delete'];

export interface SpotRequestTransition {
  from: SpotRequestState;
  event: SpotRequestEvent;
  to: SpotRequestState;
  /** The closed_reason a transition into `closed` records (Metal's values). */
  closedReason?: string;
}

export const SPOT_REQUEST_TRANSITIONS: readonly SpotRequestTransition[] = [
  { from: 'open', event: 'update', to: 'open' },
  { from: 'open', event: 'fill', to: 'open' },
  { from: 'open', event: 'expire', to: 'closed', closedReason: 'end_at' },
  { from: 'open', event: 'fulfil', to: 'closed', closedReason: 'fulfilled' },
  { from: 'open', event: 'delete', to: 'closed', closedReason: 'deleted' },
  // Deleting a closed request changes nothing on it, so a retried DELETE succeeds; force_termination still ends its devices.
  { from: 'closed', event: 'delete', to: 'closed' },
];

/** States in which a request rests: all of them (see above). */
export const STABLE_REQUEST_STATES: ReadonlySet<SpotRequestState> = new Set(SPOT_REQUEST_STATES);

const index = new Map(SPOT_REQUEST_TRANSITIONS.map((tr) => [`${tr.from}:${tr.event}`, tr]));

/** The transition `event` makes from `from`, or undefined when the table has none. */
export function requestTransition(from: SpotRequestState, event: SpotRequestEvent): SpotRequestTransition | undefined {
  return index.get(`${from}:${event}`);
}

/** The events (actions) a request in `state` allows. */
export function eventsAllowedIn(state: SpotRequestState): SpotRequestEvent[] {
  return SPOT_REQUEST_TRANSITIONS.filter((tr) => tr.from === state).map((tr) => tr.event);
}

/** The transition a user's action makes on a request, or the conflict the user sees when its state refuses it. */
export function decideRequestEvent(
  request: { id: string; state: SpotRequestState; closed_reason: string | null },
  event: SpotRequestEvent,
): SpotRequestTransition {
  const transition = requestTransition(request.state, event);
  if (!transition) throw requestClosed(request);
  return transition;
}

export function requestClosed(request: { id: string; closed_reason: string | null }): MetalError {
  return new MetalError(
    'conflict',
    `spot market request ${request.id} is closed (${request.closed_reason ?? 'ended'}) and cannot change; create a new request`,
  );
}
