/**
 * The operator API (needs an operator key): enrol metros, facilities, plans, operating systems and machines.
 * Machines come back without BMC credentials.
 */
import type {
  Facility,
  FacilityInput,
  Machine,
  MachineInput,
  Metro,
  MetroInput,
  OperatingSystem,
  OperatingSystemInput,
  Plan,
  PlanInput,
} from '../contract/schemas';
import { getPage, type ListQuery } from './pagination';
import { path, type Transport, type WriteOptions } from './transport';

/** list + create on /operator/<collection>, whose list envelope key is `key`. */
function collection<T, Input>(t: Transport, key: string, collectionPath: string) {
  return {
    list: (query?: ListQuery) => getPage<T>(t, key, collectionPath, query),
    create: (input: Input, options?: WriteOptions) => t.post<T>(collectionPath, input, options),
  };
}

export function operatorApi(t: Transport) {
  return {
    metros: collection<Metro, MetroInput>(t, 'metros', '/operator/metros'),
    facilities: collection<Facility, FacilityInput>(t, 'facilities', '/operator/facilities'),
    plans: collection<Plan, PlanInput>(t, 'plans', '/operator/plans'),
    operatingSystems: collection<OperatingSystem, OperatingSystemInput>(t, 'operating_systems', '/operator/operating-systems'),
    machines: {
      ...collection<Machine, MachineInput>(t, 'machines', '/operator/machines'),
      get: (id: string) => t.get<Machine>(path`/operator/machines/${id}`),
      delete: (id: string) => t.delete(path`/operator/machines/${id}`),
    },
  };
}
export type OperatorApi = ReturnType<typeof operatorApi>;
