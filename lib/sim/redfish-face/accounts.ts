/**
 * The face's AccountService: accounts with a role, grouped by BMC. The face serves many machines; each machine
 * belongs to the group of the credentials it was started with, and the accounts an administrator adds join the
 * administrator's group, so they see the same machines. A password change applies to the next login or basic-auth
 * request. Passwords are kept only to compare against and never leave this module.
 */
import { timingSafeEqual } from 'node:crypto';
import { ROOT } from './resources';

export const ACCOUNTS_PATH = `${ROOT}/AccountService/Accounts`;
export const ROLES_PATH = `${ROOT}/AccountService/Roles`;

/** The predefined Redfish roles and the privileges each one holds (Redfish Base privilege registry). */
export const ROLE_PRIVILEGES = {
  Administrator: ['Login', 'ConfigureManager', 'ConfigureUsers', 'ConfigureSelf', 'ConfigureComponents'],
  Operator: ['Login', 'ConfigureSelf', 'ConfigureComponents'],
  ReadOnly: ['Login', 'ConfigureSelf'],
} as const;
export type RoleId = keyof typeof ROLE_PRIVILEGES;
export type Privilege = (typeof ROLE_PRIVILEGES)[RoleId][number];

export const isRoleId = (value: unknown): value is RoleId => typeof value === 'string' && value in ROLE_PRIVILEGES;

export interface Account {
  id: string;
  /** The BMC the account belongs to: it sees that BMC's machines. */
  group: string;
  username: string;
  role: RoleId;
  enabled: boolean;
}

interface StoredAccount extends Account {
  password: string;
}

/** Username limits of common BMCs (iDRAC 16, OpenBMC 16); passwords as ipmi_sim and most BMCs take them. */
const USERNAME = /^[A-Za-z0-9._-]{1,16}$/;
const MAX_PASSWORD_BYTES = 20;

function samePassword(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

export class AccountTable {
  private readonly accounts = new Map<string, StoredAccount>();
  private counter = 0;

  /** The account for these credentials, created as the administrator of a new group when none matches. */
  ensure(username: string, password: string): Account {
    const existing = [...this.accounts.values()].find((a) => a.username === username && samePassword(a.password, password));
    return existing ? publicView(existing) : this.add(`bmc${this.counter + 1}`, username, password, 'Administrator');
  }

  /** The enabled account these credentials log into, if any. */
  authenticate(username: string, password: string): Account | undefined {
    const account = [...this.accounts.values()].find((a) => a.enabled && a.username === username && samePassword(a.password, password));
    return account && publicView(account);
  }

  get(id: string): Account | undefined {
    const account = this.accounts.get(id);
    return account && publicView(account);
  }

  inGroup(group: string): Account[] {
    return [...this.accounts.values()].filter((a) => a.group === group).map(publicView);
  }

  /** Adds an account to a group; a reason naming the field when the input is not acceptable. */
  create(group: string, input: { UserName?: unknown; Password?: unknown; RoleId?: unknown; Enabled?: unknown }): Account | string {
    if (typeof input.UserName !== 'string' || !USERNAME.test(input.UserName))
      return 'UserName must be 1-16 letters, digits, dots, dashes or underscores';
    const reason = passwordProblem(input.Password);
    if (reason) return reason;
    if (input.RoleId !== undefined && !isRoleId(input.RoleId)) return `RoleId must be one of ${Object.keys(ROLE_PRIVILEGES).join(', ')}`;
    if (this.inGroup(group).some((a) => a.username === input.UserName)) return `an account named ${input.UserName} already exists`;
    const account = this.add(group, input.UserName, input.Password as string, (input.RoleId as RoleId | undefined) ?? 'ReadOnly');
    if (input.Enabled === false) this.accounts.get(account.id)!.enabled = false;
    return this.get(account.id)!;
  }

  /** Changes Password, RoleId or Enabled; a reason naming the field when the input is not acceptable. */
  update(id: string, patch: { Password?: unknown; RoleId?: unknown; Enabled?: unknown; UserName?: unknown }): string | undefined {
    const account = this.accounts.get(id);
    if (!account) return `account ${id} does not exist`;
    if (patch.UserName !== undefined && patch.UserName !== account.username) return 'UserName cannot be changed; create a new account';
    if (patch.Password !== undefined) {
      const reason = passwordProblem(patch.Password);
      if (reason) return reason;
    }
    if (patch.RoleId !== undefined && !isRoleId(patch.RoleId)) return `RoleId must be one of ${Object.keys(ROLE_PRIVILEGES).join(', ')}`;
    if (patch.Enabled !== undefined && typeof patch.Enabled !== 'boolean') return 'Enabled must be true or false';
    if (patch.Password !== undefined) account.password = patch.Password as string;
    if (patch.RoleId !== undefined) account.role = patch.RoleId as RoleId;
    if (patch.Enabled !== undefined) account.enabled = patch.Enabled as boolean;
    return undefined;
  }

  delete(id: string): boolean {
    return this.accounts.delete(id);
  }

  private add(group: string, username: string, password: string, role: RoleId): Account {
    const account: StoredAccount = { id: String(++this.counter), group, username, password, role, enabled: true };
    this.accounts.set(account.id, account);
    return publicView(account);
  }
}

function passwordProblem(password: unknown): string | undefined {
  if (typeof password !== 'string' || password.length === 0 || Buffer.byteLength(password) > MAX_PASSWORD_BYTES)
    return `Password must be a string of 1-${MAX_PASSWORD_BYTES} bytes`;
  return undefined;
}

function publicView({ password: _password, ...account }: StoredAccount): Account {
  return account;
}

export function hasPrivilege(account: Account, privilege: Privilege): boolean {
  return (ROLE_PRIVILEGES[account.role] as readonly string[]).includes(privilege);
}
