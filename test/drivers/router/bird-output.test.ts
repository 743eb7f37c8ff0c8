/** Parsing `birdc` answers captured from BIRD 2.0.12 (the router's main file sets `timeformat protocol iso long ms`). */
import { answerText } from '../../../lib/drivers/router/bird-control';
import { parseProtocols, parseRoutePrefixes } from '../../../lib/drivers/router/bird-output';

const SHOW_PROTOCOLS_ALL = `BIRD 2.0.12 ready.
Name       Proto      Table      State  Since         Info
default_v4 Static     master4    up     2026-12-06 16:48:20.507  
  Channel ipv4
    State:          UP
    Table:          master4
    Routes:         1 imported, 0 exported, 1 preferred

peer_a     BGP        ---        start  2026-12-06 16:48:28.665  Idle          Automatic shutdown: Route limit exceeded
  BGP state:          Idle
    Neighbor address: 127.0.0.2
    Neighbor AS:      65001
    Local AS:         65000
    Error wait:       50.961/60
    Last error:       Automatic shutdown: Route limit exceeded
  Channel ipv4
    State:          DOWN
    Receive limit:  1 [HIT]
      Action:       restart

peer_six   BGP        ---        up     2026-12-06 16:48:25.028  Established   
  BGP state:          Established
    Neighbor address: ::1
    Neighbor port:    17903
    Session:          external multihop AS4
  Channel ipv6
    State:          UP
    Routes:         1 imported, 1 filtered, 1 exported, 1 preferred

peer_new   BGP        ---        start  2026-12-06 16:48:20.508  Passive       
  BGP state:          Passive
    Neighbor address: 127.0.0.3
  Channel ipv4
    State:          DOWN

peer_gone  BGP        ---        flush  2026-12-06 16:49:01.000  Down          
  BGP state:          Down

peer_odd   BGP        ---        weird  2026-12-06 16:49:02.000  Idle          
  BGP state:          Idle
`;

const SHOW_ROUTE = `BIRD 2.0.12 ready.
Table master4:
198.51.100.9/32      unreachable [peer_a 2026-12-06 16:46:49.125 from 127.0.0.2] * (100/-) [AS65001i]
198.51.100.10/32     via 127.0.0.2 on lo [peer_a 2026-12-06 16:46:49.125 from 127.0.0.2] * (100) [AS65001i]
Table master6:
2001:db8:1::/48      unicast [peer_six 2026-12-06 16:46:49.125] * (100) [AS65001i]
	via ::1 on lo
`;

describe('birdc output', () => {
  it('maps BIRD protocol states through the table, with the BGP state and last error as the reason', () => {
    const at = (text: string) => new Date(text);
    expect(parseProtocols(SHOW_PROTOCOLS_ALL)).toEqual([
      { id: 'a', status: 'connecting', reason: 'Idle (Automatic shutdown: Route limit exceeded)', since: at('2026-12-06T16:48:28.665') },
      { id: 'six', status: 'up', since: at('2026-12-06T16:48:25.028') },
      { id: 'new', status: 'connecting', reason: 'Passive', since: at('2026-12-06T16:48:20.508') },
      { id: 'gone', status: 'down', reason: 'Down', since: at('2026-12-06T16:49:01.000') },
      { id: 'odd', status: 'unknown', reason: 'BIRD state weird: Idle', since: at('2026-12-06T16:49:02.000') },
    ]);
  });

  it('reads the reason from the Info column when asked without "all"', () => {
    const brief = SHOW_PROTOCOLS_ALL.split('\n')
      .filter((line) => !line.startsWith(' '))
      .join('\n');
    expect(parseProtocols(brief)[0].reason).toBe('Idle          Automatic shutdown: Route limit exceeded');
  });

  it('lists the prefixes of a route listing, IPv4 and IPv6', () => {
    expect(parseRoutePrefixes(SHOW_ROUTE)).toEqual(['198.51.100.9/32', '198.51.100.10/32', '2001:db8:1::/48']);
    expect(parseRoutePrefixes('BIRD 2.0.12 ready.\n')).toEqual([]);
  });

  it("keeps BIRD's complaint on one line and replaces the session's secrets", () => {
    const answer = 'BIRD 2.0.12 ready.\nReading configuration from /r/bird.conf\n/r/sessions/c.conf:8:13 bad "Zx9-secret"\n';
    expect(answerText(answer, ['Zx9-secret'])).toBe('/r/sessions/c.conf:8:13 bad "<md5 password>"');
  });
});
