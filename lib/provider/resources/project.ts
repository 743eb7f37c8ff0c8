/**
 * metal_project: name and backend transfer change in place; the organization is fixed at creation. BGP is requested
 * at creation or when bgp_config is added later, and then kept: as in the old provider, it cannot be removed, and
 * Metal refuses another configuration.
 */
import type { Project, ProjectCreateInput } from '../../contract/schemas';
import type { BgpConfigRequestInput } from '../../contract/schemas-bgp';
import type { ProviderClient } from '../config';
import { defineResource, requiresReplace, useStateForUnknown, valuesEqual, type Attr, type Diagnostics } from '../framework';
import {
  METAL_PROJECT_RESOURCE,
  type MetalProjectResourceBgpConfigModel as BgpModel,
  type MetalProjectResourceModel as Model,
} from '../generated/models';
import { bool, firstBlock, hrefId, isNotFound, num, reportApiError, str, type FieldMap } from './support';

/** A project's attributes (the data source's too, which adds project_id and user_ids). */
export function projectState(project: Project): Omit<Model, 'bgp_config'> {
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

/** The bgp_config request Terraform holds. */
function bgpRequest(block: BgpModel): BgpConfigRequestInput {
  const input: BgpConfigRequestInput = { deployment_type: str(block.deployment_type) as 'local' | 'global', asn: num(block.asn)! };
  const md5 = str(block.md5);
  if (md5) input.md5 = md5;
  return input;
}

/** Asks for BGP when the plan has a bgp_config the prior state had not; false when the API refused. */
async function requestBgp(client: ProviderClient, projectId: string, planned: Model, prior: Model | null, diagnostics: Diagnostics) {
  const block = firstBlock(planned.bgp_config);
  if (!block || firstBlock(prior?.bgp_config)) return true;
  try {
    await client.api.bgp.requestConfig(projectId, bgpRequest(block));
    return true;
  } catch (error) {
    reportApiError(diagnostics, error, `Cannot enable BGP for project ${projectId}`, { attributes: ['bgp_config'] });
    return false;
  }
}

/** The project's BGP configuration as a bgp_config block; the password the API does not show back is the held one. */
async function bgpState(client: ProviderClient, projectId: string, held: Attr<BgpModel[]> | undefined): Promise<BgpModel[]> {
  const config = await client.api.bgp.config(projectId);
  if (!config.id) return [];
  const kept = firstBlock(held);
  return [
    {
      deployment_type: config.deployment_type ?? null,
      asn: config.asn ?? null,
      md5: config.md5 || (kept?.md5 ?? null),
      status: config.status ?? null,
      max_prefix: config.max_prefix ?? null,
    },
  ];
}

const BGP_ARGUMENTS = ['deployment_type', 'asn', 'md5'] as const;

export const projectResource = defineResource<ProviderClient, Model>({
  typeName: 'metal_project',
  planModifiers: {
    id: [useStateForUnknown],
    created: [useStateForUnknown],
    organization_id: [useStateForUnknown, requiresReplace],
    payment_method_id: [useStateForUnknown],
    backend_transfer: [useStateForUnknown],
  },
  modifyPlan({ prior, planned }, ctx) {
    const before = firstBlock(prior?.bgp_config);
    if (!before) return;
    const after = firstBlock(planned.bgp_config);
    const restore = `bgp_config {\n  deployment_type = "${String(before.deployment_type)}"\n  asn             = ${String(before.asn)}\n}`;
    if (!after) {
      ctx.diagnostics.error('BGP config can not be removed from a project', `Add it back:\n${restore}`, ['bgp_config']);
      return;
    }
    const changed = BGP_ARGUMENTS.filter(
      (name) => !valuesEqual(after[name], before[name]) && !(name === 'md5' && str(after.md5) === undefined),
    );
    if (changed.length > 0)
      ctx.diagnostics.error(
        'BGP config can not be changed',
        `Metal keeps a project's first BGP configuration; ${changed.join(', ')} cannot change. Restore:\n${restore}`,
        ['bgp_config'],
      );
  },
  async create({ planned }, ctx) {
    const input: ProjectCreateInput = { name: str(planned.name)! };
    const organization = str(planned.organization_id);
    if (organization !== undefined) input.organization_id = organization;
    const backendTransfer = bool(planned.backend_transfer);
    if (backendTransfer !== undefined) input.backend_transfer_enabled = backendTransfer;
    let project: Project;
    try {
      project = await ctx.client.api.projects.create(input);
    } catch (error) {
      reportApiError(ctx.diagnostics, error, 'Cannot create the project', { fields: FIELDS, attributes: METAL_PROJECT_RESOURCE.arguments });
      return;
    }
    const state = { ...projectState(project), payment_method_id: str(planned.payment_method_id) ?? null };
    // A refused BGP request leaves the project in the state (tainted), never orphaned.
    if (!(await requestBgp(ctx.client, project.id, planned, null, ctx.diagnostics))) return { ...state, bgp_config: [] };
    return { ...state, bgp_config: await bgpState(ctx.client, project.id, planned.bgp_config) };
  },
  async read({ state }, ctx) {
    try {
      const project = await ctx.client.api.projects.get(str(state.id)!);
      return {
        ...projectState(project),
        payment_method_id: state.payment_method_id ?? null,
        bgp_config: await bgpState(ctx.client, project.id, state.bgp_config),
      };
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
      const project = await ctx.client.api.projects.update(str(prior.id)!, input);
      const state = { ...projectState(project), payment_method_id: planned.payment_method_id };
      if (!(await requestBgp(ctx.client, project.id, planned, prior, ctx.diagnostics))) return { ...state, bgp_config: prior.bgp_config };
      return { ...state, bgp_config: await bgpState(ctx.client, project.id, planned.bgp_config) };
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
