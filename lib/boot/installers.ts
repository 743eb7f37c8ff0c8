/**
 * Which installer boots for which operating system (and which system boots for rescue), and the kernel arguments
 * through which the boot service hands them their metadata URL and one-time token (the simulated machine's boot
 * agent reads the same names). Packet's OSIE installed most distros from an image named by the OS slug; Flatcar
 * boots its own PXE kernel.
 */

export interface Installer {
  name: string;
  /** File names under `<installerBaseUrl>/<name>/`. */
  kernel: string;
  initrd: string;
  /** Installer-specific kernel arguments. */
  args: readonly string[];
}

const CONSOLE = 'console=ttyS1,115200n8';

const OSIE: Installer = {
  name: 'osie',
  kernel: 'vmlinuz-x86_64',
  initrd: 'initramfs-x86_64',
  args: ['ip=dhcp', 'modules=loop,squashfs,sd-mod,usb-storage', CONSOLE],
};

const FLATCAR: Installer = {
  name: 'flatcar',
  kernel: 'flatcar_production_pxe.vmlinuz',
  initrd: 'flatcar_production_pxe_image.cpio.gz',
  args: ['flatcar.first_boot=1', CONSOLE],
};

/** Operating system distro (as in the OS catalogue) → installer. A distro missing here cannot be installed. */
export const INSTALLERS_BY_DISTRO: Readonly<Record<string, Installer>> = {
  ubuntu: OSIE,
  debian: OSIE,
  centos: OSIE,
  rocky: OSIE,
  alma: OSIE,
  rhel: OSIE,
  flatcar: FLATCAR,
};

/** The rescue system Metal booted: Alpine Linux from the network, running in memory, leaving the disks alone. */
export const RESCUE_SYSTEM: Installer = {
  name: 'alpine-rescue',
  kernel: 'vmlinuz-lts',
  initrd: 'initramfs-lts',
  args: ['ip=dhcp', 'modules=loop,squashfs,sd-mod,usb-storage', CONSOLE],
};

export const INSTALLERS: ReadonlyMap<string, Installer> = new Map(
  [...Object.values(INSTALLERS_BY_DISTRO), RESCUE_SYSTEM].map((installer) => [installer.name, installer]),
);
