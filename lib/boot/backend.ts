/**
 * What the boot service needs from the engine. The engine implements BootBackend; lib/boot only reads devices
 * and forwards what machines report, so every state change stays in the engine's state table.
 */

export interface BootIpAddress {
  address: string;
  addressFamily: 4 | 6;
  /** Prefix length, e.g. 31 for a public /31. */
  cidr: number;
  public: boolean;
  management: boolean;
  gateway?: string;
}

export interface BootNetwork {
  /** Metal's network type: layer3, hybrid, hybrid-bonded, layer2-bonded or layer2-individual. */
  type: string;
  /** The NICs in bond0 (none when each NIC is on its own). */
  bonded: string[];
  /** The VLANs (VXLAN ids) each interface carries: bond0 or a NIC; the native one untagged. */
  vlans: { vlan: number; interface: string; native: boolean; gateway?: BootVlanGateway }[];
}

/** The VLAN's metal gateway: its address and the block's prefix length, for the OS to route through. */
export interface BootVlanGateway {
  address: string;
  cidr: number;
}

export interface BootDevice {
  id: string;
  hostname: string;
  /**
   * install: PXE boots run the installer; rescue: PXE boots run the in-memory rescue system (the disk is left as
   * it is); local: PXE boots fall through to the disk.
   */
  mode: 'install' | 'rescue' | 'local';
  operatingSystem: { slug: string; distro: string; version: string };
  /** Plan slug, e.g. "c3.small.x86". */
  plan: string;
  /** Metro code, e.g. "ny". */
  metro: string;
  /** Facility code, e.g. "ny5". */
  facility: string;
  ipAddresses: BootIpAddress[];
  /** The machine's NICs as the OS should name them; the first is the one that PXE boots. */
  interfaces: { name: string; mac: string }[];
  /** The device's layer-2 network: its type, the NICs in bond0, and the VLANs each interface carries. */
  network?: BootNetwork;
  sshKeys: string[];
  userData?: string;
  customData?: Record<string, unknown>;
  tags: string[];
  /** iSCSI initiator name, when the device has one. */
  iqn?: string;
  /** Custom iPXE script: chained on the install boot, and on every PXE boot when alwaysPxe. */
  ipxeScriptUrl?: string;
  alwaysPxe: boolean;
  /** Present for spot devices; terminationTime (ISO 8601) once the device is being reclaimed. */
  spot?: { terminationTime?: string };
}

/** Progress the machine reports while installing. 'failed' means the install gave up: fail the provision. */
export interface BootProgress {
  state: 'running' | 'succeeded' | 'failed';
  /** 0–100, when the installer knows it. */
  percentage?: number;
  message: string;
}

export type PhoneHomeResult = 'accepted' | 'already_used' | 'unknown';

export interface BootBackend {
  /**
   * The device a machine is, found by a NIC's MAC (lower case, colon separated), the request's source IP, or the
   * token of an install in progress (a token ends at phone-home, failure or deletion of the device). The boot
   * service serves nothing secret on a MAC alone: an install's token comes only from takeInstallToken.
   */
  findDevice(by: { mac?: string; ip?: string; token?: string }): Promise<BootDevice | null>;
  /**
   * The token of the device's current install (or rescue boot), handed out once per network boot the engine
   * started for it; null when there is none or its token was already handed out for this boot.
   */
  takeInstallToken(deviceId: string): Promise<string | null>;
  /**
   * Called with the one-time phone-home token once the OS is installed (provisioning → active), or once the rescue
   * system is up (rescuing → rescue). For a custom iPXE install the boot service calls it when it hands the machine to the custom script, as Metal
   * marked such devices active then.
   */
  phoneHome(token: string, report: { ip?: string }): Promise<PhoneHomeResult>;
  /** Installer progress and failures; the /events route exists only when the backend implements this. */
  reportProgress?(token: string, progress: BootProgress): Promise<'accepted' | 'unknown'>;
}
