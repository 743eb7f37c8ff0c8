/** The pure rules of address management: the pools a catalog without any gets. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { overlaps, parseCidr, type Cidr } from '../../../lib/core/ip';
import { MACHINE_ADDRESS_RANGES } from '../../../lib/engine/addresses';
import { checkPool, defaultPools } from '../../../lib/engine/network/ipam-rules';

const catalog = JSON.parse(readFileSync(join(__dirname, '../../../catalog/default.json'), 'utf8')) as {
  metros: { code: string }[];
  ip_pools: unknown[];
};

describe('defaultPools', () => {
  it("are the default catalog's pools for its metros", () => {
    expect(defaultPools(catalog.metros.map((m) => m.code))).toEqual(catalog.ip_pools);
  });

  it('give 40 metros disjoint pools that each pass the enrolment rules and stay out of the machine ranges', () => {
    const codes = Array.from({ length: 40 }, (_, i) => `m${i}`);
    const pools = defaultPools(codes);
    expect(pools).toHaveLength(40 * 3 + 2);
    const taken = MACHINE_ADDRESS_RANGES.map((network) => ({ network, what: 'machines' }));
    for (const pool of pools) {
      const checked = checkPool({ type: pool.type, metroId: pool.metro, network: pool.network }, taken);
      expect({ pool: pool.network, checked }).toEqual({
        pool: pool.network,
        checked: expect.not.objectContaining({ problems: expect.anything() }),
      });
      taken.push({ network: pool.network, what: pool.network });
    }
    expect(pools.find((p) => p.metro === 'm39' && p.type === 'public_ipv4')?.network).toBe('100.115.128.0/17');
    const blocks = pools.map((p) => parseCidr(p.network) as Cidr);
    expect(blocks.some((b, i) => blocks.some((c, j) => i !== j && overlaps(b, c)))).toBe(false);
  });
});
