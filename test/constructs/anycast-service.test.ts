import './setup-cdktf';
import { Testing } from 'cdktf';
import { BgpSession } from '../../lib/gen/providers/metal/bgp-session';
import { ReservedIpBlock as ReservedIpBlockL1 } from '../../lib/gen/providers/metal/reserved-ip-block';
import { AnycastService, BareMetalDevice, EdgeFleet, MetalProject, ReservedIpBlock } from '../../lib/constructs';
import { expectProblems, stackWithProject, synthObject } from './helpers';

const ref = (type: string, name: string) => expect.stringMatching(new RegExp(`^\\$\\{${type}\\.${name}_[0-9A-F]+\\.id\\}$`));

describe('AnycastService', () => {
  test("reserves one global address, enables the project's BGP, opens an IPv4 session per fleet device and attaches the address to the first", () => {
    const { stack, project } = stackWithProject();
    const fleet = new EdgeFleet(stack, 'dns', { project, metros: ['at', 'se', 'sy'] });
    const service = new AnycastService(stack, 'anycast', { project, fleet, bgp: { asn: 65100, md5: 'C179c28c41a85b' }, tags: ['dns'] });
    const synth = Testing.synth(stack);
    const resources = synthObject(stack).resource;
    expect(Object.values(resources.metal_project)[0].bgp_config).toEqual({ asn: 65100, deployment_type: 'local', md5: 'C179c28c41a85b' });
    expect(synth).toHaveResourceWithProperties(ReservedIpBlockL1, { type: 'global_ipv4', quantity: 1, tags: ['dns'] });
    const sessions = Object.values(resources.metal_bgp_session);
    expect(sessions).toEqual(
      ['at', 'se', 'sy'].map((metro) => ({
        device_id: ref('metal_device', `dns_dns-${metro}-1_device`),
        address_family: 'ipv4',
        // The sessions wait for the project's BGP configuration.
        depends_on: [expect.stringMatching(/^metal_project\.project_[0-9A-F]+$/)],
      })),
    );
    expect(Object.values(resources.metal_ip_attachment)).toEqual(
      ['at', 'se', 'sy'].map((metro) => ({
        device_id: ref('metal_device', `dns_dns-${metro}-1_device`),
        cidr_notation: expect.stringContaining('metal_reserved_ip_block.anycast_address_'),
      })),
    );
    expect([service.devices.length, service.sessionIds.length, service.address.startsWith('${TfToken[')]).toEqual([3, 3, true]);
    expect(synth).toMatchSnapshot();
  });

  test('announces from any devices, with default routes, when BGP is enabled elsewhere', () => {
    const { stack, project } = stackWithProject();
    const a = new BareMetalDevice(stack, 'a', { project, metro: 'ny' });
    const b = new BareMetalDevice(stack, 'b', { project, metro: 'da' });
    new AnycastService(stack, 'anycast', { project, fleet: [a, b], defaultRoute: true });
    const resources = synthObject(stack).resource;
    expect(Object.values(resources.metal_project)[0]).not.toHaveProperty('bgp_config');
    expect(Object.values(resources.metal_bgp_session)).toEqual([
      { device_id: ref('metal_device', 'a_device'), address_family: 'ipv4', default_route: true },
      { device_id: ref('metal_device', 'b_device'), address_family: 'ipv4', default_route: true },
    ]);
    expect(Object.values(resources.metal_ip_attachment).map((r) => r.device_id)).toEqual([
      ref('metal_device', 'a_device'),
      ref('metal_device', 'b_device'),
    ]);
  });

  test('collects every problem: no devices, a device twice, bad BGP options, bad tags', () => {
    const { stack, project } = stackWithProject();
    const a = new BareMetalDevice(stack, 'a', { project, metro: 'ny' });
    expectProblems(
      () =>
        new AnycastService(stack, 'bad', {
          project,
          fleet: [a, a],
          bgp: { asn: 0, md5: 'short', deploymentType: 'regional' as never },
          tags: [''],
        }),
      [
        'fleet lists "a" twice',
        'bgp.deploymentType "regional" is not a deployment type',
        'bgp.asn: 0 must be at least 1',
        'bgp.md5: the password must be 10 to 20 letters and digits',
        'tags contains an empty tag',
      ],
    );
    expectProblems(() => new AnycastService(stack, 'empty', { project, fleet: [] }), ['fleet has no devices']);
    const imported = MetalProject.fromProjectId(stack, 'theirs', '3f1f3e4c-0000-4000-8000-000000000003');
    expectProblems(
      () => new AnycastService(stack, 'foreign', { project: imported, fleet: [a], bgp: { asn: 65000 } }),
      ['bgp is set but the project is imported'],
    );
  });

  test('announces a global block reserved elsewhere, and refuses a block of another type', () => {
    const { stack, project } = stackWithProject();
    const a = new BareMetalDevice(stack, 'a', { project, metro: 'ny' });
    const address = new ReservedIpBlock(stack, 'address', { project, type: 'global_ipv4' });
    const service = new AnycastService(stack, 'anycast', { project, fleet: [a], block: address });
    expect(service.block).toBe(address);
    expect(Object.keys(synthObject(stack).resource.metal_reserved_ip_block)).toHaveLength(1);
    const local = new ReservedIpBlock(stack, 'local', { project, metro: 'ny' });
    expectProblems(
      () => new AnycastService(stack, 'wrong', { project, fleet: [a], block: local, tags: ['x'] }),
      [
        'block is a public_ipv4 block; an anycast address is served in every metro: give a global_ipv4 block',
        'description and tags describe the reservation made here; with block given, set them on that block',
      ],
    );
  });

  test("a project's BGP is set once: the same options again are fine, others are an error", () => {
    const { stack, project } = stackWithProject();
    const a = new BareMetalDevice(stack, 'a', { project, metro: 'ny' });
    new AnycastService(stack, 'one', { project, fleet: [a], bgp: { asn: 65000 } });
    new AnycastService(stack, 'two', { project, fleet: [a], bgp: { asn: 65000, deploymentType: 'local' } });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(BgpSession, { address_family: 'ipv4' });
    expectProblems(
      () => new AnycastService(stack, 'three', { project, fleet: [a], bgp: { asn: 65001 } }),
      ['bgp is already enabled (local, ASN 65000)'],
    );
  });
});
