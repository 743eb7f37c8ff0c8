/**
 * The contract between the boot service and the machines it boots: the kernel arguments through which an
 * installer (or the rescue system) learns where to fetch its metadata and report, and the header carrying its
 * one-time token. The boot service writes them; installers, and the simulated machines' boot agent, read them.
 */

export const INSTALLER_KERNEL_ARGS = {
  metadataUrl: 'metalforge.metadata_url',
  phoneHomeUrl: 'metalforge.phone_home_url',
  eventsUrl: 'metalforge.events_url',
  token: 'metalforge.token',
  os: 'metalforge.os',
  /** `rescue` on the rescue system's kernel: it reports in and installs nothing. */
  mode: 'metalforge.mode',
} as const;

/** The header through which installers present their token (kept out of URLs so access logs never hold it). */
export const BOOT_TOKEN_HEADER = 'x-boot-token';
