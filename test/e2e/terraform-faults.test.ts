/**
 * A device whose installation fails (the simulator fails every install): terraform reports the device id, its
 * state and the reason, and keeps the device in the state as tainted instead of orphaning it.
 */
import { describeWithTerraform, startTerraformWorld, type TerraformWorld } from './terraform-harness';

jest.setTimeout(120_000);

describeWithTerraform('terraform CLI when provisioning fails', () => {
  let world: TerraformWorld;
  let projectId: string;

  beforeAll(async () => {
    world = await startTerraformWorld({ simFaults: { installFailureRate: 1 } });
    projectId = (await world.client.projects.create({ name: 'faults' })).id;
  });
  afterAll(async () => {
    await world?.close();
  });

  it('keeps a failed device in the state as tainted with a clear error, and destroy removes it', async () => {
    const dir = world.workdir('failed');
    dir.write(`${world.header()}
resource "metal_device" "d" {
  project_id       = "${projectId}"
  hostname         = "doomed"
  plan             = "c3.small.x86"
  metro            = "sv"
  operating_system = "debian_12"
  user_data        = "#!/bin/sh\\necho secret-user-data\\n"
}
`);
    await dir.init();
    const applied = await dir.apply();
    expect(applied.code).toBe(1);
    const [onApi] = (await world.client.devices.list(projectId)).items;
    expect(onApi).toMatchObject({ hostname: 'doomed', state: 'failed' });
    expect(onApi.failure_reason).toBeTruthy();
    const text = applied.output.replace(/\s+/g, ' ');
    expect(text).toContain(`Error: Device ${onApi.id} failed to provision`);
    expect(text).toContain(`Device ${onApi.id} (doomed) is in state failed: ${onApi.failure_reason!.replace(/\s+/g, ' ')}`);
    expect(text).toContain('kept in the Terraform state and marked tainted');
    expect(applied.output).not.toContain('secret-user-data');

    const stored = (await dir.resources()).get('metal_device.d');
    expect(stored).toMatchObject({ tainted: true, values: expect.objectContaining({ id: onApi.id, state: 'failed' }) });

    // The next plan replaces the tainted device rather than forgetting it.
    const plan = await dir.plan();
    expect(plan.code).toBe(2);
    expect(plan.output).toMatch(/metal_device.d is tainted, so must be replaced/);

    await dir.ok('destroy', '-input=false', '-auto-approve');
    expect((await world.client.devices.list(projectId)).items).toEqual([]);
  });
});
