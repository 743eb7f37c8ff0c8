/** The address plan's pure rules: what `ip_addresses` asks for, and the blocks a machine gives. */
import { addressesFor, addressRequests, DEFAULT_ADDRESSES } from '../../lib/engine/addresses';

const kinds = (ips: { address_family: number; public: boolean; cidr: number }[]) =>
  ips.map((a) => `${a.public ? 'public' : 'private'}-v${a.address_family}/${a.cidr}`);

describe('address requests (ip_addresses on create)', () => {
  it('defaults to public IPv4, public IPv6 and private IPv4', () => {
    expect(addressRequests(undefined)).toEqual({ requests: DEFAULT_ADDRESSES, problems: [] });
    expect(kinds(addressesFor(7))).toEqual(['public-v4/31', 'public-v6/127', 'private-v4/30']);
  });

  it('takes a private-only device, and Metal default sizes for entries without cidr', () => {
    expect(addressRequests([{ address_family: 4, public: false }])).toEqual({
      requests: [{ family: 4, public: false, cidr: 30 }],
      problems: [],
    });
    expect(addressRequests([{ address_family: 4 }, { address_family: 4, public: false }]).requests).toEqual([
      { family: 4, public: true, cidr: 31 },
      { family: 4, public: false, cidr: 30 },
    ]);
  });

  it('names the field and the allowed range of every bad entry', () => {
    const { problems } = addressRequests([
      { address_family: 5, public: true },
      { address_family: 4, public: true, cidr: 24 },
      { address_family: 6, public: true, cidr: 64 },
      { address_family: 6, public: false },
      { address_family: 4, public: false, ip_reservations: ['r1'] },
    ]);
    expect(problems).toEqual([
      'ip_addresses[0].address_family: must be 4 or 6, not 5',
      'ip_addresses[1].cidr: 24 is not offered for IPv4; give 28 to 32 (a /28 holds 16 addresses)',
      'ip_addresses[2].cidr: 64 is not offered for IPv6; give 124 to 127 (a /124 holds 16 addresses)',
      'ip_addresses[3].public: IPv6 addresses are public only; set public to true or leave the entry out',
      'ip_addresses[4].ip_reservations: this cloud has no IP reservations; leave them out and give cidr for the block size',
    ]);
  });

  it('requires a private IPv4 and one entry per kind, as Metal did', () => {
    expect(addressRequests([{ address_family: 4, public: true }]).problems).toEqual([
      'ip_addresses: must include private IPv4 ({"address_family": 4, "public": false}), as on Metal',
    ]);
    expect(
      addressRequests([
        { address_family: 4, public: false },
        { address_family: 4, public: false, cidr: 29 },
      ]).problems,
    ).toEqual(['ip_addresses[1]: a second private IPv4 block; give one entry per kind']);
  });
});

describe('addresses of a machine', () => {
  it('gives a /30 public block: network, gateway and device address inside it', () => {
    const [block] = addressesFor(3, [{ family: 4, public: true, cidr: 30 }]);
    expect(block).toMatchObject({
      address_family: 4,
      public: true,
      cidr: 30,
      netmask: '255.255.255.252',
      network: '198.18.0.48',
      gateway: '198.18.0.49',
      address: '198.18.0.50',
    });
  });

  it('a /31 is gateway and device, a /32 the device alone, a /124 of IPv6 has room for 16', () => {
    const [p31, p32, v6] = [
      ...addressesFor(1, [{ family: 4, public: true, cidr: 31 }]),
      ...addressesFor(1, [{ family: 4, public: false, cidr: 32 }]),
      ...addressesFor(1, [{ family: 6, public: true, cidr: 124 }]),
    ];
    expect(p31).toMatchObject({ network: '198.18.0.16', gateway: '198.18.0.16', address: '198.18.0.17', netmask: '255.255.255.254' });
    expect(p32).toMatchObject({
      network: '10.0.0.16',
      gateway: '10.0.0.16',
      address: '10.0.0.16',
      netmask: '255.255.255.255',
      public: false,
    });
    expect(v6).toMatchObject({
      network: '2001:db8:0:1::10',
      gateway: '2001:db8:0:1::11',
      address: '2001:db8:0:1::12',
      netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0',
    });
  });

  it('never gives two machines the same address, at the largest block, across the public ranges', () => {
    const largest = [
      { family: 4, public: true, cidr: 28 },
      { family: 4, public: false, cidr: 28 },
      { family: 6, public: true, cidr: 124 },
    ] as const;
    const ordinals = [1, 2, 8191, 8192, 8193, 20000];
    const networks = ordinals.flatMap((o) => addressesFor(o, largest).map((a) => a.network));
    expect(new Set(networks).size).toBe(networks.length);
    expect(addressesFor(8192, [largest[0]])[0].network).toBe('100.64.0.0');
  });
});
