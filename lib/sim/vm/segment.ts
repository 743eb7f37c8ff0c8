/**
 * A provisioning segment for VM-backed machines, built from real Linux parts: a network namespace holding a
 * bridge (STP off, no forward delay), one tap per VM, and a veth whose other end is in the host's namespace with
 * the boot services' address. dnsmasq in the namespace relays DHCP to the boot services' DHCP server (Node
 * cannot bind a socket to one interface, so the server hears only relayed unicast, never the host's other
 * networks) and sends the IPv6 router advertisements iPXE waits for. Everything is removed by destroy().
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

export interface VmSegment {
  /** The namespace QEMU runs in (`ip netns exec <namespace> qemu-system-x86_64 ...`). */
  namespace: string;
  /** The boot services' address (host side of the veth): bind HTTP, DHCP and TFTP here. */
  serverAddress: string;
  /** The relay's address on the segment (the giaddr of relayed requests). */
  relayAddress: string;
  /** The segment, e.g. 10.201.57.0/24. */
  subnet: string;
  /** First and last address to hand out. */
  range: { start: string; end: string };
  /** Creates a tap on the bridge for one VM and returns its name. */
  addTap(): string;
  destroy(): void;
}

/** Why VM segments cannot be built here, or undefined when they can. */
export function vmSegmentUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'VM boot tests need root (network namespaces, taps)';
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing (no tap devices)';
  try {
    const probe = `mfprobe${randomBytes(3).toString('hex')}`;
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  } catch {
    return 'network namespaces cannot be created here (ip netns add failed)';
  }
  for (const tool of ['qemu-system-x86_64', 'dnsmasq']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (test/run installs it: apt-get install qemu-system-x86 dnsmasq-base)`;
    }
  }
  return undefined;
}

const run = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const inNs = (ns: string, ...args: string[]) => run('netns', 'exec', ns, 'ip', ...args);

/** A /24 in 10.201.0.0/16 not routed on this host yet. */
function freeSubnetOctet(): number {
  const routes = execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
  for (let tries = 0; tries < 50; tries++) {
    const octet = 10 + Math.floor(Math.random() * 240);
    if (!routes.includes(`10.201.${octet}.`)) return octet;
  }
  throw new Error('no free /24 in 10.201.0.0/16 for a VM segment; remove stale mfvm-* namespaces and veths');
}

export function createVmSegment(): VmSegment {
  const id = randomBytes(3).toString('hex');
  const namespace = `mfvm-${id}`;
  const hostSide = `mfvm${id}h`;
  const octet = freeSubnetOctet();
  const prefix = `10.201.${octet}`;
  const serverAddress = `${prefix}.1`;
  const relayAddress = `${prefix}.2`;
  let dnsmasq: ChildProcess | undefined;
  let taps = 0;
  const destroy = () => {
    if (dnsmasq?.pid) {
      try {
        process.kill(dnsmasq.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const step of [() => run('link', 'del', hostSide), () => run('netns', 'del', namespace)]) {
      try {
        step();
      } catch {
        // a step that never happened
      }
    }
  };
  try {
    run('netns', 'add', namespace);
    inNs(namespace, 'link', 'set', 'lo', 'up');
    inNs(namespace, 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
    inNs(namespace, 'addr', 'add', `${relayAddress}/24`, 'dev', 'br0');
    inNs(namespace, 'addr', 'add', `fd00:201:${octet}::2/64`, 'dev', 'br0', 'nodad');
    inNs(namespace, 'link', 'set', 'br0', 'up');
    run('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', namespace);
    inNs(namespace, 'link', 'set', 'uplink', 'master', 'br0', 'up');
    run('addr', 'add', `${serverAddress}/24`, 'dev', hostSide);
    run('link', 'set', hostSide, 'up');
    // Relay DHCPv4 to the boot services (dnsmasq serves no addresses itself) and advertise an IPv6 prefix.
    dnsmasq = spawn(
      'ip',
      [
        'netns',
        'exec',
        namespace,
        'dnsmasq',
        '--keep-in-foreground',
        '--conf-file=/dev/null',
        '--port=0',
        '--no-resolv',
        '--no-hosts',
        '--interface=br0',
        '--bind-interfaces',
        '--pid-file=',
        '--leasefile-ro',
        `--dhcp-relay=${relayAddress},${serverAddress}`,
        '--enable-ra',
        '--dhcp-range=::,constructor:br0,ra-only',
      ],
      { stdio: 'ignore' },
    );
  } catch (err) {
    destroy();
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`cannot build the VM segment ${namespace}: ${stderr || (err as Error).message}`);
  }
  return {
    namespace,
    serverAddress,
    relayAddress,
    subnet: `${prefix}.0/24`,
    range: { start: `${prefix}.100`, end: `${prefix}.199` },
    addTap() {
      const tap = `tap${taps++}`;
      inNs(namespace, 'tuntap', 'add', 'dev', tap, 'mode', 'tap');
      inNs(namespace, 'link', 'set', tap, 'master', 'br0', 'up');
      return tap;
    },
    destroy,
  };
}
