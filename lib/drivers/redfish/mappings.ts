/**
 * Redfish vendor values and the project's own types, both ways, plus vendor quirks keyed by manufacturer.
 */
import type { BootDevice, BootSetting, DriveInventory, PowerAction, PowerState } from '../types';

/** ResetTypes that perform an action, in order of preference; the first the BMC allows is used. */
export const RESET_TYPES: Readonly<Record<PowerAction, readonly string[]>> = {
  on: ['On', 'ForceOn', 'PushPowerButton'],
  off: ['ForceOff'],
  soft_off: ['GracefulShutdown'],
  cycle: ['PowerCycle'],
  reset: ['ForceRestart', 'GracefulRestart'],
};

/** The power state each action ends in. */
export const SETTLED_STATE: Readonly<Record<PowerAction, PowerState>> = {
  on: 'on',
  off: 'off',
  soft_off: 'off',
  cycle: 'on',
  reset: 'on',
};

/** Redfish PowerState; a transitional state counts as the state it is heading to (as Ironic does). */
export const POWER_STATES: Readonly<Record<string, PowerState>> = {
  On: 'on',
  PoweringOn: 'on',
  Off: 'off',
  PoweringOff: 'off',
};

export const TRANSITIONAL_POWER_STATES: ReadonlySet<string> = new Set(['PoweringOn', 'PoweringOff']);

export const BOOT_TARGETS: Readonly<Record<BootDevice, string>> = {
  pxe: 'Pxe',
  disk: 'Hdd',
  cdrom: 'Cd',
  bios: 'BiosSetup',
  uefi_http: 'UefiHttp',
};

/** Every BootSourceOverrideTarget the driver understands, including vendor spellings. */
export const BOOT_DEVICES: Readonly<Record<string, BootDevice | 'none'>> = {
  None: 'none',
  Pxe: 'pxe',
  Hdd: 'disk',
  Cd: 'cdrom',
  UsbCd: 'cdrom',
  BiosSetup: 'bios',
  UefiHttp: 'uefi_http',
};

export function bootEnabled(persistent: boolean): string {
  return persistent ? 'Continuous' : 'Once';
}

export function bootMode(efi: boolean): string {
  return efi ? 'UEFI' : 'Legacy';
}

/** Maps a Redfish Boot object; undefined when its target is one the project does not model. */
export function bootSettingOf(boot: Record<string, unknown> | undefined): BootSetting | undefined {
  const target = String(boot?.BootSourceOverrideTarget ?? 'None');
  const enabled = String(boot?.BootSourceOverrideEnabled ?? 'Disabled');
  const device = enabled === 'Disabled' ? 'none' : BOOT_DEVICES[target];
  if (device === undefined) return undefined;
  return { device, persistent: enabled === 'Continuous', efi: boot?.BootSourceOverrideMode !== 'Legacy' };
}

export function driveMediaType(drive: { MediaType?: unknown; Protocol?: unknown }): DriveInventory['mediaType'] {
  if (drive.Protocol === 'NVMe') return 'NVME';
  return drive.MediaType === 'SSD' ? 'SSD' : 'HDD';
}

export interface VendorQuirks {
  /** Boot targets that differ from the standard spelling (Supermicro wants UsbCd for virtual CD). */
  bootTargets: Partial<Record<BootDevice, string>>;
  /** How often to retry a 409 on "On" while the system still reads Off (iDRAC right after a power-off). */
  powerOnConflictRetries: number;
}

const STANDARD_QUIRKS: VendorQuirks = { bootTargets: {}, powerOnConflictRetries: 0 };

/** Keyed by the lower-cased first word of the system's Manufacturer. */
const VENDOR_QUIRKS: Readonly<Record<string, Partial<VendorQuirks>>> = {
  supermicro: { bootTargets: { cdrom: 'UsbCd' } },
  dell: { powerOnConflictRetries: 5 },
};

export function vendorQuirks(manufacturer: unknown): VendorQuirks {
  const key = typeof manufacturer === 'string' ? manufacturer.trim().split(/\s+/)[0].toLowerCase() : '';
  return { ...STANDARD_QUIRKS, ...VENDOR_QUIRKS[key] };
}
