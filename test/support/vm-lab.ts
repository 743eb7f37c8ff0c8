/**
 * The VM lab's cloud (lib/cli/vm-lab.ts) with its boot timeline recorded: every DHCP reply, TFTP transfer and VM
 * power change, timestamped. It runs inside the segment's server namespace (see vm-boots.ts), so all of its
 * traffic stays in namespaces the caller made.
 */
import { rmSync } from 'node:fs';
import type { CloudOptions } from '../../lib/cloud';
import { vmLabCloudOptions } from '../../lib/cli/vm-lab';
import { ensureVmImages, type VmImages } from '../../lib/sim/vm/artifacts';
import type { VmMachine } from '../../lib/sim/vm/machine';
import { vmSegmentUnavailableReason, type VmSegment } from '../../lib/sim/vm/segment';

export { VM_PLANS } from '../../lib/cli/vm-lab';

/** Why VM boots cannot run here (printed by the skipping test), or undefined. */
export function vmLabUnavailableReason(): string | undefined {
  return vmSegmentUnavailableReason();
}

/** One timestamped step of a VM's boot, from the DHCP, TFTP and device-state observers. */
export interface BootStep {
  at: number;
  mac: string;
  what: string;
}

export interface VmLab {
  segment: VmSegment;
  images: VmImages;
  /** createCloud options: boot listener, DHCP, TFTP and the VM-backed machines. */
  cloudOptions: CloudOptions;
  machines: VmMachine[];
  steps: BootStep[];
  /** Stops every VM and removes the work files (the segment stays: its builder removes it). */
  close(): Promise<void>;
}

export function startVmLab(workDir: string, segment: VmSegment): VmLab {
  const images = ensureVmImages();
  const machines: VmMachine[] = [];
  const steps: BootStep[] = [];
  const step = (mac: string, what: string) => steps.push({ at: Date.now(), mac, what });
  const cloudOptions = vmLabCloudOptions(segment, images, workDir, {
    onDhcpReply: (r) =>
      step(
        r.mac,
        `DHCP ${r.type} ${r.address} (${r.boot.kind === 'tftp' ? `TFTP ${r.boot.file}` : r.boot.kind === 'ipxe' ? 'iPXE script' : 'installer'})`,
      ),
    onTftpTransfer: (t) => step(t.peer, `TFTP ${t.file} ${t.outcome}`),
    onMachine: (machine, mac) => {
      machine.on('power', (state: string) => step(mac, `power ${state}`));
      machines.push(machine);
    },
  });
  return {
    segment,
    images,
    cloudOptions,
    machines,
    steps,
    async close() {
      await Promise.all(machines.map((m) => m.destroy().catch(() => undefined)));
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
