/** lib/boot: the machine-facing network boot and metadata service. */
export type { BootBackend, BootDevice, BootIpAddress, BootProgress, PhoneHomeResult } from './backend';
export { bootRoutes, EC2_VERSIONS } from './routes';
export type { BootRoutesOptions } from './routes';
export { INSTALLERS_BY_DISTRO } from './installers';
export type { Installer } from './installers';
export { bootRequestSerializer, redactTokens } from './logging';
export { buildBootServer } from './server';
export type { BootServerOptions } from './server';
export { startProvisioningServices } from './server';
export type { ProvisioningServices, ProvisioningServicesOptions } from './server';
export { DhcpServer, FIRMWARE_BOOTFILES } from './dhcp';
export type { DhcpLeaseStore, DhcpServerOptions, ProvisioningNetwork } from './dhcp';
export { IPXE_FILES, TftpServer } from './tftp';
export type { TftpServerOptions } from './tftp';
