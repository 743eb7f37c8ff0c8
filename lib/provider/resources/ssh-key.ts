/** metal_ssh_key: a user SSH key; name and public_key change in place. Also the shape metal_project_ssh_key shares. */
import type { SshKey, SshKeyCreateInput } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineResource, useStateForUnknown, valuesEqual, type Attr, type ResourceDefinition } from '../framework';
import { METAL_SSH_KEY_RESOURCE, type MetalSshKeyResourceModel } from '../generated/models';
import { hrefId, isNotFound, reportApiError, str, type FieldMap } from './support';

const FIELDS: FieldMap<keyof MetalSshKeyResourceModel> = { label: 'name', key: 'public_key' };

/**
 * The attributes every SSH key model has (M: metal_ssh_key's or a superset). `held` is the key text Terraform has:
 * the same key with or without surrounding whitespace (file() adds a newline) is kept.
 */
function sshKeyState<M extends MetalSshKeyResourceModel>(key: SshKey, held: Attr<string>): Partial<M> {
  const publicKey = str(held)?.trim() === key.key ? held : key.key;
  const state: MetalSshKeyResourceModel = {
    id: key.id,
    name: key.label,
    public_key: publicKey,
    fingerprint: key.fingerprint,
    owner_id: hrefId(key.entity),
    created: key.created_at,
    updated: key.updated_at,
  };
  return state as Partial<M>;
}

/** An SSH key resource over model M (metal_ssh_key's, or one with more arguments); `create` decides whose key it is. */
export function sshKeyResource<M extends MetalSshKeyResourceModel>(
  typeName: string,
  names: { arguments: readonly (keyof M & string)[] },
  create: (client: ProviderClient, input: SshKeyCreateInput, planned: M) => Promise<SshKey>,
  extra: Pick<ResourceDefinition<ProviderClient, M>, 'planModifiers'> = {},
) {
  return defineResource<ProviderClient, M>({
    typeName,
    planModifiers: {
      id: [useStateForUnknown],
      created: [useStateForUnknown],
      owner_id: [useStateForUnknown],
      ...extra.planModifiers,
    },
    async create({ planned }, ctx) {
      try {
        return sshKeyState(
          await create(ctx.client, { label: str(planned.name)!, key: str(planned.public_key)!.trim() }, planned),
          planned.public_key,
        );
      } catch (error) {
        reportApiError(ctx.diagnostics, error, 'Cannot create the SSH key', { fields: FIELDS, attributes: names.arguments });
      }
    },
    async read({ state }, ctx) {
      try {
        return sshKeyState(await ctx.client.api.sshKeys.get(str(state.id)!), state.public_key);
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async update({ planned, prior }, ctx) {
      const input: { label?: string; key?: string } = {};
      if (!valuesEqual(planned.name, prior.name)) input.label = str(planned.name);
      if (!valuesEqual(planned.public_key, prior.public_key)) input.key = str(planned.public_key)!.trim();
      try {
        return sshKeyState(await ctx.client.api.sshKeys.update(str(prior.id)!, input), planned.public_key);
      } catch (error) {
        reportApiError(ctx.diagnostics, error, `Cannot update SSH key ${String(prior.id)}`, {
          fields: FIELDS,
          attributes: names.arguments,
        });
      }
    },
    async delete({ state }, ctx) {
      try {
        await ctx.client.api.sshKeys.delete(str(state.id)!);
      } catch (error) {
        if (!isNotFound(error)) reportApiError(ctx.diagnostics, error, `Cannot delete SSH key ${String(state.id)}`);
      }
    },
  });
}

export const sshKeyResourceDefinition = sshKeyResource('metal_ssh_key', METAL_SSH_KEY_RESOURCE, (client, input) =>
  client.api.sshKeys.create(input),
);
