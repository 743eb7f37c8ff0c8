import './setup-cdktf';
import { TerraformVariable, Testing } from 'cdktf';
import { Device } from '../../lib/gen/providers/metal/device';
import { DataMetalDevice } from '../../lib/gen/providers/metal/data-metal-device';
import { BareMetalDevice, HardwarePlan, Metro, ProjectSshKey, UserData } from '../../lib/constructs';
import { expectProblems, resolved, stackWithProject, synthObject } from './helpers';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop';

describe('BareMetalDevice', () => {
  test('defaults: hostname from the id, c3.small.x86, ubuntu_24_04, hourly', () => {
    const { stack, project } = stackWithProject();
    const device = new BareMetalDevice(stack, 'Web_01', { project, metro: 'ny' });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Device, {
      hostname: 'web-01',
      plan: 'c3.small.x86',
      operating_system: 'ubuntu_24_04',
      billing_cycle: 'hourly',
      metro: 'ny',
    });
    expect(synth).toMatchSnapshot();
    expect(resolved(stack, device.accessPublicIpv4)).toMatch(/^\$\{metal_device\.Web_01_device_\w+\.access_public_ipv4\}$/);
    expect(resolved(stack, device.deviceId)).toMatch(/^\$\{metal_device\.Web_01_device_\w+\.id\}$/);
  });

  test('maps user data, custom data, ssh keys, reinstall behaviour and timeouts', () => {
    const { stack, project } = stackWithProject();
    const projectKey = new ProjectSshKey(stack, 'deploy', { project, publicKey: KEY });
    const userKey = ProjectSshKey.fromSshKeyId(stack, 'mine', 'user-key-id', 'user');
    new BareMetalDevice(stack, 'db', {
      project,
      metro: Metro.of('am'),
      plan: 'm3.large.x86',
      operatingSystem: 'debian_12',
      userData: UserData.cloudConfig({ packages: ['postgresql'] }),
      customData: { role: 'primary' },
      sshKeys: [projectKey, userKey],
      tags: ['db'],
      allowChanges: ['user_data', 'custom_data'],
      reinstall: { preserveData: true },
      timeouts: { create: '45m' },
    });
    const device = Object.values(synthObject(stack).resource.metal_device)[0];
    expect(device.user_data).toBe('#cloud-config\npackages:\n  - postgresql\n');
    expect(JSON.parse(device.custom_data as string)).toEqual({ role: 'primary' });
    expect(device.project_ssh_key_ids).toEqual([expect.stringMatching(/^\$\{metal_project_ssh_key\.deploy_key_\w+\.id\}$/)]);
    expect(device.user_ssh_key_ids).toEqual(['user-key-id']);
    expect(device.behavior).toEqual({ allow_changes: ['user_data', 'custom_data'] });
    expect(device.reinstall).toEqual({ enabled: true, preserve_data: true });
    expect(device.timeouts).toEqual({ create: '45m' });
  });

  test('a HardwarePlan supplies the plan slug at deploy time', () => {
    const { stack, project } = stackWithProject();
    const plan = new HardwarePlan(stack, 'plan', { minCores: 16, availableInMetro: 'ny' });
    new BareMetalDevice(stack, 'big', { project, metro: 'ny', plan });
    const device = Object.values(synthObject(stack).resource.metal_device)[0];
    expect(device.plan).toMatch(/^\$\{data\.metal_plans\.plan_plans_\w+\.plans\[0\]\.slug\}$/);
  });

  test('fromDeviceId reads the device through the metal_device data source', () => {
    const { stack } = stackWithProject();
    const device = BareMetalDevice.fromDeviceId(stack, 'existing', 'a7d2e1b0-0000-4000-8000-000000000001');
    expect(Testing.synth(stack)).toHaveDataSourceWithProperties(DataMetalDevice, {
      device_id: 'a7d2e1b0-0000-4000-8000-000000000001',
    });
    expect(device.deviceId).toBe('a7d2e1b0-0000-4000-8000-000000000001');
    expect(resolved(stack, device.accessPublicIpv4)).toMatch(/^\$\{data\.metal_device\.existing_device_\w+\.access_public_ipv4\}$/);
  });

  test('collects every problem into one error with the bad values and fixes', () => {
    const { stack, project } = stackWithProject();
    const error = expectProblems(
      () =>
        new BareMetalDevice(stack, 'bad', {
          project,
          hostname: 'web_1.example',
          metro: 'nyc',
          plan: 'c3.smal.x86',
          operatingSystem: 'ubuntu_2204',
          billingCycle: 'weekly' as never,
          tags: ['web', 'web', ''],
          customData: '{not json',
          timeouts: { create: '30 minutes' },
        }),
      [
        'hostname "web_1.example" has label "web_1"',
        'e.g. "web-1.example"',
        'metro: unknown metro "nyc"; did you mean "ny"?',
        'plan: unknown plan "c3.smal.x86"; did you mean "c3.small.x86"',
        'operatingSystem: unknown operating system "ubuntu_2204"; did you mean "ubuntu_22_04"',
        'billingCycle "weekly" is not a billing cycle',
        'tag "web" is listed twice',
        'tags contains an empty tag',
        'customData "{not json" is not JSON',
        'timeouts.create "30 minutes" is not a duration; use e.g. "45m"',
      ],
      9,
    );
    expect(error.message).toMatch(/^BareMetalDevice test\/bad: 9 problems:/);
  });

  test.each([
    ['a label longer than 63 characters', { hostname: `${'a'.repeat(64)}.example` }, 'has a label of 64 characters (at most 63 per label)'],
    [
      'a plan not offered in the metro',
      { plan: 'g2.large.x86', metro: 'fr' },
      'plan: g2.large.x86 is not offered in metro fr; plans there: c3.medium.x86, c3.small.x86',
    ],
    [
      'an OS not provisionable on the plan',
      { operatingSystem: 'windows_2022' },
      'operatingSystem: windows_2022 cannot be installed on plan c3.small.x86; it runs on c3.medium.x86',
    ],
    ['custom_ipxe without a script URL', { operatingSystem: 'custom_ipxe' }, 'operatingSystem "custom_ipxe" needs ipxeScriptUrl'],
    ['alwaysPxe without a script URL', { alwaysPxe: true }, 'alwaysPxe needs ipxeScriptUrl'],
    ['an ipxe URL that is not http', { ipxeScriptUrl: 'ftp://boot/x.ipxe' }, 'ipxeScriptUrl "ftp://boot/x.ipxe" is not an http(s) URL'],
    [
      'a reinstall-incapable attribute in allowChanges',
      { allowChanges: ['plan'] },
      'allowChanges lists "plan", which cannot change in place; allowed: user_data, custom_data, operating_system',
    ],
  ])('rejects %s', (_what, props, fragment) => {
    const { stack, project } = stackWithProject();
    expectProblems(() => new BareMetalDevice(stack, 'd', { project, metro: 'ny', ...(props as object) }), [fragment]);
  });

  test('rejects a HardwarePlan chosen for another metro', () => {
    const { stack, project } = stackWithProject();
    const plan = new HardwarePlan(stack, 'plan', { availableInMetro: 'am' });
    expectProblems(
      () => new BareMetalDevice(stack, 'd', { project, metro: 'ny', plan }),
      ['the HardwarePlan was chosen for metro "am" but the device is in "ny"; set the plan\'s availableInMetro to "ny"'],
    );
  });

  test('skips values known only at deploy time', () => {
    const { stack, project } = stackWithProject();
    const hostname = new TerraformVariable(stack, 'hostname', { type: 'string' });
    const metro = new TerraformVariable(stack, 'metro', { type: 'string' });
    new BareMetalDevice(stack, 'd', { project, hostname: hostname.stringValue, metro: metro.stringValue, plan: 'g2.large.x86' });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Device, { hostname: '${var.hostname}', metro: '${var.metro}' });
  });

  test('context metalforge:catalog=none turns catalog checks off but keeps shape checks', () => {
    const { stack, project } = stackWithProject({ 'metalforge:catalog': 'none' });
    new BareMetalDevice(stack, 'custom', { project, metro: 'zz', plan: 'x9.custom', operatingSystem: 'my_os' });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Device, { metro: 'zz', plan: 'x9.custom' });
    expectProblems(() => new BareMetalDevice(stack, 'bad', { project, metro: 'zz', hostname: '-x' }), ['hostname "-x"']);
  });
});
