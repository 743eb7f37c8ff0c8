/**
 * iproute2's side of the Linux bridge: the `bridge -batch` lines that move ports from one VLAN state to another,
 * and parsing what `bridge -j vlan show`, `ip -j link show master` and a failed batch print. Pure, so it is tested
 * against output captured from iproute2 6.1.
 */
import type { SwitchPortVlans } from './types';

/** The `bridge vlan show` flag of the VLAN untagged frames go to. */
const FLAG_PVID = 'PVID';

interface VlanShowEntry {
  ifname: string;
  vlans?: { vlan: number; vlanEnd?: number; flags?: string[] }[];
}

/**
 * The VLANs of every port in `bridge -j vlan show` output, by port name (a port carrying nothing is not listed).
 * The pvid is the native VLAN; every other VLAN counts as tagged, so one someone else set egress-untagged is still
 * seen, and removed when the port should not carry it.
 */
export function parseVlanShow(json: string): Map<string, SwitchPortVlans> {
  const ports = new Map<string, SwitchPortVlans>();
  for (const entry of JSON.parse(json || '[]') as VlanShowEntry[]) {
    let native: number | null = null;
    const tagged: number[] = [];
    for (const { vlan, vlanEnd, flags = [] } of entry.vlans ?? []) {
      for (let id = vlan; id <= (vlanEnd ?? vlan); id++) {
        if (flags.includes(FLAG_PVID)) native = id;
        else tagged.push(id);
      }
    }
    ports.set(entry.ifname, { port: entry.ifname, native, tagged: tagged.sort((a, b) => a - b) });
  }
  return ports;
}

/** The names in `ip -j link show master <bridge>` output: the bridge's ports. */
export function parseLinkNames(json: string): Set<string> {
  return new Set((JSON.parse(json || '[]') as { ifname: string }[]).map((link) => link.ifname));
}

/** Runs of consecutive ids as `bridge vlan` vid arguments (`1001-1005`, `7`), so 1,000 VLANs can be a few lines. */
export function vidRanges(ids: readonly number[]): string[] {
  const sorted = [...ids].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let end = i;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end] + 1) end++;
    ranges.push(end === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[end]}`);
    i = end + 1;
  }
  return ranges;
}

/**
 * The `bridge -batch` lines taking one port from `from` to `to`: removals first, then additions; re-adding a VLAN
 * with other flags replaces them (the kernel clears pvid/untagged that an add does not name). Equal states, no lines.
 */
export function portChangeLines(from: SwitchPortVlans, to: SwitchPortVlans): string[] {
  const line = (verb: 'add' | 'del', vid: string, flags = '') => `vlan ${verb} dev ${to.port} vid ${vid}${flags}`;
  const wantedTagged = new Set(to.tagged);
  const removed = [...from.tagged, ...(from.native === null ? [] : [from.native])].filter(
    (id) => id !== to.native && !wantedTagged.has(id),
  );
  const fromTagged = new Set(from.tagged);
  const added = to.tagged.filter((id) => !fromTagged.has(id));
  return [
    ...vidRanges(removed).map((vid) => line('del', vid)),
    ...(to.native !== null && to.native !== from.native ? [line('add', `${to.native}`, ' pvid untagged')] : []),
    ...vidRanges(added).map((vid) => line('add', vid)),
  ];
}

/** The 1-based batch line `bridge -batch` stopped at ("Command failed -:3"), or undefined when it did not say. */
export function failedBatchLine(stderr: string): number | undefined {
  const match = /Command failed -:(\d+)/.exec(stderr);
  return match ? Number(match[1]) : undefined;
}

/** bridge's own complaint, without its "Command failed" trailer, on one line. */
export function bridgeComplaint(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^Command failed /.test(line))
    .join('; ');
}
