/**
 * A batch of 1,000 port-VLAN changes (1,000 tagged VLANs, added, then removed), against the same changes as bare
 * `bridge vlan` commands (one process each) and as one `bridge -batch` with a line per change on a real
 * VLAN-filtering bridge in a network namespace of its own, all in the same run (the baseline lives in
 * bench/vlan-baseline.ts). Two paths are timed:
 * - the Linux bridge driver (LinuxBridgeSwitch.applyPorts) over 4 ports, with contiguous VLANs (runs become ranges)
 *   and scattered ones (every other id: one line per VLAN, like the baseline's batch);
 * - metalforge's API on the simulated fabric: one POST /ports/{id}/vlan-assignments/batches of 1,000 entries on a
 *   layer-2 bond, from the POST to the batch's completed state (then one unassigning them all).
 * Run (root, a kernel with CONFIG_BRIDGE_VLAN_FILTERING): npx tsx bench/vlan-batch.ts [rounds=3]
 * (on a kernel without it, inside User-mode Linux: test/uml-run npx tsx bench/vlan-batch.ts; about 7 minutes, and
 * every process node forks there costs some 0.2 s, which weighs on the driver's three per change)
 */
import { createCloud } from '../lib/cloud';
import { LinuxBridgeSwitch, type SwitchPortVlans } from '../lib/drivers/switch';
import { bulkCatalog, median, pool, report, tempDir } from './support';
import { bareVlanCommands, timeBareCommands, timeBridgeBatch, VLAN_CHANGES, vlanBatch, withBenchSwitch } from './vlan-baseline';

const ROUNDS = Number(process.argv[2] ?? 3);

const layer3 = (batch: readonly SwitchPortVlans[]) => batch.map(({ port }) => ({ port, native: null, tagged: [] }));

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** A cloud on the simulated fabric with one active device whose bond is in layer 2, and VLAN_CHANGES VLANs in its metro. */
async function apiFabric() {
  const work = tempDir('bench-vlan');
  const cloud = await createCloud({
    simScale: 0,
    bootPath: 'in-process',
    port: 0,
    catalog: bulkCatalog(work.dir, 1, 'c3.small.x86', 'ny'),
  });
  const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await cloud.app.inject({ method, url: `/metal/v1${url}`, payload, headers: { 'x-auth-token': cloud.adminToken } });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json();
  };
  const project = (await call('POST', '/projects', { name: 'bench' })).id;
  const { id } = await call('POST', `/projects/${project}/devices`, {
    hostname: 'bench',
    plan: 'c3.small.x86',
    metro: 'ny',
    operating_system: 'ubuntu_24_04',
  });
  const device = await call('GET', `/devices/${id}?wait_for_state=active,failed&wait_timeout=60`);
  if (device.state !== 'active') throw new Error(`the bench device is ${device.state}`);
  const bond = device.network_ports.find((p: { name: string }) => p.name === 'bond0').id;
  await call('POST', `/ports/${bond}/convert/layer-2`, {});
  const vlans: string[] = [];
  await pool(VLAN_CHANGES, 8, async (i) => {
    vlans[i] = (await call('POST', `/projects/${project}/virtual-networks`, { metro: 'ny', vxlan: 1001 + i })).id;
  });
  /** One batch of every VLAN in `state`, timed from its POST until it completed. */
  const batch = async (state: 'assigned' | 'unassigned') =>
    timed(async () => {
      const created = await call('POST', `/ports/${bond}/vlan-assignments/batches`, {
        vlan_assignments: vlans.map((vlan) => ({ vlan, state })),
      });
      for (let polls = 0; ; polls++) {
        const now = await call('GET', `/ports/${bond}/vlan-assignments/batches/${created.id}`);
        if (now.state === 'completed') return;
        if (now.state === 'failed' || polls > 60_000)
          throw new Error(`the batch ended ${now.state}: ${JSON.stringify(now.error_messages)}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    });
  return {
    round: async () => [await batch('assigned'), await batch('unassigned')] as const,
    async close() {
      await cloud.close();
      work.remove();
    },
  };
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
    const api = await apiFabric();
    for (let round = 0; round < ROUNDS; round++) {
      record('API, simulated fabric', ...(await api.round()));
      record('driver (ranges)', ...(await driverRound(contiguous)));
      record('driver (scattered)', ...(await driverRound(scattered)));
      const adds = bareVlanCommands(scattered, 'add');
      const dels = bareVlanCommands(scattered, 'del');
      record('bridge -batch', await timeBridgeBatch(lab, adds), await timeBridgeBatch(lab, dels));
      record('bare commands', await timeBareCommands(lab, adds), await timeBareCommands(lab, dels));
    }
    await api.close();
    const leftover = (await fabric.readPorts(lab.ports)).flatMap((p) => p.tagged);
    if (leftover.length > 0) throw new Error(`${leftover.length} VLANs left on the bridge after the rounds`);

    const med = (path: string, what: 'add' | 'del') => median(times[path][what]);
    const lines: Record<string, string> = {};
    for (const path of Object.keys(times)) lines[path] = `add ${med(path, 'add').toFixed(1)} ms, remove ${med(path, 'del').toFixed(1)} ms`;
    const ratio = (baseline: string, driver: string) =>
      `add ${(med(baseline, 'add') / med(driver, 'add')).toFixed(1)}, remove ${(med(baseline, 'del') / med(driver, 'del')).toFixed(1)}`;
    lines['bare / API (simulated)'] = ratio('bare commands', 'API, simulated fabric');
    lines['bare / driver (ranges)'] = ratio('bare commands', 'driver (ranges)');
    lines['bare / driver (scattered)'] = ratio('bare commands', 'driver (scattered)');
    lines['batch / driver (scattered)'] = ratio('bridge -batch', 'driver (scattered)');
    report(
      `Port VLANs: ${VLAN_CHANGES} changes (driver: over ${lab.ports.length} ports of a Linux bridge; API: one batch on one port) (median of ${ROUNDS})`,
      lines,
    );
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
