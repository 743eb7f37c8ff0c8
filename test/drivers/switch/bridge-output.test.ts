/** iproute2's side of the Linux bridge, against output captured from iproute2 6.1 on Linux 6.1. */
import {
  bridgeComplaint,
  failedBatchLine,
  parseLinkNames,
  parseVlanShow,
  portChangeLines,
  vidRanges,
} from '../../../lib/drivers/switch/bridge-output';

const VLAN_SHOW =
  '[{"ifname":"p1","vlans":[{"vlan":10,"flags":["PVID","Egress Untagged"]},{"vlan":1001}]},' +
  '{"ifname":"p2","vlans":[{"vlan":7},{"vlan":1001},{"vlan":1002},{"vlan":1003}]},' +
  '{"ifname":"p3","vlans":[{"vlan":1,"flags":["PVID","Egress Untagged"]}]}]\n';

describe('parseVlanShow', () => {
  it('reads the pvid as the native VLAN and the rest as tagged', () => {
    const ports = parseVlanShow(VLAN_SHOW);
    expect([...ports.values()]).toEqual([
      { port: 'p1', native: 10, tagged: [1001] },
      { port: 'p2', native: null, tagged: [7, 1001, 1002, 1003] },
      { port: 'p3', native: 1, tagged: [] },
    ]);
  });

  it('expands compressed ranges (bridge -c) and reads empty output as no ports', () => {
    const compressed = '[{"ifname":"p2","vlans":[{"vlan":7},{"vlan":1001,"vlanEnd":1003}]}]';
    expect(parseVlanShow(compressed).get('p2')?.tagged).toEqual([7, 1001, 1002, 1003]);
    expect(parseVlanShow('[]\n').size).toBe(0);
  });
});

it('parseLinkNames lists the ports of `ip -j link show master`', () => {
  const links =
    '[{"ifindex":4,"link":"q1","ifname":"p1","flags":["UP"],"master":"br0"},' +
    '{"ifindex":6,"link":"q2","ifname":"p2","flags":["UP"],"master":"br0"}]';
  expect([...parseLinkNames(links)]).toEqual(['p1', 'p2']);
});

it('vidRanges joins consecutive ids', () => {
  expect(vidRanges([1003, 7, 1001, 1002, 9])).toEqual(['7', '9', '1001-1003']);
  expect(vidRanges([])).toEqual([]);
});

describe('portChangeLines', () => {
  const port = (native: number | null, ...tagged: number[]) => ({ port: 'p1', native, tagged });

  it('removes first, then sets the native VLAN, then adds tagged ones in ranges', () => {
    expect(portChangeLines(port(10, 1001, 1002, 5), port(20, 1002, 1003, 1004))).toEqual([
      'vlan del dev p1 vid 5',
      'vlan del dev p1 vid 10',
      'vlan del dev p1 vid 1001',
      'vlan add dev p1 vid 20 pvid untagged',
      'vlan add dev p1 vid 1003-1004',
    ]);
  });

  it('re-adds a VLAN that changes between native and tagged, so the kernel replaces its flags', () => {
    expect(portChangeLines(port(10, 20), port(20, 10))).toEqual(['vlan add dev p1 vid 20 pvid untagged', 'vlan add dev p1 vid 10']);
  });

  it('a port carrying nothing loses every VLAN, the default pvid too; equal states need no line', () => {
    expect(portChangeLines(port(1), port(null))).toEqual(['vlan del dev p1 vid 1']);
    expect(portChangeLines(port(10, 1001), port(10, 1001))).toEqual([]);
  });
});

it('failedBatchLine and bridgeComplaint read what a failed `bridge -batch` printed', () => {
  const stderr = 'RTNETLINK answers: Operation not supported\nCommand failed -:2\n';
  expect(failedBatchLine(stderr)).toBe(2);
  expect(bridgeComplaint(stderr)).toBe('RTNETLINK answers: Operation not supported');
  expect(failedBatchLine('Cannot open network namespace "x": No such file or directory\n')).toBeUndefined();
});
