import { SimSwitch, SwitchUnavailable } from '../../../lib/drivers/switch';

describe('SimSwitch', () => {
  it('starts with every port carrying nothing, and reads back what it was told', async () => {
    const fabric = new SimSwitch();
    expect(await fabric.readPorts(['eth1'])).toEqual([{ port: 'eth1', native: null, tagged: [] }]);
    await fabric.applyPorts([{ port: 'eth1', native: 1000, tagged: [1002, 1001] }]);
    expect(await fabric.readPorts(['eth1', 'eth2'])).toEqual([
      { port: 'eth1', native: 1000, tagged: [1001, 1002] },
      { port: 'eth2', native: null, tagged: [] },
    ]);
    expect(fabric.changes).toBe(1);
  });

  it('a refused change leaves every port as it was', async () => {
    const fabric = new SimSwitch();
    await fabric.applyPorts([{ port: 'eth1', native: null, tagged: [1001] }]);
    fabric.refuseNext('port eth1 is down');
    await expect(fabric.applyPorts([{ port: 'eth1', native: null, tagged: [1002] }])).rejects.toThrow(
      new SwitchUnavailable('protocol', 'the switch refused the change: port eth1 is down'),
    );
    expect(await fabric.readPorts(['eth1'])).toEqual([{ port: 'eth1', native: null, tagged: [1001] }]);
    await fabric.applyPorts([{ port: 'eth1', native: null, tagged: [1002] }]);
    expect(await fabric.readPorts(['eth1'])).toEqual([{ port: 'eth1', native: null, tagged: [1002] }]);
  });
});
