/**
 * Devices take their addresses from the address pools: a public IPv4 block of their own, private IPv4 and IPv6
 * carved out of their project's management blocks in the metro. No address is given twice (random sequences of
 * creates and deletes, two servers on one PostgreSQL), deletes give everything back, and a metro that runs out
 * says so for the one device that cannot be served.
 */
import type { Cloud } from '../../../lib/cloud';
import { MetalError } from '../../../lib/contract/errors';
import { contains, overlaps, parseCidr, type Cidr } from '../../../lib/core/ip';
import { seededRandom } from '../../../lib/core/random';
import type { Principal } from '../../../lib/engine/accounts';
import type { DeviceRow } from '../../../lib/engine/devices';
import { adminProject, availableBackends, deviceInput, freshPostgresUrl, stopPostgres, testCloud } from '../../support/cloud';
import { eventually } from '../../support/eventually';
import { describeWithPostgres } from '../../support/pg-cluster';
import { refusal } from '../../support/refusal';

const cidr = (text: string): Cidr => parseCidr(text) as Cidr;
const blockOf = (a: DeviceRow['ip_addresses'][number]) => cidr(`${a.network}/${a.cidr}`);

/** Every live device's address blocks: pairwise disjoint, each inside the reservation it names. */
async function expectNoAddressTwice(cloud: Cloud): Promise<number> {
  const devices = await cloud.db.query<Pick<DeviceRow, 'hostname' | 'ip_addresses'>>(
    "SELECT hostname, ip_addresses FROM devices WHERE state NOT IN ('deleted', 'deprovisioning')",
  );
  const reservations = new Map(
    (await cloud.db.query<{ id: string; network: string; cidr: number }>('SELECT id, network, cidr FROM ip_reservations')).map((r) => [
      r.id,
      cidr(`${r.network}/${r.cidr}`),
    ]),
  );
  const held = devices.flatMap((d) => d.ip_addresses.map((a) => ({ who: `${d.hostname} ${a.network}/${a.cidr}`, a })));
  for (const { who, a } of held) {
    const parent = reservations.get(a.parent_block!.id);
    expect({ who, inParent: parent !== undefined && contains(parent, blockOf(a)) }).toEqual({ who, inParent: true });
  }
  for (let i = 0; i < held.length; i++)
    for (let j = i + 1; j < held.length; j++) {
      if (overlaps(blockOf(held[i].a), blockOf(held[j].a))) throw new Error(`${held[i].who} overlaps ${held[j].who}`);
    }
  return held.length;
}

/** Each pool's count of allocated addresses is what its reservations hold; each device-own block has its device. */
async function expectPoolsBalanced(cloud: Cloud): Promise<void> {
  const unbalanced = await cloud.db.query(
    `SELECT p.network, p.allocated::text, coalesce(sum(r.size), 0)::text AS reserved FROM ip_pools p
LEFT JOIN ip_reservations r ON r.pool_id = p.id GROUP BY p.id HAVING p.allocated <> coalesce(sum(r.size), 0)`,
  );
  expect(unbalanced).toEqual([]);
  const orphans = await cloud.db.query(
    `SELECT r.network FROM ip_reservations r WHERE r.management AND r.type = 'public_ipv4'
  AND (SELECT count(*) FROM ip_assignments a WHERE a.reservation_id = r.id) <> 1`,
  );
  expect(orphans).toEqual([]);
}

