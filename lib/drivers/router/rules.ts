/**
 * The pure rules every router driver applies the same way: which announced prefixes a session accepts, and which
 * sessions are well-formed. The simulator and the BIRD configuration both follow `accepted`.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { familyBits, parseAddress } from '../../core/ip';
import { DriverError } from '../types';
import type { AllowedPrefix, BgpSession } from './types';

export interface Prefix {
  family: 4 | 6;
  /** The address as a number, host bits included as written. */
  address: bigint;
  length: number;
}

/** `address/length` as a Prefix (host bits kept as written), or undefined when it is not one. */
export function parsePrefix(text: string): Prefix | undefined {
  const match = text.match(/^([^/]+)\/(\d{1,3})$/);
  const parsed = match && parseAddress(match[1]);
  if (!parsed || Number(match[2]) > familyBits(parsed.family)) return undefined;
  return { family: parsed.family, address: parsed.value, length: Number(match[2]) };
}

const networkOf = (p: Prefix, length: number) => p.address >> BigInt(familyBits(p.family) - length);

/** True when the prefix has no bits set past its length (198.51.100.8/29, not 198.51.100.9/29). */
export const isNetwork = (p: Prefix) => networkOf(p, p.length) << BigInt(familyBits(p.family) - p.length) === p.address;

/** Whether a session allowing `allowed` accepts an announcement of `prefix`: inside a block, no longer than its maxLength. */
export function accepted(prefix: string, allowed: readonly AllowedPrefix[]): boolean {
  const announced = parsePrefix(prefix);
  if (!announced || !isNetwork(announced)) return false;
  return allowed.some((entry) => {
    const block = parsePrefix(entry.prefix);
    if (!block || block.family !== announced.family) return false;
    const maxLength = entry.maxLength ?? familyBits(block.family);
    return (
      announced.length >= block.length &&
      announced.length <= maxLength &&
      networkOf(announced, block.length) === networkOf(block, block.length)
    );
  });
}

const MAX_ASN = 4294967295;
/** Safe as a file name and, behind the driver's prefix, as a BIRD protocol name (at most 64 characters). */
const SESSION_ID = /^[A-Za-z0-9_]{1,48}$/;
const SESSION_ID_RULE = 'id must be 1 to 48 letters, digits or underscores';
/** TCP MD5 keys are at most 80 bytes (TCP_MD5SIG_MAXKEYLEN); quotes and backslashes would need escaping in configs. */
const MD5_PASSWORD = /^[\x21\x23-\x5b\x5d-\x7e]{1,80}$/;

/** Every problem with the session, worded for the caller; the password is described, never quoted. */
export function sessionProblems(session: BgpSession): string[] {
  const problems: string[] = [];
  const asn = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 1 || value > MAX_ASN) problems.push(`${name} ${value} is not an ASN (1 to ${MAX_ASN})`);
  };
  if (!SESSION_ID.test(session.id)) problems.push(SESSION_ID_RULE);
  if (!isIPv4(session.neighborIp) && !isIPv6(session.neighborIp)) problems.push(`neighborIp ${session.neighborIp} is not an IP address`);
  asn('neighborAsn', session.neighborAsn);
  asn('localAsn', session.localAsn);
  if (session.md5Password !== undefined && !MD5_PASSWORD.test(session.md5Password)) {
    problems.push('md5Password must be 1 to 80 printable ASCII characters without spaces, quotes or backslashes');
  }
  if (!Number.isInteger(session.maxPrefixes) || session.maxPrefixes < 1) problems.push('maxPrefixes must be a positive integer');
  for (const entry of session.allowedPrefixes) {
    const block = parsePrefix(entry.prefix);
    if (!block || !isNetwork(block)) {
      problems.push(`allowed prefix ${entry.prefix} is not a network address/length`);
      continue;
    }
    const max = entry.maxLength;
    if (max !== undefined && (!Number.isInteger(max) || max < block.length || max > familyBits(block.family))) {
      problems.push(`maxLength ${max} of ${entry.prefix} must be from ${block.length} to ${familyBits(block.family)}`);
    }
  }
  return problems;
}

/** Throws when the session is malformed, before any router is touched. */
export function checkSession(session: BgpSession): void {
  const problems = sessionProblems(session);
  if (problems.length) throw new DriverError('unsupported', `BGP session ${JSON.stringify(session.id)}: ${problems.join('; ')}`);
}

/** Throws when `id` cannot name a session (so no session by that name can exist). */
export function checkSessionId(id: string): void {
  if (!SESSION_ID.test(id)) throw new DriverError('unsupported', `BGP session ${JSON.stringify(id)}: ${SESSION_ID_RULE}`);
}

/** Throws on a malformed session or two sessions sharing an id. */
export function checkSessions(sessions: readonly BgpSession[]): void {
  const seen = new Set<string>();
  for (const session of sessions) {
    checkSession(session);
    if (seen.has(session.id)) throw new DriverError('unsupported', `BGP session id ${session.id} is given twice`);
    seen.add(session.id);
  }
}
