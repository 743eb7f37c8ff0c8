/** SimMachines behind real ipmi_sim processes (Debian openipmi): see face.ts and hook-server.ts. */
export { IpmiFacePool, startIpmiFace, lanConf, BMC_EMU } from './face';
export type { IpmiFace, IpmiFaceOptions, IpmiFacePoolOptions } from './face';
export { HookServer } from './hook-server';
export type { HookServerOptions } from './hook-server';
