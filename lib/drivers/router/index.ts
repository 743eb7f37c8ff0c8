export * from './types';
export { accepted, checkSession } from './rules';
export { SimRouter, type SimPeer } from './sim';
