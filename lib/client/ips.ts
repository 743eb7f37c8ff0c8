/**
 * IP reservations: POST/GET /projects/{id}/ips, GET/PUT/DELETE /ips/{id}, GET /ips/{id}/available; and elastic IPs
 * (assignments of a reservation's addresses to devices): POST/GET /devices/{id}/ips, GET/DELETE /ips/{assignment id}.
 */
import type {
  IpAssignment,
  IpAssignmentInput,
  IpReservation,
  IpReservationRequestInput,
  IpReservationUpdateInput,
} from '../contract/schemas';
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
    /** Assigns an address or subnet of one of the device's project's reservations to the device (an elastic IP). */
    assign: (deviceId: string, input: IpAssignmentInput, options?: WriteOptions) =>
      t.post<IpAssignment>(path`/devices/${deviceId}/ips`, input, options),
    /** The addresses a device holds: its management addresses and its elastic IPs. */
    listForDevice: (deviceId: string, query?: ListQuery) => getPage<IpAssignment>(t, 'ip_addresses', path`/devices/${deviceId}/ips`, query),
    getAssignment: (id: string, options?: ReadOptions) => t.get<IpAssignment>(path`/ips/${id}`, options),
    /** Takes an elastic IP off its device; the address is free in its reservation again. */
    unassign: (id: string) => t.delete(path`/ips/${id}`),
  };
}
export type IpsApi = ReturnType<typeof ipsApi>;
