/**
 * Batch workers on the spot market across several metros: a persistent bid in each of New York, Dallas and
 * Silicon Valley (at least two workers each, up to four), plus an overflow bid placed in whichever of Amsterdam,
 * Frankfurt and Singapore is cheapest when it is first deployed. Every worker pulls jobs from one queue, so losing
 * a device to the market only slows the batch down; persistent bids are refilled while the price is under the bid.
 * Deploy: METAL_API_URL=... METAL_AUTH_TOKEN=... cdktf deploy
 */
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CoreMetroCode, MetalProject, MetalProvider, MetalStateBackend, SpotBid, UserData } from '../../lib/constructs';

const PLAN = 'c3.small.x86';
/** Per device-hour, in USD: 60 % of the on-demand price of c3.small.x86. */
const MAX_BID = 0.3;
const REGIONS: CoreMetroCode[] = ['ny', 'da', 'sv'];
const OVERFLOW: CoreMetroCode[] = ['am', 'fr', 'sg'];

const worker = UserData.cloudConfig({ packages: ['python3-pip'] }).addCommands('pip install batch-worker', [
  'batch-worker',
  '--queue',
  'https://queue.example.com/jobs',
]);

export class SpotBatchStack extends TerraformStack {
  public readonly bids: SpotBid[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new MetalProvider(this, 'metal', { apiUrl: process.env.METAL_API_URL });
    // With METALFORGE_STATE_PROJECT set (metalforge deploy --remote-state, examples/ci), the state lives on metalforge.
    MetalStateBackend.fromEnvironment(this);
    const project = new MetalProject(this, 'batch', { name: 'spot-batch' });
    const instanceParameters = (hostname: string) => ({ hostname, userData: worker, tags: ['batch', 'spot'] });
    this.bids = [
      ...REGIONS.map(
        (metro) =>
          new SpotBid(this, `workers-${metro}`, {
            project,
            plan: PLAN,
            metro,
            maxBidPrice: MAX_BID,
            devicesMin: 2,
            devicesMax: 4,
            type: 'persistent',
            instanceParameters: instanceParameters(`worker-${metro}-{{index}}`),
          }),
      ),
      new SpotBid(this, 'workers-overflow', {
        project,
        plan: PLAN,
        metros: OVERFLOW,
        maxBidPrice: MAX_BID,
        devicesMin: 1,
        devicesMax: 4,
        instanceParameters: instanceParameters('worker-overflow-{{index}}'),
        createTimeout: '45m',
      }),
    ];
    new TerraformOutput(this, 'requests', { value: Object.fromEntries(this.bids.map((b) => [b.node.id, b.requestId])) });
    new TerraformOutput(this, 'workers', { value: Object.fromEntries(this.bids.map((b) => [b.node.id, b.deviceIds])) });
  }
}

if (require.main === module) {
  const app = new App();
  new SpotBatchStack(app, 'spot-batch');
  app.synth();
}
