/** BGP: a project's configuration, its devices' sessions and their neighbor data. */
import type { BgpConfig, BgpConfigRequestInput, BgpNeighborData, BgpSession, BgpSessionInput } from '../contract/schemas-bgp';
import type { ReadOptions } from './pagination';
import { path, type Transport } from './transport';

export function bgpApi(t: Transport) {
  return {
    /** Enables BGP for a project; asking again for the same configuration is done, another one is refused. */
    requestConfig: (projectId: string, input: BgpConfigRequestInput) => t.post<void>(path`/projects/${projectId}/bgp-configs`, input),
    /** The project's configuration; every field is absent when BGP is not enabled. */
    config: (projectId: string) => t.get<BgpConfig>(path`/projects/${projectId}/bgp-config`),
    createSession: (deviceId: string, input: BgpSessionInput) => t.post<BgpSession>(path`/devices/${deviceId}/bgp/sessions`, input),
    sessionsOfDevice: async (deviceId: string) =>
      (await t.get<{ bgp_sessions: BgpSession[] }>(path`/devices/${deviceId}/bgp/sessions`)).bgp_sessions,
    getSession: (id: string, options?: ReadOptions) => t.get<BgpSession>(path`/bgp/sessions/${id}`, options),
    deleteSession: (id: string) => t.delete(path`/bgp/sessions/${id}`),
    neighbors: async (deviceId: string) =>
      (await t.get<{ bgp_neighbors: BgpNeighborData[] }>(path`/devices/${deviceId}/bgp/neighbors`)).bgp_neighbors,
  };
}
export type BgpApi = ReturnType<typeof bgpApi>;
