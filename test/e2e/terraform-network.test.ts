/**
 * Reserved IP blocks and BGP driven by the real terraform CLI against a real metalforge cloud: a project with
 * bgp_config, a public IPv4 block in ny and a global IPv4 address, a device with a BGP session and its neighbors
 * data source. Apply, a quiet second plan, a tag change in place, and a destroy that releases the blocks before the
 * project goes. Then an elastic IP (metal_ip_attachment) moved from one device to another by changing device_id.
 */
import { describeWithTerraform, startTerraformWorld, type TerraformWorld } from './terraform-harness';

jest.setTimeout(300_000);

describeWithTerraform('terraform CLI with reserved IP blocks and BGP against a metalforge cloud', () => {
  let world: TerraformWorld;

  beforeAll(async () => {
    world = await startTerraformWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('applies blocks, BGP and a session, plans no changes, updates tags in place and destroys everything', async () => {
    const dir = world.workdir('network');
    const config = (tags: string) => `${world.header()}
resource "metal_project" "p" {
  name = "tf-network"
  bgp_config {
    deployment_type = "local"
    asn             = 65000
    md5             = "C179c28c41a85b"
  }
}
resource "metal_reserved_ip_block" "elastic" {
  project_id  = metal_project.p.id
  type        = "public_ipv4"
  metro       = "ny"
  quantity    = 4
  description = "elastic"
  tags        = ${tags}
  custom_data = jsonencode({ owner = "web" })
}
resource "metal_reserved_ip_block" "anycast" {
  project_id = metal_project.p.id
  type       = "global_ipv4"
  quantity   = 1
}
resource "metal_device" "router" {
  project_id       = metal_project.p.id
  hostname         = "tf-router"
  metro            = "ny"
  plan             = "c3.small.x86"
  operating_system = "ubuntu_24_04"
}
resource "metal_bgp_session" "v4" {
  device_id      = metal_device.router.id
  address_family = "ipv4"
}
data "metal_device_bgp_neighbors" "router" {
  device_id = metal_bgp_session.v4.device_id
}
output "elastic_cidr" { value = metal_reserved_ip_block.elastic.cidr_notation }
output "anycast" { value = metal_reserved_ip_block.anycast.address }
output "neighbors" {
  value     = data.metal_device_bgp_neighbors.router.bgp_neighbors
  sensitive = true
}
`;
    dir.write(config('["a"]'));
    await dir.init();
    const applied = await dir.apply();
    expect(applied.output).toContain('Apply complete! Resources: 5 added, 0 changed, 0 destroyed.');

    const resources = await dir.resources();
    const project = resources.get('metal_project.p')!.values;
    expect(project.bgp_config).toEqual([
      { deployment_type: 'local', asn: 65000, md5: 'C179c28c41a85b', status: 'enabled', max_prefix: expect.any(Number) },
    ]);
    expect(await world.client.bgp.config(String(project.id))).toMatchObject({ deployment_type: 'local', asn: 65000 });

    const elastic = resources.get('metal_reserved_ip_block.elastic')!.values;
    expect(elastic).toMatchObject({ type: 'public_ipv4', metro: 'ny', quantity: 4, cidr: 30, public: true, global: false, tags: ['a'] });
    expect(await world.client.ips.get(String(elastic.id))).toMatchObject({
      details: 'elastic',
      tags: ['a'],
      customdata: { owner: 'web' },
      metro: { code: 'ny' },
    });
    const anycast = resources.get('metal_reserved_ip_block.anycast')!.values;
    expect(anycast).toMatchObject({ type: 'global_ipv4', metro: null, quantity: 1, cidr: 32, global: true });

    const session = resources.get('metal_bgp_session.v4')!.values;
    const device = resources.get('metal_device.router')!.values;
    expect(session).toMatchObject({ device_id: device.id, address_family: 'ipv4', default_route: null });
    expect(await world.client.bgp.getSession(String(session.id))).toMatchObject({ address_family: 'ipv4' });

    const outputs = JSON.parse(await dir.ok('output', '-json')) as Record<string, { value: unknown }>;
    expect(outputs.elastic_cidr.value).toBe(`${String(elastic.network)}/30`);
    expect(outputs.anycast.value).toBe(anycast.address);
    expect(outputs.neighbors.value).toEqual([
      expect.objectContaining({ address_family: 4, customer_as: 65000, md5_enabled: true, md5_password: 'C179c28c41a85b' }),
    ]);

    const quiet = await dir.plan();
    expect([quiet.code, quiet.output]).toEqual([0, expect.stringContaining('No changes.')]);

    // New tags: the block is updated in place, same id and addresses.
    dir.write(config('["a", "b"]'));
    const change = await dir.plan();
    expect([change.code, change.output]).toEqual([2, expect.stringContaining('Plan: 0 to add, 1 to change, 0 to destroy.')]);
    expect(change.output).toContain('metal_reserved_ip_block.elastic will be updated in-place');
    expect((await dir.apply()).output).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');
    expect(await world.client.ips.get(String(elastic.id))).toMatchObject({ tags: ['a', 'b'], network: elastic.network });
    const converged = await dir.plan();
    expect([converged.code, converged.output]).toEqual([0, expect.stringContaining('No changes.')]);

    // Forgotten and imported again by id: the same state, so still no changes.
    for (const [address, id] of [
      ['metal_reserved_ip_block.elastic', elastic.id],
      ['metal_bgp_session.v4', session.id],
      ['metal_project.p', project.id],
    ] as const) {
      await dir.ok('state', 'rm', address);
      await dir.ok('import', '-input=false', address, String(id));
    }
    const reimported = await dir.plan();
    expect([reimported.code, reimported.output]).toEqual([0, expect.stringContaining('No changes.')]);

    // Destroy: the session, blocks and device go before the project, whose delete then succeeds.
    await dir.ok('destroy', '-auto-approve', '-input=false');
    await expect(world.client.bgp.getSession(String(session.id))).rejects.toMatchObject({ code: 'not_found' });
    for (const id of [elastic.id, anycast.id]) await expect(world.client.ips.get(String(id))).rejects.toMatchObject({ code: 'not_found' });
    await expect(world.client.projects.get(String(project.id))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('attaches a subnet of a reserved block to a device, moves it to another by replacing the attachment, and destroys', async () => {
    const dir = world.workdir('attachment');
    const config = (holder: string) => `${world.header()}
resource "metal_project" "p" {
  name = "tf-attachment"
}
resource "metal_reserved_ip_block" "elastic" {
  project_id = metal_project.p.id
  metro      = "ny"
  quantity   = 2
}
resource "metal_device" "web" {
  for_each         = toset(["a", "b"])
  project_id       = metal_project.p.id
  hostname         = "tf-web-\${each.key}"
  metro            = "ny"
  plan             = "c3.small.x86"
  operating_system = "ubuntu_24_04"
}
resource "metal_ip_attachment" "vip" {
  device_id     = metal_device.web["${holder}"].id
  cidr_notation = "\${cidrhost(metal_reserved_ip_block.elastic.cidr_notation, 0)}/32"
}
output "vip" { value = metal_ip_attachment.vip.address }
`;
    dir.write(config('a'));
    await dir.init();
    expect((await dir.apply()).output).toContain('Apply complete! Resources: 5 added, 0 changed, 0 destroyed.');
    let resources = await dir.resources();
    const block = resources.get('metal_reserved_ip_block.elastic')!.values;
    const [a, b] = ['a', 'b'].map((k) => String(resources.get(`metal_device.web["${k}"]`)!.values.id));
    const attached = resources.get('metal_ip_attachment.vip')!.values;
    expect(attached).toMatchObject({
      device_id: a,
      cidr_notation: `${String(block.network)}/32`,
      address: block.network,
      cidr: 32,
      netmask: '255.255.255.255',
      public: true,
      global: false,
      management: false,
    });
    const holderOf = async (address: unknown) => {
      const held = await Promise.all([a, b].map(async (id) => (await world.client.ips.listForDevice(id)).items.map((i) => i.address)));
      return [a, b].filter((_, i) => held[i].includes(String(address)));
    };
    expect(await holderOf(block.network)).toEqual([a]);
    const quiet = await dir.plan();
    expect([quiet.code, quiet.output]).toEqual([0, expect.stringContaining('No changes.')]);

    // Moving the address: device_id changes, so the attachment is replaced (destroyed on a, created on b).
    dir.write(config('b'));
    const move = await dir.plan();
    expect([move.code, move.output]).toEqual([2, expect.stringContaining('Plan: 1 to add, 0 to change, 1 to destroy.')]);
    expect(move.output).toContain('metal_ip_attachment.vip must be replaced');
    expect(move.output).toMatch(/device_id += "[^"]+" -> "[^"]+" # forces replacement/);
    expect((await dir.apply()).output).toContain('Apply complete! Resources: 1 added, 0 changed, 1 destroyed.');
    resources = await dir.resources();
    const moved = resources.get('metal_ip_attachment.vip')!.values;
    expect(moved).toMatchObject({ device_id: b, address: block.network });
    expect(moved.id).not.toBe(attached.id);
    expect(await holderOf(block.network)).toEqual([b]);
    await expect(world.client.ips.getAssignment(String(attached.id))).rejects.toMatchObject({ code: 'not_found' });

    // Forgotten and imported again by id: still no changes.
    await dir.ok('state', 'rm', 'metal_ip_attachment.vip');
    await dir.ok('import', '-input=false', 'metal_ip_attachment.vip', String(moved.id));
    const reimported = await dir.plan();
    expect([reimported.code, reimported.output]).toEqual([0, expect.stringContaining('No changes.')]);

    // Destroy: the attachment goes before its block and device, so the block's release succeeds.
    await dir.ok('destroy', '-auto-approve', '-input=false');
    await expect(world.client.ips.getAssignment(String(moved.id))).rejects.toMatchObject({ code: 'not_found' });
    await expect(world.client.ips.get(String(block.id))).rejects.toMatchObject({ code: 'not_found' });
  });
});
