/**
 * The hardware vocabulary shared by the drivers (which map vendor values to it) and the simulator (whose machines
 * and BMC faces speak it): power, boot devices, virtual media, inventory, and where a BMC is.
 */

import { createHash } from 'node:crypto';

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

export type DriverName = 'sim' | 'redfish' | 'ipmi';

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

/** Two deterministic, locally administered MACs from a machine name: how simulated machines are enrolled and seen. */
export function simMacs(name: string): string[] {
  const h = createHash('sha256').update(name).digest();
  const mac = (offset: number) => ['02', ...[...h.subarray(offset, offset + 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
  return [mac(0), mac(5)];
}
