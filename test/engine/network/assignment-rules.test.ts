/**
 * The pure rules of elastic IP assignments: where an address goes among a project's reserved blocks, the metro
 * rule (global blocks go anywhere), prefix lengths, overlaps naming the holder, and the release refusal.
 */
import {
  blockGateway,
  heldReservationProblem,
  overlapProblem,
  parseAssignmentAddress,
  placeAssignment,
  type ReservedBlock,
} from '../../../lib/engine/network/assignment-rules';

const ny = { id: 'r-ny', network: '198.51.100.8', cidr: 29, address_family: 4, type: 'public_ipv4', metro_id: 'm-ny' } as const;
const global = { id: 'r-gl', network: '192.0.2.7', cidr: 32, address_family: 4, type: 'global_ipv4', metro_id: null } as const;
const v6 = { id: 'r-v6', network: '2001:db8:0:100::', cidr: 56, address_family: 6, type: 'public_ipv6', metro_id: 'm-ny' } as const;
const blocks: ReservedBlock[] = [ny, global, v6];
const code = (id: string) => id.slice(2);

describe('placeAssignment', () => {
  it('finds the reservation and the offset of an address or subnet inside it', () => {
    expect(placeAssignment('198.51.100.9/32', blocks, { metroId: 'm-ny' }, code)).toMatchObject({ reservation: ny, start: 1n, size: 1n });
    expect(placeAssignment('198.51.100.12/30', blocks, { metroId: 'm-ny' }, code)).toMatchObject({ start: 4n, size: 4n });
    expect(placeAssignment('198.51.100.8/29', blocks, { metroId: 'm-ny' }, code)).toMatchObject({ start: 0n, size: 8n });
    expect(placeAssignment('2001:db8:0:1ff::/64', blocks, { metroId: 'm-ny' }, code)).toMatchObject({
      reservation: v6,
      start: 0xffn << 64n,
      size: 1n << 64n,
    });
  });

  it('takes a lone address as its /32 or /128', () => {
    expect(parseAssignmentAddress('198.51.100.9')).toEqual({ family: 4, network: 0xc6336409n, prefix: 32 });
    expect(parseAssignmentAddress('2001:db8::1')).toMatchObject({ family: 6, prefix: 128 });
  });

  it('refuses another metro, but not for global blocks', () => {
    expect(placeAssignment('198.51.100.9/32', blocks, { metroId: 'm-da' }, code)).toEqual({
      problems: [
        'address: 198.51.100.9/32 is in metro ny; the device is in metro da: assign it to a device in ny, or use a block reserved in da or a global_ipv4 one',
      ],
    });
    expect(placeAssignment('192.0.2.7/32', blocks, { metroId: 'm-da' }, code)).toMatchObject({ reservation: global });
  });

  it('names the blocks an address could be in, the prefix lengths that fit, and malformed text', () => {
    expect(placeAssignment('203.0.113.1/32', blocks, { metroId: 'm-ny' }, code)).toEqual({
      problems: [
        "address: 203.0.113.1/32 is in none of the project's reserved blocks: the project's IPv4 blocks are 198.51.100.8/29, 192.0.2.7/32; give an address inside one of them",
      ],
    });
    expect(placeAssignment('198.51.100.0/28', blocks, { metroId: 'm-ny' }, code)).toEqual({
      problems: [
        'address: 198.51.100.0/28 is larger than the reserved block 198.51.100.8/29; give a prefix length from /29 to /32 inside it',
      ],
    });
    expect(placeAssignment('2001:db8::1/128', [ny], { metroId: 'm-ny' }, code)).toEqual({
      problems: [
        "address: 2001:db8::1/128 is in none of the project's reserved blocks: the project has no IPv6 block; reserve one first (POST /projects/{id}/ips)",
      ],
    });
    expect((placeAssignment('198.51.100.9/30', blocks, { metroId: 'm-ny' }, code) as { problems: string[] }).problems[0]).toMatch(
      /^address: .* has host bits set; the block is 198\.51\.100\.8\/30$/,
    );
  });
});

describe('overlapProblem and heldReservationProblem', () => {
  const held = [{ address: '198.51.100.9', cidr: 32, device_id: 'd1', hostname: 'web-1' }];
  const cidr = (text: string) => parseAssignmentAddress(text) as Exclude<ReturnType<typeof parseAssignmentAddress>, { problem: string }>;

  it('names the device holding an overlapping block, and lets disjoint ones pass', () => {
    const r = { id: 'r-ny', type: 'public_ipv4' };
    expect(overlapProblem(cidr('198.51.100.8/30'), r, held, 'd2')).toBe(
      'address: 198.51.100.8/30 overlaps 198.51.100.9/32, assigned to device web-1 (d1); unassign it first (DELETE /ips/{id}) or pick a free block (GET /ips/r-ny/available)',
    );
    expect(overlapProblem(cidr('198.51.100.10/31'), r, held, 'd2')).toBeUndefined();
    expect(overlapProblem(cidr('198.51.100.9/32'), r, held, 'd2')).toMatch(/overlaps/);
  });

  it('lets a global (anycast) address be on several devices, once each, and nothing else overlap it', () => {
    const global = { id: 'r-g', type: 'global_ipv4' };
    expect(overlapProblem(cidr('198.51.100.9/32'), global, held, 'd2')).toBeUndefined();
    expect(overlapProblem(cidr('198.51.100.9/32'), global, held, 'd1')).toMatch(/overlaps 198\.51\.100\.9\/32, assigned to device web-1/);
    expect(overlapProblem(cidr('198.51.100.8/31'), global, held, 'd2')).toMatch(/overlaps/);
  });

  it('names each device once when a reservation in use is released', () => {
    expect(heldReservationProblem(ny, [...held, { ...held[0], address: '198.51.100.10' }])).toBe(
      'id: 198.51.100.8/29 is assigned to device(s) web-1 (d1); unassign its addresses first (DELETE /ips/{assignment id})',
    );
  });

  it('gives a block the gateway Metal showed: its first usable address', () => {
    expect(blockGateway(4, '198.51.100.8', 29)).toBe('198.51.100.9');
    expect(blockGateway(4, '192.0.2.7', 32)).toBe('192.0.2.7');
    expect(blockGateway(6, '2001:db8:0:100::', 56)).toBe('2001:db8:0:100::1');
  });
});
