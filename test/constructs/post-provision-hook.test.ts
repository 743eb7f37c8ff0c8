import './setup-cdktf';
import { Testing } from 'cdktf';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { BareMetalDevice, PostProvisionHook } from '../../lib/constructs';
import { expectProblems, stackWithProject, synthObject } from './helpers';

// The hashicorp/null provider binary cannot be downloaded on these machines: the hook is tested at synth level.
describe('PostProvisionHook', () => {
  test('a null_resource triggered by the device id runs the command with the device facts', () => {
    const { stack, project } = stackWithProject();
    const device = new BareMetalDevice(stack, 'web', { project, metro: 'ny' });
    new PostProvisionHook(stack, 'register', { device, command: 'register "$DEVICE_PUBLIC_IPV4"', environment: { ZONE: 'ny' } });
    new PostProvisionHook(stack, 'notify', { device, command: 'notify', interpreter: ['/bin/bash', '-c'], triggers: { v: '2' } });
    const synth = Testing.synth(stack);
    expect(synth).toHaveProvider(NullProvider);
    expect(synth).toHaveResource(NullResource);
    const hooks = synthObject(stack).resource.null_resource;
    const register = Object.entries(hooks).find(([id]) => id.startsWith('register'))![1];
    expect(register.triggers).toEqual({ device_id: expect.stringMatching(/^\$\{metal_device\.web_device_\w+\.id\}$/) });
    const exec = (register.provisioner as Array<Record<string, Record<string, unknown>>>)[0]['local-exec'];
    expect(exec.command).toBe('register "$DEVICE_PUBLIC_IPV4"');
    expect(exec.interpreter).toEqual(['/bin/sh', '-c']);
    expect(Object.keys(exec.environment as object).sort()).toEqual([
      'DEVICE_HOSTNAME',
      'DEVICE_ID',
      'DEVICE_PRIVATE_IPV4',
      'DEVICE_PUBLIC_IPV4',
      'ZONE',
    ]);
    const notify = Object.entries(hooks).find(([id]) => id.startsWith('notify'))![1];
    expect(Object.keys(notify.triggers as object).sort()).toEqual(['device_id', 'v']);
    expect(JSON.parse(synth).provider.null).toHaveLength(1);
    expect(synth).toMatchSnapshot();
  });

  test('bad commands and environment names are errors', () => {
    const { stack, project } = stackWithProject();
    const device = new BareMetalDevice(stack, 'web', { project, metro: 'ny' });
    expectProblems(
      () => new PostProvisionHook(stack, 'bad', { device, command: ' ', interpreter: [], environment: { '1X': 'a', DEVICE_ID: 'b' } }),
      [
        'command is empty',
        'interpreter is empty',
        'environment variable name "1X" is not valid',
        'environment variable "DEVICE_ID" would shadow',
      ],
    );
  });
});
