/**
 * Anycast at the edge: DNS servers in three edge metros announce one global IPv4 address over BGP, so each user
 * reaches the nearest. The project's BGP is enabled, each server gets an IPv4 session with its metro router, and
 * BIRD on each server announces the address from its loopback.
 * Deploy: `bin/metalforge deploy anycast-edge`, or METAL_API_URL=... METAL_AUTH_TOKEN=... cdktf deploy
 */
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AnycastService, EdgeFleet, MetalProject, MetalProvider, MetalStateBackend, ReservedIpBlock, UserData } from '../../lib/constructs';

/** The servers' side of the sessions: a private ASN (local BGP). */
const ASN = 65000;
/** Where a server finds its metro routers and their ASN, as its metal_device_bgp_neighbors data says on Metal. */
const ROUTERS = { peers: ['169.254.255.1', '169.254.255.2'], asn: 65530 };

/** BIRD 2 announcing `address`/32 (held on the loopback) to both metro routers, and accepting nothing from them. */
function birdConfig(address: string): string {
  const peers = ROUTERS.peers.map(
    (peer, i) => `protocol bgp router${i + 1} {
  local as ${ASN};
  neighbor ${peer} as ${ROUTERS.asn};
  multihop 2;
  ipv4 { import none; export where proto = "anycast"; };
}`,
  );
  return [`protocol device {}`, `protocol static anycast {\n  ipv4;\n  route ${address}/32 via "lo";\n}`, ...peers].join('\n') + '\n';
}

export class AnycastEdgeStack extends TerraformStack {
  public readonly fleet: EdgeFleet;
  public readonly anycast: AnycastService;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new MetalProvider(this, 'metal', { apiUrl: process.env.METAL_API_URL });
    // With METALFORGE_STATE_PROJECT set (metalforge deploy --remote-state, examples/ci), the state lives on metalforge.
    MetalStateBackend.fromEnvironment(this);
    const project = new MetalProject(this, 'anycast-edge', { name: 'anycast-edge' });
    // Reserved first: the servers' BIRD configuration names the address.
    const address = new ReservedIpBlock(this, 'anycast-ip', { project, type: 'global_ipv4', description: 'anycast DNS', tags: ['dns'] });
    this.fleet = new EdgeFleet(this, 'dns', {
      project,
      metros: ['at', 'se', 'sy'],
      operatingSystem: 'debian_12',
      userData: UserData.cloudConfig({
        packages: ['bird2', 'unbound'],
        writeFiles: [{ path: '/etc/bird/bird.conf', content: birdConfig(address.address) }],
        runcmd: [`ip address add ${address.address}/32 dev lo`, 'systemctl restart bird', 'systemctl enable --now unbound'],
      }),
      tags: ['dns', 'anycast'],
    });
    this.anycast = new AnycastService(this, 'anycast', { project, fleet: this.fleet, block: address, bgp: { asn: ASN } });

    new TerraformOutput(this, 'anycast_ip', { value: this.anycast.address });
    new TerraformOutput(this, 'bgp_sessions', {
      value: Object.fromEntries(
        this.fleet.devices.map((device, i) => [
          device.node.id,
          { id: this.anycast.sessions[i].id, status: this.anycast.sessions[i].status },
        ]),
      ),
    });
  }
}

if (require.main === module) {
  const app = new App();
  new AnycastEdgeStack(app, 'anycast-edge');
  app.synth();
}
