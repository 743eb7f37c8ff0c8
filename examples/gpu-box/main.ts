/**
 * A GPU box whose plan is chosen at deploy time: the cheapest plan in Dallas with a GPU, at least 16 cores,
 * 128 GB of memory and NVMe storage.
 * Deploy: METAL_API_URL=... METAL_AUTH_TOKEN=... cdktf deploy
 */
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BareMetalDevice, HardwarePlan, MetalProject, MetalProvider, MetalStateBackend, UserData } from '../../lib/constructs';

export class GpuBoxStack extends TerraformStack {
  public readonly plan: HardwarePlan;
  public readonly device: BareMetalDevice;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new MetalProvider(this, 'metal', { apiUrl: process.env.METAL_API_URL });
    // With METALFORGE_STATE_PROJECT set (metalforge deploy --remote-state, examples/ci), the state lives on metalforge.
    MetalStateBackend.fromEnvironment(this);
    const project = new MetalProject(this, 'ml', { name: 'ml-training' });
    this.plan = new HardwarePlan(this, 'gpu-plan', {
      gpu: true,
      minCores: 16,
      minMemoryGb: 128,
      driveType: 'NVME',
      availableInMetro: 'da',
    });
    this.device = new BareMetalDevice(this, 'trainer', {
      project,
      metro: 'da',
      plan: this.plan,
      operatingSystem: 'ubuntu_22_04',
      userData: UserData.cloudConfig({ packages: ['nvidia-driver-535', 'python3-venv'] }),
      tags: ['gpu'],
    });
    new TerraformOutput(this, 'plan', { value: this.plan.slug });
    new TerraformOutput(this, 'hourly_price', { value: this.plan.hourlyPrice });
    new TerraformOutput(this, 'ip', { value: this.device.accessPublicIpv4 });
  }
}

if (require.main === module) {
  const app = new App();
  new GpuBoxStack(app, 'gpu-box');
  app.synth();
}
