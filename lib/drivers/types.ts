/**
 * Hardware drivers sit behind small capability interfaces (after Ironic's hardware interfaces and bmclib's
 * providers). Each driver declares the features it has; the engine only calls what is declared.
 * Every operation is idempotent: asking for the state a machine is already in succeeds without a vendor call
 * that would fail (e.g. Redfish 409 on "On" when on).
 * Vendor values (Redfish strings, IPMI bytes) never cross this boundary: drivers map them to these types.
 */

export type PowerState = 'on' | 'off';

/** on / off (hard) / soft_off (ACPI) / cycle (off then on) / reset (warm reboot). */
export type PowerAction = 'on' | 'off' | 'soft_off' | 'cycle' | 'reset';

export type BootDevice = 'pxe' | 'disk' | 'cdrom' | 'bios' | 'uefi_http';

export interface BootSetting {
  device: BootDevice | 'none';
  /** false = one-time override (cleared after the next boot). */
  persistent: boolean;
  /** UEFI rather than legacy BIOS boot. */
  efi: boolean;
}

export interface DriveInventory {
  sizeBytes: number;
  mediaType: 'HDD' | 'SSD' | 'NVME';
}

export interface HardwareInventory {
  manufacturer?: string;
  model?: string;
  serial?: string;
  cpus: { count: number; cores: number; model?: string }[];
  memoryMiB: number;
  drives: DriveInventory[];
  nics: { mac: string; name?: string }[];
}

export interface MediaStatus {
  inserted: boolean;
  image?: string;
}

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

export type DriverName = 'sim' | 'redfish' | 'ipmi';
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

/** Where a machine's BMC is and how to log in. The password is a secret: never log it. */
export interface BmcEndpoint {
  driver: DriverName;
  /** sim: machine id; redfish: base URL (https://host:port, optionally with a /redfish/v1/Systems/<id> path); ipmi: host:port. */
  address: string;
  username?: string;
  password?: string;
  /** Redfish: trust this PEM CA; IPMI: unused. */
  caCert?: string;
  /** Redfish: skip TLS verification (explicit opt-in only). */
  insecure?: boolean;
  /** IPMI: cipher suite 3 (default) or 17. */
  cipherSuite?: 3 | 17;
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
