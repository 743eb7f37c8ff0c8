/** IP reservations: POST/GET /projects/{id}/ips, GET/PUT/DELETE /ips/{id}, GET /ips/{id}/available. */
import type { IpReservation, IpReservationRequestInput, IpReservationUpdateInput } from '../contract/schemas';
import { getPage, type ListQuery, type ReadOptions } from './pagination';
import { path, type Transport, type WriteOptions } from './transport';

export type IpReservationListQuery = ListQuery & {
  /** Only blocks of these types (public_ipv4, global_ipv4, private_ipv4, public_ipv6). */
  types?: readonly string[];
};

export function ipsApi(t: Transport) {
  return {
    /** A project's blocks: those it reserved and its devices' management blocks. */
    listForProject: (projectId: string, query?: IpReservationListQuery) =>
      getPage<IpReservation>(t, 'ip_addresses', path`/projects/${projectId}/ips`, query),
    reserve: (projectId: string, input: IpReservationRequestInput, options?: WriteOptions) =>
      t.post<IpReservation>(path`/projects/${projectId}/ips`, input, options),
    get: (id: string, options?: ReadOptions) => t.get<IpReservation>(path`/ips/${id}`, options),
    update: (id: string, input: IpReservationUpdateInput) => t.put<IpReservation>(path`/ips/${id}`, input),
    /** Releases a reserved block (its addresses go back to the pool). */
    delete: (id: string) => t.delete(path`/ips/${id}`),
    /** The free blocks of prefix length `cidr` inside a reservation. */
    available: (id: string, cidr: number) => t.get<{ available: string[] }>(path`/ips/${id}/available`, { cidr }),
  };
}
export type IpsApi = ReturnType<typeof ipsApi>;
