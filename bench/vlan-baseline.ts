/**
 * The baseline of the port-VLAN benchmarks, shared by every path that applies the same batch (the Linux bridge
 * driver here; metalforge's API on the simulated fabric can time the same batch against it): 1,000 port-VLAN changes
 * on a real VLAN-filtering bridge, as the bare `bridge vlan` commands an operator would type (one process each), and
 * as one `bridge -batch` with a line per change.
 */
import { execFile } from 'node:child_process';
import type { SwitchPortVlans } from '../lib/drivers/switch';
import { createSwitchLab, switchLabUnavailableReason, type SwitchLab } from '../test/support/switch-lab';

export const VLAN_CHANGES = 1000;
export const BENCH_PORTS = 4;

/**
 * The batch: VLAN_CHANGES tagged VLANs spread evenly over `ports`, from 1001 upwards. Contiguous VLANs per port, or
 * scattered (every other id) so no two of a port's VLANs form a range.
 */
export function vlanBatch(ports: readonly string[], layout: 'contiguous' | 'scattered'): SwitchPortVlans[] {
  const perPort = VLAN_CHANGES / ports.length;
  const step = layout === 'contiguous' ? 1 : 2;
  return ports.map((port, i) => ({
    port,
    native: null,
    tagged: Array.from({ length: perPort }, (_, n) => 1001 + (i * perPort + n) * step),
  }));
}

/** One `bridge vlan add|del dev <port> vid <id>` argument list per VLAN of the batch. */
export function bareVlanCommands(batch: readonly SwitchPortVlans[], verb: 'add' | 'del'): string[][] {
  return batch.flatMap(({ port, tagged }) => tagged.map((vid) => ['vlan', verb, 'dev', port, 'vid', `${vid}`]));
}

const elapsedMs = (started: number) => performance.now() - started;

/** Runs `program` with `input` on its standard input; milliseconds until it exited. */
async function timeWithInput(program: string, args: readonly string[], input: string): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = execFile(program, args, { maxBuffer: 16 << 20 }, (err) => (err ? reject(err) : resolve()));
    child.stdin?.end(input);
  });
  return elapsedMs(started);
}

/**
 * Runs the commands one `bridge` process each, in order, inside the lab's switch namespace, from one shell script
 * (as an operator's script would); milliseconds taken. The shell forks them, not node: forking a large process costs
 * far more than the command under User-mode Linux, and that cost is not the baseline's.
 */
export function timeBareCommands(lab: SwitchLab, commands: readonly string[][]): Promise<number> {
  const script = commands.map((args) => ['bridge', '-n', lab.switchNs, ...args].join(' ')).join('\n');
  return timeWithInput('sh', ['-e', '-s'], `${script}\n`);
}

/** Runs the commands as one `bridge -batch` process; milliseconds taken. */
export function timeBridgeBatch(lab: SwitchLab, commands: readonly string[][]): Promise<number> {
  return timeWithInput('bridge', ['-n', lab.switchNs, '-batch', '-'], `${commands.map((args) => args.join(' ')).join('\n')}\n`);
}

/** A switch lab with BENCH_PORTS ports for `work`, removed afterwards; exits with the reason where it cannot be built. */
export async function withBenchSwitch<T>(work: (lab: SwitchLab) => Promise<T>): Promise<T> {
  const reason = switchLabUnavailableReason();
  if (reason !== undefined) throw new Error(`the port-VLAN benchmark needs a real VLAN-filtering bridge: ${reason}`);
  const lab = await createSwitchLab({ machines: BENCH_PORTS, vlans: [] });
  try {
    return await work(lab);
  } finally {
    lab.destroy();
  }
}
