/**
 * Addresses are stored without their link (the engine builds none); the presenter adds it where the stored href of
 * older rows stood, so both answer byte for byte alike.
 */
import { presentAddress, presentIpAssignment, presentReservation } from '../../../lib/api/present/ip-assignments';
import type { MetroRow, StoredAddress } from '../../../lib/engine';
import { deviceAddress, ipBlockId } from '../../../lib/engine/addresses';

const metro: MetroRow = {
  id: '6a1f0c9e-5b43-4f3c-9d59-2f0f7a3b8c11',
  code: 'ny',
  name: 'New York',
  country: 'US',
  kind: 'core',
  latitude: 40.7,
  longitude: -74,
  price_factor: 1,
};
const holder = { id: '0b6b1a58-84c2-4e0e-a8f5-3c8f0e6f9d21', created_at: new Date('2026-03-01T00:00:00Z') };

describe('address presenters', () => {
  /** Addresses as devices placed before the address pools hold them: no parent block of their own. */
  const stored: StoredAddress[] = [
    {
      id: 'f1b9d3a2-8c4e-4d7a-9b1e-2c3d4e5f6a70',
      address: '198.18.0.49',
      address_family: 4,
      netmask: '255.255.255.254',
      cidr: 31,
      gateway: '198.18.0.48',
      network: '198.18.0.48',
      public: true,
      management: true,
    },
    {
      id: '0c2e4a6b-1d3f-4b5a-8c7d-9e0f1a2b3c4d',
      address: '10.0.0.50',
      address_family: 4,
      netmask: '255.255.255.252',
      cidr: 30,
      gateway: '10.0.0.49',
      network: '10.0.0.48',
      public: false,
      management: true,
    },
  ];
  /** An address as rows written before this change hold it: with its href last. */
  const withHref = (a: StoredAddress): StoredAddress => ({ ...a, href: `/metal/v1/ips/${a.id}` });

  it('stores addresses without links', () => {
    expect(stored.length).toBeGreaterThan(0);
    for (const a of stored) expect(a).not.toHaveProperty('href');
  });

  it('gives an address its link after its stored fields, as stored rows with an href had it', () => {
    for (const a of stored) {
      expect(JSON.stringify(presentAddress(a))).toBe(JSON.stringify(withHref(a)));
      expect(JSON.stringify(presentAddress(withHref(a)))).toBe(JSON.stringify(withHref(a)));
    }
  });

  it('answers an assignment alike whether its row was stored with the href or without', () => {
    for (const a of stored) {
      const assignment = presentIpAssignment(a, holder, metro);
      expect(JSON.stringify(assignment)).toBe(JSON.stringify(presentIpAssignment(withHref(a), holder, metro)));
      expect(assignment).toMatchObject({
        href: `/metal/v1/ips/${a.id}`,
        assigned_to: { href: `/metal/v1/devices/${holder.id}` },
        parent_block: { href: `/metal/v1/ips/${ipBlockId(a.id)}` },
        metro: { code: 'ny', href: `/metal/v1/locations/metros/${metro.id}` },
      });
    }
  });

  it('shows the block an address was carved from under the block’s own id', () => {
    const [a] = stored;
    const world = { metros: new Map([[metro.id, metro]]) } as unknown as Parameters<typeof presentReservation>[1];
    const held = {
      holder: { device_id: holder.id, project_id: 'p', metro_id: metro.id, created_at: holder.created_at, ip_addresses: stored },
      address: a,
    };
    expect(presentReservation(held, world)).toMatchObject({
      id: ipBlockId(a.id),
      href: `/metal/v1/ips/${ipBlockId(a.id)}`,
      address: a.network,
      assignments: [{ href: `/metal/v1/ips/${a.id}` }],
      project: { href: '/metal/v1/projects/p' },
    });
  });

  it('shows an address from the pools with its reservation as parent block, and never the stored link to it', () => {
    const parent = { id: '5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e', network: '172.16.0.0', cidr: 25 };
    const a = deviceAddress(
      '2b3c4d5e-6f70-4a8b-9c0d-1e2f3a4b5c6d',
      { family: 4, network: (172n << 24n) | (16n << 16n) | 4n, cidr: 30, public: false },
      parent,
    );
    expect(a).toMatchObject({ network: '172.16.0.4', gateway: '172.16.0.5', address: '172.16.0.6', netmask: '255.255.255.252' });
    expect(presentAddress(a)).not.toHaveProperty('parent_block');
    expect(presentIpAssignment(a, holder, metro).parent_block).toEqual({
      network: '172.16.0.0',
      netmask: '255.255.255.128',
      cidr: 25,
      href: `/metal/v1/ips/${parent.id}`,
    });
  });
});
