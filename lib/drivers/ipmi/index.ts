/** Native IPMI v2.0 lanplus (RMCP+) driver: node:dgram and node:crypto only. */
export { createIpmiDriver, parseIpmiAddress, IPMI_DEFAULT_PORT } from './driver';
export type { IpmiDriverOptions } from './driver';
export { RmcpPlusSession } from './session';
export { setSelClock } from './sel-clock';
export type { SessionParams } from './session';
export { CIPHER_SUITES } from '../../core/ipmi/cipher';
export type { CipherSuite, CipherSuiteId } from '../../core/ipmi/cipher';
