/**
 * The face's session table, like a BMC's: a bounded number of sessions, each bound to the account that opened
 * it (by account id).
 */
import { randomBytes } from 'node:crypto';
import { ROOT } from './resources';

export const SESSIONS_PATH = `${ROOT}/SessionService/Sessions`;

interface Session {
  id: string;
  account: string;
  username: string;
}

export class SessionTable {
  private readonly byToken = new Map<string, Session>();
  private counter = 0;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.byToken.size;
  }

  /** A new session's token and Location, or undefined when the table is full. */
  open(account: string, username: string): { id: string; token: string; location: string } | undefined {
    if (this.byToken.size >= this.limit) return undefined;
    const id = String(++this.counter);
    const token = randomBytes(16).toString('hex');
    this.byToken.set(token, { id, account, username });
    return { id, token, location: `${SESSIONS_PATH}/${id}` };
  }

  accountOf(token: string): string | undefined {
    return this.byToken.get(token)?.account;
  }

  /** The sessions an account opened. */
  of(account: string): Session[] {
    return [...this.byToken.values()].filter((s) => s.account === account);
  }

  /** Closes an account's session; false when it has no session with that id. */
  close(account: string, id: string): boolean {
    for (const [token, session] of this.byToken) {
      if (session.id === id && session.account === account) return this.byToken.delete(token);
    }
    return false;
  }

  /** Drops the sessions of these accounts (their BMC was reset). */
  closeAll(accounts: ReadonlySet<string>): void {
    for (const [token, session] of this.byToken) if (accounts.has(session.account)) this.byToken.delete(token);
  }

  clear(): void {
    this.byToken.clear();
  }
}
