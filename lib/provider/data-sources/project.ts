/** metal_project: one project by project_id or name. */
import type { Project } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import type { MetalProjectDataSourceModel } from '../generated/models';
import { projectState } from '../resources/project';
import { isNotFound, str } from '../resources/support';

export const projectDataSource = defineDataSource<ProviderClient, MetalProjectDataSourceModel>({
  typeName: 'metal_project',
  validate(config, ctx) {
    if (config.project_id === null && config.name === null)
      ctx.diagnostics.error('Missing project', 'Set project_id or name.', ['project_id']);
  },
  async read(config, ctx) {
    const { api } = ctx.client;
    const id = str(config.project_id);
    const name = str(config.name);
    let project: Project | undefined;
    if (id !== undefined) {
      project = await api.projects.get(id).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
    } else {
      const matches = (await api.listAll((page) => api.projects.list({ page, per_page: 100 }))).filter((p) => p.name === name);
      if (matches.length > 1) {
        ctx.diagnostics.error(
          'Several projects have this name',
          `${matches.length} projects are named "${name}"; use project_id (${matches.map((p) => p.id).join(', ')}).`,
          ['name'],
        );
        return;
      }
      project = matches[0];
    }
    if (!project) {
      ctx.diagnostics.error(
        'Project not found',
        id !== undefined ? `No project ${id} is visible to this API key.` : `No project is named "${name}".`,
        [id !== undefined ? 'project_id' : 'name'],
      );
      return;
    }
    // Project membership is not part of the API yet: no user ids to list.
    return { ...projectState(project), project_id: project.id, user_ids: [] };
  },
});
