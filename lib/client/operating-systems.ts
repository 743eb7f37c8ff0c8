/** Operating systems: GET /operating-systems. */
import type { OperatingSystem } from '../contract/schemas';
import { getPage, type ListQuery } from './pagination';
import type { Transport } from './transport';

export function operatingSystemsApi(t: Transport) {
  return {
    list: (query?: ListQuery) => getPage<OperatingSystem>(t, 'operating_systems', '/operating-systems', query),
  };
}
export type OperatingSystemsApi = ReturnType<typeof operatingSystemsApi>;
