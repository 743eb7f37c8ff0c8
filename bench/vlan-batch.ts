/**
 * A batch of 1,000 port-VLAN changes (1,000 tagged VLANs over 4 ports, added, then removed) on a real Linux bridge
 * with VLAN filtering, in a network namespace of its own: through LinuxBridgeSwitch.applyPorts against the same
 * changes as bare `bridge vlan` commands (one process each) and as one `bridge -batch` with a line per change, all
 * in the same run (the baseline lives in bench/vlan-baseline.ts). The driver is timed with contiguous VLANs (runs
 * become ranges) and scattered ones (every other id: one line per VLAN, like the baseline's batch).
 * Run (root, a kernel with CONFIG_BRIDGE_VLAN_FILTERING): npx tsx bench/vlan-batch.ts [rounds=3]
 * (on a kernel without it, inside User-mode Linux: test/uml-run npx tsx bench/vlan-batch.ts 1; far slower per process)
 */
import { LinuxBridgeSwitch, type SwitchPortVlans } from '../lib/drivers/switch';
import { median, report } from './support';
import { bareVlanCommands, timeBareCommands, timeBridgeBatch, VLAN_CHANGES, vlanBatch, withBenchSwitch } from './vlan-baseline';

const ROUNDS = Number(process.argv[2] ?? 3);

const layer3 = (batch: readonly SwitchPortVlans[]) => batch.map(({ port }) => ({ port, native: null, tagged: [] }));

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function main(): Promise<void> {
  await withBenchSwitch(async (lab) => {
    const fabric = new LinuxBridgeSwitch({ bridge: lab.bridge, netns: lab.switchNs, timeoutMs: 120_000 });
    const contiguous = vlanBatch(lab.ports, 'contiguous');
    const scattered = vlanBatch(lab.ports, 'scattered');
    const times: Record<string, { add: number[]; del: number[] }> = {};
    const record = (path: string, add: number, del: number) => {
      times[path] ??= { add: [], del: [] };
      times[path].add.push(add);
      times[path].del.push(del);
    };
    const driverRound = async (batch: SwitchPortVlans[]) => {
      const add = await timed(() => fabric.applyPorts(batch));
      const carried = await fabric.readPorts(lab.ports);
      if (JSON.stringify(carried) !== JSON.stringify(batch)) throw new Error('the bridge does not carry the batch after applyPorts');
      return [add, await timed(() => fabric.applyPorts(layer3(batch)))] as const;
    };
    for (let round = 0; round < ROUNDS; round++) {
      record('driver (ranges)', ...(await driverRound(contiguous)));
      record('driver (scattered)', ...(await driverRound(scattered)));
      const adds = bareVlanCommands(scattered, 'add');
      const dels = bareVlanCommands(scattered, 'del');
      record('bridge -batch', await timeBridgeBatch(lab, adds), await timeBridgeBatch(lab, dels));
      record('bare commands', await timeBareCommands(lab, adds), await timeBareCommands(lab, dels));
    }
    const leftover = (await fabric.readPorts(lab.ports)).flatMap((p) => p.tagged);
    if (leftover.length > 0) throw new Error(`${leftover.length} VLANs left on the bridge after the rounds`);

    const med = (path: string, what: 'add' | 'del') => median(times[path][what]);
    const lines: Record<string, string> = {};
    for (const path of Object.keys(times)) lines[path] = `add ${med(path, 'add').toFixed(1)} ms, remove ${med(path, 'del').toFixed(1)} ms`;
    const ratio = (baseline: string, driver: string) =>
      `add ${(med(baseline, 'add') / med(driver, 'add')).toFixed(1)}, remove ${(med(baseline, 'del') / med(driver, 'del')).toFixed(1)}`;
    lines['bare / driver (ranges)'] = ratio('bare commands', 'driver (ranges)');
    lines['bare / driver (scattered)'] = ratio('bare commands', 'driver (scattered)');
    lines['batch / driver (scattered)'] = ratio('bridge -batch', 'driver (scattered)');
    report(`Port VLANs: ${VLAN_CHANGES} changes over ${lab.ports.length} ports of a Linux bridge (median of ${ROUNDS})`, lines);
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
