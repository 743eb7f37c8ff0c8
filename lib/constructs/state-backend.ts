import { HttpBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { STATE_NAME_PATTERN, STATE_NAME_RULE, STATE_PROJECT_ENV } from '../contract/terraform-state';
import { known, Problems, quote, subject } from './validation';

export { STATE_PROJECT_ENV };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MetalStateBackendProps {
  /** The Metal API base URL, e.g. "https://metal.example.com/metal/v1". */
  readonly apiUrl: string;
  /** The project that keeps the state; its API keys read and write it. */
  readonly projectId: string;
  /**
   * The state's name in the project.
   * @default - the stack's id
   */
  readonly stateName?: string;
  /**
   * The basic-auth user name Terraform sends (metalforge ignores it: the password, an API key, says who you are).
   * @default - "metalforge"
   */
  readonly username?: string;
}

/**
 * Keeps the stack's Terraform state on a metalforge server (Terraform's http backend, with locking), so CI
 * runners share it, two applies cannot run at once, and every version is kept with who wrote it. The token is
 * never written into cdk.tf.json: Terraform reads it from TF_HTTP_PASSWORD when it runs (a project API key;
 * a read-only key can plan with -lock=false but not apply).
 */
export class MetalStateBackend extends Construct {
  /** The cdktf backend, for options this construct does not cover. */
  public readonly backend: HttpBackend;
  /** The state's URL (GET it with the token to download the latest state). */
  public readonly address: string;

  /**
   * A MetalStateBackend for the stack when METALFORGE_STATE_PROJECT names a project (the state is named after the
   * stack; the API URL comes from METAL_API_URL); undefined otherwise, so the stack keeps its local state.
   */
  public static fromEnvironment(stack: TerraformStack, env: NodeJS.ProcessEnv = process.env): MetalStateBackend | undefined {
    const projectId = env[STATE_PROJECT_ENV];
    if (!projectId) return undefined;
    return new MetalStateBackend(stack, 'state-backend', { apiUrl: env.METAL_API_URL ?? '', projectId });
  }

  constructor(scope: Construct, id: string, props: MetalStateBackendProps) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    const stateName = props.stateName ?? stack.node.id;
    const problems = new Problems();
    if (!known(props.apiUrl) || !/^https?:\/\/[^/\s]+/.test(props.apiUrl)) {
      problems.add(
        `apiUrl ${quote(
          props.apiUrl,
        )} is not an http(s) URL; use the Metal API base URL, e.g. "http://127.0.0.1:8080/metal/v1" (METAL_API_URL)`,
      );
    }
    if (!known(props.projectId) || !UUID.test(props.projectId)) {
      problems.add(
        `projectId ${quote(props.projectId)} is not a project id; use the UUID of the project that keeps the state (GET /metal/v1/projects)`,
      );
    }
    if (!known(stateName) || !new RegExp(STATE_NAME_PATTERN).test(stateName)) {
      problems.add(`stateName ${quote(stateName)} is not a valid state name; use ${STATE_NAME_RULE}`);
    }
    problems.throwIfAny(subject('MetalStateBackend', scope, id));

    this.address = `${props.apiUrl.replace(/\/+$/, '')}/projects/${props.projectId}/terraform/state/${stateName}`;
    this.backend = new HttpBackend(stack, {
      address: this.address,
      lockAddress: this.address,
      unlockAddress: this.address,
      lockMethod: 'LOCK',
      unlockMethod: 'UNLOCK',
      updateMethod: 'POST',
      username: props.username ?? 'metalforge',
    });
  }
}
