/** The pure rules every switch driver applies the same way, before any change reaches a switch. */
import { SwitchUnavailable, type SwitchPortVlans } from './types';

/** VLAN ids a switch port can carry (0 and 4095 are reserved by 802.1Q). */
export const VLAN_ID_MIN = 1;
export const VLAN_ID_MAX = 4094;

const validVlan = (id: number) => Number.isInteger(id) && id >= VLAN_ID_MIN && id <= VLAN_ID_MAX;

/** What is wrong with one port's wanted VLANs, in words naming the port and the value; empty when nothing is. */
export function portVlansProblems(config: SwitchPortVlans): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9_.:@-]{1,64}$/.test(config.port)) problems.push(`port ${JSON.stringify(config.port)}: not a switch port name`);
  const bad = [...config.tagged, ...(config.native === null ? [] : [config.native])].filter((id) => !validVlan(id));
  if (bad.length > 0) problems.push(`port ${config.port}: VLAN ids must be ${VLAN_ID_MIN}-${VLAN_ID_MAX}, got ${bad.join(', ')}`);
  if (config.native !== null && config.tagged.includes(config.native))
    problems.push(`port ${config.port}: VLAN ${config.native} is both native and tagged; carry it one way`);
  return problems;
}

/**
 * The ports of one change in canonical form (tagged ascending and unique), or SwitchUnavailable('protocol') naming
 * every problem; a port listed twice is a problem, since the change would be ambiguous.
 */
export function checkPortChange(ports: readonly SwitchPortVlans[]): SwitchPortVlans[] {
  const problems = ports.flatMap(portVlansProblems);
  const seen = new Set<string>();
  for (const { port } of ports) {
    if (seen.has(port)) problems.push(`port ${port}: listed twice in one change`);
    seen.add(port);
  }
  if (problems.length > 0) throw new SwitchUnavailable('protocol', `the switch change was refused: ${problems.join('; ')}`);
  return ports.map((p) => ({ port: p.port, native: p.native, tagged: [...new Set(p.tagged)].sort((a, b) => a - b) }));
}
