/**
 * A metro router behind a small capability interface, like the BMC drivers: the engine says which BGP sessions
 * with customer servers should exist, the driver makes the router match and reads back what the sessions are doing.
 * Vendor values (BIRD's state words, its error lines) never cross this boundary: drivers map them to these types.
 */
import { DriverError } from '../types';

/**
 * A block the customer may announce from: the block itself and every sub-prefix of it down to `maxLength` (as in an
 * RPKI ROA). Metal lets a server announce its project's blocks and their subnets, so `maxLength` defaults to a host
 * route (/32 or /128); `{ prefix: '198.51.100.8/29', maxLength: 29 }` allows exactly the /29.
 */
export interface AllowedPrefix {
  prefix: string;
  maxLength?: number;
}

/** One BGP session between the metro router and a customer server. */
export interface BgpSession {
  /** Stable and unique per router: letters, digits and underscores (the driver names its BIRD protocol after it). */
  id: string;
  /** The customer server's address, IPv4 or IPv6; the session carries routes of that family only. */
  neighborIp: string;
  neighborAsn: number;
  localAsn: number;
  /** The TCP MD5 key. A secret: it reaches the router's configuration and nothing else the driver returns or throws. */
  md5Password?: string;
  /** Routes the neighbor may send (accepted or not) before the router drops the session and lets it reconnect. */
  maxPrefixes: number;
  allowedPrefixes: readonly AllowedPrefix[];
  /** Whether the router announces a default route to the neighbor; it announces nothing else. */
  defaultRoute: boolean;
}

/** `connecting`: configured and waiting for the neighbor or mid-handshake; `unknown`: a router state this driver does not know. */
export type SessionStatus = 'up' | 'connecting' | 'down' | 'unknown';

export interface SessionState {
  id: string;
  status: SessionStatus;
  /** Why the session is not up, in the router's words (e.g. "Passive", "Idle (Automatic shutdown: Route limit exceeded)"). */
  reason?: string;
  /** When the session entered this status. */
  since?: Date;
}

/** A route the neighbor announced; `accepted` is false when the import filter rejected it. */
export interface LearnedRoute {
  prefix: string;
  accepted: boolean;
}

export interface RouterDriver {
  /** Adds the session or changes it to this; an unchanged session leaves the router untouched. */
  upsertSession(session: BgpSession): Promise<void>;
  /** Removes the session; removing one the router does not have succeeds. */
  removeSession(id: string): Promise<void>;
  /** Makes the router's sessions exactly `sessions` in one change; sessions that stay the same stay up. */
  reconcile(sessions: readonly BgpSession[]): Promise<void>;
  /** The state of every configured session. */
  sessionStates(): Promise<SessionState[]>;
  /** What the session's neighbor announces now; none for a session that is down or not configured. */
  learnedRoutes(id: string): Promise<LearnedRoute[]>;
}

/**
 * The router did not take a command: `unreachable` or `timeout` when it did not answer (worth retrying), `protocol`
 * when it refused (a configuration it rejects stays rejected). A refused change leaves the previous configuration.
 */
export class RouterUnavailable extends DriverError {
  constructor(kind: 'unreachable' | 'timeout' | 'protocol', message: string, options?: { cause?: unknown }) {
    super(kind, message, options);
    this.name = 'RouterUnavailable';
  }
}
