/**
 * A cloud whose machines are QEMU VMs on a provisioning segment (lib/sim/vm/segment.ts): the boot listener, DHCP
 * and TFTP on the segment's server address, and a catalog with one VM-backed plan per firmware. It runs inside the
 * segment's server namespace (see vm-boots.ts), so all of its traffic stays in namespaces the caller made.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CATALOG, type CloudOptions } from '../../lib/cloud';
import { loadCatalogFile } from '../../lib/engine/operator';
import { ensureVmImages, type VmImages } from '../../lib/sim/vm/artifacts';
import { VmMachine, type VmFirmware } from '../../lib/sim/vm/machine';
import { vmSegmentUnavailableReason, type VmSegment } from '../../lib/sim/vm/segment';

/** VM-backed plans of the lab's catalog, by firmware. */
export const VM_PLANS: Record<VmFirmware, string> = { bios: 'vm.bios.x86', uefi: 'vm.uefi.x86' };

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
  mkdirSync(workDir, { recursive: true });
  const images = ensureVmImages();
  const machines: VmMachine[] = [];
  const steps: BootStep[] = [];
  const step = (mac: string, what: string) => steps.push({ at: Date.now(), mac, what });
  const catalogFile = join(workDir, 'catalog.json');
  const catalog = loadCatalogFile(DEFAULT_CATALOG);
  const base = catalog.plans.find((p) => p.slug === 'c3.small.x86')!;
  const vmPlans = Object.entries(VM_PLANS).map(([firmware, slug]) => ({
    ...base,
    slug,
    name: slug,
    description: `A QEMU virtual machine (${firmware.toUpperCase()} firmware) that network-boots like a server.`,
    specs: { ...base.specs, cpus: [{ count: 1, type: 'QEMU TCG', cores: 1 }], memory: { total: '1GB' } },
  }));
  writeFileSync(
    catalogFile,
    JSON.stringify({
      ...catalog,
      plans: [...catalog.plans, ...vmPlans],
      hardware: [{ facilities: ['ny5'], per_facility: Object.fromEntries(Object.values(VM_PLANS).map((slug) => [slug, 1])) }],
    }),
  );
  const firmwareOf = (plan: string) => (Object.keys(VM_PLANS) as VmFirmware[]).find((f) => VM_PLANS[f] === plan);
  const cloudOptions: CloudOptions = {
    catalog: catalogFile,
    bootHost: segment.serverAddress,
    bootPort: 0,
    bootInstallerDir: images.installerDir,
    provisioning: {
      dhcp: {
        serverAddress: segment.serverAddress,
        bindAddress: segment.serverAddress,
        networks: [{ name: 'vm-lab', subnet: segment.subnet, rangeStart: segment.range.start, rangeEnd: segment.range.end }],
        onReply: (r) =>
          step(
            r.mac,
            `DHCP ${r.type} ${r.address} (${r.boot.kind === 'tftp' ? `TFTP ${r.boot.file}` : r.boot.kind === 'ipxe' ? 'iPXE script' : 'installer'})`,
          ),
      },
      tftp: { bindAddress: segment.serverAddress, onTransfer: (t) => step(t.peer, `TFTP ${t.file} ${t.outcome}`) },
    },
    simMachine: (spec, options) => {
      const firmware = firmwareOf(spec.plan);
      if (!firmware) return undefined;
      const dir = join(workDir, spec.name);
      mkdirSync(dir, { recursive: true });
      const machine = new VmMachine({
        ...options,
        vm: { namespace: segment.namespace, tap: segment.addTap(), workDir: dir, firmware, images },
      });
      machine.on('power', (state: string) => step(spec.macs[0], `power ${state}`));
      machines.push(machine);
      return machine;
    },
  };
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
