/**
 * Layer 2 on a real store with the simulated switch: a placed device has its ports, VLAN changes reach the switch
 * and are read back, a switch that refuses leaves the port as it was, concurrent batches on one port are applied
 * one at a time, a deleted device's ports go back to layer 3 on the switch, and a change interrupted by a crash is
 * settled by its durable job after the restart so that the port and the switch agree; with two servers on one
 * PostgreSQL, a push that lands after a newer one is followed by the newest rows, and a refused change is not
 * rolled back from under a newer one.
 */
import { metalMetadata } from '../../../lib/boot/metadata';
import type { Cloud } from '../../../lib/cloud';
import { SimSwitch, SwitchUnavailable, type SwitchPortVlans } from '../../../lib/drivers/switch';
import type { Principal } from '../../../lib/engine/accounts';
import { EngineBootBackend } from '../../../lib/engine/boot-backend';
import { blockGateway } from '../../../lib/engine/network/assignment-rules';
import type { SwitchFactory } from '../../../lib/engine/network/layer2';
import { freshNetwork } from '../../../lib/engine/network/port-rules';
import {
  adminProject,
  availableBackends,
  deviceInput,
  eventually,
  freshPostgresUrl,
  removeTempDirs,
  stepUntil,
  stopPostgres,
  tempDir,
  testCloud,
} from '../../support/cloud';
import { describeWithPostgres } from '../../support/pg-cluster';
import { refusal } from '../../support/refusal';

afterAll(() => removeTempDirs());

/** One simulated switch per metro that outlives the clouds using it (as a real switch outlives a server). */
function fabric() {
  const switches = new Map<string, SimSwitch>();
  const factory: SwitchFactory = (metro) => {
    if (!switches.has(metro)) switches.set(metro, new SimSwitch());
    return { switch: switches.get(metro)!, portName: (machineId, nic) => `${machineId}:${nic}` };
  };
  const read = async (metro: string, machineId: string): Promise<SwitchPortVlans[]> =>
    (switches.get(metro) ?? new SimSwitch()).readPorts([`${machineId}:eth0`, `${machineId}:eth1`]);
  return { factory, switches, read };
}

async function placedDevice(cloud: Cloud, principal: Principal, projectId: string, hostname: string) {
  const device = await cloud.engine.devices.create(principal, projectId, deviceInput({ hostname, metro: 'ny' }));
  await stepUntil(cloud, device.id, 'active');
  const row = await cloud.engine.devices.get(device.id);
  const ports = Object.fromEntries(row.network!.ports.map((p) => [p.name, p.id]));
  return { id: device.id, machineId: row.machine_id!, ports };
}

