/**
 * The in-process simulator driver: talks to a SimMachine directly, with the machine's BMC faults
 * (timeouts, busy answers, slow BMC, dropped boot settings) mapped to the same DriverErrors real BMCs produce.
 */
import type { SimMachine } from '../../sim/machine';
import { BmcDriver, DriverError, type BootDevice, type DriverFeature } from '../types';

const FEATURES: ReadonlySet<DriverFeature> = new Set(['power', 'boot_device', 'virtual_media', 'inventory']);

/** `resolve` finds the SimMachine behind the BMC address (the simulated data center creates it on first use). */
export function createSimDriver(resolve: () => Promise<SimMachine>): BmcDriver {
  let resolved: SimMachine | undefined;
  /** Every BMC call passes the machine's fault injection first, like a real BMC's flakiness. */
  const call = async <T>(op: string, fn: (machine: SimMachine) => T | Promise<T>): Promise<T> => {
    const machine = (resolved ??= await resolve());
    if (machine.faults.bmcDelayMs > 0) await new Promise((r) => setTimeout(r, machine.faults.bmcDelayMs));
    const fault = machine.bmcFault();
    if (fault === 'timeout')
      throw new DriverError('timeout', `simulated BMC of ${machine.id} did not answer ${op}; check the BMC's network and retry`);
    if (fault === 'busy') throw new DriverError('busy', `simulated BMC of ${machine.id} is busy (${op}); retrying later usually works`);
    return fn(machine);
  };
  return {
    name: 'sim',
    features: FEATURES,
    power: {
      powerState: () => call('power status', (m) => m.power),
      setPower: (action) => call(`power ${action}`, (m) => m.setPower(action)),
    },
    boot: {
      getBootDevice: () => call('get boot device', (m) => m.boot),
      setBootDevice: (device: BootDevice, options = {}) =>
        call(`set boot device ${device}`, (m) => {
          m.setBootDevice(device, options);
          if (m.boot.device !== device) {
            throw new DriverError(
              'not_applied',
              `simulated BMC of ${m.id} accepted boot device ${device} but reads back ${m.boot.device}; retry, or check the BMC firmware`,
            );
          }
        }),
    },
    media: {
      insertMedia: (url) => call('insert media', (m) => m.insertMedia(url)),
      ejectMedia: () => call('eject media', (m) => m.ejectMedia()),
      mediaStatus: () => call('media status', (m) => m.mediaStatus),
    },
    inventory: {
      inventory: () => call('inventory', (m) => m.inventory),
    },
    close: async () => undefined,
  };
}
