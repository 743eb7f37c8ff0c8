/**
 * Address management on a real store: pools are enrolled, blocks reserved and released through the engine; the
 * same address is never given twice, by concurrent reservations on one server or by two servers on one
 * PostgreSQL database.
 */
import type { Cloud } from '../../../lib/cloud';
import { blockSize, parseCidr, type Cidr } from '../../../lib/core/ip';
import type { Principal } from '../../../lib/engine/accounts';
import type { ReservationRow } from '../../../lib/engine/network/ipam';
import { adminProject, availableBackends, freshPostgresUrl, stopPostgres, testCloud } from '../../support/cloud';
import { eventually } from '../../support/eventually';
import { describeWithPostgres } from '../../support/pg-cluster';
import { refusal } from '../../support/refusal';

const block = (r: ReservationRow): Cidr => parseCidr(`${r.network}/${r.cidr}`) as Cidr;

function expectDisjoint(rows: ReservationRow[]): void {
  const sorted = rows.map(block).sort((a, b) => (a.network < b.network ? -1 : 1));
  const clash = sorted.find((b, i) => i > 0 && sorted[i - 1].network + blockSize(4, sorted[i - 1].prefix) > b.network);
  expect(clash).toBeUndefined();
}

describe.each(availableBackends())('address management (%s)', (backend) => {
  let cloud: Cloud;
  let projectId: string;
  let principal: Principal;

  beforeAll(async () => {
    cloud = await testCloud(backend, { startWorkers: false });
    ({ principal, projectId } = await adminProject(cloud));
  });
  afterAll(async () => {
    await cloud.close();
    if (backend === 'postgres') await stopPostgres();
  });

  it('refuses pools that overlap, are of the wrong family or lack a metro, naming the field', async () => {
    const ipam = cloud.engine.ipam;
    await ipam.enrolPool({ type: 'public_ipv4', metro: 'da', network: '192.0.2.0/26' });
    expect(await refusal(ipam.enrolPool({ type: 'public_ipv4', metro: 'da', network: '192.0.2.32/27' }))).toEqual([
      expect.stringMatching(/^network: 192\.0\.2\.32\/27 overlaps 192\.0\.2\.0\/26 \(the public_ipv4 pool /),
    ]);
    expect(await refusal(ipam.enrolPool({ type: 'public_ipv4', metro: 'da', network: '198.18.4.0/24' }))).toEqual([
      expect.stringContaining("overlaps 198.18.0.0/15 (machines' management addresses)"),
    ]);
    expect(await refusal(ipam.enrolPool({ type: 'public_ipv6', network: '192.0.2.128/25' }))).toEqual([
      'metro: a public_ipv6 pool belongs to one metro; give its code',
      'network: 192.0.2.128/25 is IPv4; a public_ipv6 pool takes an IPv6 block',
    ]);
    expect(await refusal(ipam.enrolPool({ type: 'public_ipv4', metro: 'dq', network: '10.0.0.1/8' }))).toEqual([
      expect.stringMatching(/^metro: unknown metro "dq"; did you mean "da"/),
    ]);
  });

  it("reserves from the default catalog's pools: metro blocks, global addresses and IPv6 /56s", async () => {
    const ipam = cloud.engine.ipam;
    const ny = await ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'ny', quantity: 4 });
    const global = await ipam.reserve(principal, projectId, { type: 'global_ipv4', quantity: 1 });
    const v6 = await ipam.reserve(principal, projectId, { type: 'public_ipv6', metro: 'ny', quantity: 1 });
    expect([ny.network, ny.cidr, global.network, global.cidr, v6.network, v6.cidr]).toEqual([
      '100.96.0.0',
      30,
      '198.51.100.0',
      32,
      '2001:db8:1::',
      56,
    ]);
  });

  it('reserves aligned blocks, says what is left when a metro runs out, and takes released space back', async () => {
    const ipam = cloud.engine.ipam;
    await cloud.engine.operator.createMetro({ code: 'zz', name: 'Zed', country: 'US', kind: 'edge', latitude: 1, longitude: 2 });
    await ipam.enrolPool({ type: 'public_ipv4', metro: 'zz', network: '192.0.2.128/28' });
    const eight = await ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'zz', quantity: 8, tags: ['web'] });
    expect([eight.network, eight.cidr, eight.tags]).toEqual(['192.0.2.128', 29, ['web']]);
    const one = await ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'zz', quantity: 1 });
    const four = await ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'zz', quantity: 4 });
    expect([one.network, four.network]).toEqual(['192.0.2.136', '192.0.2.140']);
    expect(await refusal(ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'zz', quantity: 4 }))).toEqual([
      'metro zz is out of public_ipv4 addresses for a /30 (192.0.2.128/28: 3 free, largest block /31); reserve a smaller block or in another metro',
    ]);
    await ipam.release(principal, eight.id);
    expect((await ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'zz', quantity: 4 })).network).toBe('192.0.2.128');
    expect(ipam.available(one, 32)).toEqual(['192.0.2.136/32']);
    expect(ipam.available(four, 31, ['192.0.2.140/32'])).toEqual(['192.0.2.142/31']);
  });

  it('refuses bad reservations with every problem at once', async () => {
    const ipam = cloud.engine.ipam;
    expect(await refusal(ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'sv', quantity: 3 }))).toEqual([
      'quantity: 3 public_ipv4 addresses cannot be reserved; give a power of two from 1 to 256',
    ]);
    expect(await refusal(ipam.reserve(principal, projectId, { type: 'global_ipv4', metro: 'sv', quantity: 1 }))).toEqual([
      'metro: global_ipv4 addresses serve every metro; leave metro out',
    ]);
    expect(await refusal(ipam.reserve(principal, projectId, { type: 'public_ipv6', metro: 'zz', quantity: 1 }))).toEqual([
      'metro zz has no public_ipv6 pool; ask the operator to enrol one, or reserve in another metro',
    ]);
  });

  it('never gives an address twice under concurrent reservations and releases', async () => {
    const ipam = cloud.engine.ipam;
    const sizes = [1, 2, 4, 1, 8, 1, 2, 16, 1, 4];
    const first = await Promise.all(
      sizes.map((quantity) => ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'am', quantity })),
    );
    expectDisjoint(first);
    await Promise.all(first.filter((_, i) => i % 2 === 0).map((r) => ipam.release(principal, r.id)));
    const second = await Promise.all(
      sizes.map((quantity) => ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'am', quantity })),
    );
    const held = [...first.filter((_, i) => i % 2 === 1), ...second];
    expectDisjoint(held);
    const pool = (await ipam.pools()).find((p) => p.network === '100.99.0.0/16')!;
    expect(pool.allocated).toBe(held.reduce((n, r) => n + BigInt(r.quantity), 0n));
  });
});

describeWithPostgres('address management across servers (PostgreSQL)', () => {
  afterAll(() => stopPostgres());

  it('two servers on one database reserving from one pool never give an address twice', async () => {
    const databaseUrl = await freshPostgresUrl();
    const options = { databaseUrl, startWorkers: false, adminToken: 'mf_ipam_admin_token' };
    const first = await testCloud('postgres', options);
    const second = await testCloud('postgres', options);
    try {
      const { principal, projectId } = await adminProject(first);
      await first.engine.operator.createMetro({ code: 'zy', name: 'Zy', country: 'US', kind: 'edge', latitude: 1, longitude: 2 });
      await first.engine.ipam.enrolPool({ type: 'public_ipv4', metro: 'zy', network: '192.0.2.0/26' });
      await eventually(async () => second.engine.world.metro('zy'), 'the second server to see metro zy');
      const reserve = (cloud: Cloud) => cloud.engine.ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'zy', quantity: 1 });
      const rows = await Promise.all(Array.from({ length: 64 }, (_, i) => reserve(i % 2 ? first : second)));
      expect(new Set(rows.map((r) => r.network)).size).toBe(64);
      expect(await refusal(reserve(second))).toEqual([expect.stringContaining('metro zy is out of public_ipv4 addresses')]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
