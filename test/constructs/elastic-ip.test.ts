import './setup-cdktf';
import { Testing } from 'cdktf';
import { IpAttachment } from '../../lib/gen/providers/metal/ip-attachment';
import { ReservedIpBlock as ReservedIpBlockL1 } from '../../lib/gen/providers/metal/reserved-ip-block';
import { BareMetalDevice, ElasticIp } from '../../lib/constructs';
import { expectProblems, stackWithProject, synthObject } from './helpers';

describe('ElasticIp', () => {
  test("reserves one address in the device's metro and attaches it to the device", () => {
    const { stack, project } = stackWithProject();
    const web = new BareMetalDevice(stack, 'web', { project, metro: 'da' });
    const vip = new ElasticIp(stack, 'vip', { project, device: web, description: 'web VIP', tags: ['web'] });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(ReservedIpBlockL1, {
      type: 'public_ipv4',
      quantity: 1,
      metro: 'da',
      description: 'web VIP',
      tags: ['web'],
    });
    expect(Object.values(synthObject(stack).resource.metal_ip_attachment)).toEqual([
      {
        device_id: expect.stringMatching(/^\$\{metal_device\.web_device_[0-9A-F]+\.id\}$/),
        cidr_notation: expect.stringMatching(/^\$\{metal_reserved_ip_block\.vip_block_[0-9A-F]+\.cidr_notation\}$/),
      },
    ]);
    expect([vip.address, vip.cidrNotation, vip.attachmentId].every((t) => t.startsWith('${TfToken['))).toBe(true);
    expect(synth).toMatchSnapshot();
  });

  test('moving it to another device changes only the attachment: the reservation, and so the address, stay', () => {
    const synthWith = (holder: 'a' | 'b') => {
      const { stack, project } = stackWithProject();
      const devices = {
        a: new BareMetalDevice(stack, 'a', { project, metro: 'ny' }),
        b: new BareMetalDevice(stack, 'b', { project, metro: 'ny' }),
      };
      new ElasticIp(stack, 'vip', { project, device: devices[holder] });
      return synthObject(stack).resource;
    };
    const [onA, onB] = [synthWith('a'), synthWith('b')];
    expect(onB.metal_reserved_ip_block).toEqual(onA.metal_reserved_ip_block);
    const attachment = (resources: typeof onA) => Object.values(resources.metal_ip_attachment)[0];
    expect([attachment(onA).device_id, attachment(onB).device_id]).toEqual([
      expect.stringMatching(/^\$\{metal_device\.a_device_[0-9A-F]+\.id\}$/),
      expect.stringMatching(/^\$\{metal_device\.b_device_[0-9A-F]+\.id\}$/),
    ]);
    expect(attachment(onB).cidr_notation).toBe(attachment(onA).cidr_notation);
  });

  test('a global address serves any metro, so it can move between metros', () => {
    const { stack, project } = stackWithProject();
    const imported = BareMetalDevice.fromDeviceId(stack, 'far', '3f1f3e4c-0000-4000-8000-000000000002');
    new ElasticIp(stack, 'vip', { project, device: imported, global: true });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(ReservedIpBlockL1, { type: 'global_ipv4', quantity: 1 });
    expect(synth).toHaveResourceWithProperties(IpAttachment, { device_id: '3f1f3e4c-0000-4000-8000-000000000002' });
    expect(Object.values(synthObject(stack).resource.metal_reserved_ip_block)[0]).not.toHaveProperty('metro');
  });

  test("refuses a metro other than the device's, a metro with global, and an imported device without a metro", () => {
    const { stack, project } = stackWithProject();
    const web = new BareMetalDevice(stack, 'web', { project, metro: 'ny' });
    expectProblems(
      () => new ElasticIp(stack, 'wrong', { project, device: web, metro: 'da' }),
      ['metro is "da" but the device is in "ny"; an address serves its own metro only'],
    );
    expectProblems(
      () => new ElasticIp(stack, 'both', { project, device: web, metro: 'ny', global: true }),
      ['metro "ny" is set, but a global address serves every metro'],
    );
    const imported = BareMetalDevice.fromDeviceId(stack, 'far', '3f1f3e4c-0000-4000-8000-000000000002');
    expectProblems(() => new ElasticIp(stack, 'unknown', { project, device: imported }), ['metro is not set and the device is imported']);
    expectProblems(
      () => new ElasticIp(stack, 'typo', { project, device: imported, metro: 'nyc' }),
      ['ElasticIp test/typo', 'metro: unknown metro "nyc"'],
      1,
    );
    expectProblems(
      () => new ElasticIp(stack, 'two', { project, device: web, metro: 'da', tags: ['x', 'x'] }),
      ['ElasticIp test/two: 2 problems', 'metro is "da"', 'tag "x" is listed twice'],
      2,
    );
  });
});
