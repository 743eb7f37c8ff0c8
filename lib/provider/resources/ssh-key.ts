/** metal_ssh_key: a user SSH key; name and public_key change in place. Also the shape metal_project_ssh_key shares. */
import type { SshKey, SshKeyCreateInput } from '../../contract/schemas';
import type { ProviderClient } from '../config';
import { defineResource, useStateForUnknown, valuesEqual, type ResourceDefinition, type Value, type ValueObject } from '../framework';
import { hrefId, isNotFound, reportApiError, str } from './support';

const FIELDS = { label: 'name', key: 'public_key' };
const ATTRIBUTES = ['name', 'public_key'];

/** `held` is the key text Terraform has: the same key with or without surrounding whitespace (file() adds a newline) is kept. */
function sshKeyState(key: SshKey, held: Value | undefined): ValueObject {
  const publicKey = str(held)?.trim() === key.key ? held! : key.key;
  return { id: key.id, name: key.label, public_key: publicKey, fingerprint: key.fingerprint, owner_id: hrefId(key.entity), created: key.created_at, updated: key.updated_at };
}

/** An SSH key resource; `create` decides whose key it is (the user's or a project's). */
export function sshKeyResource(
  typeName: string,
  create: (client: ProviderClient, input: SshKeyCreateInput, planned: ValueObject) => Promise<SshKey>,
  extra: Pick<ResourceDefinition<ProviderClient>, 'planModifiers'> = {},
) {
  return defineResource<ProviderClient>({
    typeName,
    planModifiers: {
      id: [useStateForUnknown],
      created: [useStateForUnknown],
      owner_id: [useStateForUnknown],
      ...extra.planModifiers,
    },
    async create({ planned }, ctx) {
      try {
        return sshKeyState(await create(ctx.client, { label: str(planned.name)!, key: str(planned.public_key)!.trim() }, planned), planned.public_key);
      } catch (error) {
        reportApiError(ctx.diagnostics, error, 'Cannot create the SSH key', { fields: FIELDS, attributes: ATTRIBUTES });
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
        reportApiError(ctx.diagnostics, error, `Cannot update SSH key ${String(prior.id)}`, { fields: FIELDS, attributes: ATTRIBUTES });
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

export const sshKeyResourceDefinition = sshKeyResource('metal_ssh_key', (client, input) => client.api.sshKeys.create(input));
