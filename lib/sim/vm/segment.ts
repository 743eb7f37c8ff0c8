/**
 * A provisioning segment for VM-backed machines, built from real Linux parts in two network namespaces: the
 * segment's (a bridge with STP off and no forward delay, one tap per VM) and the boot services' (one interface, a
 * veth onto the bridge, holding the services' address), so nothing of it touches the host's own namespace. Node
 * cannot bind a socket to one interface, so the services get a namespace with exactly one; whatever serves the
 * segment (a metalforge server, a test's cloud) runs in it: `ip netns exec <serverNamespace> ...`. dnsmasq in
 * the segment's namespace relays DHCP to the services (they hear only relayed unicast) and sends the IPv6 router
 * advertisements iPXE waits for. Everything is removed by destroy().
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** What describes a segment to a process that did not build it (see segmentOf). */
export interface VmSegmentAddresses {
  /** The namespace QEMU runs in (`ip netns exec <namespace> qemu-system-x86_64 ...`). */
  namespace: string;
  /** The namespace the boot services run in; its one interface holds serverAddress. */
  serverNamespace: string;
  /** The boot services' address: bind HTTP, DHCP and TFTP here. */
  serverAddress: string;
  /** The relay's address on the segment (the giaddr of relayed requests). */
  relayAddress: string;
  /** The segment, e.g. 10.201.57.0/24. */
  subnet: string;
  /** First and last address to hand out. */
  range: { start: string; end: string };
}

export interface VmSegment extends VmSegmentAddresses {
  /** Creates a tap on the bridge for one VM and returns its name (any process may add taps). */
  addTap(): string;
  /** Removes the segment; only the process that built it does. */
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

/** The segment's addresses: the same in every segment, since each lives in namespaces of its own. */
const PREFIX = '10.201.57';

/** What describes `segment` to another process (segmentOf there gives it back). */
export function addressesOf(segment: VmSegmentAddresses): VmSegmentAddresses {
  const { namespace, serverNamespace, serverAddress, relayAddress, subnet, range } = segment;
  return { namespace, serverNamespace, serverAddress, relayAddress, subnet, range };
}

/** A segment built by another process, for adding taps to it (the VMs' machines run where the services run). */
export function segmentOf(addresses: VmSegmentAddresses): VmSegment {
  return { ...addresses, addTap: tapAdder(addresses.namespace), destroy: () => undefined };
}

/** Adds taps named tap<pid>x<n>, so processes sharing a segment never pick the same name. */
function tapAdder(namespace: string): () => string {
  let taps = 0;
  return () => {
    const tap = `tap${process.pid}x${taps++}`;
    inNs(namespace, 'tuntap', 'add', 'dev', tap, 'mode', 'tap');
    inNs(namespace, 'link', 'set', tap, 'master', 'br0', 'up');
    return tap;
  };
}

export function createVmSegment(): VmSegment {
  const id = randomBytes(3).toString('hex');
  const namespace = `mfvm-${id}`;
  const serverNamespace = `mfvs-${id}`;
  const serverAddress = `${PREFIX}.1`;
  const relayAddress = `${PREFIX}.2`;
  let dnsmasq: ChildProcess | undefined;
  const destroy = () => {
    if (dnsmasq?.pid) {
      try {
        process.kill(dnsmasq.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const step of [() => run('netns', 'del', serverNamespace), () => run('netns', 'del', namespace)]) {
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
    inNs(namespace, 'addr', 'add', 'fd00:201:57::2/64', 'dev', 'br0', 'nodad');
    inNs(namespace, 'link', 'set', 'br0', 'up');
    run('netns', 'add', serverNamespace);
    inNs(serverNamespace, 'link', 'set', 'lo', 'up');
    inNs(serverNamespace, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'uplink', 'netns', namespace);
    inNs(namespace, 'link', 'set', 'uplink', 'master', 'br0', 'up');
    inNs(serverNamespace, 'addr', 'add', `${serverAddress}/24`, 'dev', 'eth0');
    inNs(serverNamespace, 'link', 'set', 'eth0', 'up');
    // Answers to 255.255.255.255 need a route; the relay is the segment's only way out.
    inNs(serverNamespace, 'route', 'add', 'default', 'via', relayAddress);
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
    serverNamespace,
    serverAddress,
    relayAddress,
    subnet: `${PREFIX}.0/24`,
    range: { start: `${PREFIX}.100`, end: `${PREFIX}.199` },
    addTap: tapAdder(namespace),
    destroy,
  };
}
