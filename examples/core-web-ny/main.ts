/**
 * A web tier in New York (a core metro): a project, a deploy SSH key, three devices running nginx from cloud-init
 * user data. A new user data reinstalls the devices in place instead of replacing them.
 * Deploy: METAL_API_URL=... METAL_AUTH_TOKEN=... SSH_PUBLIC_KEY="$(cat ~/.ssh/id_ed25519.pub)" cdktf deploy
 */
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BareMetalDevice, MetalProject, MetalProvider, MetalStateBackend, Metro, ProjectSshKey, UserData } from '../../lib/constructs';

/** Used when SSH_PUBLIC_KEY is unset, so the stack synthesizes anywhere. */
const EXAMPLE_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLEKEYEXAMPLEKEYEXAMPLEKEYEXAMPLEKEY00 deploy@example';

export class CoreWebNyStack extends TerraformStack {
  public readonly devices: BareMetalDevice[];

  constructor(scope: Construct, id: string, publicKey = process.env.SSH_PUBLIC_KEY ?? EXAMPLE_KEY) {
    super(scope, id);
    new MetalProvider(this, 'metal', { apiUrl: process.env.METAL_API_URL });
    // With METALFORGE_STATE_PROJECT set (metalforge deploy --remote-state, examples/ci), the state lives on metalforge.
    MetalStateBackend.fromEnvironment(this);
    const project = new MetalProject(this, 'web', { name: 'web-ny' });
    const deployKey = new ProjectSshKey(this, 'deploy', { project, publicKey });
    const userData = UserData.cloudConfig({
      packages: ['nginx'],
      users: [{ name: 'deploy', sshAuthorizedKeys: [publicKey], groups: ['www-data'] }],
      writeFiles: [{ path: '/var/www/html/index.html', content: '<h1>served from metalforge</h1>\n' }],
      runcmd: ['systemctl enable --now nginx'],
    });
    const ny = Metro.of('ny');
    this.devices = [1, 2, 3].map(
      (n) =>
        new BareMetalDevice(this, `web-${n}`, {
          project,
          metro: ny,
          plan: 'c3.small.x86',
          operatingSystem: 'ubuntu_22_04',
          userData,
          sshKeys: [deployKey],
          tags: ['web', 'ny'],
          allowChanges: ['user_data'],
        }),
    );
    new TerraformOutput(this, 'public_ips', { value: this.devices.map((d) => d.accessPublicIpv4) });
  }
}

if (require.main === module) {
  const app = new App();
  new CoreWebNyStack(app, 'core-web-ny');
  app.synth();
}
