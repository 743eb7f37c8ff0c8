/**
 * Addresses are stored without their link (the engine builds none); the presenter adds it where the stored href of
 * older rows stood, so both answer byte for byte alike.
 */
import { presentAddress, presentIpAssignment, presentReservation } from '../../../lib/api/present/ip-assignments';
import type { MetroRow, StoredAddress } from '../../../lib/engine';
import { addressesFor, ipBlockId } from '../../../lib/engine/addresses';

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
  const stored = addressesFor(3);
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
});
