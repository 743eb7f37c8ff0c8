import { MetalError } from '../../../lib/contract/errors';
import {
  decideRequestEvent,
  eventsAllowedIn,
  requestTransition,
  SPOT_REQUEST_EVENTS,
  SPOT_REQUEST_STATES,
  SPOT_REQUEST_TRANSITIONS,
  STABLE_REQUEST_STATES,
} from '../../../lib/engine/spot/lifecycle';

describe('spot market request lifecycle table', () => {
  it('uses only known states and events and declares each (from, event) once', () => {
    const keys = SPOT_REQUEST_TRANSITIONS.map((t) => `${t.from}:${t.event}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of SPOT_REQUEST_TRANSITIONS) {
      expect(SPOT_REQUEST_STATES).toContain(t.from);
      expect(SPOT_REQUEST_STATES).toContain(t.to);
      expect(SPOT_REQUEST_EVENTS).toContain(t.event);
    }
  });

  it('declares a transition for every event', () => {
    for (const event of SPOT_REQUEST_EVENTS) expect(SPOT_REQUEST_TRANSITIONS.some((t) => t.event === event)).toBe(true);
  });

  it('closes an open request with the reason Metal shows', () => {
    expect(requestTransition('open', 'expire')).toMatchObject({ to: 'closed', closedReason: 'end_at' });
    expect(requestTransition('open', 'fulfil')).toMatchObject({ to: 'closed', closedReason: 'fulfilled' });
    expect(requestTransition('open', 'delete')).toMatchObject({ to: 'closed', closedReason: 'deleted' });
    // Every transition into closed from another state records a reason; staying where it is records none.
    for (const t of SPOT_REQUEST_TRANSITIONS) expect(t.closedReason !== undefined).toBe(t.from !== t.to && t.to === 'closed');
  });

  it('keeps an open request open while its bid changes and it fills', () => {
    expect(requestTransition('open', 'update')?.to).toBe('open');
    expect(requestTransition('open', 'fill')?.to).toBe('open');
    expect(eventsAllowedIn('open')).toEqual([...SPOT_REQUEST_EVENTS]);
  });

  it('a closed request never changes: only a delete is accepted, and it changes nothing', () => {
    expect(eventsAllowedIn('closed')).toEqual(['delete']);
    expect(requestTransition('closed', 'delete')).toMatchObject({ to: 'closed' });
    expect(requestTransition('closed', 'delete')?.closedReason).toBeUndefined();
    for (const event of ['update', 'fill', 'expire', 'fulfil'] as const) expect(requestTransition('closed', event)).toBeUndefined();
    expect(SPOT_REQUEST_TRANSITIONS.filter((t) => t.from === 'closed').every((t) => t.to === 'closed')).toBe(true);
  });

  it('refuses a user action the state does not allow with the conflict the API shows', () => {
    const closed = { id: 'r1', state: 'closed' as const, closed_reason: 'fulfilled' };
    let thrown: unknown;
    try {
      decideRequestEvent(closed, 'update');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(MetalError);
    expect(thrown).toMatchObject({
      code: 'conflict',
      message: 'spot market request r1 is closed (fulfilled) and cannot change; create a new request',
    });
    expect(decideRequestEvent({ id: 'r2', state: 'open', closed_reason: null }, 'update').to).toBe('open');
  });

  it('every state is stable (a request waits on nothing) and every state is reachable from open', () => {
    for (const s of SPOT_REQUEST_STATES) expect(STABLE_REQUEST_STATES.has(s)).toBe(true);
    const reached = new Set(['open', ...SPOT_REQUEST_TRANSITIONS.filter((t) => t.from === 'open').map((t) => t.to)]);
    expect(reached).toEqual(new Set(SPOT_REQUEST_STATES));
  });
});
