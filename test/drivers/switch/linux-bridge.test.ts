/**
 * The Linux bridge driver against a real VLAN-filtering bridge, proven with real packets between machine
 * namespaces (test/support/switch-lab.ts).
 */
import { LinuxBridgeSwitch, SwitchUnavailable, type SwitchPortVlans } from '../../../lib/drivers/switch';
import { createSwitchLab, describeWithSwitchLab, type SwitchLab } from '../../support/switch-lab';

const tagged = (port: string, ...vlans: number[]): SwitchPortVlans => ({ port, native: null, tagged: vlans });
const layer3 = (port: string): SwitchPortVlans => ({ port, native: null, tagged: [] });

describeWithSwitchLab('LinuxBridgeSwitch', () => {
  let lab: SwitchLab;
  let fabric: LinuxBridgeSwitch;
  beforeAll(async () => {
    lab = await createSwitchLab({ machines: 3, vlans: [1001, 1002] });
  });
  afterAll(() => lab?.destroy());
  beforeEach(async () => {
    fabric = new LinuxBridgeSwitch({ bridge: lab.bridge, netns: lab.switchNs, timeoutMs: 10000 });
    await fabric.applyPorts(lab.ports.map(layer3));
  });

  it('passes VLAN traffic only between ports carrying that VLAN, and moving a port moves its traffic', async () => {
    const wanted = [tagged('m1', 1001), tagged('m2', 1001), tagged('m3', 1002)];
    await fabric.applyPorts(wanted);
    expect(await fabric.readPorts(lab.ports)).toEqual(wanted);
    expect(lab.reaches(1, lab.address(2, 1001))).toBe(true);
    expect(lab.reaches(1, lab.address(3, 1001))).toBe(false);
    expect(lab.reaches(1, lab.address(3, 1002))).toBe(false);

    await fabric.applyPorts([tagged('m3', 1001)]);
    expect(await fabric.readPorts(['m3'])).toEqual([tagged('m3', 1001)]);
    expect(lab.reaches(1, lab.address(3, 1001))).toBe(true);
  });

  it('carries the native VLAN untagged, beside tagged ones', async () => {
    const wanted: SwitchPortVlans[] = [
      { port: 'm1', native: 1000, tagged: [1001] },
      { port: 'm2', native: 1000, tagged: [1002] },
      { port: 'm3', native: 1002, tagged: [1001] },
    ];
    await fabric.applyPorts(wanted);
    expect(await fabric.readPorts(lab.ports)).toEqual(wanted);
    expect(lab.reaches(1, lab.address(2))).toBe(true);
    expect(lab.reaches(1, lab.address(3))).toBe(false);
    expect(lab.reaches(1, lab.address(3, 1001))).toBe(true);
    // m3 gets VLAN 1002 untagged, so m2's tagged 1002 frames arrive on m3's eth0, not on its eth0.1002.
    expect(lab.reaches(2, lab.address(3, 1002))).toBe(false);
    expect(lab.reaches(1, lab.address(2, 1001))).toBe(false);
  });

  it('a layer-3 port (no VLANs) carries no VLAN at all, tagged or untagged', async () => {
    await fabric.applyPorts([
      { port: 'm1', native: 1000, tagged: [1001] },
      { port: 'm2', native: 1000, tagged: [1001] },
    ]);
    expect(lab.reaches(1, lab.address(2, 1001))).toBe(true);

    await fabric.applyPorts([layer3('m2')]);
    expect(await fabric.readPorts(['m2'])).toEqual([layer3('m2')]);
    expect(lab.reaches(1, lab.address(2, 1001))).toBe(false);
    expect(lab.reaches(1, lab.address(2))).toBe(false);
  });

  it('asking for what the ports already carry runs no change', async () => {
    const wanted = [tagged('m1', 1001, 1002), { port: 'm2', native: 1001, tagged: [] }];
    await fabric.applyPorts(wanted);
    const changes = fabric.changes;
    await fabric.applyPorts(wanted);
    await fabric.applyPorts([layer3('m3')]);
    expect(fabric.changes).toBe(changes);
    expect(await fabric.readPorts(['m1', 'm2', 'm3'])).toEqual([...wanted, layer3('m3')]);
  });

  it('refuses a change naming a port the bridge does not have, and changes no port', async () => {
    await fabric.applyPorts([tagged('m1', 1001), tagged('m2', 1001)]);
    const before = await fabric.readPorts(lab.ports);

    const refused = fabric.applyPorts([tagged('m1', 1002), tagged('eth9', 1002), tagged('m3', 1002)]);
    await expect(refused).rejects.toThrow(SwitchUnavailable);
    await expect(refused).rejects.toThrow(/eth9/);
    expect(await fabric.readPorts(lab.ports)).toEqual(before);
    expect(lab.reaches(1, lab.address(2, 1001))).toBe(true);
    await expect(fabric.readPorts(['eth9'])).rejects.toThrow(/has no port eth9/);
  });

  it('says the bridge or namespace is missing as unreachable', async () => {
    const missing = new LinuxBridgeSwitch({ bridge: 'br-missing', netns: lab.switchNs });
    await expect(missing.readPorts(['m1'])).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/br-missing/) });
    const nowhere = new LinuxBridgeSwitch({ bridge: lab.bridge, netns: `${lab.switchNs}-gone` });
    await expect(nowhere.applyPorts([tagged('m1', 1001)])).rejects.toMatchObject({ kind: 'unreachable' });
  });
});