describe.each(availableBackends())('device addresses from the pools (%s)', (backend) => {
  let cloud: Cloud;
  let projectId: string;
  let principal: Principal;

  beforeAll(async () => {
    cloud = await testCloud(backend);
    ({ principal, projectId } = await adminProject(cloud));
  });
  afterAll(async () => {
    await cloud.close();
    if (backend === 'postgres') await stopPostgres();
  });

  const create = (overrides: Parameters<typeof deviceInput>[0] = {}) =>
    cloud.engine.devices.create(principal, projectId, deviceInput(overrides));

  it("gives each device a public IPv4 block of its own and carves private IPv4 and IPv6 from the project's blocks", async () => {
    const [a, b] = await Promise.all([create({ hostname: 'a' }), create({ hostname: 'b' })]);
    const kinds = (d: DeviceRow) => d.ip_addresses.map((x) => `${x.public ? 'public' : 'private'}-v${x.address_family}/${x.cidr}`);
    expect(kinds(a)).toEqual(['public-v4/31', 'public-v6/127', 'private-v4/30']);
    const inNy = (d: DeviceRow) =>
      d.ip_addresses.map((x) => ['100.96.0.0/16', '2001:db8:1::/48', '172.16.0.0/16'].some((p) => contains(cidr(p), blockOf(x))));
    expect([...inNy(a), ...inNy(b)]).toEqual(Array(6).fill(true));
    const blocks = (await cloud.engine.ipam.reservationsOf(principal, projectId)).filter((r) => r.management);
    expect(blocks.map((r) => `${r.type}/${r.cidr}`).sort()).toEqual([
      'private_ipv4/25',
      'public_ipv4/31',
      'public_ipv4/31',
      'public_ipv6/56',
    ]);
    // Both devices' private and IPv6 addresses are in the same two project blocks, made with the first device.
    expect(new Set([a, b].flatMap((d) => d.ip_addresses.filter((x) => x.cidr !== 31).map((x) => x.parent_block!.id))).size).toBe(2);
    expect(await refusal(cloud.engine.ipam.release(principal, blocks[0].id))).toEqual([
      expect.stringMatching(/is a device management block goes with its device/),
    ]);
    await expectNoAddressTwice(cloud);
  });

  it('honours the block sizes ip_addresses asks for', async () => {
    const d = await create({
      hostname: 'sized',
      ip_addresses: [
        { address_family: 4, public: true, cidr: 29 },
        { address_family: 4, public: false, cidr: 28 },
        { address_family: 6, public: true, cidr: 124 },
      ],
    });
    expect(d.ip_addresses.map((a) => [a.cidr, a.netmask])).toEqual([
      [29, '255.255.255.248'],
      [28, '255.255.255.240'],
      [124, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0'],
    ]);
    await expectNoAddressTwice(cloud);
  });

  it("gives a deleted device's addresses back: its own block to the pool, its carved ones to the project's blocks", async () => {
    const pool = async () => (await cloud.engine.ipam.pools()).find((p) => p.network === '100.96.0.0/16')!.allocated;
    const d = await create({ hostname: 'leaving' });
    const before = await pool();
    await cloud.engine.devices.delete(d.id, {});
    expect(await pool()).toBe(before - 2n);
    const next = await create({ hostname: 'arriving' });
    // The freed /30 is the first free one in the project's private block again.
    expect(next.ip_addresses.find((a) => !a.public)!.network).toBe(d.ip_addresses.find((a) => !a.public)!.network);
    await expectPoolsBalanced(cloud);
  });

  it("carves a device's block from the project's reservations it names (ip_reservations), and leaves them with the project", async () => {
    const ipam = cloud.engine.ipam;
    const ny = await ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'ny', quantity: 8 });
    const da = await ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'da', quantity: 8 });
    const named = (ids: string[]) => [
      { address_family: 4, public: true, cidr: 30, ip_reservations: ids },
      { address_family: 4, public: false },
    ];
    const [first, second] = await Promise.all([
      create({ hostname: 'named-1', ip_addresses: named([da.id, ny.id]) }),
      create({ hostname: 'named-2', ip_addresses: named([ny.id]) }),
    ]);
    expect([first, second].map((d) => d.ip_addresses[0].parent_block!.id)).toEqual([ny.id, ny.id]);
    expect(ipam.available(ny, 30, await cloud.engine.elasticIps.assignedIn(ny.id))).toEqual([]);
    expect(await refusal(create({ hostname: 'named-3', ip_addresses: named([ny.id, da.id]) }))).toEqual([
      `ip_addresses: none of the reservations ${ny.id}, ${da.id} is a public IPv4 block of the project serving metro ny with a free /30; give one that is (GET /projects/{id}/ips, GET /ips/{id}/available?cidr=30), or leave ip_reservations out`,
    ]);
    await cloud.engine.devices.delete(first.id, {});
    expect((await ipam.reservation(principal, ny.id))?.network).toBe(ny.network);
    expect(ipam.available(ny, 30, await cloud.engine.elasticIps.assignedIn(ny.id))).toEqual([`${first.ip_addresses[0].network}/30`]);
    await expectPoolsBalanced(cloud);
  });

  it('never gives an address twice over a random sequence of creates and deletes in several metros', async () => {
    const random = seededRandom(1406);
    const metros = ['ny', 'da', 'sv', 'am'];
    const live: DeviceRow[] = [];
    let created = 0;
    for (let step = 0; step < 24; step++) {
      const metro = metros[Math.floor(random() * metros.length)];
      const here = live.filter((d) => cloud.engine.world.metros.get(d.metro_id)!.code === metro);
      if (here.length >= 4 || (here.length && random() < 0.35)) {
        const gone = here[Math.floor(random() * here.length)];
        await cloud.engine.devices.delete(gone.id, { force: true });
        live.splice(live.indexOf(gone), 1);
        continue;
      }
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
      const batch = await Promise.all(
        Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) =>
          create({
            hostname: `p${step}-${i}`,
            metro,
            ip_addresses: [
              { address_family: 4, public: true, cidr: pick([28, 29, 30, 31, 32]) },
              { address_family: 4, public: false, cidr: pick([28, 29, 30, 31, 32]) },
              { address_family: 6, public: true, cidr: pick([124, 125, 126, 127]) },
            ],
          }).catch((err: unknown) => {
            // A metro without a free machine is a fair answer; anything else is a failure.
            if (err instanceof MetalError && err.code === 'capacity_unavailable') return undefined;
            throw err;
          }),
        ),
      );
      for (const d of batch) if (d) live.push(d);
      created += batch.filter(Boolean).length;
    }
    expect(created).toBeGreaterThan(10);
    expect(await expectNoAddressTwice(cloud)).toBeGreaterThan(0);
    await expectPoolsBalanced(cloud);
  });

  it('says which metro and pool ran out, and still serves the other creates of the batch', async () => {
    const ipam = cloud.engine.ipam;
    // Take all of sv's public IPv4 (a /16; devices left fragments), largest blocks first; give one /24 back and take
    // all of it but its last address.
    const reserve = (quantity: number) => ipam.reserve(principal, projectId, { type: 'public_ipv4', metro: 'sv', quantity });
    const taken = new Map<number, { id: string; network: string }[]>();
    for (let quantity = 256; quantity >= 1; quantity /= 2) {
      let full = false;
      for (let round = 0; round < 12 && !full; round++) {
        const burst = await Promise.allSettled(Array.from({ length: 32 }, () => reserve(quantity)));
        taken.set(quantity, [...(taken.get(quantity) ?? []), ...burst.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))]);
        full = burst.some((r) => r.status === 'rejected');
      }
      expect({ quantity, full }).toEqual({ quantity, full: true });
    }
    const last = taken.get(256)!.at(-1)!;
    await ipam.release(principal, last.id);
    for (const quantity of [128, 64, 32, 16, 8, 4, 2, 1]) await reserve(quantity);
    const free = last.network.replace(/\.0$/, '.255');
    const [wide, narrow] = await Promise.allSettled([
      create({ hostname: 'wide', metro: 'sv' }),
      create({
        hostname: 'narrow',
        metro: 'sv',
        ip_addresses: [
          { address_family: 4, public: true, cidr: 32 },
          { address_family: 4, public: false },
        ],
      }),
    ]);
    expect(wide.status === 'rejected' && (wide.reason as MetalError).errors).toEqual([
      "ip_addresses: metro sv is out of public_ipv4 addresses for the device's /31 (100.98.0.0/16: 1 free, largest block /32); ask the operator to enrol another pool, or create the device in another metro",
    ]);
    expect(narrow.status === 'fulfilled' && narrow.value.ip_addresses.map((a) => `${a.address}/${a.cidr}`)).toEqual([
      `${free}/32`,
      expect.stringMatching(/^172\.18\./),
    ]);
    await expectPoolsBalanced(cloud);
  });

  it("gives a deleted project's management blocks back to the pools", async () => {
    const other = await cloud.engine.projects.create(principal, { name: 'short-lived' });
    const d = await cloud.engine.devices.create(principal, other.id, deviceInput({ hostname: 'brief', metro: 'am' }));
    await cloud.engine.devices.delete(d.id, { force: true });
    await eventually(
      async () => (await cloud.engine.devices.get(d.id).catch(() => undefined))?.state !== 'deprovisioning',
      'the device to go',
    );
    await cloud.engine.projects.delete(principal, other.id);
    expect(await cloud.db.query('SELECT network FROM ip_reservations WHERE project_id = $1', [other.id])).toEqual([]);
    await expectPoolsBalanced(cloud);
  });
});

