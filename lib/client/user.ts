/** The user the API key belongs to. */
import type { Transport } from './transport';

/** The contract has no user schema yet: the fields every Metal user carries, the rest passed through. */
export type User = {
  id: string;
  href: string;
  email?: string;
  full_name?: string;
  [field: string]: unknown;
};

export function userApi(t: Transport) {
  return {
    /** GET /user */
    get: () => t.get<User>('/user'),
  };
}
export type UserApi = ReturnType<typeof userApi>;
