/** SSH keys: the user's (/ssh-keys) and a project's (/projects/{id}/ssh-keys); read, update, delete by id. */
import type { SshKey, SshKeyCreateInput, SshKeyUpdateInput } from '../contract/schemas';
import { getPage, type ListQuery, type ReadOptions } from './pagination';
import { path, type Transport, type WriteOptions } from './transport';

export function sshKeysApi(t: Transport) {
  return {
    /** The user's keys. */
    list: (query?: ListQuery) => getPage<SshKey>(t, 'ssh_keys', '/ssh-keys', query),
    /** A user key. */
    create: (input: SshKeyCreateInput, options?: WriteOptions) => t.post<SshKey>('/ssh-keys', input, options),
    listForProject: (projectId: string, query?: ListQuery) => getPage<SshKey>(t, 'ssh_keys', path`/projects/${projectId}/ssh-keys`, query),
    createForProject: (projectId: string, input: SshKeyCreateInput, options?: WriteOptions) =>
      t.post<SshKey>(path`/projects/${projectId}/ssh-keys`, input, options),
    get: (id: string, options?: ReadOptions) => t.get<SshKey>(path`/ssh-keys/${id}`, options),
    update: (id: string, input: SshKeyUpdateInput) => t.put<SshKey>(path`/ssh-keys/${id}`, input),
    delete: (id: string) => t.delete(path`/ssh-keys/${id}`),
  };
}
export type SshKeysApi = ReturnType<typeof sshKeysApi>;
