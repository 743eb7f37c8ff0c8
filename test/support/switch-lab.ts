/**
 * A switch lab from real Linux parts: a "switch" network namespace holding a VLAN-filtering bridge, and "machines",
 * each a namespace whose eth0 is a veth into the switch namespace (the bridge port `m1`, `m2`, ...). Each machine
 * has an address untagged on eth0 and one on a VLAN subinterface (eth0.1001, ...) per lab VLAN, all in 10.77.0.0/16
 * inside these namespaces only. destroy() removes every namespace (and so every link) it made.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createVlanBridge } from '../../lib/drivers/switch';

const run = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const inNs = (ns: string, ...args: string[]) => run('-n', ns, ...args);
const stderrOf = (err: unknown) => (err as { stderr?: string }).stderr?.trim() || (err as Error).message;

/** Why the switch lab cannot be built here, or undefined when it can. */
export function switchLabUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'the switch lab needs root (network namespaces, bridges, veths)';
  const probe = `mfswprobe${randomBytes(3).toString('hex')}`;
  try {
    run('netns', 'add', probe);
  } catch (err) {
    return `network namespaces cannot be created here (ip netns add: ${stderrOf(err)})`;
  }
  try {
    try {
      inNs(probe, 'link', 'add', 'br0', 'type', 'bridge', 'vlan_filtering', '1');
    } catch (err) {
      return `this kernel has no VLAN-filtering bridge (CONFIG_BRIDGE_VLAN_FILTERING): ${stderrOf(err)}`;
    }
    try {
      inNs(probe, 'link', 'add', 'name', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1');
      inNs(probe, 'link', 'add', 'link', 'probe0', 'name', 'probe0.10', 'type', 'vlan', 'id', '10');
    } catch (err) {
      return `this kernel has no veth or 802.1Q VLAN interfaces (CONFIG_VETH, CONFIG_VLAN_8021Q): ${stderrOf(err)}`;
    }
  } finally {
    run('netns', 'del', probe);
  }
  try {
    execFileSync('ping', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'ping is not installed (Debian package iputils-ping; test/run installs it)';
  }
  return undefined;
}

/** A `describe` that runs only where the lab can be built, printing why otherwise. */
export function describeWithSwitchLab(name: string, fn: () => void): void {
  const reason = switchLabUnavailableReason();
  if (reason === undefined) return describe(name, fn);
  // A kernel without the features can still run the lab inside User-mode Linux.
  const hint = /this kernel/.test(reason) ? ' (as root, test/uml-run npx jest <this file> runs it in a User-mode Linux kernel)' : '';
  console.warn(`skipping "${name}": ${reason}${hint}`);
  describe.skip(name, fn);
}

export interface SwitchLab {
  /** The namespace holding the bridge. */
  switchNs: string;
  bridge: string;
  /** The bridge ports, one per machine: m1, m2, ... */
  ports: string[];
  /** Machine n's (1-based) address untagged on eth0, or on its subinterface for `vlan`. */
  address(machine: number, vlan?: number): string;
  /** Whether machine `from` gets an echo reply from `address` (two pings, one second each at most). */
  reaches(from: number, address: string): boolean;
  destroy(): void;
}

export async function createSwitchLab(options: { machines: number; vlans: readonly number[] }): Promise<SwitchLab> {
  const id = randomBytes(3).toString('hex');
  const switchNs = `mfsw-${id}`;
  const bridge = 'br0';
  const machineNs = (n: number) => `${switchNs}-m${n}`;
  const made: string[] = [];
  const destroy = () => {
    for (const ns of made.splice(0).reverse()) {
      try {
        run('netns', 'del', ns);
      } catch {
        // already gone
      }
    }
  };
  // 10.77.0.n untagged, 10.77.(k+1).n on the k-th lab VLAN.
  const address = (machine: number, vlan?: number) => `10.77.${vlan === undefined ? 0 : options.vlans.indexOf(vlan) + 1}.${machine}`;
  const ports = Array.from({ length: options.machines }, (_, i) => `m${i + 1}`);
  try {
    run('netns', 'add', switchNs);
    made.push(switchNs);
    await createVlanBridge({ bridge, netns: switchNs });
    for (let n = 1; n <= options.machines; n++) {
      const ns = machineNs(n);
      run('netns', 'add', ns);
      made.push(ns);
      inNs(switchNs, 'link', 'add', 'name', ports[n - 1], 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      inNs(switchNs, 'link', 'set', ports[n - 1], 'master', bridge, 'up');
      inNs(ns, 'link', 'set', 'lo', 'up');
      inNs(ns, 'addr', 'add', `${address(n)}/24`, 'dev', 'eth0');
      inNs(ns, 'link', 'set', 'eth0', 'up');
      for (const vlan of options.vlans) {
        inNs(ns, 'link', 'add', 'link', 'eth0', 'name', `eth0.${vlan}`, 'type', 'vlan', 'id', `${vlan}`);
        inNs(ns, 'addr', 'add', `${address(n, vlan)}/24`, 'dev', `eth0.${vlan}`);
        inNs(ns, 'link', 'set', `eth0.${vlan}`, 'up');
      }
    }
  } catch (err) {
    destroy();
    throw new Error(`cannot build the switch lab ${switchNs}: ${stderrOf(err)}`);
  }
  return {
    switchNs,
    bridge,
    ports,
    address,
    reaches(from, to) {
      try {
        execFileSync('ip', ['netns', 'exec', machineNs(from), 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', to], {
          stdio: 'ignore',
          timeout: 5000,
        });
        return true;
      } catch {
        return false;
      }
    },
    destroy,
  };
}
