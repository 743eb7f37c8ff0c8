/**
 * pollUntil, the wait behind metal_device's create and reinstall: reads the server holds (wait_for_state) follow
 * each other at once; reads a server answers at once (one without the extension) are spaced by a doubling backoff.
 * Fake timers stand in for the server's hold, so the test follows the exact schedule without waiting.
 */
import { pollUntil } from '../../../lib/provider/resources/support';

describe('pollUntil', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  /** Runs pollUntil while advancing the fake clock; returns the result and when each read started, with its hold. */
  async function run(answer: (read: number, holdMs: number) => Promise<string>, options: { timeoutMs: number; maxHoldMs?: number }) {
    const reads: { at: number; holdMs: number }[] = [];
    const result = pollUntil(
      async (holdMs) => {
        reads.push({ at: Date.now(), holdMs });
        return answer(reads.length, holdMs);
      },
      (value) => value === 'active',
      { ...options, signal: new AbortController().signal, firstIntervalMs: 250 },
    );
    let settled = false;
    void result.finally(() => (settled = true));
    while (!settled) await jest.advanceTimersToNextTimerAsync();
    return { ...(await result), reads };
  }
  /** A read the server holds for `ms` (none: answered at once). */
  const held = (ms: number) => new Promise<void>((resolve) => (ms > 0 ? setTimeout(resolve, ms) : resolve()));

  it('reads again at once after a read the server held, telling it how long it may hold', async () => {
    const { value, outcome, reads } = await run(async (read, holdMs) => (await held(holdMs), read < 3 ? 'provisioning' : 'active'), {
      timeoutMs: 45_000,
      maxHoldMs: 20_000,
    });
    expect({ value, outcome }).toEqual({ value: 'active', outcome: 'done' });
    expect(reads).toEqual([
      { at: 0, holdMs: 20_000 },
      { at: 20_000, holdMs: 20_000 },
      // What is left of the timeout, in whole seconds.
      { at: 40_000, holdMs: 5_000 },
    ]);
  });

  it('falls back to a doubling interval when the server answers at once (it does not hold reads)', async () => {
    const { outcome, reads } = await run(async (read) => (read < 4 ? 'provisioning' : 'active'), { timeoutMs: 45_000, maxHoldMs: 20_000 });
    expect(outcome).toBe('done');
    expect(reads.map((r) => r.at)).toEqual([0, 250, 750, 1750]);
  });

  it('holds whole seconds within the timeout, reads plainly in the last second, and gives up when it has passed', async () => {
    const { value, outcome, reads } = await run(async (_read, holdMs) => (await held(holdMs), 'provisioning'), {
      timeoutMs: 2_500,
      maxHoldMs: 20_000,
    });
    expect({ value, outcome }).toEqual({ value: 'provisioning', outcome: 'timeout' });
    expect(reads).toEqual([
      { at: 0, holdMs: 2_000 },
      { at: 2_000, holdMs: 0 },
      { at: 2_250, holdMs: 0 },
      { at: 2_500, holdMs: 0 },
    ]);
  });

  it('without maxHoldMs asks for no hold and polls', async () => {
    const { reads } = await run(async (read) => (read < 3 ? 'provisioning' : 'active'), { timeoutMs: 10_000 });
    expect(reads).toEqual([
      { at: 0, holdMs: 0 },
      { at: 250, holdMs: 0 },
      { at: 750, holdMs: 0 },
    ]);
  });
});
