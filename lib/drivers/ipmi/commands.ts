/**
 * Chassis commands (IPMI v2.0 §28): request bytes, response parsing and the mapping tables between IPMI bytes
 * and the project's power/boot types. Runs over anything that can send one IPMI request.
 */
import type { BootDevice, BootSetting, PowerAction, PowerState } from '../types';
import { DriverError } from '../types';
import { completionCodeError } from './codes';
import { BootFlag, BootParameter, ChassisCmd, NetFn } from '../../core/ipmi/numbers';
import type { IpmiResponse } from '../../core/ipmi/rmcp';

/** Sends one request and resolves with the raw response; the driver supplies session handling and retries. */
export type IpmiTransport = (netFn: number, cmd: number, data: Buffer, what: string) => Promise<IpmiResponse>;

/** Chassis Control "chassis control" byte per power action that needs a BMC call (§28.3). */
export const CHASSIS_CONTROL: Readonly<Record<PowerAction, number>> = {
  off: 0x00,
  on: 0x01,
  cycle: 0x02,
  reset: 0x03,
  soft_off: 0x05,
};

/** Boot flags parameter (5) byte 2: the device selector, bits 5:2 (§28.13, table 28-14). */
export const BOOT_DEVICE_SELECTOR: Readonly<Record<Exclude<BootDevice, 'uefi_http'>, number>> = {
  pxe: 0x04,
  disk: 0x08,
  cdrom: 0x14,
  bios: 0x18,
};

const SELECTOR_MASK = 0x3c;

/** Selectors a BMC may report, including ones this project never sets. */
const SELECTOR_TO_DEVICE: ReadonlyMap<number, BootSetting['device']> = new Map<number, BootSetting['device']>([
  [0x00, 'none'],
  [0x04, 'pxe'],
  [0x08, 'disk'],
  [0x0c, 'disk'], // disk, safe mode
  [0x14, 'cdrom'],
  [0x18, 'bios'],
]);

/** Parameter 3 value: do not clear the valid bit when no Chassis Control follows within 60 s. */
export const KEEP_VALID_BIT_PAST_60S = 0x08;

/** Parameter 4: write mask 0x01 and "boot info not yet acknowledged by the BIOS" (what ipmitool sends). */
export const BOOT_INFO_UNACKNOWLEDGED = Buffer.from([0x01, 0x01]);

/** Completion codes meaning "this BMC has no such boot parameter": optional parameters are skipped on them. */
const PARAMETER_NOT_SUPPORTED = new Set([0x80, 0xc1, 0xcc, 0xc9]);

/** Throws the mapped DriverError unless the completion code is 0. */
export function expectSuccess(response: IpmiResponse, what: string): Buffer {
  if (response.completionCode !== 0) throw completionCodeError(response.completionCode, what);
  return response.data;
}

export function parseChassisStatus(data: Buffer, bmc: string): PowerState {
  if (data.length < 1) throw new DriverError('protocol', `${bmc} sent an empty Get Chassis Status answer`);
  return (data[0] & 0x01) !== 0 ? 'on' : 'off';
}

export function bootFlagsRequest(device: BootDevice, options: { persistent: boolean; efi: boolean }, bmc: string): Buffer {
  if (device === 'uefi_http') {
    throw new DriverError(
      'unsupported',
      `${bmc}: IPMI has no boot device selector for UEFI HTTP boot; use the Redfish driver for this machine`,
    );
  }
  const flags = BootFlag.valid | (options.persistent ? BootFlag.persistent : 0) | (options.efi ? BootFlag.efi : 0);
  return Buffer.from([BootParameter.bootFlags, flags, BOOT_DEVICE_SELECTOR[device], 0, 0, 0]);
}

/** Get System Boot Options request for parameter 5 (set selector 0, block selector 0). */
export const GET_BOOT_FLAGS_REQUEST = Buffer.from([BootParameter.bootFlags, 0, 0]);

/** Answer layout: [parameter version, parameter selector, flags, device selector, …]. */
export function parseBootFlags(data: Buffer, bmc: string): BootSetting & { selector: number } {
  if (data.length < 4 || (data[1] & 0x7f) !== BootParameter.bootFlags) {
    throw new DriverError('protocol', `${bmc} sent a malformed boot flags parameter (${data.toString('hex')})`);
  }
  const selector = data[3] & SELECTOR_MASK;
  const device = SELECTOR_TO_DEVICE.get(selector);
  if (device === undefined) {
    throw new DriverError('unsupported', `${bmc} reports boot device selector 0x${selector.toString(16)}, which metalforge does not model`);
  }
  return { device, selector, persistent: (data[2] & BootFlag.persistent) !== 0, efi: (data[2] & BootFlag.efi) !== 0 };
}

/** Sets an optional boot parameter; a BMC without it is fine (it just lacks that protection). */
export async function setOptionalBootParameter(send: IpmiTransport, parameter: number, value: Buffer, what: string): Promise<void> {
  const response = await send(NetFn.chassis, ChassisCmd.setBootOptions, Buffer.concat([Buffer.from([parameter]), value]), what);
  if (response.completionCode !== 0 && !PARAMETER_NOT_SUPPORTED.has(response.completionCode)) expectSuccess(response, what);
}
