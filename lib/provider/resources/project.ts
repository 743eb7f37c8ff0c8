/** metal_project: name and backend transfer change in place; the organization is fixed at creation. */
import type { Project, ProjectCreateInput } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineResource, requiresReplace, useStateForUnknown, valuesEqual } from '../framework';
import { METAL_PROJECT_RESOURCE, type MetalProjectResourceModel as Model } from '../generated/models';
import { bool, hrefId, isNotFound, reportApiError, str, type FieldMap } from './support';

/** A project's attributes (the data source's too, which adds project_id and user_ids). */
export function projectState(project: Project): Model {
  return {
    id: project.id,
    name: project.name,
    organization_id: hrefId(project.organization),
    backend_transfer: project.backend_transfer_enabled,
    // metalforge does not bill: there is no payment method.
    payment_method_id: null,
    created: project.created_at,
    updated: project.updated_at,
  };
}

const FIELDS: FieldMap<keyof Model> = { backend_transfer_enabled: 'backend_transfer' };

export const projectResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_project',
  planModifiers: {
    id: [useStateForUnknown],
    created: [useStateForUnknown],
    organization_id: [useStateForUnknown, requiresReplace],
    payment_method_id: [useStateForUnknown],
    backend_transfer: [useStateForUnknown],
  },
  async create({ planned }, ctx) {
    const input: ProjectCreateInput = { name: str(planned.name)! };
    const organization = str(planned.organization_id);
    if (organization !== undefined) input.organization_id = organization;
    const backendTransfer = bool(planned.backend_transfer);
    if (backendTransfer !== undefined) input.backend_transfer_enabled = backendTransfer;
    try {
      return { ...projectState(await ctx.client.api.projects.create(input)), payment_method_id: str(planned.payment_method_id) ?? null };
    } catch (error) {
      reportApiError(ctx.diagnostics, error, 'Cannot create the project', { fields: FIELDS, attributes: METAL_PROJECT_RESOURCE.arguments });
    }
  },
  async read({ state }, ctx) {
    try {
      return { ...projectState(await ctx.client.api.projects.get(str(state.id)!)), payment_method_id: state.payment_method_id ?? null };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  },
  async update({ planned, prior }, ctx) {
    const input: { name?: string; backend_transfer_enabled?: boolean } = {};
    if (!valuesEqual(planned.name, prior.name)) input.name = str(planned.name);
    const backendTransfer = bool(planned.backend_transfer);
    if (backendTransfer !== undefined && !valuesEqual(planned.backend_transfer, prior.backend_transfer))
      input.backend_transfer_enabled = backendTransfer;
    try {
      return { ...projectState(await ctx.client.api.projects.update(str(prior.id)!, input)), payment_method_id: planned.payment_method_id };
    } catch (error) {
      reportApiError(ctx.diagnostics, error, `Cannot update project ${String(prior.id)}`, {
        fields: FIELDS,
        attributes: METAL_PROJECT_RESOURCE.arguments,
      });
    }
  },
  async delete({ state }, ctx) {
    try {
      await ctx.client.api.projects.delete(str(state.id)!);
    } catch (error) {
      if (!isNotFound(error)) reportApiError(ctx.diagnostics, error, `Cannot delete project ${String(state.id)}`);
    }
  },
});
