/**
 * Vendor codes → DriverError kinds: IPMI completion codes (IPMI v2.0 §5.2) and RMCP+ session status codes
 * (§13.24), each with an operator-facing explanation. Unknown codes are protocol errors.
 */
import { DriverError, DriverErrorKind } from '../types';

interface CodeMeaning {
  kind: DriverErrorKind;
  text: string;
}

export const COMPLETION_CODES: ReadonlyMap<number, CodeMeaning> = new Map([
  [0xc0, { kind: 'busy', text: 'node busy' }],
  [0xc1, { kind: 'unsupported', text: 'invalid command (not implemented by this BMC)' }],
  [0xc2, { kind: 'unsupported', text: 'command invalid for the given LUN' }],
  [0xc3, { kind: 'timeout', text: 'timeout while processing the command' }],
  [0xc4, { kind: 'busy', text: 'out of space' }],
  [0xc5, { kind: 'busy', text: 'reservation cancelled or invalid' }],
  [0xc6, { kind: 'protocol', text: 'request data truncated' }],
  [0xc7, { kind: 'protocol', text: 'request data length invalid' }],
  [0xc8, { kind: 'protocol', text: 'request data field length limit exceeded' }],
  [0xc9, { kind: 'unsupported', text: 'parameter out of range' }],
  [0xca, { kind: 'protocol', text: 'cannot return the number of requested data bytes' }],
  [0xcb, { kind: 'unsupported', text: 'requested sensor, data or record not present' }],
  [0xcc, { kind: 'unsupported', text: 'invalid data field in request' }],
  [0xcd, { kind: 'unsupported', text: 'command illegal for the specified sensor or record type' }],
  [0xce, { kind: 'busy', text: 'command response could not be provided' }],
  [0xcf, { kind: 'busy', text: 'cannot execute duplicated request' }],
  [0xd0, { kind: 'busy', text: 'SDR repository in update mode' }],
  [0xd1, { kind: 'busy', text: 'device in firmware update mode' }],
  [0xd2, { kind: 'busy', text: 'BMC initialization in progress' }],
  [0xd3, { kind: 'busy', text: 'destination unavailable' }],
  [0xd4, { kind: 'auth_failed', text: 'insufficient privilege level (the user needs the administrator role)' }],
  [0xd5, { kind: 'busy', text: 'command not supported in the present state' }],
  [0xd6, { kind: 'unsupported', text: 'sub-function disabled or unavailable' }],
  // Many BMCs (and ipmi_sim when its chassis hook fails) answer 0xFF for transient faults: worth a retry.
  [0xff, { kind: 'busy', text: 'unspecified error' }],
]);

export const RMCP_PLUS_STATUS_CODES: ReadonlyMap<number, CodeMeaning> = new Map([
  [0x01, { kind: 'busy', text: 'insufficient resources to create a session (all BMC sessions in use)' }],
  [0x02, { kind: 'protocol', text: 'invalid session ID' }],
  [0x03, { kind: 'protocol', text: 'invalid payload type' }],
  [0x04, { kind: 'unsupported', text: 'invalid authentication algorithm' }],
  [0x05, { kind: 'unsupported', text: 'invalid integrity algorithm' }],
  [0x06, { kind: 'unsupported', text: 'no matching authentication payload' }],
  [0x07, { kind: 'unsupported', text: 'no matching integrity payload' }],
  [0x08, { kind: 'busy', text: 'inactive session ID (the handshake took too long)' }],
  [0x09, { kind: 'auth_failed', text: 'invalid role' }],
  [0x0a, { kind: 'auth_failed', text: 'unauthorized role or privilege level requested' }],
  [0x0b, { kind: 'busy', text: 'insufficient resources to create a session at the requested role' }],
  [0x0c, { kind: 'auth_failed', text: 'invalid user name length' }],
  [0x0d, { kind: 'auth_failed', text: 'unauthorized user name' }],
  [0x0e, { kind: 'auth_failed', text: 'unauthorized GUID' }],
  [0x0f, { kind: 'auth_failed', text: 'invalid integrity check value (wrong password?)' }],
  [0x10, { kind: 'unsupported', text: 'invalid confidentiality algorithm' }],
  [0x11, { kind: 'unsupported', text: 'no cipher suite match with the proposed security algorithms' }],
  [0x12, { kind: 'protocol', text: 'illegal or unrecognized parameter' }],
]);

function hex(code: number): string {
  return `0x${code.toString(16).padStart(2, '0')}`;
}

function describe(table: ReadonlyMap<number, CodeMeaning>, code: number): CodeMeaning {
  return table.get(code) ?? { kind: 'protocol', text: 'unknown code' };
}

/** Actions an operator can take, by kind. */
const ADVICE: Readonly<Record<DriverErrorKind, string>> = {
  busy: 'the BMC is busy or out of sessions: retry later, or close stale sessions / cold-reset the BMC if it persists',
  timeout: 'retry; if it persists the BMC may need a reset',
  auth_failed: 'check the BMC user name, password and role',
  unsupported: 'this BMC does not support the operation',
  protocol: 'unexpected answer from the BMC: check its firmware',
  unreachable: 'check the BMC address, port and network',
  not_applied: 'retry the setting',
};

/** `what` names the operation and the BMC, e.g. "Chassis Control on IPMI BMC 10.0.0.5:623". */
export function completionCodeError(code: number, what: string): DriverError {
  const meaning = describe(COMPLETION_CODES, code);
  return new DriverError(meaning.kind, `${what} failed with completion code ${hex(code)} (${meaning.text}): ${ADVICE[meaning.kind]}`);
}

export function sessionStatusError(code: number, what: string): DriverError {
  const meaning = describe(RMCP_PLUS_STATUS_CODES, code);
  return new DriverError(meaning.kind, `${what} was refused with RMCP+ status ${hex(code)} (${meaning.text}): ${ADVICE[meaning.kind]}`);
}
