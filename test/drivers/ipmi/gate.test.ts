import { ManualClock } from '../../../lib/core/clock';
import { BmcGate } from '../../../lib/drivers/ipmi/gate';
import { parseIpmiAddress } from '../../../lib/drivers/ipmi/driver';

const flush = () => new Promise((resolve) => setImmediate(resolve));

function deferred() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe('BmcGate', () => {
  it('admits at most maxConcurrent commands and hands a freed slot to the next caller', async () => {
    const gate = new BmcGate(new ManualClock(), { maxConcurrent: 2, minIntervalMs: 0 });
    const tasks = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = tasks.map((task, i) => gate.run(async () => (started.push(i), task.done)));
    await flush();
    expect(started).toEqual([0, 1]);
    tasks[1].release();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    tasks[0].release();
    tasks[2].release();
    await Promise.all(runs);
  });

  it('spaces the starts of commands by minIntervalMs of clock time', async () => {
    const clock = new ManualClock();
    const gate = new BmcGate(clock, { maxConcurrent: 4, minIntervalMs: 1000 });
    const started: number[] = [];
    const runs = [0, 1, 2].map((i) => gate.run(async () => void started.push(i)));
    await flush();
    expect(started).toEqual([0]);
    await clock.advance(999);
    expect(started).toEqual([0]);
    await clock.advance(1);
    await flush();
    expect(started).toEqual([0, 1]);
    await clock.advance(1000);
    await flush();
    expect(started).toEqual([0, 1, 2]);
    await Promise.all(runs);
  });

  it('releases the slot when a command throws', async () => {
    const gate = new BmcGate(new ManualClock(), { maxConcurrent: 1, minIntervalMs: 0 });
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });

  it('keeps the strictest limits when drivers ask for different ones', async () => {
    const gate = new BmcGate(new ManualClock(), { maxConcurrent: 4, minIntervalMs: 0 });
    gate.tighten({ maxConcurrent: 1, minIntervalMs: 0 });
    const first = deferred();
    const started: string[] = [];
    const a = gate.run(async () => (started.push('a'), first.done));
    const b = gate.run(async () => void started.push('b'));
    await flush();
    expect(started).toEqual(['a']);
    first.release();
    await Promise.all([a, b]);
    expect(started).toEqual(['a', 'b']);
  });
});

describe('parseIpmiAddress', () => {
  it.each([
    ['10.0.0.5', { host: '10.0.0.5', port: 623 }],
    ['127.0.0.1:40123', { host: '127.0.0.1', port: 40123 }],
    ['bmc.example:6230', { host: 'bmc.example', port: 6230 }],
    ['[::1]:623', { host: '::1', port: 623 }],
  ])('parses %s', (address, expected) => {
    expect(parseIpmiAddress(address)).toEqual(expected);
  });

  it.each(['', 'host:99999', 'https://bmc/redfish'])('rejects %j with an actionable DriverError', (address) => {
    expect(() => parseIpmiAddress(address)).toThrow(/not host\[:port\]/);
  });
});
