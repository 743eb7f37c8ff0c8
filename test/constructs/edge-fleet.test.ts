import './setup-cdktf';
import { Testing } from 'cdktf';
import { Device } from '../../lib/gen/providers/metal/device';
import { EDGE_METRO_CODES, EdgeFleet, EdgeLocation, Metro } from '../../lib/constructs';
import { expectProblems, stackWithProject, synthObject } from './helpers';

function devices(fleet: EdgeFleet) {
  return fleet.devices.map((d) => `${d.metro}:${d.plan}:${d.node.id}`);
}

describe('EdgeFleet', () => {
  test('by default puts one t3.small.x86 in every edge metro', () => {
    const { stack, project } = stackWithProject();
    const fleet = new EdgeFleet(stack, 'cache', { project, operatingSystem: 'debian_12' });
    expect(fleet.sites.map((s) => s.location.code)).toEqual([...EDGE_METRO_CODES]);
    expect(devices(fleet)).toEqual(EDGE_METRO_CODES.map((m) => `${m}:t3.small.x86:cache-${m}-1`));
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Device, { hostname: 'cache-sy-1', metro: 'sy', operating_system: 'debian_12' });
    expect(synth).toMatchSnapshot();
  });

  test('per-site overrides change the count and the options of one site', () => {
    const { stack, project } = stackWithProject();
    const fleet = new EdgeFleet(stack, 'edge', {
      project,
      metros: ['at', EdgeLocation.of('ch'), 'ty'],
      devicesPerSite: 2,
      tags: ['edge'],
      overrides: { ch: { devices: 3 }, ty: { plan: 'c3.small.x86', tags: ['edge', 'asia'] } },
    });
    expect(fleet.sites.map((s) => [s.location.code, s.devices.length])).toEqual([
      ['at', 2],
      ['ch', 3],
      ['ty', 2],
    ]);
    const synthDevices = Object.values(synthObject(stack).resource.metal_device);
    const tokyo = synthDevices.filter((d) => d.metro === 'ty');
    expect(tokyo.map((d) => [d.plan, d.tags])).toEqual([
      ['c3.small.x86', ['edge', 'asia']],
      ['c3.small.x86', ['edge', 'asia']],
    ]);
    expect(synthDevices.filter((d) => d.metro === 'at').every((d) => d.plan === 't3.small.x86')).toBe(true);
  });

  test('near picks the N edge metros closest to the given places', () => {
    const { stack, project } = stackWithProject();
    const fleet = new EdgeFleet(stack, 'near', {
      project,
      // Pittsburgh and Buenos Aires: Toronto, Chicago, Atlanta are nearest the first; São Paulo the second.
      near: {
        points: [
          { latitude: 40.4406, longitude: -79.9959 },
          { latitude: -34.6037, longitude: -58.3816 },
        ],
        count: 4,
      },
      hostnamePrefix: 'pop',
    });
    expect(fleet.sites.map((s) => s.location.code)).toEqual(['tr', 'ch', 'at', 'sp']);
    expect(fleet.devices[0].node.id).toBe('pop-tr-1');
  });

  test('a metro is a point too: the edge metro nearest Amsterdam is Madrid', () => {
    const { stack, project } = stackWithProject();
    const fleet = new EdgeFleet(stack, 'eu', { project, near: { points: [Metro.of('am')], count: 1 } });
    expect(fleet.sites.map((s) => s.location.name)).toEqual(['Madrid']);
  });

  test('fleet problems are collected into one error', () => {
    const { stack, project } = stackWithProject();
    expectProblems(
      () =>
        new EdgeFleet(stack, 'bad', {
          project,
          metros: ['at', 'ny', 'chi', 'at'],
          devicesPerSite: 0,
          overrides: { se: { devices: 1 }, at: { devices: -1 } },
          hostnamePrefix: 'edge_',
        }),
      [
        'metros[1] "ny" (New York) is a core metro, not edge; edge metros are at, ch, se, tr, md, sp, sy, ty',
        'metros[2]: unknown metro "chi"; did you mean "ch"?',
        'metros lists "at" twice',
        'devicesPerSite is 0; it must be a whole number of 1 or more',
        'overrides names metro "se", which is not a site of this fleet',
        'overrides.at.devices is -1',
        'hostnamePrefix "edge_" makes invalid hostnames',
      ],
    );
  });

  test('near and metros together, or an impossible count, are errors', () => {
    const { stack, project } = stackWithProject();
    expectProblems(
      () => new EdgeFleet(stack, 'both', { project, metros: ['at'], near: { points: [{ latitude: 0, longitude: 0 }], count: 1 } }),
      ['both metros and near are set'],
    );
    expectProblems(
      () => new EdgeFleet(stack, 'many', { project, near: { points: [{ latitude: 95, longitude: 0 }], count: 9 } }),
      ['near.count is 9 but there are only 8 edge metros; use at most 8', 'near.points[0] (95, 0) is not a coordinate'],
    );
  });

  test('site device problems name the site', () => {
    const { stack, project } = stackWithProject();
    expectProblems(
      () => new EdgeFleet(stack, 'gpu', { project, metros: ['at', 'ch'], overrides: { ch: { plan: 'g2.large.x86' } } }),
      [
        'site ch: plan: g2.large.x86 is not offered in metro ch; plans there: c3.small.x86, t3.small.x86; metros offering g2.large.x86: am, da, ny, sv',
      ],
    );
  });
});
