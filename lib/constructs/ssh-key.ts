import { Construct } from 'constructs';
import { ProjectSshKey as ProjectSshKeyL1 } from '../gen/providers/metal/project-ssh-key';
import type { IMetalProject } from './project';
import { known, Problems, quote, subject } from './validation';

/** An SSH key a device can name: a project key or a user key. */
export interface ISshKey {
  readonly sshKeyId: string;
  readonly scope: 'project' | 'user';
}

const KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
];

/** The problem with an OpenSSH public key line, or undefined. Tokens are not checked. */
export function publicKeyProblem(field: string, key: string): string | undefined {
  if (!known(key)) return undefined;
  const [type, body] = key.trim().split(/\s+/);
  if (KEY_TYPES.includes(type) && body && /^[A-Za-z0-9+/]+=*$/.test(body)) return undefined;
  const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
  return `${field} ${quote(shown)} is not an OpenSSH public key; pass the one line of a .pub file ("<type> <base64> [comment]", type one of ${KEY_TYPES.join(', ')})`;
}

export interface ProjectSshKeyProps {
  /** The project the key belongs to. */
  readonly project: IMetalProject;
  /** The public key in OpenSSH format (the line of a .pub file). */
  readonly publicKey: string;
  /**
   * The key's name.
   * @default - the construct's id
   */
  readonly name?: string;
}

/** A project SSH key, installed on the project's devices. */
export class ProjectSshKey extends Construct implements ISshKey {
  /** An existing key by id (a project key unless `scope` says `user`); nothing is created. */
  public static fromSshKeyId(scope: Construct, id: string, sshKeyId: string, keyScope: ISshKey['scope'] = 'project'): ISshKey {
    return new (class extends Construct implements ISshKey {
      public readonly sshKeyId = sshKeyId;
      public readonly scope = keyScope;
    })(scope, id);
  }

  public readonly sshKeyId: string;
  public readonly scope = 'project' as const;
  /** The L1 resource, for options this construct does not cover. */
  public readonly resource: ProjectSshKeyL1;

  constructor(scope: Construct, id: string, props: ProjectSshKeyProps) {
    super(scope, id);
    const problems = new Problems();
    const keyProblem = publicKeyProblem('publicKey', props.publicKey);
    if (keyProblem) problems.add(keyProblem);
    problems.throwIfAny(subject('ProjectSshKey', scope, id));
    this.resource = new ProjectSshKeyL1(this, 'key', {
      projectId: props.project.projectId,
      name: props.name ?? id,
      publicKey: props.publicKey.trim(),
    });
    this.sshKeyId = this.resource.id;
  }
}
