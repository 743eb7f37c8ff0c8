/** Capacity per metro and plan: GET /capacity/metros. */
import type { CapacityList } from '../contract/schemas';
import type { Transport } from './transport';

export function capacityApi(t: Transport) {
  return {
    metros: () => t.get<CapacityList>('/capacity/metros'),
  };
}
export type CapacityApi = ReturnType<typeof capacityApi>;
