/**
 * Where webhooks may go: public http(s) addresses only. Loopback, private (RFC 1918, CGNAT, ULA), link-local
 * (cloud metadata services live there) and other special-purpose addresses are refused, so a tenant's webhook
 * cannot make the server call into its own network, unless the operator allows it (--webhook-allow-private).
 * Checked when the URL is set (literal addresses and local names) and again for the addresses DNS gives at delivery.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const refused = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  refused.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  refused.addSubnet(net, prefix, 'ipv6');
}

const LOCAL_NAMES = /^(localhost|metadata|metadata\.google\.internal|instance-data)$|\.localhost$/i;

/** Why this address may not receive webhooks, or undefined when it may. */
export function refusedAddress(address: string): string | undefined {
  const family = isIP(address);
  if (!family) return undefined;
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is that IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const blocked = mapped ? refused.check(mapped[1], 'ipv4') : refused.check(address, family === 4 ? 'ipv4' : 'ipv6');
  return blocked ? `${address} is a loopback, private, link-local or reserved address` : undefined;
}

/** Checks a webhook URL when it is set: a "url: ..." problem, or undefined. */
export function webhookUrlProblem(url: string, allowPrivate: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url: must be an absolute http(s) URL such as "https://example.com/metal-events"';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return 'url: must be an http(s) URL such as "https://example.com/metal-events"';
  if (allowPrivate) return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const why = LOCAL_NAMES.test(host) ? `${host} names this server's own network` : refusedAddress(host);
  return why
    ? `url: ${why}; webhooks go to public addresses only (the operator can allow private ones with --webhook-allow-private)`
    : undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses a host any of whose addresses is refused: checked on the addresses
 * the connection will use, so a name cannot resolve to a public address when set and to a private one when called.
 */
export function checkedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  dnsLookup(hostname, { all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.map((a) => refusedAddress(a.address)).find((why) => why);
    if (bad)
      return callback(
        Object.assign(new Error(`${hostname} resolves to ${bad}; webhooks go to public addresses only`), { code: 'EREFUSEDTARGET' }),
        [],
      );
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}
