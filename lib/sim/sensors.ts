/**
 * What a simulated machine's sensors read, for both BMC faces (Redfish Thermal/Power, IPMI SDR): derived from its
 * power state and inventory so a powered-off machine reads like one (standby power, fans stopped, CPUs at inlet
 * temperature) and a bigger machine draws more.
 */
import type { HardwareInventory, PowerState } from '../core/hardware';

export interface SensorReadings {
  inletCelsius: number;
  /** One per CPU socket. */
  cpuCelsius: number[];
  /** One per chassis fan. */
  fanRpm: number[];
  /** Whole-system input power. */
  powerWatts: number;
  /** Power supplies fitted (redundant pair). */
  powerSupplies: number;
  /** Rated output of each supply. */
  powerSupplyWatts: number;
}

export const FAN_COUNT = 4;
const INLET_CELSIUS = 22;
const STANDBY_WATTS = 12;

export function sensorReadings(inventory: HardwareInventory, power: PowerState): SensorReadings {
  const sockets = Math.max(
    1,
    inventory.cpus.reduce((n, cpu) => n + cpu.count, 0),
  );
  const cores = inventory.cpus.reduce((n, cpu) => n + cpu.count * cpu.cores, 0);
  const on = power === 'on';
  return {
    inletCelsius: INLET_CELSIUS,
    cpuCelsius: Array.from({ length: sockets }, (_, i) => (on ? 41 + i * 2 : INLET_CELSIUS)),
    fanRpm: Array.from({ length: FAN_COUNT }, (_, i) => (on ? 5760 + i * 64 : 0)),
    powerWatts: on ? 80 + cores * 4 + inventory.drives.length * 8 + Math.round(inventory.memoryMiB / 8192) * 3 : STANDBY_WATTS,
    powerSupplies: 2,
    powerSupplyWatts: 800,
  };
}
