/**
 * The real switch: a Linux bridge with VLAN filtering, programmed through iproute2 the way Linux-based switch
 * operating systems do it. Each change is one `bridge -batch` process (1,000 VLAN changes are one spawn, and runs
 * of consecutive VLANs one line). The kernel applies a batch line by line, so a batch that fails part-way is undone:
 * the touched ports get their previous VLANs back (again in one batch) before the SwitchUnavailable is thrown.
 */
import { execFile } from 'node:child_process';
import { bridgeComplaint, failedBatchLine, parseLinkNames, parseVlanShow, portChangeLines } from './bridge-output';
import { checkPortChange, portVlansProblems } from './rules';
import { SwitchUnavailable, type SwitchDriver, type SwitchFeature, type SwitchPortVlans } from './types';

export interface LinuxBridgeOptions {
  /** The bridge device whose ports are the switch ports. */
  bridge: string;
  /** The network namespace holding the bridge (iproute2's `-n`); the current one when absent. */
  netns?: string;
  /** How long one ip/bridge process may take. */
  timeoutMs?: number;
}

type Tool = 'ip' | 'bridge';

/** Runs one iproute2 command (never through a shell), mapping its failures to SwitchUnavailable. */
function iproute(
  tool: Tool,
  args: readonly string[],
  options: { netns?: string; timeoutMs?: number; input?: string; what: (stderr: string) => string },
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 30000;
  const argv = [...(options.netns === undefined ? [] : ['-n', options.netns]), ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(tool, argv, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const failed = (kind: 'unreachable' | 'timeout' | 'protocol', why: string) =>
        reject(new SwitchUnavailable(kind, `${options.what(stderr)}: ${why}`, { cause: err }));
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return failed('unreachable', `${tool} is not installed (Debian package iproute2)`);
      if (err.killed) return failed('timeout', `${tool} did not finish within ${timeoutMs} ms`);
      const complaint = bridgeComplaint(stderr) || err.message;
      if (/Cannot open network namespace|Device does not exist|Cannot find device/.test(stderr)) return failed('unreachable', complaint);
      if (/Operation not supported/.test(stderr))
        return failed('protocol', `${complaint} (does the kernel have bridge VLAN filtering, CONFIG_BRIDGE_VLAN_FILTERING?)`);
      failed('protocol', complaint);
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/** Creates `bridge` with VLAN filtering on and no default VLAN (a new port carries nothing until told), and brings it up. */
export async function createVlanBridge(options: LinuxBridgeOptions): Promise<void> {
  const where = options.netns === undefined ? '' : ` in namespace ${options.netns}`;
  const what = () => `cannot create the VLAN bridge ${options.bridge}${where}`;
  const run = (args: string[]) => iproute('ip', args, { ...options, what });
  await run(['link', 'add', options.bridge, 'type', 'bridge', 'vlan_filtering', '1', 'vlan_default_pvid', '0']);
  await run(['link', 'set', options.bridge, 'up']);
}

export class LinuxBridgeSwitch implements SwitchDriver {
  readonly name = 'linux-bridge';
  readonly features: ReadonlySet<SwitchFeature> = new Set(['read_back', 'atomic_batch']);
  /** Batches run so far (each applyPorts call that changed something counts once; an undo does not count). */
  changes = 0;
  /** Changes run one at a time: an undo must not undo another caller's change. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LinuxBridgeOptions) {}

  applyPorts(ports: readonly SwitchPortVlans[]): Promise<void> {
    const wanted = checkPortChange(ports);
    const work = async () => {
      if (wanted.length === 0) return;
      const before = await this.current(wanted.map((p) => p.port));
      const touched = wanted.filter((port) => portChangeLines(before.get(port.port)!, port).length > 0);
      if (touched.length === 0) return;
      this.changes++;
      try {
        await this.batch(touched.map((port) => [before.get(port.port)!, port]));
      } catch (err) {
        const undo = await this.restore(touched.map((port) => before.get(port.port)!));
        if (undo === undefined) throw err;
        const kind = err instanceof SwitchUnavailable && (err.kind === 'timeout' || err.kind === 'unreachable') ? err.kind : 'protocol';
        throw new SwitchUnavailable(kind, `${(err as Error).message}; restoring the previous VLANs failed too: ${undo}`, { cause: err });
      }
    };
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async readPorts(names: readonly string[]): Promise<SwitchPortVlans[]> {
    const problems = names.flatMap((port) => portVlansProblems({ port, native: null, tagged: [] }));
    if (problems.length > 0) throw new SwitchUnavailable('protocol', `cannot read ${this.where()}: ${problems.join('; ')}`);
    const current = await this.current(names);
    return names.map((name) => current.get(name)!);
  }

  async close(): Promise<void> {}

  private where(): string {
    return `bridge ${this.options.bridge}${this.options.netns === undefined ? '' : ` in namespace ${this.options.netns}`}`;
  }

  private run(tool: Tool, args: readonly string[], what: (stderr: string) => string, input?: string): Promise<string> {
    return iproute(tool, args, { netns: this.options.netns, timeoutMs: this.options.timeoutMs, input, what });
  }

  /** What each named port carries now; a name that is not a port of the bridge is refused, naming it. */
  private async current(names: readonly string[]): Promise<Map<string, SwitchPortVlans>> {
    const members = parseLinkNames(
      await this.run('ip', ['-j', 'link', 'show', 'master', this.options.bridge], () => `cannot list the ports of ${this.where()}`),
    );
    const strangers = names.filter((name) => !members.has(name));
    if (strangers.length > 0)
      throw new SwitchUnavailable(
        'protocol',
        `${this.where()} has no port ${strangers.join(', ')} (a switch port is a link with master ${this.options.bridge}: ip link set <link> master ${this.options.bridge})`,
      );
    const vlans = parseVlanShow(await this.run('bridge', ['-j', 'vlan', 'show'], () => `cannot read the VLANs of ${this.where()}`));
    return new Map(names.map((port) => [port, vlans.get(port) ?? { port, native: null, tagged: [] }]));
  }

  /** Moves each port from its first state to its second in one `bridge -batch`; a failure names the port it stopped at. */
  private async batch(moves: readonly (readonly [SwitchPortVlans, SwitchPortVlans])[]): Promise<void> {
    const lines: string[] = [];
    const portOfLine: string[] = [];
    for (const [from, to] of moves)
      for (const line of portChangeLines(from, to)) {
        lines.push(line);
        portOfLine.push(to.port);
      }
    if (lines.length === 0) return;
    await this.run(
      'bridge',
      ['-batch', '-'],
      (stderr) => {
        const line = failedBatchLine(stderr);
        const at = line === undefined ? '' : ` at port ${portOfLine[line - 1]} ("${lines[line - 1]}")`;
        return `${this.where()} refused the VLAN change${at}`;
      },
      `${lines.join('\n')}\n`,
    );
  }

  /** Puts the ports back to `previous`; undefined when that worked, else why not. */
  private async restore(previous: readonly SwitchPortVlans[]): Promise<string | undefined> {
    try {
      const now = await this.current(previous.map((p) => p.port));
      await this.batch(previous.map((port) => [now.get(port.port)!, port]));
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }
}
