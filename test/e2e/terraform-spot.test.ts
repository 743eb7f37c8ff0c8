/**
 * metal_spot_market_request driven by the real terraform CLI against a real metalforge cloud (simulated machines,
 * instant timings, the real spot market): apply waits for devices_min active devices and records their ids, a
 * second plan is empty, the data sources read the same request and price, a changed bid is updated in place
 * (not replaced), and destroy ends the devices.
 */
import { describeWithTerraform, startTerraformWorld, type TerraformWorld } from './terraform-harness';

jest.setTimeout(180_000);

describeWithTerraform('terraform CLI with metal_spot_market_request against a metalforge cloud', () => {
  let world: TerraformWorld;

  beforeAll(async () => {
    world = await startTerraformWorld();
    // Prices exist once a clearing round has run (the engine runs one every few seconds).
    await world.cloud.engine.spot.clear();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('applies a request for two devices, both active with their ids in the state, updates its bid in place, and destroys them', async () => {
    const dir = world.workdir('spot');
    const config = (bid: { max_bid_price: number; devices_max: number }) => `${world.header()}
resource "metal_project" "p" {
  name = "tf-spot"
}
data "metal_spot_market_price" "ny" {
  metro = "ny"
  plan  = "c3.small.x86"
}
resource "metal_spot_market_request" "workers" {
  project_id    = metal_project.p.id
  metro         = "ny"
  max_bid_price = ${bid.max_bid_price}
  devices_min   = 2
  devices_max   = ${bid.devices_max}

  instance_parameters {
    hostname         = "tf-spot"
    plan             = "c3.small.x86"
    operating_system = "ubuntu_24_04"
  }
}
data "metal_spot_market_request" "workers" {
  request_id = metal_spot_market_request.workers.id
}
output "device_ids" { value = metal_spot_market_request.workers.device_ids }
output "ipv4" { value = metal_spot_market_request.workers.devices[*].public_ipv4 }
output "read_ids" { value = data.metal_spot_market_request.workers.device_ids }
output "price" { value = data.metal_spot_market_price.ny.price }
`;
    dir.write(config({ max_bid_price: 0.45, devices_max: 2 }));
    await dir.init();
    const applied = await dir.apply();
    expect(applied.output).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');

    const { values } = (await dir.resources()).get('metal_spot_market_request.workers')!;
    const ids = values.device_ids as string[];
    expect(ids).toHaveLength(2);
    const request = await world.client.spotMarket.getRequest(String(values.id));
    expect(request.devices.map((d) => d.id)).toEqual(ids);
    for (const id of ids) expect(await world.client.devices.get(id)).toMatchObject({ state: 'active', spot_instance: true });
    expect((values.devices as { state: string }[]).map((d) => d.state)).toEqual(['active', 'active']);

    const outputs = JSON.parse(await dir.ok('output', '-json')) as Record<string, { value: unknown }>;
    expect(outputs.device_ids.value).toEqual(ids);
    expect(outputs.read_ids.value).toEqual(ids);
    expect(outputs.ipv4.value).toEqual(request.devices.map((d) => d.ip_addresses.find((a) => a.public && a.address_family === 4)!.address));
    const prices = await world.client.spotMarket.pricesByMetro({ metro: 'ny', plan: 'c3.small.x86' });
    expect(outputs.price.value).toBe(prices.ny['c3.small.x86'].price);

    // Nothing changed: an empty plan (exit code 0 with -detailed-exitcode).
    const plan = await dir.plan();
    expect([plan.code, plan.output]).toEqual([0, expect.stringContaining('No changes.')]);

    // A higher bid for one more device: updated in place, the same request keeps its devices and gains one.
    dir.write(config({ max_bid_price: 0.5, devices_max: 3 }));
    const change = await dir.plan();
    expect([change.code, change.output]).toEqual([2, expect.stringContaining('Plan: 0 to add, 1 to change, 0 to destroy.')]);
    expect(change.output).toContain('metal_spot_market_request.workers will be updated in-place');
    expect((await dir.apply()).output).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');
    const updated = (await dir.resources()).get('metal_spot_market_request.workers')!.values;
    expect(updated).toMatchObject({ id: values.id, max_bid_price: 0.5, devices_max: 3 });
    const grown = updated.device_ids as string[];
    expect(grown).toHaveLength(3);
    expect(grown).toEqual(expect.arrayContaining(ids));
    expect(await world.client.spotMarket.getRequest(String(values.id))).toMatchObject({
      max_bid_price: 0.5,
      devices_max: 3,
      filled_total: 3,
    });
    const converged = await dir.plan();
    expect([converged.code, converged.output]).toEqual([0, expect.stringContaining('No changes.')]);

    await dir.ok('destroy', '-auto-approve', '-input=false');
    for (const id of [...ids, ...grown]) await expect(world.client.devices.get(id)).rejects.toMatchObject({ code: 'not_found' });
    // The project went too, taking the closed request with it.
    await expect(world.client.spotMarket.getRequest(String(values.id))).rejects.toMatchObject({ code: 'not_found' });
  });
  // Arithmetic on a number from another value (here the market price) gives Terraform numbers beyond float64: they
  // must come back unchanged from plan and apply, or Terraform rejects the plan, the result, or replans forever.
  it.each([
    ['* 2', 2],
    ['* 3', 3],
    ['* 4', 4],
    ['* 1.1', 1.1],
    ['', 1],
  ])('applies a bid computed as the market price %s, then plans no changes and destroys', async (expression, factor) => {
    const dir = world.workdir(`spot-computed-${Math.round(factor * 10)}`);
    dir.write(`${world.header()}
resource "metal_project" "p" {
  name = "tf-spot-computed"
}
data "metal_spot_market_price" "ny" {
  metro = "ny"
  plan  = "c3.small.x86"
}
resource "metal_spot_market_request" "bid" {
  project_id    = metal_project.p.id
  metro         = "ny"
  max_bid_price = data.metal_spot_market_price.ny.price ${expression}
  devices_min   = 1
  devices_max   = 1

  instance_parameters {
    hostname         = "tf-spot-computed"
    plan             = "c3.small.x86"
    operating_system = "ubuntu_24_04"
  }
}
`);
    await dir.init();
    const applied = await dir.apply();
    expect([applied.code, applied.output]).toEqual([
      0,
      expect.stringContaining('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.'),
    ]);
    const { values } = (await dir.resources()).get('metal_spot_market_request.bid')!;
    const price = (await world.client.spotMarket.pricesByMetro({ metro: 'ny', plan: 'c3.small.x86' })).ny['c3.small.x86'].price;
    expect(values.max_bid_price).toBeCloseTo(price * factor, 12);
    expect((await world.client.spotMarket.getRequest(String(values.id))).max_bid_price).toBeCloseTo(price * factor, 12);

    const plan = await dir.plan();
    expect([plan.code, plan.output]).toEqual([0, expect.stringContaining('No changes.')]);

    await dir.ok('destroy', '-auto-approve', '-input=false');
    await expect(world.client.spotMarket.getRequest(String(values.id))).rejects.toMatchObject({ code: 'not_found' });
  });
});
