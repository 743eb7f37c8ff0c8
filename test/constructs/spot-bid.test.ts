import './setup-cdktf';
import { TerraformVariable, Testing } from 'cdktf';
import { SpotMarketRequest } from '../../lib/gen/providers/metal/spot-market-request';
import { DataMetalSpotMarketPrice } from '../../lib/gen/providers/metal/data-metal-spot-market-price';
import { Metro, ProjectSshKey, SpotBid, spotHostnames, UserData } from '../../lib/constructs';
import { expectProblems, resolved, stackWithProject, synthObject } from './helpers';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop';

describe('SpotBid', () => {
  test('defaults: one persistent device, hostnames from the id, ubuntu_24_04; typed outputs', () => {
    const { stack, project } = stackWithProject();
    const bid = new SpotBid(stack, 'Batch', { project, plan: 'c3.small.x86', metro: 'ny', maxBidPrice: 0.3, devicesMin: 2, devicesMax: 3 });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(SpotMarketRequest, {
      metro: 'ny',
      max_bid_price: 0.3,
      devices_min: 2,
      devices_max: 3,
      kind: 'persistent',
      instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostnames: ['batch-1', 'batch-2', 'batch-3'] },
    });
    expect(synth).not.toHaveDataSource(DataMetalSpotMarketPrice);
    expect(synth).toMatchSnapshot();
    expect(resolved(stack, bid.requestId)).toMatch(/^\$\{metal_spot_market_request\.Batch_request_\w+\.id\}$/);
    expect(resolved(stack, bid.deviceIds)).toMatch(/^\$\{metal_spot_market_request\.Batch_request_\w+\.device_ids\}$/);
    expect(resolved(stack, bid.devices.get(0).publicIpv4)).toMatch(
      /^\$\{metal_spot_market_request\.Batch_request_\w+\.devices\[0\]\.public_ipv4\}$/,
    );
    expect(bid.metro).toBe('ny');
  });

  test('maps instance parameters, type, endAt and the create timeout', () => {
    const { stack, project } = stackWithProject();
    const key = new ProjectSshKey(stack, 'deploy', { project, publicKey: KEY });
    new SpotBid(stack, 'render', {
      project,
      plan: 'm3.small.x86',
      metro: Metro.of('am'),
      maxBidPrice: 0.8,
      type: 'one-time',
      endAt: '2099-06-01T00:00:00Z',
      createTimeout: '45m',
      instanceParameters: {
        hostname: 'frame-{{index}}.render',
        operatingSystem: 'debian_12',
        userData: UserData.cloudConfig({ packages: ['blender'] }),
        customData: { queue: 'frames' },
        sshKeys: [key, ProjectSshKey.fromSshKeyId(stack, 'mine', 'user-key-id', 'user')],
        tags: ['render'],
        locked: true,
      },
    });
    const request = Object.values(synthObject(stack).resource.metal_spot_market_request)[0];
    expect(request).toMatchObject({ kind: 'one_time', end_at: '2099-06-01T00:00:00Z', timeouts: { create: '45m' }, metro: 'am' });
    const params = request.instance_parameters as Record<string, unknown>;
    expect(params).toMatchObject({
      hostnames: ['frame-1.render'],
      operating_system: 'debian_12',
      userdata: '#cloud-config\npackages:\n  - blender\n',
      tags: ['render'],
      locked: true,
      user_ssh_keys: ['user-key-id'],
    });
    expect(JSON.parse(params.customdata as string)).toEqual({ queue: 'frames' });
    expect(params.project_ssh_keys).toEqual([expect.stringMatching(/^\$\{metal_project_ssh_key\.deploy_key_\w+\.id\}$/)]);
  });

  test('with several metros, bids in the one with the lowest spot price when placed, and never moves', () => {
    const { stack, project } = stackWithProject();
    const bid = new SpotBid(stack, 'spread', { project, plan: 'c3.small.x86', metros: ['ny', 'da', Metro.of('sv')], maxBidPrice: 0.3 });
    const json = synthObject(stack);
    const prices = json.data.metal_spot_market_price;
    const byMetro = new Map(Object.entries(prices).map(([name, p]) => [p.metro, { name, plan: p.plan }]));
    expect([...byMetro.keys()].sort()).toEqual(['da', 'ny', 'sv']);
    expect([...byMetro.values()].every((p) => p.plan === 'c3.small.x86')).toBe(true);
    const request = Object.values(json.resource.metal_spot_market_request)[0];
    const names = ['ny', 'da', 'sv'].map((code) => `data.metal_spot_market_price.${byMetro.get(code)!.name}.price`);
    expect(request.metro).toBe(`\${element(["ny", "da", "sv"], index([${names.join(', ')}], min(${names.join(', ')})))}`);
    expect(request.lifecycle).toEqual({ ignore_changes: ['metro'] });
    expect(resolved(stack, bid.metro)).toBe(request.metro);
  });

  test('warns (without failing) about a bid above the on-demand price', () => {
    const { stack, project } = stackWithProject();
    const bid = new SpotBid(stack, 'rich', { project, plan: 'c3.small.x86', metro: 'ny', maxBidPrice: 2 });
    const warnings = (b: SpotBid) => b.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings(bid)).toEqual([expect.stringContaining('maxBidPrice 2 is above the on-demand price of c3.small.x86 (0.5)')]);
    expect(warnings(new SpotBid(stack, 'fair', { project, plan: 'c3.small.x86', metro: 'ny', maxBidPrice: 0.5 }))).toEqual([]);
    expect(Testing.synth(stack)).toHaveResource(SpotMarketRequest);
  });

  test('collects every problem into one error with the bad values and fixes', () => {
    const { stack, project } = stackWithProject();
    const error = expectProblems(
      () =>
        new SpotBid(stack, 'bad', {
          project,
          plan: 'c3.smal.x86',
          metros: ['ny', 'nyc', 'ny'],
          maxBidPrice: 0,
          devicesMin: 3,
          devicesMax: 2.5,
          endAt: '2001-01-01T00:00:00Z',
          type: 'spot' as never,
          createTimeout: 'half an hour',
          instanceParameters: { hostname: 'w_{{index}}', operatingSystem: 'ubuntu_2404' },
        }),
      [
        'metros[1]: unknown metro "nyc"; did you mean "ny"?',
        'metros lists "ny" twice; list it once',
        'devicesMax: must be an integer',
        'maxBidPrice: must be greater than 0',
        'endAt: must be in the future',
        'type "spot" is not a bid type',
        'createTimeout "half an hour" is not a duration',
        'instanceParameters.hostname "w_{{index}}" makes invalid hostnames',
        'plan: unknown plan "c3.smal.x86"; did you mean "c3.small.x86"',
        'operatingSystem: unknown operating system "ubuntu_2404"; did you mean "ubuntu_24_04"',
      ],
    );
    expect(error.message).toMatch(/^SpotBid test\/bad: 10 problems:/);
  });

  test.each([
    ['no metro', {}, 'no metro: set metro (e.g. "ny") or metros'],
    ['both metro and metros', { metro: 'ny', metros: ['da'] }, 'both metro and metros are set'],
    ['a plan not offered in the metro', { metro: 'at', plan: 'm3.large.x86' }, 'plan: m3.large.x86 is not offered in metro at'],
    [
      'an OS not provisionable on the plan',
      { metro: 'ny', instanceParameters: { operatingSystem: 'windows_2022' } },
      'operatingSystem: windows_2022 cannot be installed on plan c3.small.x86',
    ],
  ])('rejects %s', (_what, props, fragment) => {
    const { stack, project } = stackWithProject();
    expectProblems(() => new SpotBid(stack, 'b', { project, plan: 'c3.small.x86', maxBidPrice: 0.2, ...(props as object) }), [fragment]);
  });

  test('skips values known only at deploy time', () => {
    const { stack, project } = stackWithProject();
    const metro = new TerraformVariable(stack, 'metro', { type: 'string' });
    const bid = new TerraformVariable(stack, 'bid', { type: 'number' });
    new SpotBid(stack, 'b', { project, plan: 'c3.small.x86', metro: metro.stringValue, maxBidPrice: bid.numberValue });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(SpotMarketRequest, { metro: '${var.metro}', max_bid_price: '${var.bid}' });
  });

  test('spotHostnames numbers a template, appending the number when it has no {{index}}', () => {
    expect(spotHostnames('w-{{index}}.batch', 2)).toEqual(['w-1.batch', 'w-2.batch']);
    expect(spotHostnames('worker', 3)).toEqual(['worker-1', 'worker-2', 'worker-3']);
  });
});
