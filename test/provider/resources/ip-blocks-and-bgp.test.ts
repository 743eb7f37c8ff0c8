/**
 * metal_reserved_ip_block, metal_bgp_session, metal_project.bgp_config and the IP block and BGP data sources through
 * the provider runtime against a real metalforge cloud.
 */
import { valuesEqual, type ValueObject } from '../../../lib/provider/framework/values';
import { startRuntimeWorld, type RuntimeWorld } from './runtime-harness';

jest.setTimeout(120_000);

describe('IP blocks and BGP', () => {
  let world: RuntimeWorld;
  const errors = (diagnostics: { severity: string }[]) => diagnostics.filter((d) => d.severity === 'error');
  const read = async (typeName: string, values: ValueObject) => {
    const result = await world.read(typeName, values);
    expect(errors(result.diagnostics)).toEqual([]);
    return result.state!;
  };

  beforeAll(async () => {
    world = await startRuntimeWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('metal_reserved_ip_block: reserves, changes description, tags and custom_data in place, replaces on quantity, imports, releases', async () => {
    const project = await world.client.projects.create({ name: 'blocks' });
    const values = { project_id: project.id, metro: 'NY', quantity: 4, description: 'web', tags: ['a'], custom_data: '{"k": 1}' };
    const created = await world.apply('metal_reserved_ip_block', null, values);
    expect(errors(created.diagnostics)).toEqual([]);
    const state = created.state!;
    expect(state).toMatchObject({
      type: 'public_ipv4',
      metro: 'NY',
      quantity: 4,
      cidr: 30,
      address_family: 4,
      public: true,
      global: false,
      management: false,
      manageable: true,
      description: 'web',
      tags: ['a'],
      custom_data: '{"k": 1}',
    });
    expect(state.cidr_notation).toBe(`${String(state.network)}/30`);
    const api = await world.client.ips.get(String(state.id));
    expect(api).toMatchObject({ details: 'web', tags: ['a'], customdata: { k: 1 }, metro: { code: 'ny' } });

    // Nothing changed: refresh and plan are quiet.
    expect(valuesEqual((await world.refresh('metal_reserved_ip_block', state)).state, state)).toBe(true);
    expect(valuesEqual((await world.plan('metal_reserved_ip_block', state, values)).planned, state)).toBe(true);

    const updated = await world.apply('metal_reserved_ip_block', state, {
      ...values,
      description: null,
      tags: ['b', 'c'],
      custom_data: '{"k":2}',
    });
    expect(updated.requiresReplace).toEqual([]);
    expect(updated.state).toMatchObject({
      id: state.id,
      description: null,
      tags: ['b', 'c'],
      custom_data: '{"k":2}',
      cidr_notation: state.cidr_notation,
    });
    expect(await world.client.ips.get(String(state.id))).toMatchObject({ tags: ['b', 'c'], customdata: { k: 2 } });

    const changes: ValueObject[] = [
      { quantity: 8 },
      { metro: 'da' },
      { type: 'private_ipv4' },
      { project_id: '00000000-0000-4000-8000-000000000000' },
    ];
    for (const change of changes) {
      const plan = await world.plan('metal_reserved_ip_block', updated.state!, { ...values, ...change });
      expect(plan.requiresReplace).toEqual([Object.keys(change)]);
    }

    const bad = await world.runtime.validateResourceConfig(
      'metal_reserved_ip_block',
      world.config('metal_reserved_ip_block', { ...values, custom_data: '[1]' }),
    );
    expect(bad).toEqual([expect.objectContaining({ severity: 'error', path: ['custom_data'] })]);

    const imported = await world.import('metal_reserved_ip_block', String(state.id));
    expect(imported.state).toMatchObject({ id: state.id, project_id: project.id, metro: 'ny', quantity: 4, type: 'public_ipv4' });

    const global = await world.apply('metal_reserved_ip_block', null, { project_id: project.id, type: 'global_ipv4', quantity: 1 });
    expect(errors(global.diagnostics)).toEqual([]);
    expect(global.state).toMatchObject({
      type: 'global_ipv4',
      metro: null,
      cidr: 32,
      global: true,
      quantity: 1,
      tags: null,
      custom_data: null,
    });

    const byAddress = await read('metal_reserved_ip_block', { project_id: project.id, ip_address: String(updated.state!.gateway) });
    expect(byAddress).toMatchObject({ id: state.id, cidr_notation: state.cidr_notation, metro: 'ny', tags: ['b', 'c'] });
    expect(await read('metal_reserved_ip_block', { id: String(global.state!.id) })).toMatchObject({ type: 'global_ipv4', global: true });
    expect(await read('metal_ip_block_ranges', { project_id: project.id, metro: 'ny' })).toMatchObject({
      public_ipv4: [state.cidr_notation],
      global_ipv4: [global.state!.cidr_notation],
      private_ipv4: [],
      ipv6: [],
    });

    for (const held of [updated.state!, global.state!]) {
      expect((await world.apply('metal_reserved_ip_block', held, null)).state).toBeNull();
      await expect(world.client.ips.get(String(held.id))).rejects.toMatchObject({ code: 'not_found' });
    }
    expect((await world.refresh('metal_reserved_ip_block', state)).state).toBeNull();
  });

  it('metal_project.bgp_config, metal_bgp_session, metal_device_bgp_neighbors and metal_precreated_ip_block', async () => {
    // A project without BGP gets it in place when the block is added.
    const project = await world.apply('metal_project', null, { name: 'bgp' });
    const bgp = { deployment_type: 'local', asn: 65000, md5: 'C179c28c41a85b' };
    const enabled = await world.apply('metal_project', project.state, { name: 'bgp', bgp_config: [bgp] });
    expect(errors(enabled.diagnostics)).toEqual([]);
    expect(enabled.requiresReplace).toEqual([]);
    expect(enabled.state).toMatchObject({
      id: project.state!.id,
      bgp_config: [{ ...bgp, status: 'enabled', max_prefix: expect.any(Number) }],
    });
    expect(await world.client.bgp.config(String(project.state!.id))).toMatchObject({ asn: 65000, deployment_type: 'local' });

    // Renaming keeps it, without asking for BGP again.
    const renamed = await world.apply('metal_project', enabled.state, { name: 'bgp-renamed', bgp_config: [bgp] });
    expect(errors(renamed.diagnostics)).toEqual([]);
    expect(renamed.state).toMatchObject({ name: 'bgp-renamed', bgp_config: [{ ...bgp, status: 'enabled' }] });

    // As in the old provider it cannot be removed, and Metal refuses another configuration.
    const removed = await world.plan('metal_project', enabled.state, { name: 'bgp' });
    expect(removed.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', summary: 'BGP config can not be removed from a project' }),
    ]);
    const changed = await world.plan('metal_project', enabled.state, { name: 'bgp', bgp_config: [{ ...bgp, asn: 65001 }] });
    expect(changed.diagnostics).toEqual([expect.objectContaining({ severity: 'error', summary: 'BGP config can not be changed' })]);

    // Created with the block: requested at creation.
    const withBgp = await world.apply('metal_project', null, { name: 'bgp-2', bgp_config: [{ deployment_type: 'local', asn: 65000 }] });
    expect(withBgp.state).toMatchObject({ bgp_config: [{ deployment_type: 'local', asn: 65000, md5: null, status: 'enabled' }] });
    const importedProject = await world.import('metal_project', String(withBgp.state!.id));
    expect(importedProject.state).toMatchObject({ bgp_config: [{ deployment_type: 'local', asn: 65000 }] });

    const projectId = String(project.state!.id);
    const device = await world.client.devices.create(projectId, { plan: 'c3.small.x86', metro: 'ny', operating_system: 'ubuntu_22_04' });
    const session = await world.apply('metal_bgp_session', null, { device_id: device.id, address_family: 'ipv4' });
    expect(errors(session.diagnostics)).toEqual([]);
    expect(session.state).toMatchObject({ device_id: device.id, address_family: 'ipv4', default_route: null, status: expect.any(String) });
    expect(
      (await world.plan('metal_bgp_session', session.state, { device_id: device.id, address_family: 'ipv4', default_route: true }))
        .requiresReplace,
    ).toEqual([['default_route']]);
    expect((await world.import('metal_bgp_session', String(session.state!.id))).state).toMatchObject({
      device_id: device.id,
      default_route: null,
    });

    const neighbors = await read('metal_device_bgp_neighbors', { device_id: device.id });
    expect(neighbors.bgp_neighbors).toEqual([
      expect.objectContaining({
        address_family: 4,
        customer_as: 65000,
        md5_enabled: true,
        md5_password: bgp.md5,
        peer_ips: expect.any(Array),
      }),
    ]);

    const precreated = await read('metal_precreated_ip_block', { project_id: projectId, metro: 'ny', address_family: 4, public: false });
    expect(precreated).toMatchObject({ type: 'private_ipv4', management: true, public: false, global: false, address_family: 4 });
    const missing = await world.read('metal_precreated_ip_block', { project_id: projectId, metro: 'da', address_family: 4, public: true });
    expect(errors(missing.diagnostics)).toEqual([expect.objectContaining({ summary: 'No precreated IP block' })]);

    expect((await world.apply('metal_bgp_session', session.state, null)).state).toBeNull();
    await expect(world.client.bgp.getSession(String(session.state!.id))).rejects.toMatchObject({ code: 'not_found' });
  });
});
