/**
 * A metro's top-of-rack fabric behind a small capability interface, like the BMC and router drivers: the engine says
 * which VLANs each switch port carries, the driver makes the switch match and reads back what it carries. Vendor
 * values (`bridge` output, its error lines) never cross this boundary: drivers map them to these types.
 */
import { DriverError } from '../types';

/** What one switch port carries: VLAN ids on the wire (1–4094), the native one untagged, the rest tagged. */
export interface SwitchPortVlans {
  /** The switch port's name, as the fabric's wiring names it (e.g. a bridge port `mf-3a9c-eth1`). */
  port: string;
  /** The VLAN untagged frames on this port belong to; null when untagged frames are dropped. */
  native: number | null;
  /** VLANs carried tagged, ascending; never includes `native`. */
  tagged: readonly number[];
}

export type SwitchFeature = 'read_back' | 'atomic_batch';

export interface SwitchDriver {
  readonly name: 'sim' | 'linux-bridge';
  readonly features: ReadonlySet<SwitchFeature>;
  /**
   * Makes each listed port carry exactly its VLANs (a port with no VLANs carries none, as a layer-3 port), in one
   * change: all of them or, when the switch refuses, none (the previous state stays and SwitchUnavailable is thrown).
   * Asking for what a port already carries changes nothing.
   */
  applyPorts(ports: readonly SwitchPortVlans[]): Promise<void>;
  /** What each named port carries now; a port the switch does not have is an error naming it. */
  readPorts(ports: readonly string[]): Promise<SwitchPortVlans[]>;
  /** Releases what the driver holds. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The switch did not take a change: `unreachable` or `timeout` when it did not answer (worth retrying), `protocol`
 * when it refused (an unknown port, a VLAN it cannot carry). A refused change leaves every port as it was.
 */
export class SwitchUnavailable extends DriverError {
  constructor(kind: 'unreachable' | 'timeout' | 'protocol', message: string, options?: { cause?: unknown }) {
    super(kind, message, options);
    this.name = 'SwitchUnavailable';
  }
}
