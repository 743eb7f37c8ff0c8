import '../constructs/setup-cdktf';
import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { Device } from '../../lib/gen/providers/metal/device';
import { Project } from '../../lib/gen/providers/metal/project';
import { ProjectSshKey } from '../../lib/gen/providers/metal/project-ssh-key';
import { DataMetalPlans } from '../../lib/gen/providers/metal/data-metal-plans';
import { AnycastEdgeStack } from '../../examples/anycast-edge/main';
import { CoreWebNyStack } from '../../examples/core-web-ny/main';
import { EdgeFleetStack } from '../../examples/edge-fleet/main';
import { GpuBoxStack } from '../../examples/gpu-box/main';
import { MultiMetroStack } from '../../examples/multi-metro/main';
import { PrivateClusterStack } from '../../examples/private-cluster/main';
import { SpotBatchStack } from '../../examples/spot-batch/main';

type Synth = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  provider: Record<string, unknown[]>;
};

const EXAMPLES: Array<[string, new (scope: Construct, id: string) => TerraformStack]> = [
  ['anycast-edge', AnycastEdgeStack],
  ['core-web-ny', CoreWebNyStack],
  ['edge-fleet', EdgeFleetStack],
  ['gpu-box', GpuBoxStack],
  ['multi-metro', MultiMetroStack],
  ['private-cluster', PrivateClusterStack],
  ['spot-batch', SpotBatchStack],
];

function synth(Stack: new (scope: Construct, id: string) => TerraformStack): { text: string; json: Synth } {
  const stack = new Stack(Testing.app(), 'example');
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) };
}

