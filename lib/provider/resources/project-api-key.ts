/**
 * metal_project_api_key: an API key limited to one project. The secret token exists only in the create response,
 * so it is kept (sensitive) in the state; every argument replaces the key, since keys cannot be edited.
 */
import type { ApiKey } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineResource } from '../framework';
import { METAL_PROJECT_API_KEY_RESOURCE, type MetalProjectApiKeyResourceModel as Model } from '../generated/models';
import { bool, hrefId, isNotFound, reportApiError, str } from './support';

const keyState = (key: ApiKey): Partial<Model> => ({
  id: key.id,
  description: key.description,
  read_only: key.read_only,
  project_id: hrefId(key.project),
});

export const projectApiKeyResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_project_api_key',
  async create({ planned }, ctx) {
    try {
      const key = await ctx.client.api.apiKeys.createForProject(str(planned.project_id)!, {
        description: str(planned.description)!,
        read_only: bool(planned.read_only) ?? false,
      });
      return { ...keyState(key), project_id: planned.project_id, read_only: planned.read_only, token: key.token ?? null };
    } catch (error) {
      reportApiError(ctx.diagnostics, error, 'Cannot create the project API key', { attributes: METAL_PROJECT_API_KEY_RESOURCE.arguments });
    }
  },
  async read({ state }, ctx) {
    const projectId = str(state.project_id)!;
    let keys: ApiKey[];
    try {
      keys = await ctx.client.api.listAll((page) => ctx.client.api.apiKeys.listForProject(projectId, { page, per_page: 100 }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    const key = keys.find((k) => k.id === state.id);
    if (!key) return null;
    // read_only unset in config stays null; the token is never returned again and stays as created.
    return { description: key.description, read_only: state.read_only === null && !key.read_only ? null : key.read_only };
  },
  async delete({ state }, ctx) {
    try {
      await ctx.client.api.apiKeys.deleteProjectKey(str(state.id)!);
    } catch (error) {
      if (!isNotFound(error)) reportApiError(ctx.diagnostics, error, `Cannot delete project API key ${String(state.id)}`);
    }
  },
  importState(id, ctx) {
    const [projectId, keyId] = id.split('/');
    if (!projectId || !keyId)
      ctx.diagnostics.error(
        'Invalid import ID',
        'Import a project API key as <project_id>/<key_id>; its token cannot be imported (it is shown only at creation).',
      );
    return { id: keyId ?? id, project_id: projectId, read_only: null, description: null, token: null };
  },
});
