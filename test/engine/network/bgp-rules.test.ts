/** The pure BGP rules: configurations, session requests, neighbor routes, the router's session and status. */
import {
  configProblems,
  customerIp,
  observedStatus,
  routerFailureReason,
  routerSession,
  routesIn,
  routesOut,
  sameConfig,
  sessionProblems,
} from '../../../lib/engine/network/bgp-rules';

const ADDRESSES = [
  { address: '198.18.0.3', address_family: 4, public: true },
  { address: '2001:db8:0:1::11', address_family: 6, public: true },
  { address: '10.0.0.18', address_family: 4, public: false },
];

describe('BGP configuration rules', () => {
  it('takes a local or global deployment with an ASN and an optional Metal-style password', () => {
    expect(configProblems({ deployment_type: 'local', asn: 65000 })).toEqual([]);
    expect(configProblems({ deployment_type: 'global', asn: 4294967295, md5: 'Abcdef1234' })).toEqual([]);
    expect(configProblems({ deployment_type: 'local', asn: 65000, md5: '' })).toEqual([]);
  });

  it('names every bad field with the fix, never quoting the password', () => {
    const problems = configProblems({ deployment_type: 'private', asn: 0, md5: 'all-lowercase-and-dashes' });
    expect(problems).toEqual([
      'deployment_type: must be local or global, not "private"',
      'asn: 0 is not an ASN; give 1 to 4294967295 (a private ASN such as 65000 for local BGP)',
      'md5: must be 10 to 20 letters and digits, with at least one lowercase letter, one uppercase letter and one digit (it is 24 characters long)',
    ]);
    expect(problems.join(' ')).not.toContain('all-lowercase');
    expect(configProblems({ deployment_type: 'local', asn: 65530 })[0]).toMatch(/^asn: 65530 is the metro routers' own ASN/);
    expect(configProblems({ deployment_type: 'local', asn: 1.5 })[0]).toMatch(/^asn: 1.5 is not an ASN/);
    for (const md5 of ['Short1a', 'NoDigitsHereAtAll', 'nouppercase123', 'NOLOWERCASE123', 'With space1A', 'Abcdefghij1234567890X']) {
      expect(configProblems({ deployment_type: 'local', asn: 65000, md5 })).toHaveLength(1);
    }
  });

  it('sees a repeated request as the same configuration only when every field matches', () => {
    const existing = { deployment_type: 'local', asn: 65000, md5: null };
    expect(sameConfig(existing, { deployment_type: 'local', asn: 65000 })).toBe(true);
    expect(sameConfig(existing, { deployment_type: 'local', asn: 65000, md5: '' })).toBe(true);
    expect(sameConfig(existing, { deployment_type: 'local', asn: 65000, md5: 'Abcdef1234' })).toBe(false);
    expect(sameConfig(existing, { deployment_type: 'global', asn: 65000 })).toBe(false);
  });
});

describe('BGP session rules', () => {
  const facts = { family: 'ipv4' as const, config: { status: 'enabled' }, existing: [], addresses: ADDRESSES, deviceId: 'd1' };

  it('peers from the private IPv4 address and the public IPv6 address', () => {
    expect(customerIp(ADDRESSES, 'ipv4')).toBe('10.0.0.18');
    expect(customerIp(ADDRESSES, 'ipv6')).toBe('2001:db8:0:1::11');
    expect(customerIp([], 'ipv4')).toBeUndefined();
  });

  it('needs an enabled configuration, a free family and an address to peer from', () => {
    expect(sessionProblems(facts)).toEqual([]);
    expect(sessionProblems({ ...facts, config: undefined })[0]).toMatch(/^device: the device's project has no BGP configuration/);
    expect(sessionProblems({ ...facts, config: { status: 'requested' } })).toEqual([
      "device: the project's BGP configuration is requested, not enabled",
    ]);
    expect(sessionProblems({ ...facts, existing: ['ipv4'] })[0]).toMatch(/^address_family: device d1 already has an ipv4 BGP session/);
    expect(sessionProblems({ ...facts, addresses: [] })[0]).toMatch(
      /^address_family: device d1 has no private IPv4 address to peer from yet/,
    );
    expect(sessionProblems({ ...facts, family: 'ipx' as never })).toEqual(['address_family: must be ipv4 or ipv6, not "ipx"']);
  });

  it('lists the blocks of the family as routes in, exact for single addresses, and the default route out on request', () => {
    const blocks = [
      { network: '203.0.113.8', cidr: 29, address_family: 4 },
      { network: '198.51.100.7', cidr: 32, address_family: 4 },
      { network: '2001:db8:1::', cidr: 64, address_family: 6 },
      { network: '203.0.113.8', cidr: 29, address_family: 4 },
    ];
    expect(routesIn(blocks, 'ipv4')).toEqual([
      { route: '203.0.113.8/29', exact: false },
      { route: '198.51.100.7/32', exact: true },
    ]);
    expect(routesIn(blocks, 'ipv6')).toEqual([{ route: '2001:db8:1::/64', exact: false }]);
    expect(routesOut(true, 'ipv4')).toEqual([{ route: '0.0.0.0/0', exact: true }]);
    expect(routesOut(true, 'ipv6')).toEqual([{ route: '::/0', exact: true }]);
    expect(routesOut(false, 'ipv4')).toEqual([]);
  });

  it('gives the router the session with the project ASN, password, limit and blocks', () => {
    const base = {
      id: '6f1c2a9e-0000-4000-8000-000000000001',
      family: 'ipv4' as const,
      defaultRoute: false,
      addresses: ADDRESSES,
      asn: 65000,
      md5: 'Abcdef1234',
      maxPrefix: 10,
      blocks: [{ network: '203.0.113.8', cidr: 29, address_family: 4 }],
    };
    expect(routerSession(base)).toEqual({
      id: '6f1c2a9e_0000_4000_8000_000000000001',
      neighborIp: '10.0.0.18',
      neighborAsn: 65000,
      localAsn: 65530,
      md5Password: 'Abcdef1234',
      maxPrefixes: 10,
      allowedPrefixes: [{ prefix: '203.0.113.8/29' }],
      defaultRoute: false,
    });
    expect(routerSession({ ...base, md5: undefined })).not.toHaveProperty('md5Password');
    expect(routerSession({ ...base, addresses: [] })).toBeUndefined();
  });

  it("reads the router's state as Metal's status, a refused change as down with the reason", () => {
    expect(observedStatus({ id: 'a', status: 'up' }, null)).toEqual({ status: 'up', reason: null });
    expect(observedStatus({ id: 'a', status: 'connecting', reason: 'Passive' }, null)).toEqual({ status: 'down', reason: 'Passive' });
    expect(observedStatus({ id: 'a', status: 'unknown', reason: 'BIRD state x' }, null)).toEqual({
      status: 'unknown',
      reason: 'BIRD state x',
    });
    expect(observedStatus(undefined, null).status).toBe('unknown');
    expect(observedStatus({ id: 'a', status: 'up' }, 'refused')).toEqual({ status: 'down', reason: 'refused' });
    expect(routerFailureReason('protocol')).toMatch(/refused/);
    expect(routerFailureReason('unreachable')).toMatch(/did not answer/);
  });
});
