/**
 * terraform-provider-metal driven by the real terraform CLI against a real metalforge cloud (simulated machines,
 * instant timings): the whole life of a device, import, drift, plan-time errors and an old equinix/metal config.
 */
import type { Device } from '../../lib/contract/schemas';
import { describeWithTerraform, startTerraformWorld, type TerraformWorld, type Workdir } from './terraform-harness';

jest.setTimeout(180_000);

interface DeviceConfig {
  hostname: string;
  plan?: string;
  metro?: string;
  tags?: string[];
  userData?: string;
  reinstall?: boolean;
}

describeWithTerraform('terraform CLI with metal_device against a metalforge cloud', () => {
  let world: TerraformWorld;
  let main: Workdir;

  const device = async (id: string): Promise<Device | undefined> =>
    world.client.devices.get(id).catch((error: { code?: string }) => (error.code === 'not_found' ? undefined : Promise.reject(error)));

  const lifecycleConfig = (d: DeviceConfig) => `${world.header()}
resource "metal_project" "p" {
  name = "tf-e2e"
}
resource "metal_device" "web" {
  project_id       = metal_project.p.id
  hostname         = "${d.hostname}"
  plan             = "${d.plan ?? 'c3.small.x86'}"
  metro            = "${d.metro ?? 'ny'}"
  operating_system = "ubuntu_22_04"
  tags             = ${JSON.stringify(d.tags ?? ['web'])}
${d.userData ? `  user_data        = ${JSON.stringify(d.userData)}` : ''}
${d.reinstall ? '  reinstall {\n    enabled = true\n  }' : ''}
}
output "device_id" { value = metal_device.web.id }
output "ipv4" { value = metal_device.web.access_public_ipv4 }
`;

  const deviceId = async (dir: Workdir) => String((await dir.resources()).get('metal_device.web')?.values.id);

  beforeAll(async () => {
    world = await startTerraformWorld();
    main = world.workdir('main');
  });
  afterAll(async () => {
    await world?.close();
  });

  it('stops at plan time, before creating anything, when plan or metro do not exist, naming what does', async () => {
    const dir = world.workdir('errors');
    const resource = (name: string, attributes: string) => `
resource "metal_device" "${name}" {
  project_id       = "00000000-0000-4000-8000-000000000000"
  operating_system = "ubuntu_22_04"
${attributes}
}`;
    // Checks that need no API run at validation: a sensitive value is described, never repeated.
    dir.write(`${world.header()}${resource('bad_data', '  plan = "c3.small.x86"\n  metro = "ny"\n  custom_data = "not json"')}`);
    await dir.init();
    const invalid = await dir.run('validate');
    expect(invalid.code).toBe(1);
    expect(invalid.output).toMatch(/Error: Invalid custom_data[\s\S]*custom_data must be a JSON object/);
    // Terraform quotes the configuration line; the provider's own message does not repeat the value.
    expect(invalid.output.split('not json')).toHaveLength(2);

    dir.write(
      `${world.header()}${resource('bad_metro', '  plan = "c3.small.x86"\n  metro = "nyc"')}${resource('bad_plan', '  plan = "c3.tiny.x86"\n  metro = "at"')}`,
    );
    const plan = await dir.plan();
    expect(plan.code).toBe(1);
    const text = plan.output.replace(/\s+/g, ' ');
    // The sentence the API and the constructs give for the same mistake (lib/contract words it once).
    expect(text).toMatch(
      /Error: Unknown metro with metal_device.bad_metro, on main.tf line \d+, in resource "metal_device" "bad_metro": \d+: metro = "nyc" metro: unknown metro "nyc"; did you mean "ny"\? \(valid values: am, at, ch, da, fr, md, ny, se, sg, sp, sv, sy, tr, ty\)/,
    );
    expect(text).toMatch(
      /Error: Unknown plan [\s\S]*plan = "c3.tiny.x86" plan: unknown plan "c3.tiny.x86"; valid values: c3.medium.x86, c3.small.x86, [\w., ]*t3.small.x86/,
    );
  });

  it('creates, updates in place, replaces, reinstalls in place, sees drift and destroys', async () => {
    main.write(lifecycleConfig({ hostname: 'web-1' }));
    await main.init();
    const created = await main.apply();
    expect(created.code).toBe(0);
    expect(created.output).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
    const firstId = await deviceId(main);
    const first = await device(firstId);
    expect(first).toMatchObject({ state: 'active', hostname: 'web-1', tags: ['web'] });
    const state = (await main.resources()).get('metal_device.web')!.values;
    expect(state).toMatchObject({
      state: 'active',
      deployed_facility: first!.facility.code,
      access_public_ipv4: first!.ip_addresses[0].address,
      network_type: 'layer3',
    });
    expect(state.root_password).toBe(first!.root_password);

    // Nothing changed: the plan is empty (computed values keep their state).
    const noop = await main.plan();
    expect(noop.output).toContain('No changes.');
    expect(noop.code).toBe(0);

    // hostname and tags change in place: same device.
    main.write(lifecycleConfig({ hostname: 'web-2', tags: ['web', 'blue'] }));
    const inPlace = await main.apply();
    expect(inPlace.output).toContain('Resources: 0 added, 1 changed, 0 destroyed.');
    expect(inPlace.output).not.toContain('forces replacement');
    expect(await device(firstId)).toMatchObject({ hostname: 'web-2', tags: ['web', 'blue'], state: 'active' });

    // A new plan needs a new machine: replaced, the old device is gone.
    main.write(lifecycleConfig({ hostname: 'web-2', tags: ['web', 'blue'], plan: 'm3.small.x86' }));
    const replaced = await main.apply();
    expect(replaced.code).toBe(0);
    expect(replaced.output).toMatch(/plan\s+= "c3.small.x86" -> "m3.small.x86" # forces replacement/);
    const secondId = await deviceId(main);
    expect(secondId).not.toBe(firstId);
    expect(await device(firstId)).toBeUndefined();
    expect(await device(secondId)).toMatchObject({ state: 'active', plan: expect.objectContaining({ slug: 'm3.small.x86' }) });

    // New user_data with reinstall.enabled: reinstalled in place, same id and addresses.
    main.write(
      lifecycleConfig({
        hostname: 'web-2',
        tags: ['web', 'blue'],
        plan: 'm3.small.x86',
        userData: '#!/bin/sh\necho v2\n',
        reinstall: true,
      }),
    );
    const reinstalled = await main.apply();
    expect(reinstalled.code).toBe(0);
    expect(reinstalled.output).toContain('Resources: 0 added, 1 changed, 0 destroyed.');
    expect(reinstalled.output).not.toContain('forces replacement');
    expect(await deviceId(main)).toBe(secondId);
    const afterReinstall = await device(secondId);
    expect(afterReinstall).toMatchObject({ state: 'active', userdata: '#!/bin/sh\necho v2\n' });
    const events = await world.client.events.listForDevice(secondId, { per_page: 100 });
    expect(events.items.some((e) => /reinstall/i.test(`${e.type} ${e.body}`))).toBe(true);
    expect((await main.plan()).code).toBe(0);

    // Without reinstall, a user_data change replaces the device (and the plan says so).
    main.write(lifecycleConfig({ hostname: 'web-2', tags: ['web', 'blue'], plan: 'm3.small.x86', userData: '#!/bin/sh\necho v3\n' }));
    const wouldReplace = await main.plan();
    expect(wouldReplace.code).toBe(2);
    expect(wouldReplace.output).toMatch(/user_data\s+= \(sensitive value\) # forces replacement/);
    main.write(
      lifecycleConfig({
        hostname: 'web-2',
        tags: ['web', 'blue'],
        plan: 'm3.small.x86',
        userData: '#!/bin/sh\necho v2\n',
        reinstall: true,
      }),
    );

    // Out-of-band change: the next plan shows the drift and sets it back.
    await world.client.devices.update(secondId, { hostname: 'changed-by-hand' });
    const drift = await main.plan();
    expect(drift.code).toBe(2);
    expect(drift.output).toMatch(/hostname\s+= "changed-by-hand" -> "web-2"/);
    expect(drift.output).not.toContain('forces replacement');
    await main.ok('apply', '-input=false', '-auto-approve');
    expect(await device(secondId)).toMatchObject({ hostname: 'web-2' });

    // Imported into a fresh state by a configuration that describes it: nothing to change.
    const imported = world.workdir('import');
    imported.write(`${world.header()}
resource "metal_device" "web" {
  project_id       = "${String((await main.resources()).get('metal_project.p')!.values.id)}"
  hostname         = "web-2"
  plan             = "m3.small.x86"
  metro            = "ny"
  operating_system = "ubuntu_22_04"
  tags             = ["web", "blue"]
  user_data        = "#!/bin/sh\\necho v2\\n"
}
`);
    await imported.init();
    await imported.ok('import', '-input=false', 'metal_device.web', secondId);
    const afterImport = await imported.plan();
    expect(afterImport.output).toContain('No changes.');
    expect(afterImport.code).toBe(0);

    await main.ok('destroy', '-input=false', '-auto-approve');
    expect(await device(secondId)).toBeUndefined();
    const projects = await world.client.projects.list({ per_page: 100 });
    expect(projects.items.filter((p) => p.name === 'tf-e2e')).toEqual([]);

    // The imported copy's device is gone too: refresh drops it from the state, and the plan would create it.
    const gone = await imported.plan();
    expect(gone.code).toBe(2);
    expect(gone.output).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
  });

  it("applies an old equinix/metal configuration with only the provider's source address changed", async () => {
    const legacy = world.workdir('legacy');
    // As written for equinix/metal 3.x: facilities instead of metro, project SSH keys, hourly billing, user_data.
    legacy.write(`${world.header('metalforge/metal')}
resource "metal_project" "project" {
  name = "legacy-project"
}

resource "metal_project_ssh_key" "deploy" {
  name       = "deploy"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ9pN2oXnFm0t8pWm8Bq5cfV0sRIYdUHu0Z5bXcLa0bU deploy@example"
  project_id = metal_project.project.id
}

resource "metal_device" "node" {
  hostname            = "legacy-node"
  plan                = "c3.small.x86"
  facilities          = ["da6"]
  operating_system    = "ubuntu_20_04"
  billing_cycle       = "hourly"
  project_id          = metal_project.project.id
  project_ssh_key_ids = [metal_project_ssh_key.deploy.id]
  user_data           = "#cloud-config\\npackages: [nginx]\\n"
  tags                = ["legacy", "web"]
}

output "ip" { value = metal_device.node.access_public_ipv4 }
`);
    await legacy.init();
    const applied = await legacy.apply();
    expect(applied.code).toBe(0);
    expect(applied.output).toContain('Resources: 3 added');
    const node = (await legacy.resources()).get('metal_device.node')!.values;
    const api = await device(String(node.id));
    expect(api).toMatchObject({
      state: 'active',
      facility: expect.objectContaining({ code: 'da6' }),
      billing_cycle: 'hourly',
      tags: ['legacy', 'web'],
    });
    expect(node.ssh_key_ids).toEqual([(await legacy.resources()).get('metal_project_ssh_key.deploy')!.values.id]);
    expect((await legacy.plan()).code).toBe(0);
    await legacy.ok('destroy', '-input=false', '-auto-approve');
    expect(await device(String(node.id))).toBeUndefined();
  });
});
