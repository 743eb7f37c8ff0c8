/**
 * metal_project, metal_ssh_key, metal_project_ssh_key and metal_project_api_key through the provider runtime
 * against a real metalforge cloud.
 */
import { valuesEqual, type ValueObject } from '../../../lib/provider/framework/values';
import { startRuntimeWorld, type RuntimeWorld } from './runtime-harness';

jest.setTimeout(60_000);

const KEY_A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ9pN2oXnFm0t8pWm8Bq5cfV0sRIYdUHu0Z5bXcLa0bU a@example';
const KEY_B = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq5cfV0sRIYdUHu0Z5bXcLa0bUJ9pN2oXnFm0t8pWm8 b@example';

describe('projects and keys', () => {
  let world: RuntimeWorld;
  const errors = (diagnostics: { severity: string }[]) => diagnostics.filter((d) => d.severity === 'error');

  beforeAll(async () => {
    world = await startRuntimeWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('metal_project: creates, renames in place, notices deletion and destroys', async () => {
    const created = await world.apply('metal_project', null, { name: 'alpha' });
    expect(errors(created.diagnostics)).toEqual([]);
    const project = await world.client.projects.get(String(created.state!.id));
    expect(created.state).toMatchObject({
      name: 'alpha',
      backend_transfer: false,
      created: project.created_at,
      organization_id: project.organization.href.split('/').pop(),
      payment_method_id: null,
    });
    expect(valuesEqual((await world.plan('metal_project', created.state, { name: 'alpha' })).planned, created.state)).toBe(true);

    const renamed = await world.apply('metal_project', created.state, { name: 'beta', backend_transfer: true });
    expect(renamed.requiresReplace).toEqual([]);
    expect(renamed.state).toMatchObject({ id: created.state!.id, name: 'beta', backend_transfer: true });
    expect(await world.client.projects.get(String(created.state!.id))).toMatchObject({ name: 'beta', backend_transfer_enabled: true });
    expect(
      (await world.plan('metal_project', renamed.state, { name: 'beta', organization_id: '00000000-0000-4000-8000-000000000000' }))
        .requiresReplace,
    ).toEqual([['organization_id']]);

    const invalid = await world.apply('metal_project', null, { name: 'x'.repeat(81) });
    expect(invalid.diagnostics).toEqual([expect.objectContaining({ severity: 'error', path: ['name'] })]);

    expect((await world.apply('metal_project', renamed.state, null)).state).toBeNull();
    expect((await world.refresh('metal_project', renamed.state!)).state).toBeNull();
  });

  it('metal_ssh_key and metal_project_ssh_key: create, update in place, read and delete', async () => {
    const project = await world.client.projects.create({ name: 'keys' });
    const user = await world.apply('metal_ssh_key', null, { name: 'laptop', public_key: `${KEY_A}\n` });
    expect(errors(user.diagnostics)).toEqual([]);
    const stored = await world.client.sshKeys.get(String(user.state!.id));
    expect(user.state).toMatchObject({
      name: 'laptop',
      public_key: `${KEY_A}\n`,
      fingerprint: stored.fingerprint,
      owner_id: stored.entity.href.split('/').pop(),
    });
    // The trailing newline a file() call leaves is no drift.
    expect(valuesEqual((await world.refresh('metal_ssh_key', user.state!)).state, user.state)).toBe(true);

    const updated = await world.apply('metal_ssh_key', user.state, { name: 'desk', public_key: KEY_B });
    expect(updated.requiresReplace).toEqual([]);
    expect(await world.client.sshKeys.get(String(user.state!.id))).toMatchObject({ label: 'desk', key: KEY_B });

    const projectKey = await world.apply('metal_project_ssh_key', null, { name: 'deploy', public_key: KEY_A, project_id: project.id });
    expect(projectKey.state).toMatchObject({ owner_id: project.id, name: 'deploy' });
    expect(
      (
        await world.plan('metal_project_ssh_key', projectKey.state, {
          name: 'deploy',
          public_key: KEY_A,
          project_id: '00000000-0000-4000-8000-000000000000',
        })
      ).requiresReplace,
    ).toEqual([['project_id']]);

    const bad = await world.apply('metal_ssh_key', null, { name: 'bad', public_key: 'not a key' });
    expect(bad.diagnostics).toEqual([expect.objectContaining({ severity: 'error', path: ['public_key'] })]);

    for (const [type, state] of [
      ['metal_ssh_key', updated.state],
      ['metal_project_ssh_key', projectKey.state],
    ] as const) {
      expect((await world.apply(type, state, null)).state).toBeNull();
      await expect(world.client.sshKeys.get(String(state!.id))).rejects.toMatchObject({ code: 'not_found' });
    }
  });

  it('metal_project_api_key: keeps the token shown only at creation, and a working one', async () => {
    const project = await world.client.projects.create({ name: 'api-keys' });
    const created = await world.apply('metal_project_api_key', null, { project_id: project.id, description: 'ci', read_only: true });
    expect(errors(created.diagnostics)).toEqual([]);
    const state = created.state as ValueObject;
    expect(typeof state.token).toBe('string');
    expect(state).toMatchObject({ project_id: project.id, description: 'ci', read_only: true });
    const refreshed = (await world.refresh('metal_project_api_key', state)).state!;
    expect(refreshed.token).toBe(state.token);
    expect(valuesEqual(refreshed, state)).toBe(true);

    // The token works, read-only and limited to its project.
    const { createMetalClient } = await import('../../../lib/client');
    const scoped = createMetalClient({ baseUrl: `${world.cloud.url}/metal/v1`, token: String(state.token), maxRetries: 0 });
    expect((await scoped.projects.get(project.id)).id).toBe(project.id);
    await expect(scoped.projects.create({ name: 'nope' })).rejects.toMatchObject({ code: 'forbidden' });

    // Keys cannot be edited: any change replaces the key.
    expect(
      (await world.plan('metal_project_api_key', state, { project_id: project.id, description: 'ci-2', read_only: true })).requiresReplace,
    ).toEqual([['description']]);

    const imported = await world.import('metal_project_api_key', `${project.id}/${String(state.id)}`);
    expect(imported.state).toMatchObject({ id: state.id, project_id: project.id, description: 'ci', read_only: true, token: null });

    expect((await world.apply('metal_project_api_key', state, null)).state).toBeNull();
    expect((await world.refresh('metal_project_api_key', state)).state).toBeNull();
  });
});
