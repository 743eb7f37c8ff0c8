/**
 * BIRD for router tests: a "customer server" BIRD that peers with the metro router from its own loopback address,
 * and the skip when Debian's bird2 is not installed. Everything listens on loopback addresses only.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BIRD } from '../../lib/drivers/router/bird-control';
import { startBird, type BirdProcess } from '../../lib/drivers/router';

/** A `describe` that runs only when BIRD is installed, printing why otherwise. */
export function describeWithBird(name: string, fn: () => void): void {
  if (existsSync(BIRD)) return describe(name, fn);
  console.warn(`skipping "${name}": ${BIRD} is not installed (Debian package bird2; test/run installs it)`);
  describe.skip(name, fn);
}

export interface CustomerOptions {
  /** Loopback address the customer's BIRD binds and connects from; also its router id. */
  address: string;
  port: number;
  asn: number;
  router: { address: string; port: number; asn: number };
  md5Password?: string;
  /** Prefixes the customer announces (static routes exported to the router). */
  announce: string[];
}

/** The customer side of one session; retries fast so tests do not wait for BIRD's default two-minute timers. */
export function customerConfig(options: CustomerOptions, logFile: string): string {
  return [
    `router id ${options.address};`,
    'timeformat protocol iso long ms;',
    `log "${logFile}" all;`,
    `protocol static announced { ipv4; ${options.announce.map((p) => `route ${p} unreachable;`).join(' ')} }`,
    'protocol bgp peer_metro {',
    `  local ${options.address} port ${options.port} as ${options.asn};`,
    `  neighbor ${options.router.address} port ${options.router.port} as ${options.router.asn};`,
    '  strict bind on;',
    '  multihop 2;',
    '  connect delay time 1;',
    '  connect retry time 2;',
    '  error wait time 1, 3;',
    ...(options.md5Password ? [`  password "${options.md5Password}";`] : []),
    '  ipv4 { import all; export where proto = "announced"; };',
    '}',
    '',
  ].join('\n');
}

export async function startCustomer(dir: string, options: CustomerOptions): Promise<BirdProcess> {
  await mkdir(dir, { recursive: true });
  return startBird({ dir, config: customerConfig(options, join(dir, 'bird.log')) });
}
