/**
 * API keys: the user's (/user/api-keys) and a project's (/projects/{id}/api-keys). The secret `token` is only in
 * the answer to a create; lists and later reads carry token_prefix alone.
 */
import type { ApiKey, ApiKeyCreateInput } from '../contract/schemas';
import { getPage, type ListQuery } from './pagination';
import { path, type Transport, type WriteOptions } from './transport';

export function apiKeysApi(t: Transport) {
  return {
    /** The user's keys. */
    list: (query?: ListQuery) => getPage<ApiKey>(t, 'api_keys', '/user/api-keys', query),
    /** A user key; the answer carries `token`, shown this once. */
    create: (input: ApiKeyCreateInput, options?: WriteOptions) => t.post<ApiKey>('/user/api-keys', input, options),
    /** A user key. */
    delete: (id: string) => t.delete(path`/user/api-keys/${id}`),
    listForProject: (projectId: string, query?: ListQuery) => getPage<ApiKey>(t, 'api_keys', path`/projects/${projectId}/api-keys`, query),
    /** A project key; the answer carries `token`, shown this once. */
    createForProject: (projectId: string, input: ApiKeyCreateInput, options?: WriteOptions) =>
      t.post<ApiKey>(path`/projects/${projectId}/api-keys`, input, options),
    /** A project key (DELETE /api-keys/{id}). */
    deleteProjectKey: (id: string) => t.delete(path`/api-keys/${id}`),
  };
}
export type ApiKeysApi = ReturnType<typeof apiKeysApi>;
