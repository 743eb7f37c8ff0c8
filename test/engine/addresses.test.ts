/** The address plan's pure rules: what `ip_addresses` asks for, and the blocks a machine gives. */
import { addressRequests, DEFAULT_ADDRESSES, deviceAddress } from '../../lib/engine/addresses';
import { parseAddress } from '../../lib/core/ip';

const kinds = (ips: { address_family: number; public: boolean; cidr: number }[]) =>
  ips.map((a) => `${a.public ? 'public' : 'private'}-v${a.address_family}/${a.cidr}`);

describe('address requests (ip_addresses on create)', () => {
  it('defaults to public IPv4, public IPv6 and private IPv4', () => {
    expect(addressRequests(undefined)).toEqual({ requests: DEFAULT_ADDRESSES, problems: [] });
    expect(kinds(DEFAULT_ADDRESSES.map((r) => ({ address_family: r.family, public: r.public, cidr: r.cidr })))).toEqual([
      'public-v4/31',
      'public-v6/127',
      'private-v4/30',
    ]);
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
      { address_family: 4, public: true, ip_reservations: ['5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e'] },
    ]);
    expect(problems).toEqual([
      'ip_addresses[0].address_family: must be 4 or 6, not 5; give 4 or 6',
      'ip_addresses[1].cidr: 24 is not offered for IPv4; give 28 to 32 (a /28 holds 16 addresses)',
      'ip_addresses[2].cidr: 64 is not offered for IPv6; give 124 to 127 (a /124 holds 16 addresses)',
      'ip_addresses[3].public: IPv6 addresses are public only; set public to true or leave the entry out',
      'ip_addresses[4].ip_reservations: "r1" is not a reservation id; give ids from GET /projects/{id}/ips',
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

describe('the address a device takes in its block', () => {
  const parent = { id: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d', network: '100.96.0.0', cidr: 28 };
  const at = (text: string) => parseAddress(text)!.value;

  it('keeps network and gateway first in a /30: the device takes the third address', () => {
    expect(deviceAddress('id', { family: 4, network: at('100.96.0.48'), cidr: 30, public: true }, parent)).toMatchObject({
      address_family: 4,
      public: true,
      management: true,
      cidr: 30,
      netmask: '255.255.255.252',
      network: '100.96.0.48',
      gateway: '100.96.0.49',
      address: '100.96.0.50',
      parent_block: parent,
    });
  });

  it('a /31 is gateway and device, a /32 the device alone, a /124 of IPv6 keeps network and gateway', () => {
    const p31 = deviceAddress('a', { family: 4, network: at('100.96.0.16'), cidr: 31, public: true }, parent);
    const p32 = deviceAddress('b', { family: 4, network: at('172.16.0.16'), cidr: 32, public: false }, parent);
    const v6 = deviceAddress('c', { family: 6, network: at('2001:db8:1::10'), cidr: 124, public: true }, parent);
    expect(p31).toMatchObject({ network: '100.96.0.16', gateway: '100.96.0.16', address: '100.96.0.17', netmask: '255.255.255.254' });
    expect(p32).toMatchObject({ network: '172.16.0.16', gateway: '172.16.0.16', address: '172.16.0.16', netmask: '255.255.255.255' });
    expect(v6).toMatchObject({
      network: '2001:db8:1::10',
      gateway: '2001:db8:1::11',
      address: '2001:db8:1::12',
      netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0',
    });
  });
});
