import { checkPortChange, portVlansProblems, SwitchUnavailable } from '../../../lib/drivers/switch';

describe('portVlansProblems', () => {
  it('names the port and the value that is wrong', () => {
    expect(portVlansProblems({ port: 'eth1', native: 0, tagged: [1001, 4095, 1.5] })).toEqual([
      'port eth1: VLAN ids must be 1-4094, got 4095, 1.5, 0',
    ]);
    expect(portVlansProblems({ port: 'eth1', native: 1001, tagged: [1001] })).toEqual([
      'port eth1: VLAN 1001 is both native and tagged; carry it one way',
    ]);
    expect(portVlansProblems({ port: 'eth 1; rm', native: null, tagged: [] })).toEqual(['port "eth 1; rm": not a switch port name']);
    expect(portVlansProblems({ port: 'mf-3a9c-eth1', native: 1, tagged: [4094] })).toEqual([]);
  });
});

describe('checkPortChange', () => {
  it('returns the ports with tagged VLANs sorted and unique', () => {
    expect(checkPortChange([{ port: 'eth1', native: null, tagged: [1003, 1001, 1003] }])).toEqual([
      { port: 'eth1', native: null, tagged: [1001, 1003] },
    ]);
  });

  it('refuses the whole change, naming every problem, when one port is wrong or listed twice', () => {
    const change = () =>
      checkPortChange([
        { port: 'eth1', native: null, tagged: [1001] },
        { port: 'eth1', native: null, tagged: [] },
        { port: 'eth2', native: null, tagged: [5000] },
      ]);
    expect(change).toThrow(SwitchUnavailable);
    expect(change).toThrow('port eth2: VLAN ids must be 1-4094, got 5000; port eth1: listed twice in one change');
  });
});
