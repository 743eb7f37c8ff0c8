import { DriverError } from '../../../lib/drivers/types';
import { accepted, checkSession, checkSessions, parsePrefix, sessionProblems } from '../../../lib/drivers/router/rules';
import type { BgpSession } from '../../../lib/drivers/router';
import { testSession } from './sessions';

const valid = testSession();

describe('accepted(prefix, allowed)', () => {
  const block = [{ prefix: '198.51.100.8/29' }];

  it('accepts the block and its sub-prefixes down to a host route', () => {
    expect(
      ['198.51.100.8/29', '198.51.100.8/30', '198.51.100.12/31', '198.51.100.9/32', '198.51.100.15/32'].filter((p) => accepted(p, block)),
    ).toHaveLength(5);
  });

  it('rejects what is outside, wider, or not a network address', () => {
    for (const prefix of [
      '198.51.100.16/32',
      '198.51.100.0/28',
      '203.0.113.0/24',
      '0.0.0.0/0',
      '198.51.100.9/29',
      'not-a-prefix',
      '198.51.100.9',
    ]) {
      expect([prefix, accepted(prefix, block)]).toEqual([prefix, false]);
    }
  });

  it('honours maxLength: exactly the /29', () => {
    const exact = [{ prefix: '198.51.100.8/29', maxLength: 29 }];
    expect(accepted('198.51.100.8/29', exact)).toBe(true);
    expect(accepted('198.51.100.9/32', exact)).toBe(false);
  });

  it('works for IPv6, and never across families', () => {
    const v6 = [{ prefix: '2001:db8:1::/48', maxLength: 64 }];
    expect(accepted('2001:db8:1:5::/64', v6)).toBe(true);
    expect(accepted('2001:db8:1::1/128', v6)).toBe(false);
    expect(accepted('2001:db8:2::/64', v6)).toBe(false);
    expect(accepted('198.51.100.9/32', v6)).toBe(false);
    expect(accepted('::ffff:198.51.100.9/128', [{ prefix: '::ffff:198.51.100.8/125' }])).toBe(true);
  });

  it('parses IPv6 shorthand the long way round', () => {
    expect(parsePrefix('2001:db8::1/128')?.address).toBe(0x20010db8000000000000000000000001n);
    expect(parsePrefix('::/0')).toEqual({ family: 6, address: 0n, length: 0 });
    expect(parsePrefix('1.2.3.4/33')).toBeUndefined();
  });
});

describe('session checks', () => {
  it('accepts a well-formed session', () => {
    expect(sessionProblems(valid)).toEqual([]);
  });

  it('names every problem without quoting the password', () => {
    const bad: BgpSession = {
      ...valid,
      id: 'has-dash',
      neighborIp: '300.1.1.1',
      neighborAsn: 0,
      md5Password: 'has "quote" in Zx9',
      maxPrefixes: 0,
      allowedPrefixes: [{ prefix: '147.75.1.9/29' }, { prefix: '147.75.1.8/29', maxLength: 28 }],
    };
    const problems = sessionProblems(bad);
    expect(problems).toHaveLength(7);
    expect(problems.join()).not.toContain('Zx9');
    const err = (() => {
      try {
        checkSession(bad);
      } catch (e) {
        return e as DriverError;
      }
    })();
    expect(err).toBeInstanceOf(DriverError);
    expect(err?.kind).toBe('unsupported');
    expect(err?.message).not.toContain('Zx9');
  });

  it('refuses two sessions with one id', () => {
    expect(() => checkSessions([valid, { ...valid, neighborIp: '147.75.1.11' }])).toThrow(/given twice/);
  });
});