describeWithPostgres('device addresses across servers (PostgreSQL)', () => {
  afterAll(() => stopPostgres());

  it('two servers creating devices in one metro at once never give an address twice, and make one project block of each kind', async () => {
    const databaseUrl = await freshPostgresUrl();
    const options = { databaseUrl, startWorkers: false, adminToken: 'mf_device_addresses_admin' };
    const first = await testCloud('postgres', options);
    const second = await testCloud('postgres', options);
    try {
      const { principal, projectId } = await adminProject(first);
      await eventually(
        async () => second.engine.projects.row(principal, projectId).catch(() => undefined),
        'the second server to see the project',
      );
      const devices = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? first : second).engine.devices.create(principal, projectId, deviceInput({ hostname: `race-${i}` })),
        ),
      );
      expect(devices).toHaveLength(10);
      expect(await expectNoAddressTwice(first)).toBe(30);
      const blocks = await first.db.query<{ type: string; n: number }>(
        "SELECT type, count(*)::int AS n FROM ip_reservations WHERE project_id = $1 AND management AND type <> 'public_ipv4' GROUP BY type ORDER BY type",
        [projectId],
      );
      expect(blocks).toEqual([
        { type: 'private_ipv4', n: 1 },
        { type: 'public_ipv6', n: 1 },
      ]);
      await expectPoolsBalanced(first);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
