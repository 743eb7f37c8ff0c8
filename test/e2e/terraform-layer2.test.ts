/**
 * VLANs and ports driven by the real terraform CLI against a real metalforge cloud: a VLAN, a device switched to
 * hybrid with the VLAN on eth1 (metal_device_network_type, metal_port_vlan_attachment), another device's bond0 in
 * layer 2 carrying the VLAN by number (metal_port), the VLAN, port data sources. Apply, a quiet second plan, the
 * native VLAN changed in place, import, and a destroy that detaches before the VLAN goes. Then a PrivateNetwork
 * construct synthesized by cdktf and applied by terraform.
 */
import '../constructs/setup-cdktf';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { BareMetalDevice, MetalProject, MetalProvider, PrivateNetwork } from '../../lib/constructs';
import { describeWithTerraform, startTerraformWorld, type TerraformWorld } from './terraform-harness';

jest.setTimeout(300_000);

describeWithTerraform('terraform CLI with VLANs and ports against a metalforge cloud', () => {
  let world: TerraformWorld;

  beforeAll(async () => {
    world = await startTerraformWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('applies a VLAN on a hybrid eth1 and a layer 2 bond0, plans no changes, sets the native VLAN in place, imports and destroys', async () => {
    const dir = world.workdir('layer2');
    const config = (native: boolean) => `${world.header()}
resource "metal_project" "p" {
  name = "tf-layer2"
}
resource "metal_vlan" "backend" {
  project_id  = metal_project.p.id
  metro       = "ny"
  vxlan       = 1040
  description = "backend"
}
resource "metal_device" "db" {
  project_id       = metal_project.p.id
  hostname         = "tf-db"
  metro            = "ny"
  plan             = "c3.small.x86"
  operating_system = "ubuntu_24_04"
}
resource "metal_device" "l2" {
  project_id       = metal_project.p.id
  hostname         = "tf-l2"
  metro            = "ny"
  plan             = "c3.small.x86"
  operating_system = "ubuntu_24_04"
}
resource "metal_device_network_type" "db" {
  device_id = metal_device.db.id
  type      = "hybrid"
}
resource "metal_port_vlan_attachment" "db" {
  device_id = metal_device_network_type.db.id
  port_name = "eth1"
  vlan_vnid = metal_vlan.backend.vxlan
  native    = ${native}
}
data "metal_port" "l2_bond" {
  device_id = metal_device.l2.id
  name      = "bond0"
}
resource "metal_port" "l2_bond" {
  port_id         = data.metal_port.l2_bond.id
  bonded          = true
  layer2          = true
  vxlan_ids       = [metal_vlan.backend.vxlan]
  reset_on_delete = true
}
data "metal_vlan" "backend" {
  project_id = metal_project.p.id
  metro      = "ny"
  vxlan      = metal_vlan.backend.vxlan
  depends_on = [metal_port_vlan_attachment.db, metal_port.l2_bond]
}
output "members" { value = data.metal_vlan.backend.assigned_devices_ids }
`;
    dir.write(config(false));
    await dir.init();
    const applied = await dir.apply();
    expect(applied.output).toContain('Apply complete! Resources: 7 added, 0 changed, 0 destroyed.');

    const resources = await dir.resources();
    const vlan = resources.get('metal_vlan.backend')!.values;
    const db = resources.get('metal_device.db')!.values;
    const l2 = resources.get('metal_device.l2')!.values;
    expect(await world.client.devices.get(String(db.id))).toMatchObject({ network_type: 'hybrid' });
    const attachment = resources.get('metal_port_vlan_attachment.db')!.values;
    const eth1 = await world.client.ports.get(String(attachment.port_id));
    expect([eth1.name, eth1.virtual_networks.map((v) => v.id), eth1.native_virtual_network]).toEqual(['eth1', [vlan.id], null]);
    const bond = resources.get('metal_port.l2_bond')!.values;
    expect(bond).toMatchObject({ name: 'bond0', network_type: 'layer2-bonded', vlan_ids: [vlan.id], vxlan_ids: [1040] });
    const outputs = JSON.parse(await dir.ok('output', '-json')) as Record<string, { value: unknown }>;
    expect((outputs.members.value as string[]).slice().sort()).toEqual([String(db.id), String(l2.id)].sort());

    const quiet = await dir.plan();
    expect([quiet.code, quiet.output]).toEqual([0, expect.stringContaining('No changes.')]);

    // The native VLAN changes in place: the same attachment.
    dir.write(config(true));
    const change = await dir.plan();
    expect([change.code, change.output]).toEqual([2, expect.stringContaining('Plan: 0 to add, 1 to change, 0 to destroy.')]);
    expect((await dir.apply()).output).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');
    expect((await world.client.ports.get(String(attachment.port_id))).native_virtual_network).toMatchObject({ id: vlan.id });

    // Forgotten and imported again: the same state, so still no changes.
    for (const [address, id] of [
      ['metal_vlan.backend', vlan.id],
      ['metal_device_network_type.db', db.id],
      ['metal_port_vlan_attachment.db', `${String(db.id)}:eth1:1040`],
    ] as const) {
      await dir.ok('state', 'rm', address);
      await dir.ok('import', '-input=false', address, String(id));
    }
    const reimported = await dir.plan();
    expect([reimported.code, reimported.output]).toEqual([0, expect.stringContaining('No changes.')]);

    // Destroy: the ports let go of the VLAN (bond0 reset to layer 3) before it is deleted.
    await dir.ok('destroy', '-auto-approve', '-input=false');
    await expect(world.client.vlans.get(String(vlan.id))).rejects.toMatchObject({ code: 'not_found' });
    await expect(world.client.projects.get(String(resources.get('metal_project.p')!.values.id))).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('a PrivateNetwork synthesized by cdktf deploys: both servers hybrid with eth1 on the VLAN, a quiet second plan, destroy', async () => {
    const stack = new TerraformStack(Testing.app(), 'private');
    new MetalProvider(stack, 'metal', { apiUrl: world.apiUrl, authToken: world.token });
    const project = new MetalProject(stack, 'project', { name: 'tf-private-network' });
    const servers = ['a', 'b'].map((name) => new BareMetalDevice(stack, name, { project, metro: 'ny' }));
    new PrivateNetwork(stack, 'net', { project, metro: 'ny', vxlan: 1100, devices: servers });
    const dir = world.workdir('private-network');
    writeFileSync(join(dir.dir, 'main.tf.json'), Testing.synth(stack));
    await dir.init();
    const applied = await dir.apply();
    expect([applied.code, applied.output]).toEqual([0, expect.stringContaining('Apply complete! Resources: 8 added')]);

    const resources = [...(await dir.resources()).entries()];
    const vlan = resources.find(([address]) => address.startsWith('metal_vlan.'))![1].values;
    expect(vlan).toMatchObject({ vxlan: 1100, metro: 'ny' });
    const devices = resources.filter(([address]) => address.startsWith('metal_device.')).map(([, r]) => String(r.values.id));
    expect(devices).toHaveLength(2);
    for (const id of devices) {
      const device = await world.client.devices.get(id);
      expect(device.network_type).toBe('hybrid');
      const eth1 = device.network_ports.find((p) => p.name === 'eth1')!;
      expect((await world.client.ports.get(eth1.id)).virtual_networks.map((v) => v.id)).toEqual([vlan.id]);
    }
    const quiet = await dir.plan();
    expect([quiet.code, quiet.output]).toEqual([0, expect.stringContaining('No changes.')]);

    await dir.ok('destroy', '-auto-approve', '-input=false');
    await expect(world.client.vlans.get(String(vlan.id))).rejects.toMatchObject({ code: 'not_found' });
  });
});
