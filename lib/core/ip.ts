/**
 * IP addresses and CIDR blocks as numbers (bigint, so IPv6 fits): parsing with a reason when text is not one,
 * and formatting back to the canonical text (dotted quad; RFC 5952 for IPv6).
 */

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** The first address of the block. */
  network: bigint;
  prefix: number;
}

export const familyBits = (family: Family): number => (family === 4 ? 32 : 128);

/** Addresses in a block of this prefix length. */
export const blockSize = (family: Family, prefix: number): bigint => 1n << BigInt(familyBits(family) - prefix);

/** The prefix length of a block holding `size` addresses (a power of two). */
export function prefixOf(family: Family, size: bigint): number {
  let bits = 0;
  while (1n << BigInt(bits) < size) bits++;
  return familyBits(family) - bits;
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

function parseV6(text: string): bigint | undefined {
  let head = text;
  let tail = '';
  const v4At = text.lastIndexOf(':');
  let embedded: bigint | undefined;
  if (text.includes('.')) {
    embedded = parseV4(text.slice(v4At + 1));
    if (embedded === undefined) return undefined;
    head = text.slice(0, v4At + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  [head, tail] = [halves[0], halves[1] ?? ''];
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const front = groups(head);
  const back = groups(tail);
  const missing = 8 - front.length - back.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...front, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...back];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const value = all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
  return embedded === undefined ? value : (value & ~0xffffffffn) | embedded;
}

/** An address's family and value, or undefined when the text is no IPv4 or IPv6 address. */
export function parseAddress(text: string): { family: Family; value: bigint } | undefined {
  const v4 = parseV4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = text.includes(':') ? parseV6(text) : undefined;
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/** A CIDR block, or the reason the text is not one (host bits set included: "10.0.0.1/8" names no block). */
export function parseCidr(text: string): Cidr | { problem: string } {
  const [address, length, extra] = text.split('/');
  const parsed = parseAddress(address);
  if (!parsed || extra !== undefined || length === undefined || !/^\d{1,3}$/.test(length)) {
    return { problem: `"${text}" is not a CIDR block; write it as address/prefix-length, e.g. 198.51.100.0/24 or 2001:db8::/48` };
  }
  const prefix = Number(length);
  const bits = familyBits(parsed.family);
  if (prefix > bits) return { problem: `"${text}": an IPv${parsed.family} prefix length is 0 to ${bits}` };
  const hostBits = blockSize(parsed.family, prefix) - 1n;
  if (parsed.value & hostBits) {
    const network = formatAddress(parsed.family, parsed.value & ~hostBits);
    return { problem: `"${text}" has host bits set; the block is ${network}/${prefix}` };
  }
  return { family: parsed.family, network: parsed.value, prefix };
}

/** Canonical text of an address: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as ::). */
export function formatAddress(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => Number((value >> shift) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.length).join(':')}`;
}

export const formatCidr = (c: Cidr): string => `${formatAddress(c.family, c.network)}/${c.prefix}`;

/** The netmask text of a prefix length (IPv6 masks in full, as Metal showed them). */
export function netmask(family: Family, prefix: number): string {
  const bits = familyBits(family);
  const mask = ((1n << BigInt(bits)) - 1n) ^ (blockSize(family, prefix) - 1n);
  return formatAddress(family, mask);
}

/** Whether two blocks share an address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const aEnd = a.network + blockSize(a.family, a.prefix);
  const bEnd = b.network + blockSize(b.family, b.prefix);
  return a.network < bEnd && b.network < aEnd;
}

/** Whether `inner` lies inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.family === inner.family &&
    inner.prefix >= outer.prefix &&
    inner.network >= outer.network &&
    inner.network + blockSize(inner.family, inner.prefix) <= outer.network + blockSize(outer.family, outer.prefix)
  );
}
