/**
 * BIRD 2 configuration for the metro router: a main file that includes one file per session, so adding or removing
 * a session rewrites only that session's file. Pure text rendering; the files are written by BirdRouter.
 */
import { isIPv4 } from 'node:net';
import { DriverError } from '../types';
import { familyBits } from '../../core/ip';
import { parsePrefix } from './rules';
import type { BgpSession } from './types';

/** Where the router accepts BGP connections: its own address per family, one port. */
export interface BirdListen {
  ipv4?: string;
  ipv6?: string;
  port: number;
}

/** The driver owns the BIRD protocols with this prefix; the prefix also keeps ids clear of BIRD's keywords. */
const PROTOCOL_PREFIX = 'peer_';
export const protocolName = (id: string) => `${PROTOCOL_PREFIX}${id}`;
export const sessionIdOf = (protocol: string) =>
  protocol.startsWith(PROTOCOL_PREFIX) ? protocol.slice(PROTOCOL_PREFIX.length) : undefined;

export const sessionFileName = (id: string) => `${id}.conf`;
/** The session a file in the sessions directory holds, or undefined for any other file (a temp file, a stray). */
export const sessionIdOfFile = (name: string) => name.match(/^([A-Za-z0-9_]+)\.conf$/)?.[1];

function quoted(path: string): string {
  if (/["\\\n]/.test(path))
    throw new DriverError('unsupported', `BIRD cannot include a path with quotes, backslashes or newlines: ${path}`);
  return `"${path}"`;
}

/**
 * The metro router's main file. It originates the default route (the metro's way out, announced only to sessions
 * that ask for it) and prints full timestamps so session times parse without guessing the day.
 */
export function renderRouterConfig(options: { routerId: string; sessionsDir: string; logFile: string }): string {
  if (!isIPv4(options.routerId)) throw new DriverError('unsupported', `router id ${options.routerId} is not an IPv4 address`);
  return [
    `router id ${options.routerId};`,
    'timeformat protocol iso long ms;',
    `log ${quoted(options.logFile)} all;`,
    'protocol static default_v4 { ipv4; route 0.0.0.0/0 unreachable; }',
    'protocol static default_v6 { ipv6; route ::/0 unreachable; }',
    `include ${quoted(`${options.sessionsDir}/*.conf`)};`,
    '',
  ].join('\n');
}

/** BIRD's prefix pattern for an allowed block: the block and its sub-prefixes down to maxLength. */
function pattern(prefix: string, maxLength: number | undefined): string {
  const block = parsePrefix(prefix);
  if (!block) throw new DriverError('unsupported', `allowed prefix ${prefix} is not an address/length`);
  return `${prefix}{${block.length},${maxLength ?? familyBits(block.family)}}`;
}

/** One session as a BIRD protocol; the session must have passed checkSession. */
export function renderSession(session: BgpSession, listen: BirdListen): string {
  const family = isIPv4(session.neighborIp) ? 4 : 6;
  const channel = family === 4 ? 'ipv4' : 'ipv6';
  const local = family === 4 ? listen.ipv4 : listen.ipv6;
  if (!local) throw new DriverError('unsupported', `the router has no ${channel} address to peer with ${session.neighborIp} from`);
  const patterns = session.allowedPrefixes
    .filter((entry) => parsePrefix(entry.prefix)?.family === family)
    .map((entry) => pattern(entry.prefix, entry.maxLength));
  const lines = [
    `# BGP session ${session.id}; written whole by metalforge on every change of this session.`,
    `protocol bgp ${protocolName(session.id)} {`,
    `  local ${local} port ${listen.port} as ${session.localAsn};`,
    `  neighbor ${session.neighborIp} as ${session.neighborAsn};`,
    // Listen on the router's own address only, wait for the customer server to connect, as Metal's routers do.
    '  strict bind on;',
    '  passive on;',
    '  multihop 2;',
    ...(session.md5Password === undefined ? [] : [`  password "${session.md5Password}";`]),
    `  ${channel} {`,
    // Rejected routes are kept (not used) so they can be listed; the receive limit counts them too.
    '    import keep filtered on;',
    `    receive limit ${session.maxPrefixes} action restart;`,
    patterns.length ? `    import filter { if net ~ [ ${patterns.join(', ')} ] then accept; reject; };` : '    import none;',
    session.defaultRoute ? `    export where net = ${family === 4 ? '0.0.0.0/0' : '::/0'};` : '    export none;',
    '  };',
    '}',
    '',
  ];
  return lines.join('\n');
}
