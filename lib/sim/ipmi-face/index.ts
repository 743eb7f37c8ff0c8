/** SimMachines behind real ipmi_sim processes (Debian openipmi): see face.ts, hook-server.ts and platform.ts. */
export { IpmiFacePool, startIpmiFace, lanConf } from './face';
export { bmcEmulation, fruImage, sensorDefinitions } from './platform';
export { SerialConsole } from './serial-console';
export type { IpmiFace, IpmiFaceOptions, IpmiFacePoolOptions } from './face';
export { HookServer } from './hook-server';
export type { HookServerOptions } from './hook-server';
