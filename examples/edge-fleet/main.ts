/**
 * An edge fleet: one small server in every edge metro, two in Chicago, and a bigger plan in Tokyo.
 * Deploy: METAL_API_URL=... METAL_AUTH_TOKEN=... cdktf deploy
 */
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { EdgeFleet, MetalProject, MetalProvider, MetalStateBackend, UserData } from '../../lib/constructs';

export class EdgeFleetStack extends TerraformStack {
  public readonly fleet: EdgeFleet;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new MetalProvider(this, 'metal', { apiUrl: process.env.METAL_API_URL });
    // With METALFORGE_STATE_PROJECT set (metalforge deploy --remote-state, examples/ci), the state lives on metalforge.
    MetalStateBackend.fromEnvironment(this);
    const project = new MetalProject(this, 'edge', { name: 'edge-cache' });
    this.fleet = new EdgeFleet(this, 'cache', {
      project,
      operatingSystem: 'debian_12',
      userData: UserData.cloudConfig({ packages: ['varnish'], runcmd: ['systemctl enable --now varnish'] }),
      tags: ['edge', 'cache'],
      overrides: {
        ch: { devices: 2 },
        ty: { plan: 'c3.small.x86' },
      },
    });
    new TerraformOutput(this, 'sites', {
      value: Object.fromEntries(this.fleet.sites.map((s) => [s.location.code, s.devices.map((d) => d.accessPublicIpv4)])),
    });
  }
}

if (require.main === module) {
  const app = new App();
  new EdgeFleetStack(app, 'edge-fleet');
  app.synth();
}
