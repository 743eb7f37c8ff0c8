/**
 * How the simulated BMC of a machine behaves, chosen by the machine's inventory manufacturer, so that the
 * Redfish driver's vendor quirks are exercised against a face that really has them.
 */
import type { BootDevice } from '../../core/hardware';

export interface FaceVendorProfile {
  /** Redfish BootSourceOverrideTarget for each boot device this BMC offers. */
  bootTargets: Readonly<Record<BootDevice, string>>;
  /** PATCH of Boot without BootSourceOverrideEnabled is rejected with 400 (Supermicro). */
  requiresOverrideEnabled: boolean;
  /** The first "On" after a ForceOff answers 409 (iDRAC not ready yet); the retry succeeds. */
  conflictOnFirstOnAfterOff: boolean;
  /** Boot changes go through a @Redfish.Settings object (HPE iLO style). */
  bootSettingsObject: boolean;
  /** If-Match uses strong comparison (RFC 7232): a weak W/ tag never matches. */
  strongIfMatch: boolean;
  /** VirtualMedia has no InsertMedia/EjectMedia actions: only PATCH works (Lenovo XCC style). */
  virtualMediaPatchOnly: boolean;
}

const STANDARD_TARGETS: Readonly<Record<BootDevice, string>> = {
  pxe: 'Pxe',
  disk: 'Hdd',
  cdrom: 'Cd',
  bios: 'BiosSetup',
  uefi_http: 'UefiHttp',
};

const GENERIC: FaceVendorProfile = {
  bootTargets: STANDARD_TARGETS,
  requiresOverrideEnabled: false,
  conflictOnFirstOnAfterOff: false,
  bootSettingsObject: false,
  strongIfMatch: false,
  virtualMediaPatchOnly: false,
};

/** Keyed by the lower-cased first word of the manufacturer. */
const PROFILES: Readonly<Record<string, Partial<FaceVendorProfile>>> = {
  supermicro: { bootTargets: { ...STANDARD_TARGETS, cdrom: 'UsbCd' }, requiresOverrideEnabled: true },
  dell: { conflictOnFirstOnAfterOff: true },
  hpe: { bootSettingsObject: true },
  lenovo: { virtualMediaPatchOnly: true, strongIfMatch: true },
};

export function faceVendorProfile(manufacturer: string | undefined): FaceVendorProfile {
  const key = (manufacturer ?? '').trim().split(/\s+/)[0].toLowerCase();
  return { ...GENERIC, ...PROFILES[key] };
}
