/** Locations: metros (GET /locations/metros, /locations/metros/{id-or-code}) and facilities (GET /facilities). */
import type { Facility, Metro } from '../contract/schemas';
import { getPage, type ListQuery, type ReadOptions } from './pagination';
import { path, type Transport } from './transport';

export function metrosApi(t: Transport) {
  return {
    list: (query?: ListQuery) => getPage<Metro>(t, 'metros', '/locations/metros', query),
    /** By id or by code ("ny"). */
    get: (idOrCode: string, options?: ReadOptions) => t.get<Metro>(path`/locations/metros/${idOrCode}`, options),
  };
}
export type MetrosApi = ReturnType<typeof metrosApi>;

export function facilitiesApi(t: Transport) {
  return {
    list: (query?: ListQuery) => getPage<Facility>(t, 'facilities', '/facilities', query),
  };
}
export type FacilitiesApi = ReturnType<typeof facilitiesApi>;
