/**
 * An API tier spread over the core metros: two devices in each of New York, Amsterdam and Singapore, with a
 * larger memory plan in Amsterdam.
 * Deploy: METAL_API_URL=... METAL_AUTH_TOKEN=... cdktf deploy
 */
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BareMetalDevice, CoreMetroCode, MetalProject, MetalProvider, MetalStateBackend, PlanSlug } from '../../lib/constructs';

const SITES: Array<{ metro: CoreMetroCode; plan: PlanSlug }> = [
  { metro: 'ny', plan: 'c3.small.x86' },
  { metro: 'am', plan: 'm3.small.x86' },
  { metro: 'sg', plan: 'c3.small.x86' },
];

export class MultiMetroStack extends TerraformStack {
  public readonly devices: BareMetalDevice[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new MetalProvider(this, 'metal', { apiUrl: process.env.METAL_API_URL });
    // With METALFORGE_STATE_PROJECT set (metalforge deploy --remote-state, examples/ci), the state lives on metalforge.
    MetalStateBackend.fromEnvironment(this);
    const project = new MetalProject(this, 'api', { name: 'global-api' });
    this.devices = SITES.flatMap(({ metro, plan }) =>
      [1, 2].map(
        (n) =>
          new BareMetalDevice(this, `api-${metro}-${n}`, {
            project,
            metro,
            plan,
            operatingSystem: 'debian_12',
            tags: ['api', metro],
            reinstall: { preserveData: true },
          }),
      ),
    );
    new TerraformOutput(this, 'endpoints', {
      value: Object.fromEntries(this.devices.map((d) => [d.node.id, d.accessPublicIpv4])),
    });
  }
}

if (require.main === module) {
  const app = new App();
  new MultiMetroStack(app, 'multi-metro');
  app.synth();
}
