/**
 * The rules of elastic IP assignments, pure: which of a project's reserved blocks an address or subnet lies in,
 * whether the device's metro may hold it, and whether it overlaps what is already assigned. Every refusal names
 * the field and the fix.
 */
import { blockSize, contains, formatAddress, formatCidr, overlaps, parseAddress, parseCidr, type Cidr } from '../../core/ip';

export interface ReservedBlock {
  id: string;
  network: string;
  cidr: number;
  address_family: 4 | 6;
  type: string;
  metro_id: string | null;
}

export interface HeldBlock {
  address: string;
  cidr: number;
  device_id: string;
  hostname: string;
}

export interface Placement<R extends ReservedBlock> {
  reservation: R;
  block: Cidr;
  /** Offset of the block inside the reservation. */
  start: bigint;
  size: bigint;
}

const cidrOf = (network: string, prefix: number): Cidr => {
  const parsed = parseAddress(network)!;
  return { family: parsed.family, network: parsed.value, prefix };
};

/** The block an `address` text names: a CIDR block, or a lone address as its /32 or /128. */
export function parseAssignmentAddress(text: string): Cidr | { problem: string } {
  if (!text.includes('/')) {
    const lone = parseAddress(text);
    if (lone) return { family: lone.family, network: lone.value, prefix: lone.family === 4 ? 32 : 128 };
  }
  return parseCidr(text);
}

/**
 * Where an assignment of `address` to a device in `device.metroId` goes among the project's `reservations`, or
 * the problems with it. `metroCode` names metros for the messages.
 */
export function placeAssignment<R extends ReservedBlock>(
  address: string,
  reservations: readonly R[],
  device: { metroId: string },
  metroCode: (id: string) => string,
): Placement<R> | { problems: string[] } {
  const block = parseAssignmentAddress(address);
  if ('problem' in block) return { problems: [`address: ${block.problem}`] };
  const text = formatCidr(block);
  const reservation = reservations.find((r) => contains(cidrOf(r.network, r.cidr), block));
  if (!reservation) {
    const wider = reservations.find((r) => overlaps(cidrOf(r.network, r.cidr), block));
    if (wider) {
      const bits = wider.address_family === 4 ? 32 : 128;
      return {
        problems: [
          `address: ${text} is larger than the reserved block ${wider.network}/${wider.cidr}; give a prefix length from /${wider.cidr} to /${bits} inside it`,
        ],
      };
    }
    const family = reservations.filter((r) => r.address_family === block.family);
    const where = family.length
      ? `the project's IPv${block.family} blocks are ${family.map((r) => `${r.network}/${r.cidr}`).join(', ')}; give an address inside one of them`
      : `the project has no IPv${block.family} block; reserve one first (POST /projects/{id}/ips)`;
    return { problems: [`address: ${text} is in none of the project's reserved blocks: ${where}`] };
  }
  if (reservation.type !== 'global_ipv4' && reservation.metro_id !== device.metroId) {
    const blockMetro = metroCode(reservation.metro_id!);
    const deviceMetro = metroCode(device.metroId);
    return {
      problems: [
        `address: ${text} is in metro ${blockMetro}; the device is in metro ${deviceMetro}: assign it to a device in ${blockMetro}, or use a block reserved in ${deviceMetro} or a global_ipv4 one`,
      ],
    };
  }
  const first = parseAddress(reservation.network)!.value;
  return { reservation, block, start: block.network - first, size: blockSize(block.family, block.prefix) };
}

/**
 * The problem when `block` overlaps an assignment already in its reservation, naming the device that holds it. A
 * global (anycast) address is the exception: the same block may be on several devices, once each, as on Metal.
 */
export function overlapProblem(
  block: Cidr,
  reservation: { id: string; type: string },
  held: readonly HeldBlock[],
  deviceId: string,
): string | undefined {
  const anycast = (h: HeldBlock) =>
    reservation.type === 'global_ipv4' &&
    h.device_id !== deviceId &&
    h.cidr === block.prefix &&
    cidrOf(h.address, h.cidr).network === block.network;
  const clash = held.find((h) => overlaps(cidrOf(h.address, h.cidr), block) && !anycast(h));
  const reservationId = reservation.id;
  if (!clash) return undefined;
  return (
    `address: ${formatCidr(block)} overlaps ${clash.address}/${clash.cidr}, assigned to device ${clash.hostname} (${clash.device_id}); ` +
    `unassign it first (DELETE /ips/{id}) or pick a free block (GET /ips/${reservationId}/available)`
  );
}

/** Why a reservation with assignments cannot be released. */
export function heldReservationProblem(reservation: { network: string; cidr: number }, held: readonly HeldBlock[]): string {
  const devices = [...new Map(held.map((h) => [h.device_id, `${h.hostname} (${h.device_id})`])).values()];
  return `id: ${reservation.network}/${reservation.cidr} is assigned to device(s) ${devices.join(', ')}; unassign its addresses first (DELETE /ips/{assignment id})`;
}

/** A reserved block's gateway, as Metal showed it: its first usable address (the network itself for a /31 or /32). */
export function blockGateway(family: 4 | 6, network: string, cidr: number): string {
  const first = parseAddress(network)!.value;
  return formatAddress(family, cidr >= (family === 4 ? 31 : 127) ? first : first + 1n);
}
