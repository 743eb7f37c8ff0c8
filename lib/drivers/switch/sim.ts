/**
 * The simulator's fabric: every port wired to a simulated machine exists, carrying nothing until told. Deterministic
 * and in-process; `refuseNext` lets a test play a switch that refuses a change.
 */
import { checkPortChange } from './rules';
import { SwitchUnavailable, type SwitchDriver, type SwitchFeature, type SwitchPortVlans } from './types';

export class SimSwitch implements SwitchDriver {
  readonly name = 'sim';
  readonly features: ReadonlySet<SwitchFeature> = new Set(['read_back', 'atomic_batch']);
  private readonly ports = new Map<string, SwitchPortVlans>();
  private refusal: string | undefined;
  /** Changes applied so far (each applyPorts call that changed something counts once). */
  changes = 0;

  async applyPorts(ports: readonly SwitchPortVlans[]): Promise<void> {
    const wanted = checkPortChange(ports);
    if (this.refusal !== undefined) {
      const reason = this.refusal;
      this.refusal = undefined;
      throw new SwitchUnavailable('protocol', `the switch refused the change: ${reason}`);
    }
    for (const port of wanted) this.ports.set(port.port, port);
    if (wanted.length > 0) this.changes++;
  }

  async readPorts(names: readonly string[]): Promise<SwitchPortVlans[]> {
    return names.map((port) => this.ports.get(port) ?? { port, native: null, tagged: [] });
  }

  /** The next change is refused with this reason (and leaves every port as it was). */
  refuseNext(reason: string): void {
    this.refusal = reason;
  }

  async close(): Promise<void> {}
}
