/**
 * The in-process metro router: deterministic, no sockets. Sessions behave as on the BIRD router (passive, the
 * customer connects; a bad MD5 key is never seen; too many routes drop the session), and a test plays the customer
 * through `peer(id)`.
 */
import { systemClock, type Clock } from '../../core/clock';
import { DriverError } from '../types';
import { accepted, checkSession, checkSessions } from './rules';
import type { BgpSession, LearnedRoute, RouterDriver, SessionState, SessionStatus } from './types';

interface SimSession {
  session: BgpSession;
  state: SessionState;
  /** What the connected neighbor announces; empty while it is not connected. */
  announced: string[];
}

/** The customer side of one session. */
export interface SimPeer {
  /** Opens the session as the neighbor would; a wrong key or ASN leaves it not up, with the router's reason. */
  connect(options: { asn: number; md5Password?: string }): void;
  disconnect(): void;
  /** Replaces what the neighbor announces; ignored while the session is not up (the router hears nothing then). */
  announce(prefixes: readonly string[]): void;
  /** What the router sends the neighbor. */
  received(): string[];
}

/** Changing any of these restarts an established session; other changes (filters, limits) apply in place. */
const CONNECTION_FIELDS = ['neighborIp', 'neighborAsn', 'localAsn', 'md5Password'] as const;

export class SimRouter implements RouterDriver {
  private readonly sessions = new Map<string, SimSession>();

  constructor(private readonly clock: Clock = systemClock) {}

  async upsertSession(session: BgpSession): Promise<void> {
    checkSession(session);
    this.put(session);
  }

  async removeSession(id: string): Promise<void> {
    this.sessions.delete(id);
  }

  async reconcile(sessions: readonly BgpSession[]): Promise<void> {
    checkSessions(sessions);
    const wanted = new Set(sessions.map((s) => s.id));
    for (const id of this.sessions.keys()) if (!wanted.has(id)) this.sessions.delete(id);
    for (const session of sessions) this.put(session);
  }

  async sessionStates(): Promise<SessionState[]> {
    return [...this.sessions.values()].map((s) => ({ ...s.state }));
  }

  async learnedRoutes(id: string): Promise<LearnedRoute[]> {
    const entry = this.sessions.get(id);
    if (!entry) return [];
    return entry.announced.map((prefix) => ({ prefix, accepted: accepted(prefix, entry.session.allowedPrefixes) }));
  }

  /** Test hook: acts as the neighbor of session `id`. */
  peer(id: string): SimPeer {
    const entry = () => {
      const found = this.sessions.get(id);
      if (!found) throw new DriverError('unsupported', `the simulated router has no BGP session ${id}`);
      return found;
    };
    return {
      connect: ({ asn, md5Password }) => {
        const s = entry();
        // A TCP segment signed with another key is dropped by the router's kernel: BIRD never sees the attempt.
        if (md5Password !== s.session.md5Password) return;
        if (asn !== s.session.neighborAsn) return this.setState(s, 'connecting', `Passive (Error: Bad peer AS: ${asn})`);
        if (s.state.status !== 'up') this.setState(s, 'up');
      },
      disconnect: () => this.drop(entry(), 'Passive (Received: Cease)'),
      announce: (prefixes) => {
        const s = entry();
        if (s.state.status !== 'up') return;
        if (prefixes.length > s.session.maxPrefixes) return this.drop(s, 'Idle (Automatic shutdown: Route limit exceeded)');
        s.announced = [...prefixes];
      },
      received: () => {
        const { session, state } = entry();
        if (state.status !== 'up' || !session.defaultRoute) return [];
        return [session.neighborIp.includes(':') ? '::/0' : '0.0.0.0/0'];
      },
    };
  }

  private put(session: BgpSession): void {
    const existing = this.sessions.get(session.id);
    if (!existing) {
      this.sessions.set(session.id, { session, state: this.stateNow(session.id, 'connecting', 'Passive'), announced: [] });
      return;
    }
    const restart = CONNECTION_FIELDS.some((field) => existing.session[field] !== session[field]);
    existing.session = session;
    if (restart) this.drop(existing, 'Passive');
  }

  private drop(entry: SimSession, reason: string): void {
    entry.announced = [];
    this.setState(entry, 'connecting', reason);
  }

  private setState(entry: SimSession, status: SessionStatus, reason?: string): void {
    entry.state = this.stateNow(entry.session.id, status, reason);
  }

  private stateNow(id: string, status: SessionStatus, reason?: string): SessionState {
    return { id, status, ...(reason ? { reason } : {}), since: this.clock.now() };
  }
}