describe('examples', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'metalforge-examples-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('every example directory is covered and has a cdktf.json running main.ts', () => {
    const dirs = readdirSync(join(__dirname, '..', '..', 'examples'), { withFileTypes: true })
      // examples/ci holds CI recipes, not a stack.
      .filter((d) => d.isDirectory() && d.name !== 'ci')
      .map((d) => d.name)
      .sort();
    expect(dirs).toEqual(EXAMPLES.map(([name]) => name).sort());
    for (const dir of dirs) {
      const config = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', dir, 'cdktf.json'), 'utf8'));
      expect(config).toMatchObject({ app: 'npx tsx main.ts', language: 'typescript', terraformProviders: [] });
    }
  });

  test.each(EXAMPLES)('%s synthesizes into cdktf.out with an env-driven provider block', (name, Stack) => {
    const app = new App({ outdir, skipValidation: false });
    new Stack(app, name);
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
    expect(json.terraform.required_providers.metal).toEqual({ source: 'metalforge/metal', version: '0.1.0' });
    expect(json.provider.metal[0].auth_token).toBeUndefined();
  });

  test('core-web-ny: a project, an SSH key and three nginx devices in ny', () => {
    const { text, json } = synth(CoreWebNyStack);
    expect(text).toHaveResource(Project);
    expect(text).toHaveResource(ProjectSshKey);
    const devices = Object.values(json.resource.metal_device);
    expect(devices.map((d) => d.hostname)).toEqual(['web-1', 'web-2', 'web-3']);
    for (const d of devices) {
      expect(d).toMatchObject({ metro: 'ny', plan: 'c3.small.x86', behavior: { allow_changes: ['user_data'] } });
      expect(d.user_data).toContain('packages:\n  - nginx');
      expect(d.project_ssh_key_ids).toHaveLength(1);
    }
  });

  test('edge-fleet: devices in every edge metro, two in Chicago, c3.small.x86 in Tokyo', () => {
    const { text, json } = synth(EdgeFleetStack);
    expect(text).toHaveResourceWithProperties(Device, { metro: 'ty', plan: 'c3.small.x86' });
    const perMetro: Record<string, number> = {};
    for (const d of Object.values(json.resource.metal_device)) perMetro[d.metro as string] = (perMetro[d.metro as string] ?? 0) + 1;
    expect(perMetro).toEqual({ at: 1, ch: 2, se: 1, tr: 1, md: 1, sp: 1, sy: 1, ty: 1 });
  });

  test('gpu-box: the plan comes from a metal_plans lookup', () => {
    const { text, json } = synth(GpuBoxStack);
    expect(text).toHaveDataSource(DataMetalPlans);
    const [device] = Object.values(json.resource.metal_device);
    expect(device.plan).toMatch(/^\$\{data\.metal_plans\.gpu-plan_plans_\w+\.plans\[0\]\.slug\}$/);
    expect(device.metro).toBe('da');
  });

  test('multi-metro: two devices in each of ny, am and sg', () => {
    const { json } = synth(MultiMetroStack);
    const devices = Object.values(json.resource.metal_device);
    expect(devices.map((d) => `${d.metro}/${d.plan}`).sort()).toEqual([
      'am/m3.small.x86',
      'am/m3.small.x86',
      'ny/c3.small.x86',
      'ny/c3.small.x86',
      'sg/c3.small.x86',
      'sg/c3.small.x86',
    ]);
    expect(devices.every((d) => (d.reinstall as { enabled: boolean }).enabled)).toBe(true);
  });

  test('spot-batch: a persistent bid of 2 to 4 workers in each of ny, da and sv, and an overflow bid in the cheapest of am, fr and sg', () => {
    const { json } = synth(SpotBatchStack);
    const requests = Object.values(json.resource.metal_spot_market_request);
    const fixed = requests.filter((r) => !String(r.metro).startsWith('${'));
    expect(fixed.map((r) => r.metro).sort()).toEqual(['da', 'ny', 'sv']);
    for (const r of fixed) {
      expect(r).toMatchObject({ devices_min: 2, devices_max: 4, kind: 'persistent', max_bid_price: 0.3 });
      expect((r.instance_parameters as { hostnames: string[] }).hostnames).toEqual([1, 2, 3, 4].map((n) => `worker-${r.metro}-${n}`));
      expect((r.instance_parameters as { userdata: string }).userdata).toContain('batch-worker');
    }
    const [overflow] = requests.filter((r) => String(r.metro).startsWith('${'));
    expect(overflow).toMatchObject({ devices_min: 1, lifecycle: { ignore_changes: ['metro'] } });
    expect(
      Object.values(json.data!.metal_spot_market_price)
        .map((p) => p.metro)
        .sort(),
    ).toEqual(['am', 'fr', 'sg']);
  });

  test('anycast-edge: one global address, BGP on the project, a session per edge server, BIRD announcing the address', () => {
    const { json } = synth(AnycastEdgeStack);
    const [block] = Object.entries(json.resource.metal_reserved_ip_block);
    expect(block[1]).toMatchObject({ type: 'global_ipv4', quantity: 1 });
    expect(Object.values(json.resource.metal_project)[0].bgp_config).toEqual({ asn: 65000, deployment_type: 'local' });
    const devices = Object.entries(json.resource.metal_device);
    expect(devices.map(([, d]) => d.metro)).toEqual(['at', 'se', 'sy']);
    const address = `\${metal_reserved_ip_block.${block[0]}.address}`;
    for (const [, d] of devices) {
      expect(d.user_data).toContain(`route ${address}/32 via "lo";`);
      expect(d.user_data).toContain(`ip address add ${address}/32 dev lo`);
    }
    const sessions = Object.values(json.resource.metal_bgp_session);
    expect(sessions.map((s) => s.device_id)).toEqual(devices.map(([name]) => `\${metal_device.${name}.id}`));
    expect(sessions.every((s) => s.address_family === 'ipv4')).toBe(true);
    // The address is on every server (a global address may be, once each), so each one's metadata lists it.
    expect(Object.values(json.resource.metal_ip_attachment)).toEqual(
      devices.map(([name]) => ({
        device_id: `\${metal_device.${name}.id}`,
        cidr_notation: `\${metal_reserved_ip_block.${block[0]}.cidr_notation}`,
      })),
    );
  });

  test('private-cluster: three servers in hybrid mode on one VLAN, eth1 attached after the switch, behind a gateway', () => {
    const { json } = synth(PrivateClusterStack);
    const [vlan] = Object.entries(json.resource.metal_vlan);
    expect(vlan[1]).toMatchObject({ metro: 'ny', vxlan: 1040 });
    const devices = Object.entries(json.resource.metal_device);
    expect(devices.map(([, d]) => d.metro)).toEqual(['ny', 'ny', 'ny']);
    const types = Object.entries(json.resource.metal_device_network_type);
    expect(types.map(([, t]) => t)).toEqual(devices.map(([name]) => ({ device_id: `\${metal_device.${name}.id}`, type: 'hybrid' })));
    expect(Object.values(json.resource.metal_port_vlan_attachment)).toEqual(
      types.map(([name]) => ({
        device_id: `\${metal_device_network_type.${name}.id}`,
        port_name: 'eth1',
        vlan_vnid: `\${metal_vlan.${vlan[0]}.vxlan}`,
      })),
    );
    const [gateway] = Object.entries(json.resource.metal_gateway);
    expect(gateway[1]).toMatchObject({ vlan_id: `\${metal_vlan.${vlan[0]}.id}`, private_ipv4_subnet_size: 8 });
    // Each server takes its own address of the gateway's block on eth1 (one VLAN there is carried untagged).
    const [block] = Object.entries(json.data!.metal_reserved_ip_block);
    expect(block[1]).toEqual({ id: `\${metal_gateway.${gateway[0]}.ip_reservation_id}` });
    devices.forEach(([, d], i) => {
      expect(d.user_data).toContain(`cidrhost(data.metal_reserved_ip_block.${block[0]}.cidr_notation, ${i + 2})`);
      expect(d.user_data).toMatch(/ dev eth1\b/);
      expect(d.user_data).not.toContain('type vlan');
    });
  });
});
