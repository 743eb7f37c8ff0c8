import { contains, formatAddress, formatCidr, netmask, overlaps, parseAddress, parseCidr, type Cidr } from '../../lib/core/ip';
import { seededRandom } from '../../lib/core/random';

const cidr = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
};

describe('IP addresses and CIDR blocks', () => {
  it('parses and formats IPv4 and IPv6 in canonical form', () => {
    expect(formatCidr(cidr('198.51.100.0/24'))).toBe('198.51.100.0/24');
    expect(formatCidr(cidr('2001:0DB8:0000:0000:0000:0000:0000:0000/32'))).toBe('2001:db8::/32');
    expect(formatAddress(6, parseAddress('2001:db8:0:0:1:0:0:1')!.value)).toBe('2001:db8::1:0:0:1');
    expect(formatAddress(6, parseAddress('::ffff:192.0.2.1')!.value)).toBe('::ffff:c000:201');
    expect(formatAddress(6, 0n)).toBe('::');
    expect(formatAddress(6, 1n)).toBe('::1');
  });

  it('round-trips random addresses of both families', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 500; i++) {
      const v4 = BigInt(Math.floor(random() * 2 ** 32));
      expect(parseAddress(formatAddress(4, v4))).toEqual({ family: 4, value: v4 });
      // Sparse groups, so zero runs of every length occur.
      const groups = Array.from({ length: 8 }, () => (random() < 0.5 ? 0n : BigInt(Math.floor(random() * 0x10000))));
      const v6 = groups.reduce((n, g) => (n << 16n) | g, 0n);
      expect(parseAddress(formatAddress(6, v6))).toEqual({ family: 6, value: v6 });
    }
  });

  it('says why text is not a block, and where the block would be', () => {
    const problem = (text: string) => (parseCidr(text) as { problem: string }).problem;
    expect(problem('10.0.0.1/8')).toContain('has host bits set; the block is 10.0.0.0/8');
    expect(problem('10.0.0.0/33')).toContain('prefix length is 0 to 32');
    expect(problem('10.0.0.0')).toContain('is not a CIDR block');
    expect(problem('300.0.0.0/8')).toContain('is not a CIDR block');
    expect(problem('2001:db8:::/48')).toContain('is not a CIDR block');
    expect(problem('1:2:3:4:5:6:7:8:9/64')).toContain('is not a CIDR block');
  });

  it('tells overlap and containment', () => {
    expect(overlaps(cidr('10.0.0.0/8'), cidr('10.1.0.0/16'))).toBe(true);
    expect(overlaps(cidr('10.0.0.0/16'), cidr('10.1.0.0/16'))).toBe(false);
    expect(overlaps(cidr('10.0.0.0/8'), cidr('2001:db8::/32'))).toBe(false);
    expect(contains(cidr('10.0.0.0/8'), cidr('10.1.0.0/16'))).toBe(true);
    expect(contains(cidr('10.1.0.0/16'), cidr('10.0.0.0/8'))).toBe(false);
  });

  it('writes netmasks', () => {
    expect(netmask(4, 29)).toBe('255.255.255.248');
    expect(netmask(6, 127)).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe');
  });
});