describe.each(availableBackends())('layer 2 (%s)', (backend) => {
  let cloud: Cloud;
  let principal: Principal;
  let projectId: string;
  const net = fabric();

  beforeAll(async () => {
    cloud = await testCloud(backend, { startWorkers: false, switches: net.factory });
    ({ principal, projectId } = await adminProject(cloud));
  });
  afterAll(async () => {
    await cloud.close();
    if (backend === 'postgres') await stopPostgres();
  });

  it('gives a placed device bond0 over its NICs, layer3, with the same port ids in SQL and in the rules', async () => {
    const device = await placedDevice(cloud, principal, projectId, 'ports');
    const row = await cloud.engine.devices.get(device.id);
    // The store's trigger (SQL) makes the same ports as the engine's rules, which the create response shows.
    expect(row.network).toEqual(freshNetwork(device.id, device.machineId, row.macs!));
    expect(row.network!.ports.map((p) => p.name)).toEqual(['bond0', 'eth0', 'eth1']);
  });

  it('assigns VLANs to a bond on both NICs, reads them back, and refuses what the rules forbid', async () => {
    const l2 = cloud.engine.layer2;
    const device = await placedDevice(cloud, principal, projectId, 'l2');
    const a = await l2.createVlan(principal, projectId, { metro: 'ny', description: 'a' });
    const b = await l2.createVlan(principal, projectId, { metro: 'ny', vxlan: 1500 });
    expect(a.vxlan).toBe(1000);
    expect(await refusal(l2.createVlan(principal, projectId, { metro: 'ny', vxlan: 1500 }))).toEqual([
      'vxlan: 1500 is already in use in metro ny; choose another or leave vxlan out to get a free one',
    ]);

    await l2.operate(principal, device.ports.bond0, 'convert_layer2');
    await l2.assign(principal, device.ports.bond0, String(a.vxlan));
    const view = await l2.assign(principal, device.ports.bond0, b.id);
    expect(view.network.network_type).toBe('layer2-bonded');
    expect(view.port.vlans.map((v) => v.vxlan)).toEqual([1000, 1500]);
    expect(await refusal(l2.setNativeVlan(principal, device.ports.bond0, '1777'))).toEqual([
      expect.stringMatching(/^vnid: unknown VLAN "1777"; .*create it with POST \/projects\//),
    ]);
    await l2.setNativeVlan(principal, device.ports.bond0, String(a.vxlan));
    expect(await net.read('ny', device.machineId)).toEqual([
      { port: `${device.machineId}:eth0`, native: 1000, tagged: [1500] },
      { port: `${device.machineId}:eth1`, native: 1000, tagged: [1500] },
    ]);
    // The machine's metadata tells its OS the same: both NICs in bond0, carrying 1000 untagged (with its metal
    // gateway) and 1500 tagged.
    const { reservation } = await cloud.engine.metalGateways.create(principal, projectId, {
      virtual_network_id: a.id,
      private_ipv4_subnet_size: 8,
    });
    const row = await cloud.engine.devices.get(device.id);
    // A layer-2 device holds no addresses (its bond does not route): its machine is known by its MAC.
    const booted = await new EngineBootBackend(cloud.engine.ctx, cloud.engine.installs).findDevice({ mac: row.macs![0] });
    expect(metalMetadata(booted!, { phoneHome: 'http://boot/phone-home' }).network).toMatchObject({
      bonding: { mode: 4 },
      interfaces: [
        { name: 'eth0', bond: 'bond0' },
        { name: 'eth1', bond: 'bond0' },
      ],
      network_type: 'layer2-bonded',
      vlans: [
        { vlan: 1000, interface: 'bond0', native: true, gateway: { address: blockGateway(4, reservation.network, 29), cidr: 29 } },
        { vlan: 1500, interface: 'bond0', native: false },
      ],
    });
    expect(await refusal(l2.operate(principal, device.ports.bond0, 'convert_layer3'))).toEqual([
      'port: bond0 carries VLAN 1000, 1500; unassign them before converting to layer 3',
    ]);
    expect(await refusal(l2.deleteVlan(principal, b.id))).toEqual([
      'id: VLAN 1500 is assigned to l2 (bond0); unassign it from those ports first',
    ]);
  });

  it('leaves the port and the switch as they were when the switch refuses, with the reason', async () => {
    const l2 = cloud.engine.layer2;
    const device = await placedDevice(cloud, principal, projectId, 'refused');
    const vlan = await l2.createVlan(principal, projectId, { metro: 'ny' });
    await l2.operate(principal, device.ports.eth1, 'disbond');
    net.switches.get('ny')!.refuseNext('VLAN table full');
    expect(await refusal(l2.assign(principal, device.ports.eth1, vlan.id))).toEqual([
      'port: the switch did not take the change (the switch refused the change: VLAN table full); the port is unchanged, try again',
    ]);
    const after = await l2.port(principal, device.ports.eth1);
    expect(after.network.network_type).toBe('hybrid');
    expect(after.port.vlans).toEqual([]);
    expect(await net.read('ny', device.machineId)).toEqual([
      { port: `${device.machineId}:eth0`, native: null, tagged: [] },
      { port: `${device.machineId}:eth1`, native: null, tagged: [] },
    ]);
  });

  it('applies batches on one port one at a time, each from what the one before left', async () => {
    const l2 = cloud.engine.layer2;
    const device = await placedDevice(cloud, principal, projectId, 'batches');
    const vlans = await Promise.all([1, 2, 3].map(() => l2.createVlan(principal, projectId, { metro: 'ny' })));
    await l2.operate(principal, device.ports.bond0, 'convert_layer2');
    const batches = await Promise.all(
      vlans.map((v) => l2.createBatch(principal, device.ports.bond0, { vlan_assignments: [{ vlan: String(v.vxlan), state: 'assigned' }] })),
    );
    expect(batches.map((b) => b.state)).toEqual(['queued', 'queued', 'queued']);
    while (await cloud.engine.jobs.round());
    const done = await l2.batches(principal, device.ports.bond0);
    expect(done.map((b) => b.state)).toEqual(['completed', 'completed', 'completed']);
    const tagged = vlans.map((v) => v.vxlan).sort((x, y) => x - y);
    expect((await l2.port(principal, device.ports.bond0)).port.vlans.map((v) => v.vxlan)).toEqual(tagged);
    expect((await net.read('ny', device.machineId)).map((p) => p.tagged)).toEqual([tagged, tagged]);
  });

  it('asks a switch that did not answer again, and fails the batch with the reason after the last attempt', async () => {
    const l2 = cloud.engine.layer2;
    const device = await placedDevice(cloud, principal, projectId, 'unreachable');
    const vlan = await l2.createVlan(principal, projectId, { metro: 'ny' });
    await l2.operate(principal, device.ports.bond0, 'convert_layer2');
    const sw = net.switches.get('ny')!;
    const apply = sw.applyPorts.bind(sw);
    sw.applyPorts = () => Promise.reject(new SwitchUnavailable('unreachable', 'no answer from the switch'));
    try {
      const batch = await l2.createBatch(principal, device.ports.bond0, { vlan_assignments: [{ vlan: vlan.id }] });
      await cloud.engine.jobs.round();
      expect((await l2.batch(principal, device.ports.bond0, batch.id)).state).toBe('in_progress');
      // The last attempt, due now (a second back: the database's clock has microseconds, the engine's milliseconds).
      await cloud.db.query(
        "UPDATE jobs SET run_at = now() - interval '1 second', attempts = max_attempts - 1 WHERE kind = 'apply_port_batch'",
      );
      await cloud.engine.jobs.round();
      const failed = await l2.batch(principal, device.ports.bond0, batch.id);
      expect(failed.state).toBe('failed');
      expect(failed.error_messages).toEqual([
        'port: the switch did not take the change (no answer from the switch); the port is unchanged, try again',
      ]);
      expect((await l2.port(principal, device.ports.bond0)).port.vlans).toEqual([]);
    } finally {
      sw.applyPorts = apply;
    }
  });

  it("puts a deleted device's NICs back to carrying nothing", async () => {
    const l2 = cloud.engine.layer2;
    const device = await placedDevice(cloud, principal, projectId, 'deleted');
    const vlan = await l2.createVlan(principal, projectId, { metro: 'ny' });
    await l2.operate(principal, device.ports.eth1, 'disbond');
    await l2.assign(principal, device.ports.eth1, vlan.id);
    expect((await net.read('ny', device.machineId))[1].native).toBe(vlan.vxlan);
    await cloud.engine.devices.delete(device.id, {});
    await stepUntil(cloud, device.id, 'deleted');
    while (await cloud.engine.jobs.round());
    expect(await net.read('ny', device.machineId)).toEqual([
      { port: `${device.machineId}:eth0`, native: null, tagged: [] },
      { port: `${device.machineId}:eth1`, native: null, tagged: [] },
    ]);
    await l2.deleteVlan(principal, vlan.id);
  });
});

describe.each(availableBackends())('layer 2 across a crash (%s)', (backend) => {
  afterAll(async () => {
    if (backend === 'postgres') await stopPostgres();
  });

  /** The cloud that will die: its store (kept for the restart), its switches, and one placed device. */
  async function firstLife(hostname: string) {
    const where = { dataDir: tempDir(), databaseUrl: backend === 'postgres' ? await freshPostgresUrl() : undefined };
    const net = fabric();
    const first = await testCloud(backend, { ...where, startWorkers: false, switches: net.factory });
    const { principal, projectId } = await adminProject(first);
    const device = await placedDevice(first, principal, projectId, hostname);
    return { where, net, first, principal, projectId, device };
  }

  it('settles a batch cut off mid-change after the restart: the port and the switch agree', async () => {
    const { where, net, first, principal, projectId, device } = await firstLife('crash');
    const vlan = await first.engine.layer2.createVlan(principal, projectId, { metro: 'ny' });
    await first.engine.layer2.operate(principal, device.ports.bond0, 'convert_layer2');
    const batch = await first.engine.layer2.createBatch(principal, device.ports.bond0, {
      vlan_assignments: [{ vlan: vlan.id, state: 'assigned', native: true }],
    });
    // The switch never answers this change: the process dies while it waits, its batch in progress.
    const sw = net.switches.get('ny')!;
    let asked: readonly SwitchPortVlans[] = [];
    const apply = sw.applyPorts.bind(sw);
    sw.applyPorts = (ports) => {
      asked = ports;
      return new Promise<void>(() => {});
    };
    // The round never ends; once the process is gone, its database calls fail.
    const cutOff = first.engine.jobs.round().then(
      () => 'finished',
      () => 'cut off',
    );
    await eventually(async () => asked.length > 0, 'the change to reach the switch');
    expect((await first.engine.layer2.batch(principal, device.ports.bond0, batch.id)).state).toBe('in_progress');
    sw.applyPorts = apply;
    await first.close();
    expect(await Promise.race([cutOff, Promise.resolve('running')])).not.toBe('finished');

    const second = await testCloud(backend, { ...where, startWorkers: false, switches: net.factory });
    try {
      // The dead process's job is taken over (on PostgreSQL its heartbeat would go stale first).
      await second.engine.jobs.takeOverAll();
      while (await second.engine.jobs.round());
      const after = await second.engine.layer2.batch(principal, device.ports.bond0, batch.id);
      expect(after.state).toBe('completed');
      const port = (await second.engine.layer2.port(principal, device.ports.bond0)).port;
      expect(port.vlans.map((v) => v.vxlan)).toEqual([vlan.vxlan]);
      expect(port.native_vlan_id).toBe(vlan.id);
      expect(await net.read('ny', device.machineId)).toEqual([
        { port: `${device.machineId}:eth0`, native: vlan.vxlan, tagged: [] },
        { port: `${device.machineId}:eth1`, native: vlan.vxlan, tagged: [] },
      ]);
    } finally {
      await second.close();
    }
  });

  /** Runs `change` against a switch that never answers it, then closes `cloud`: the process dies mid-change. */
  async function cutOffAtTheSwitch(cloud: Cloud, net: ReturnType<typeof fabric>, change: () => Promise<unknown>): Promise<void> {
    net.factory('ny'); // the metro's switch, if no change opened it yet
    const sw = net.switches.get('ny')!;
    const apply = sw.applyPorts.bind(sw);
    let asked = false;
    sw.applyPorts = () => {
      asked = true;
      return new Promise<void>(() => {});
    };
    const cutOff = change().then(
      () => 'finished',
      () => 'cut off',
    );
    await eventually(async () => asked, 'the change to reach the switch');
    sw.applyPorts = apply;
    await cloud.close();
    expect(await Promise.race([cutOff, Promise.resolve('running')])).not.toBe('finished');
  }

  /** A cloud started where the dead one ran, its sync jobs run as if their lease had passed. */
  async function restartAndSettle(where: { dataDir: string; databaseUrl?: string }, net: ReturnType<typeof fabric>): Promise<Cloud> {
    const second = await testCloud(backend, { ...where, startWorkers: false, switches: net.factory });
    await second.engine.jobs.takeOverAll();
    // The change's sync job is due a lease after it was recorded: as if that time had passed (a second back, since
    // the database's clock has microseconds and the engine's milliseconds).
    await second.db.query("UPDATE jobs SET run_at = now() - interval '1 second' WHERE kind = 'sync_ports'");
    while (await second.engine.jobs.round());
    return second;
  }

  it('settles a single change cut off before the switch answered, from its recorded state, after the restart', async () => {
    const { where, net, first, principal, projectId, device } = await firstLife('crash-assign');
    const vlan = await first.engine.layer2.createVlan(principal, projectId, { metro: 'ny' });
    await first.engine.layer2.operate(principal, device.ports.eth1, 'disbond');
    await cutOffAtTheSwitch(first, net, () => first.engine.layer2.assign(principal, device.ports.eth1, vlan.id));
    expect((await net.read('ny', device.machineId))[1]).toEqual({ port: `${device.machineId}:eth1`, native: null, tagged: [] });

    const second = await restartAndSettle(where, net);
    try {
      const port = (await second.engine.layer2.port(principal, device.ports.eth1)).port;
      expect(port.vlans.map((v) => v.vxlan)).toEqual([vlan.vxlan]);
      expect((await net.read('ny', device.machineId))[1]).toEqual({ port: `${device.machineId}:eth1`, native: vlan.vxlan, tagged: [] });
    } finally {
      await second.close();
    }
  });

  it('releases the addresses a conversion to layer 2 cut off at the switch still held, after the restart', async () => {
    const { where, net, first, principal, device } = await firstLife('crash-convert');
    expect((await first.engine.devices.get(device.id)).ip_addresses).toHaveLength(3);
    await cutOffAtTheSwitch(first, net, () => first.engine.layer2.operate(principal, device.ports.bond0, 'convert_layer2'));

    const second = await restartAndSettle(where, net);
    try {
      const row = await second.engine.devices.get(device.id);
      expect([row.network!.network_type, row.ip_addresses]).toEqual(['layer2-bonded', []]);
      expect(await second.db.query('SELECT id FROM ip_assignments WHERE device_id = $1', [device.id])).toEqual([]);
    } finally {
      await second.close();
    }
  });
});

describeWithPostgres('layer 2, two servers on one PostgreSQL', () => {
  afterAll(() => stopPostgres());

  /** Holds the next applyPorts of `sw` until release() (then applies it, or refuses it); `asked` once it is asked. */
  function holdNextApply(sw: SimSwitch, then: 'apply' | 'refuse' = 'apply') {
    const apply = sw.applyPorts.bind(sw);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const asked = new Promise<void>((resolve) => (reached = resolve));
    sw.applyPorts = async (ports) => {
      sw.applyPorts = apply;
      reached();
      await released;
      if (then === 'refuse') throw new SwitchUnavailable('protocol', 'VLAN table full');
      return apply(ports);
    };
    return { asked, release };
  }

  it("ends with the switch carrying the newest rows when one server's push lands after a newer one, and keeps a newer change over a refused one", async () => {
    const databaseUrl = await freshPostgresUrl();
    const net = fabric();
    const options = { databaseUrl, startWorkers: false, switches: net.factory };
    const a = await testCloud('postgres', options);
    const b = await testCloud('postgres', { ...options, adminToken: a.adminToken });
    try {
      const { principal, projectId } = await adminProject(a);
      const device = await placedDevice(a, principal, projectId, 'two-servers');
      const [x, y] = [
        await a.engine.layer2.createVlan(principal, projectId, { metro: 'ny' }),
        await a.engine.layer2.createVlan(principal, projectId, { metro: 'ny' }),
      ];
      await a.engine.layer2.operate(principal, device.ports.eth1, 'disbond');
      // Server a decides "x on eth1" and its push stalls; server b decides "y too" on top and pushes it first.
      const held = holdNextApply(net.switches.get('ny')!);
      const first = a.engine.layer2.assign(principal, device.ports.eth1, x.id);
      await held.asked;
      await b.engine.layer2.assign(principal, device.ports.eth1, y.id);
      const both = [x.vxlan, y.vxlan].sort((m, n) => m - n);
      expect((await net.read('ny', device.machineId))[1]).toMatchObject({ native: null, tagged: both });
      // a's stale push ("x only") lands last; a reads the rows again and pushes them, before it answers.
      held.release();
      await first;
      expect((await net.read('ny', device.machineId))[1]).toMatchObject({ native: null, tagged: both });
      const rows = (await b.engine.layer2.port(principal, device.ports.eth1)).port;
      expect(rows.vlans.map((v) => v.vxlan)).toEqual(both);

      // a's next change is refused by the switch after b built on it: the rows are not rolled back under b's change.
      const z = await a.engine.layer2.createVlan(principal, projectId, { metro: 'ny' });
      const refused = holdNextApply(net.switches.get('ny')!, 'refuse');
      const third = refusal(a.engine.layer2.assign(principal, device.ports.eth1, z.id));
      await refused.asked;
      await b.engine.layer2.unassign(principal, device.ports.eth1, x.id);
      refused.release();
      expect(await third).toEqual([
        expect.stringMatching(/VLAN table full.*a later change to the port \(from another server\) already builds on it/),
      ]);
      const kept = [y.vxlan, z.vxlan].sort((m, n) => m - n);
      expect((await b.engine.layer2.port(principal, device.ports.eth1)).port.vlans.map((v) => v.vxlan)).toEqual(kept);
      expect((await net.read('ny', device.machineId))[1]).toMatchObject({ native: null, tagged: kept });
    } finally {
      await a.close();
      await b.close();
    }
  });
});
