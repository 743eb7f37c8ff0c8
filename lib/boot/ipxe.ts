/**
 * iPXE scripts: what a PXE-booting machine is told to do. The decision (planBoot) is separate from the text
 * (render*) so routes can act on it (phone home for custom iPXE, report an impossible install).
 */
import type { BootDevice } from './backend';
import { INSTALLER_KERNEL_ARGS } from '../contract/boot';
import { INSTALLERS_BY_DISTRO, Installer, RESCUE_SYSTEM } from './installers';

export type BootPlan =
  | { kind: 'install'; installer: Installer; token: string }
  | { kind: 'rescue'; token: string }
  | { kind: 'chain'; url: string }
  | { kind: 'local' }
  | { kind: 'refuse'; reason: string };

/** Unknown machines retry a few times (it may be enrolling right now), then fall through to the next boot device. */
export const UNKNOWN_MACHINE_ATTEMPTS = 3;
export const UNKNOWN_MACHINE_RETRY_SECONDS = 10;

/** One http(s) URL without whitespace, so it cannot smuggle extra iPXE commands into a script. */
const SAFE_URL = /^https?:\/\/\S+$/;

/**
 * `token` is the token of the install or rescue boot when the caller holds it (handed out for this boot, or
 * presented by the machine); an install without one cannot be started, nor handed to a custom script (that ends
 * the install), and a rescue system without one could not report in.
 */
export function planBoot(device: BootDevice, token: string | undefined): BootPlan {
  if (device.mode === 'local') {
    return device.alwaysPxe && device.ipxeScriptUrl !== undefined ? chainTo(device.ipxeScriptUrl) : { kind: 'local' };
  }
  // Refused without side effects: whoever fetched first (the machine, or a probe) holds this boot's token.
  if (token === undefined) {
    return {
      kind: 'refuse',
      reason:
        'the install token of this network boot was already handed out (an install runs from the first fetch); ' +
        'if it never started, the device fails at its deadline: then reinstall or delete it',
    };
  }
  // The rescue system is the cloud's own: a custom iPXE script does not replace it.
  if (device.mode === 'rescue') return { kind: 'rescue', token };
  if (device.ipxeScriptUrl !== undefined) return chainTo(device.ipxeScriptUrl);
  const installer = INSTALLERS_BY_DISTRO[device.operatingSystem.distro];
  if (!installer) {
    return { kind: 'refuse', reason: `no installer for operating system ${device.operatingSystem.slug}` };
  }
  return { kind: 'install', installer, token };
}

function chainTo(url: string): BootPlan {
  if (!SAFE_URL.test(url)) return { kind: 'refuse', reason: 'the custom iPXE script URL is not a single http(s) URL' };
  return { kind: 'chain', url };
}

/** Where installers find the service (all absolute URLs). */
export interface BootUrls {
  metadata: string;
  phoneHome: string;
  /** Absent when the backend takes no progress reports. */
  events?: string;
  installers: string;
}

export function renderInstall(device: BootDevice, installer: Installer, urls: BootUrls, token: string): string {
  return script([
    say(`installing ${device.operatingSystem.slug} on ${device.hostname}`),
    ...netboot(installer, urls, token, [`${INSTALLER_KERNEL_ARGS.os}=${consoleText(device.operatingSystem.slug)}`]),
  ]);
}

export function renderRescue(device: BootDevice, urls: BootUrls, token: string): string {
  return script([
    say(`booting the rescue system (${RESCUE_SYSTEM.name}, in memory) on ${device.hostname}, leaving its disk as it is`),
    ...netboot(RESCUE_SYSTEM, urls, token, [`${INSTALLER_KERNEL_ARGS.mode}=rescue`]),
  ]);
}

/** Boots `installer` with the URLs and the token it reads its metadata and phones home with. */
function netboot(installer: Installer, urls: BootUrls, token: string, extraArgs: string[]): string[] {
  const base = `${urls.installers}/${installer.name}`;
  const args = [
    `initrd=${installer.initrd}`,
    ...installer.args,
    `${INSTALLER_KERNEL_ARGS.metadataUrl}=${urls.metadata}`,
    `${INSTALLER_KERNEL_ARGS.phoneHomeUrl}=${urls.phoneHome}`,
    ...(urls.events ? [`${INSTALLER_KERNEL_ARGS.eventsUrl}=${urls.events}`] : []),
    `${INSTALLER_KERNEL_ARGS.token}=${token}`,
    ...extraArgs,
  ];
  return [`kernel ${base}/${installer.kernel} ${args.join(' ')}`, `initrd ${base}/${installer.initrd}`, 'boot'];
}

export function renderChain(device: BootDevice, url: string): string {
  return script([say(`chaining to the custom iPXE script of ${device.hostname}`), `chain --autofree ${url}`]);
}

/** iPXE's `exit` hands control back to the firmware, which boots the next device: the installed disk. */
export function renderLocal(device: BootDevice): string {
  return script([say(`${device.hostname} boots from its local disk`), 'exit']);
}

export function renderRefusal(device: BootDevice, reason: string): string {
  return script([say(`cannot boot ${device.hostname}: ${reason}`), 'exit']);
}

/** `retryUrl` is the URL of the next attempt, absent on the last one. */
export function renderUnknownMachine(identity: string, attempt: number, retryUrl?: string): string {
  const heading = say(`no device is provisioned for ${identity} (attempt ${attempt} of ${UNKNOWN_MACHINE_ATTEMPTS})`);
  if (retryUrl === undefined) return script([heading, say('giving up: booting from the next device'), 'exit']);
  return script([heading, `sleep ${UNKNOWN_MACHINE_RETRY_SECONDS}`, `chain --autofree ${retryUrl}`]);
}

/** First-stage script for DHCP: fetch this machine's script by the MAC of the NIC that booted. */
export function renderAutoChain(scriptUrl: string): string {
  return script([`chain --autofree ${scriptUrl}?mac=\${net0/mac}`]);
}

function script(lines: string[]): string {
  return ['#!ipxe', ...lines].join('\n') + '\n';
}

function say(text: string): string {
  return `echo metalforge: ${consoleText(text)}`;
}

/** Device fields reach the script through echo: keep only characters iPXE prints literally (no ${...}). */
function consoleText(text: string): string {
  return text.replace(/[^A-Za-z0-9 ._:/,()=+@-]/g, '?');
}
