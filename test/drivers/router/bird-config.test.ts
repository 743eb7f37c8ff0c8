import { renderRouterConfig, renderSession } from '../../../lib/drivers/router/bird-config';
import { DriverError } from '../../../lib/drivers/types';
import { testSession } from './sessions';

const LISTEN = { ipv4: '127.0.0.1', ipv6: '::1', port: 1790 };
const session = testSession({
  allowedPrefixes: [{ prefix: '147.75.1.8/29' }, { prefix: '147.75.2.0/24', maxLength: 24 }, { prefix: '2001:db8::/56' }],
});

describe('BIRD configuration', () => {
  it('renders one passive BGP protocol per session with MD5, a receive limit and an exact import filter', () => {
    expect(renderSession(session, LISTEN)).toBe(
      [
        '# BGP session dev_1; written whole by metalforge on every change of this session.',
        'protocol bgp peer_dev_1 {',
        '  local 127.0.0.1 port 1790 as 65530;',
        '  neighbor 147.75.1.10 as 65000;',
        '  strict bind on;',
        '  passive on;',
        '  multihop 2;',
        '  password "Zx9-secret";',
        '  ipv4 {',
        '    import keep filtered on;',
        '    receive limit 10 action restart;',
        '    import filter { if net ~ [ 147.75.1.8/29{29,32}, 147.75.2.0/24{24,24} ] then accept; reject; };',
        '    export where net = 0.0.0.0/0;',
        '  };',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('renders an IPv6 session from the router IPv6 address; no allowed prefixes imports nothing; no default exports nothing', () => {
    const v6 = renderSession(
      { ...session, neighborIp: '2001:db8::10', allowedPrefixes: [], defaultRoute: false, md5Password: undefined },
      LISTEN,
    );
    expect(v6).toContain('local ::1 port 1790 as 65530;');
    expect(v6).toContain('  ipv6 {');
    expect(v6).toContain('import none;');
    expect(v6).toContain('export none;');
    expect(v6).not.toContain('password');
  });

  it('refuses a session of a family the router has no address for', () => {
    expect(() => renderSession({ ...session, neighborIp: '2001:db8::10' }, { ipv4: '127.0.0.1', port: 1790 })).toThrow(DriverError);
  });

  it('renders the main file that includes every session file', () => {
    const main = renderRouterConfig({ routerId: '127.0.0.1', sessionsDir: '/var/lib/mf/sessions', logFile: '/var/lib/mf/bird.log' });
    expect(main).toContain('include "/var/lib/mf/sessions/*.conf";');
    expect(main).toContain('route 0.0.0.0/0 unreachable;');
    expect(() => renderRouterConfig({ routerId: '127.0.0.1', sessionsDir: '/x"y', logFile: '/l' })).toThrow(/quotes/);
  });
});
