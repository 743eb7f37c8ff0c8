/** Hardware plans: GET /plans, optionally only those offered in a metro. */
import type { Plan } from '../contract/schemas';
import { getPage, type ListQuery } from './pagination';
import type { Transport } from './transport';

export type PlanListQuery = ListQuery & {
  /** Metro code, e.g. "ny". */
  metro?: string;
};

export function plansApi(t: Transport) {
  return {
    list: (query?: PlanListQuery) => getPage<Plan>(t, 'plans', '/plans', query),
  };
}
export type PlansApi = ReturnType<typeof plansApi>;
