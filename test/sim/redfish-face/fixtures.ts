/** Shared by the Redfish face and Redfish driver tests: simulated machines and external tools. */
import { spawnSync } from 'node:child_process';
import type { HardwareInventory } from '../../../lib/drivers/types';
import { seededRandom } from '../../../lib/core/random';
import { SimFaults, SimMachine, SimTimings } from '../../../lib/sim/machine';

export function inventoryOf(manufacturer: string, index = 0): HardwareInventory {
  const mac = `02:00:00:00:${(index >> 8).toString(16).padStart(2, '0')}:${(index & 0xff).toString(16).padStart(2, '0')}`;
  return {
    manufacturer,
    model: 'Test Server 1U',
    serial: `SN${index}`,
    cpus: [{ count: 2, cores: 16, model: 'Xeon Gold 6326' }],
    memoryMiB: 131072,
    drives: [
      { sizeBytes: 480_000_000_000, mediaType: 'SSD' },
      { sizeBytes: 3_840_000_000_000, mediaType: 'NVME' },
      { sizeBytes: 8_000_000_000_000, mediaType: 'HDD' },
    ],
    nics: [
      { mac, name: 'eth0' },
      { mac: mac.replace(/^02/, '06'), name: 'eth1' },
    ],
  };
}

export function machineOf(
  id: string,
  options: {
    manufacturer?: string;
    faults?: Partial<SimFaults>;
    timings?: SimTimings;
    scale?: number;
    seed?: number;
  } = {},
): SimMachine {
  return new SimMachine({
    id,
    inventory: inventoryOf(options.manufacturer ?? 'Contoso', Number(id.replace(/\D/g, '')) || 0),
    scale: options.scale ?? 0,
    timings: options.timings,
    faults: options.faults,
    random: seededRandom(options.seed ?? 7),
  });
}

/** Whether a command exists on PATH (or at an absolute path). */
export function toolExists(command: string, args: string[] = ['--version']): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).error === undefined;
}

/** Debian's system python with sushy importable (not a pyenv shim). */
export function sushyAvailable(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import sushy'], { stdio: 'ignore' }).status === 0;
}
