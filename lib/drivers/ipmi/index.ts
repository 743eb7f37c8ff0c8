/** Native IPMI v2.0 lanplus (RMCP+) driver: node:dgram and node:crypto only. */
export { createIpmiDriver, parseIpmiAddress, IPMI_DEFAULT_PORT } from './driver';
export type { IpmiDriverOptions } from './driver';
export { RmcpPlusSession } from './session';
export type { SessionParams } from './session';
export { CIPHER_SUITES } from './cipher';
export type { CipherSuite, CipherSuiteId } from './cipher';
