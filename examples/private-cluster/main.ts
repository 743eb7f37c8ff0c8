/**
 * A private cluster: three database servers in New York in hybrid mode (bond0 keeps their public addresses on
 * eth0, eth1 carries a private VLAN), the VLAN routed by a Metal gateway that holds the first address of a private
 * /29 it reserves. Each server takes the next address of that block on eth1, via cloud-init: with one VLAN, eth1
 * carries it untagged, as on Metal (a second VLAN would make both tagged, each on a subinterface like eth1.1041).
 * Deploy: `bin/metalforge deploy private-cluster`, or METAL_API_URL=... METAL_AUTH_TOKEN=... cdktf deploy
 */
import { App, Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BareMetalDevice, MetalProject, MetalProvider, MetalStateBackend, PrivateNetwork, UserData } from '../../lib/constructs';

/** The VLAN id of the private network. */
const VXLAN = 1040;
const SERVERS = ['db-1', 'db-2', 'db-3'];
/** The gateway's private block: 8 addresses, the gateway on the first usable one, the servers on the next. */
const SUBNET_SIZE = 8;

export class PrivateClusterStack extends TerraformStack {
  public readonly servers: readonly BareMetalDevice[];
  public readonly network: PrivateNetwork;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new MetalProvider(this, 'metal', { apiUrl: process.env.METAL_API_URL });
    // With METALFORGE_STATE_PROJECT set (metalforge deploy --remote-state, examples/ci), the state lives on metalforge.
    MetalStateBackend.fromEnvironment(this);
    const project = new MetalProject(this, 'private-cluster', { name: 'private-cluster' });
    // The VLAN and its gateway first: the servers' user data names the gateway's block; they join once deployed.
    this.network = new PrivateNetwork(this, 'db-net', {
      project,
      metro: 'ny',
      vxlan: VXLAN,
      description: 'database replication',
      gateway: { privateIpv4SubnetSize: SUBNET_SIZE },
    });
    const block = this.network.gatewayBlock!;
    this.servers = SERVERS.map((name, i) => {
      const server = new BareMetalDevice(this, name, {
        project,
        metro: 'ny',
        operatingSystem: 'debian_12',
        userData: UserData.cloudConfig({
          runcmd: [`ip address add ${Fn.cidrhost(block.cidrNotation, i + 2)}/${block.cidr} dev eth1`, 'ip link set eth1 up'],
        }),
        tags: ['db', 'private'],
      });
      this.network.addDevice(server);
      return server;
    });

    new TerraformOutput(this, 'vlan', { value: { id: this.network.vlanId, vxlan: this.network.vxlan } });
    new TerraformOutput(this, 'gateway', { value: { state: this.network.gateway!.state, address: block.gateway } });
    new TerraformOutput(this, 'public_ips', { value: this.servers.map((s) => s.accessPublicIpv4) });
  }
}

if (require.main === module) {
  const app = new App();
  new PrivateClusterStack(app, 'private-cluster');
  app.synth();
}
