/** Projects: GET/POST /projects, GET/PUT/DELETE /projects/{id}. */
import type { Project, ProjectCreateInput, ProjectUpdateInput } from '../contract/schemas';
import { getPage, type ListQuery, type ReadOptions } from './pagination';
import { path, type Transport, type WriteOptions } from './transport';

export function projectsApi(t: Transport) {
  return {
    list: (query?: ListQuery) => getPage<Project>(t, 'projects', '/projects', query),
    create: (input: ProjectCreateInput, options?: WriteOptions) => t.post<Project>('/projects', input, options),
    get: (id: string, options?: ReadOptions) => t.get<Project>(path`/projects/${id}`, options),
    update: (id: string, input: ProjectUpdateInput) => t.put<Project>(path`/projects/${id}`, input),
    delete: (id: string) => t.delete(path`/projects/${id}`),
  };
}
export type ProjectsApi = ReturnType<typeof projectsApi>;
