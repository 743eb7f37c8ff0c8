export * from './types';
export { accepted, checkSession } from './rules';
export { SimRouter, type SimPeer } from './sim';
export { BirdRouter, startMetroRouter, type BirdRouterOptions, type MetroRouter } from './bird';
export { startBird, type BirdProcess } from './bird-control';
export type { BirdListen } from './bird-config';
