/**
 * PostProvisionHook: a command run on the machine running terraform after a device is created (and again
 * whenever the device is replaced), as a null_resource with a local-exec provisioner triggered by the device id.
 * The hashicorp/null provider binary cannot be downloaded on the project's build machines, so this construct is
 * tested at synth level only; deploying it needs the null provider in the terraform plugin mirror.
 */
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { IBareMetalDevice } from './device';
import { known, Problems, quote, subject } from './validation';

export interface PostProvisionHookProps {
  /** The device whose creation triggers the command. */
  readonly device: IBareMetalDevice;
  /** The command, run by the interpreter on the machine running terraform. */
  readonly command: string;
  /**
   * The interpreter and its arguments; the command is appended.
   * @default - ["/bin/sh", "-c"]
   */
  readonly interpreter?: readonly string[];
  /**
   * Extra environment variables; DEVICE_ID, DEVICE_HOSTNAME, DEVICE_PUBLIC_IPV4 and DEVICE_PRIVATE_IPV4 are
   * always set.
   * @default - only the DEVICE_* variables
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * The working directory.
   * @default - terraform's working directory
   */
  readonly workingDir?: string;
  /**
   * More values whose change re-runs the command.
   * @default - only the device id
   */
  readonly triggers?: Readonly<Record<string, string>>;
}

const NULL_PROVIDER_ID = 'metalforge-null-provider';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class PostProvisionHook extends Construct {
  /** The null_resource, for options this construct does not cover. */
  public readonly resource: NullResource;

  constructor(scope: Construct, id: string, props: PostProvisionHookProps) {
    super(scope, id);
    const problems = new Problems();
    if (known(props.command) && props.command.trim() === '') problems.add('command is empty; give the command to run');
    if (props.interpreter && props.interpreter.length === 0) problems.add('interpreter is empty; leave it unset for ["/bin/sh", "-c"]');
    for (const name of Object.keys(props.environment ?? {})) {
      if (!ENV_NAME.test(name))
        problems.add(`environment variable name ${quote(name)} is not valid; use letters, digits and "_", not starting with a digit`);
      if (name.startsWith('DEVICE_'))
        problems.add(`environment variable ${quote(name)} would shadow the hook's own DEVICE_* variables; rename it`);
    }
    problems.throwIfAny(subject('PostProvisionHook', scope, id));

    const stack = TerraformStack.of(this);
    if (!stack.node.tryFindChild(NULL_PROVIDER_ID)) new NullProvider(stack, NULL_PROVIDER_ID);
    const device = props.device;
    this.resource = new NullResource(this, 'hook', {
      triggers: { ...(props.triggers ?? {}), device_id: device.deviceId },
      provisioners: [
        {
          type: 'local-exec',
          command: props.command,
          interpreter: props.interpreter ? [...props.interpreter] : ['/bin/sh', '-c'],
          workingDir: props.workingDir,
          environment: {
            ...(props.environment ?? {}),
            DEVICE_ID: device.deviceId,
            DEVICE_HOSTNAME: device.hostname,
            DEVICE_PUBLIC_IPV4: device.accessPublicIpv4,
            DEVICE_PRIVATE_IPV4: device.accessPrivateIpv4,
          },
        },
      ],
    });
  }
}
