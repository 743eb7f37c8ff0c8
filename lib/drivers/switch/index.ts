export * from './types';
export { checkPortChange, portVlansProblems, VLAN_ID_MAX, VLAN_ID_MIN } from './rules';
export { SimSwitch } from './sim';
export { LinuxBridgeSwitch, createVlanBridge, type LinuxBridgeOptions } from './linux-bridge';
