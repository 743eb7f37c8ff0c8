/**
 * Reading `birdc` answers: protocol states from `show protocols all`, prefixes from `show route`. BIRD's words
 * stop here; what leaves is the project's SessionState.
 */
import { sessionIdOf } from './bird-config';
import type { SessionState, SessionStatus } from './types';

/** BIRD's protocol states (proto_state_name in nest/proto.c); `start` covers every BGP state before Established. */
const STATUS_OF_BIRD_STATE: Readonly<Record<string, SessionStatus>> = {
  up: 'up',
  start: 'connecting',
  stop: 'down',
  flush: 'down',
  down: 'down',
};

/** `peer_x  BGP  ---  start  2026-12-06 16:48:20.508  Passive` (the main file sets `timeformat protocol iso long ms`). */
const PROTOCOL_ROW = /^(\S+)\s+(\S+)\s+\S+\s+(\S+)\s+(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)\s*(.*?)\s*$/;
const DETAIL = /^\s+(BGP state|Last error):\s+(.*?)\s*$/;

interface ProtocolRow {
  id: string;
  birdState: string;
  since: Date;
  info: string;
  bgpState?: string;
  lastError?: string;
}

function toState(row: ProtocolRow): SessionState {
  const status = STATUS_OF_BIRD_STATE[row.birdState] ?? 'unknown';
  if (status === 'up') return { id: row.id, status, since: row.since };
  const words = row.bgpState ? (row.lastError ? `${row.bgpState} (${row.lastError})` : row.bgpState) : row.info;
  const reason = status === 'unknown' ? `BIRD state ${row.birdState}${words ? `: ${words}` : ''}` : words;
  return { id: row.id, status, ...(reason ? { reason } : {}), since: row.since };
}

/** The sessions in `show protocols [all]` output; protocols the driver does not own are skipped. */
export function parseProtocols(output: string): SessionState[] {
  const rows: ProtocolRow[] = [];
  let current: ProtocolRow | undefined;
  for (const line of output.split('\n')) {
    const row = line.match(PROTOCOL_ROW);
    if (row) {
      const id = row[2] === 'BGP' ? sessionIdOf(row[1]) : undefined;
      // BIRD prints local time; an ISO date-time without a zone is read as local time too.
      current = id ? { id, birdState: row[3], since: new Date(`${row[4]}T${row[5]}`), info: row[6] } : undefined;
      if (current) rows.push(current);
      continue;
    }
    const detail = current && line.match(DETAIL);
    if (current && detail) {
      if (detail[1] === 'BGP state') current.bgpState = detail[2];
      else current.lastError = detail[2];
    }
  }
  return rows.map(toState);
}

/** The prefixes in `show route` output: the first word of each route line (continuation lines start with a space). */
export function parseRoutePrefixes(output: string): string[] {
  return [...output.matchAll(/^([0-9a-fA-F.:]+\/\d{1,3})\s/gm)].map((m) => m[1]);
}
