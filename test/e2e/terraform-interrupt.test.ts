/**
 * Slow provisioning (simulated timings at 5 %: a few seconds per device): a create that outlasts timeouts.create
 * and an apply interrupted with SIGINT both leave the device in the state, and the next apply converges.
 */
import type { Device } from '../../lib/contract/schemas';
import { describeWithTerraform, startTerraformWorld, type TerraformWorld } from './terraform-harness';

jest.setTimeout(180_000);

describeWithTerraform('terraform CLI with slow provisioning', () => {
  let world: TerraformWorld;
  let projectId: string;

  const config = (createTimeout: string) => `${world.header()}
resource "metal_device" "d" {
  project_id       = "${projectId}"
  hostname         = "slow"
  plan             = "c3.small.x86"
  metro            = "ny"
  operating_system = "ubuntu_24_04"
  timeouts {
    create = "${createTimeout}"
  }
}
`;
  const liveDevices = async (): Promise<Device[]> =>
    (await world.client.devices.list(projectId)).items.filter((d) => d.state !== 'deleted' && d.state !== 'deprovisioning');

  beforeAll(async () => {
    world = await startTerraformWorld({ simScale: 0.05 });
  });
  beforeEach(async () => {
    projectId = (await world.client.projects.create({ name: `slow-${Date.now()}` })).id;
  });
  afterAll(async () => {
    await world?.close();
  });

  it('keeps a device that outlasts timeouts.create as tainted, then replaces it when given time', async () => {
    const dir = world.workdir('timeout');
    dir.write(config('1s'));
    await dir.init();
    const applied = await dir.apply();
    expect(applied.code).toBe(1);
    const [first] = await liveDevices();
    const text = applied.output.replace(/\s+/g, ' ');
    expect(text).toContain(`Error: Timed out waiting for device ${first.id} to become active`);
    expect(text).toMatch(new RegExp(`Device ${first.id} \\(slow\\) is still (queued|provisioning) after 1s \\(timeouts.create\\)`));
    expect((await dir.resources()).get('metal_device.d')).toMatchObject({
      tainted: true,
      values: expect.objectContaining({ id: first.id }),
    });

    dir.write(config('5m'));
    await dir.ok('apply', '-input=false', '-auto-approve');
    const stored = (await dir.resources()).get('metal_device.d')!;
    expect(stored.tainted).toBe(false);
    expect(stored.values.id).not.toBe(first.id);
    expect(await liveDevices()).toEqual([expect.objectContaining({ id: stored.values.id, state: 'active' })]);
    await dir.ok('destroy', '-input=false', '-auto-approve');
  });

  it('converges after an apply interrupted with SIGINT while the device provisions', async () => {
    const dir = world.workdir('interrupt');
    dir.write(config('30m'));
    await dir.init();
    const apply = dir.spawn('apply', '-input=false', '-auto-approve');
    const exited = new Promise<number | null>((resolve) => apply.on('exit', (code) => resolve(code)));
    // Interrupt once the device exists and is still being installed.
    for (let i = 0; i < 600 && (await liveDevices()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const [interrupted] = await liveDevices();
    expect(interrupted.state).not.toBe('active');
    apply.kill('SIGINT');
    expect(await exited).not.toBe(0);
    expect(apply.output().replace(/\s+/g, ' ')).toContain(`Interrupted while device ${interrupted.id} was`);
    expect((await dir.resources()).get('metal_device.d')).toMatchObject({ values: expect.objectContaining({ id: interrupted.id }) });

    await dir.ok('apply', '-input=false', '-auto-approve');
    const stored = (await dir.resources()).get('metal_device.d')!;
    expect(await liveDevices()).toEqual([expect.objectContaining({ id: stored.values.id, state: 'active' })]);
    expect((await dir.plan()).code).toBe(0);
    await dir.ok('destroy', '-input=false', '-auto-approve');
    expect(await liveDevices()).toEqual([]);
  });
});
