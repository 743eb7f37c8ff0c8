/**
 * Hardware drivers sit behind small capability interfaces (after Ironic's hardware interfaces and bmclib's
 * providers). Each driver declares the features it has; the engine only calls what is declared.
 * Every operation is idempotent: asking for the state a machine is already in succeeds without a vendor call
 * that would fail (e.g. Redfish 409 on "On" when on).
 * Vendor values (Redfish strings, IPMI bytes) never cross this boundary: drivers map them to these types.
 */

export type {
  BmcEndpoint,
  BootDevice,
  BootSetting,
  DriveInventory,
  DriverName,
  HardwareInventory,
  MediaStatus,
  PowerAction,
  PowerState,
} from '../core/hardware';
import type { BootDevice, BootSetting, DriverName, HardwareInventory, MediaStatus, PowerAction, PowerState } from '../core/hardware';

export interface PowerCapability {
  powerState(): Promise<PowerState>;
  setPower(action: PowerAction): Promise<void>;
}

export interface BootDeviceCapability {
  getBootDevice(): Promise<BootSetting>;
  /** Sets the boot device and reads it back; a BMC that silently drops the setting is an error. */
  setBootDevice(device: BootDevice, options?: { persistent?: boolean; efi?: boolean }): Promise<void>;
}

export interface VirtualMediaCapability {
  insertMedia(imageUrl: string): Promise<void>;
  ejectMedia(): Promise<void>;
  mediaStatus(): Promise<MediaStatus>;
}

export interface InventoryCapability {
  inventory(): Promise<HardwareInventory>;
}

export type DriverFeature = 'power' | 'boot_device' | 'virtual_media' | 'inventory';

/** A connection to one BMC. Capabilities are present exactly when their feature is declared. */
export interface BmcDriver {
  readonly name: DriverName;
  readonly features: ReadonlySet<DriverFeature>;
  readonly power: PowerCapability;
  readonly boot?: BootDeviceCapability;
  readonly media?: VirtualMediaCapability;
  readonly inventory?: InventoryCapability;
  /** Releases sessions and sockets. Safe to call twice. */
  close(): Promise<void>;
}

export type DriverErrorKind =
  | 'unreachable' // no answer / connection refused
  | 'timeout' // an operation did not finish in time
  | 'auth_failed' // credentials rejected
  | 'busy' // BMC busy / session exhaustion / 409 / 503: worth retrying
  | 'unsupported' // the BMC does not offer this operation or value
  | 'not_applied' // the BMC accepted a setting but read-back shows it was dropped
  | 'protocol'; // malformed or unexpected answer

const RETRYABLE: ReadonlySet<DriverErrorKind> = new Set(['unreachable', 'timeout', 'busy', 'not_applied']);

/** The one error type drivers throw; the message is for an operator (what failed, on which BMC, what to do). */
export class DriverError extends Error {
  readonly kind: DriverErrorKind;
  readonly retryable: boolean;

  constructor(kind: DriverErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DriverError';
    this.kind = kind;
    this.retryable = RETRYABLE.has(kind);
  }
}
