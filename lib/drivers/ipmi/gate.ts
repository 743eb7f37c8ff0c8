/**
 * Per-BMC admission: at most `maxConcurrent` commands in flight to one BMC address and at least `minIntervalMs`
 * between the starts of two commands, across every driver instance in this process. Small BMCs crash or drop
 * sessions when hammered (operators cap at ~4 parallel calls; Ironic waits seconds between ipmitool calls).
 */
import type { Clock } from '../../core/clock';

export interface GateLimits {
  maxConcurrent: number;
  minIntervalMs: number;
}

export class BmcGate {
  private active = 0;
  private lastStart = -Infinity;
  private readonly queue: (() => void)[] = [];
  /** Chains the interval waits so starts are spaced even when several callers are admitted together. */
  private spacing: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private limits: GateLimits,
  ) {}

  /** The strictest limits any driver asked for win. */
  tighten(limits: GateLimits): void {
    this.limits = {
      maxConcurrent: Math.min(this.limits.maxConcurrent, limits.maxConcurrent),
      minIntervalMs: Math.max(this.limits.minIntervalMs, limits.minIntervalMs),
    };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      await this.waitForInterval();
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limits.maxConcurrent) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next)
      next(); // the slot passes straight to the next caller
    else this.active--;
  }

  private waitForInterval(): Promise<void> {
    const turn = this.spacing.then(async () => {
      if (this.limits.minIntervalMs > 0) {
        const wait = this.lastStart + this.limits.minIntervalMs - this.clock.now().getTime();
        if (wait > 0) await this.clock.sleep(wait);
      }
      this.lastStart = this.clock.now().getTime();
    });
    this.spacing = turn;
    return turn;
  }
}

const gates = new Map<string, BmcGate>();

/** The process-wide gate of one BMC (keyed by host:port). */
export function gateFor(address: string, clock: Clock, limits: GateLimits): BmcGate {
  let gate = gates.get(address);
  if (gate) gate.tighten(limits);
  else {
    gate = new BmcGate(clock, limits);
    gates.set(address, gate);
  }
  return gate;
}
