/** metal_ip_attachment through the provider runtime against a real metalforge cloud. */
import { valuesEqual } from '../../../lib/provider/framework/values';
import { startRuntimeWorld, type RuntimeWorld } from './runtime-harness';

jest.setTimeout(120_000);

describe('metal_ip_attachment', () => {
  let world: RuntimeWorld;
  const errors = (diagnostics: { severity: string }[]) => diagnostics.filter((d) => d.severity === 'error');

  beforeAll(async () => {
    world = await startRuntimeWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('attaches a subnet, replaces on device_id or cidr_notation, moves between devices, imports, refuses bad input by attribute, detaches', async () => {
    const project = await world.client.projects.create({ name: 'attachments' });
    const block = await world.client.ips.reserve(project.id, { type: 'public_ipv4', quantity: 4, metro: 'ny' });
    const device = (metro: string) =>
      world.client.devices.create(project.id, { plan: 'c3.small.x86', metro, operating_system: 'ubuntu_22_04' });
    const [web1, web2, far] = [await device('ny'), await device('ny'), await device('da')];
    const subnet = `${block.network}/31`;
    const values = { device_id: web1.id, cidr_notation: subnet };

    const attached = await world.apply('metal_ip_attachment', null, values);
    expect(errors(attached.diagnostics)).toEqual([]);
    const state = attached.state!;
    expect(state).toMatchObject({
      device_id: web1.id,
      cidr_notation: subnet,
      address: block.network,
      network: block.network,
      cidr: 31,
      netmask: '255.255.255.254',
      gateway: block.gateway,
      address_family: 4,
      public: true,
      global: false,
      manageable: true,
      management: false,
    });
    const onWeb1 = await world.client.ips.listForDevice(web1.id);
    expect(onWeb1.items.filter((a) => a.id === state.id)).toEqual([expect.objectContaining({ address: block.network, cidr: 31 })]);

    // Nothing changed: refresh and plan are quiet; any change of an argument replaces the attachment.
    expect(valuesEqual((await world.refresh('metal_ip_attachment', state)).state, state)).toBe(true);
    const quiet = await world.plan('metal_ip_attachment', state, values);
    expect([quiet.requiresReplace, valuesEqual(quiet.planned, state)]).toEqual([[], true]);
    expect((await world.plan('metal_ip_attachment', state, { ...values, device_id: web2.id })).requiresReplace).toEqual([['device_id']]);
    const other = { ...values, cidr_notation: `${block.network}/32` };
    expect((await world.plan('metal_ip_attachment', state, other)).requiresReplace).toEqual([['cidr_notation']]);

    // Taken: another attachment of an overlapping subnet names the device holding it.
    const taken = await world.apply('metal_ip_attachment', null, { ...other, device_id: web2.id });
    expect(errors(taken.diagnostics)).toEqual([
      expect.objectContaining({ path: ['cidr_notation'], detail: expect.stringContaining(`assigned to device`) }),
    ]);
    expect(taken.state).toBeNull();

    // Moving (Terraform replaces: destroy, then create on the new device).
    expect((await world.apply('metal_ip_attachment', state, null)).state).toBeNull();
    const moved = await world.apply('metal_ip_attachment', null, { ...values, device_id: web2.id });
    expect(errors(moved.diagnostics)).toEqual([]);
    expect(moved.state).toMatchObject({ device_id: web2.id, cidr_notation: subnet });
    expect((await world.client.ips.listForDevice(web1.id)).items.map((a) => a.address)).not.toContain(block.network);
    expect((await world.refresh('metal_ip_attachment', state)).state).toBeNull();

    // Another metro: refused by the API, pointed at the attribute.
    const wrongMetro = await world.apply('metal_ip_attachment', null, { device_id: far.id, cidr_notation: `${block.gateway}/32` });
    expect(errors(wrongMetro.diagnostics)).toEqual([
      expect.objectContaining({ path: ['cidr_notation'], detail: expect.stringContaining('is in metro ny; the device is in metro da') }),
    ]);

    // Not a CIDR block: refused before any call.
    const invalid = await world.runtime.validateResourceConfig(
      'metal_ip_attachment',
      world.config('metal_ip_attachment', { device_id: web1.id, cidr_notation: `${block.gateway}/30` }),
    );
    expect(invalid).toEqual([
      expect.objectContaining({ severity: 'error', path: ['cidr_notation'], detail: expect.stringContaining('has host bits set') }),
    ]);

    // Import by id; an id that names a reserved block is not an attachment.
    const imported = await world.import('metal_ip_attachment', String(moved.state!.id));
    expect(errors(imported.diagnostics)).toEqual([]);
    expect(valuesEqual(imported.state, moved.state)).toBe(true);
    const notAttachment = await world.import('metal_ip_attachment', block.id);
    expect(errors(notAttachment.diagnostics)).toEqual([
      expect.objectContaining({
        summary: 'Not an IP attachment',
        path: ['id'],
        detail: expect.stringContaining('metal_reserved_ip_block'),
      }),
    ]);

    expect((await world.apply('metal_ip_attachment', moved.state, null)).state).toBeNull();
    await expect(world.client.ips.getAssignment(String(moved.state!.id))).rejects.toMatchObject({ code: 'not_found' });
    // Detached, the block can be released.
    await world.client.ips.delete(block.id);
  });
});
