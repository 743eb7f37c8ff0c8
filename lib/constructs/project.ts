import { Construct } from 'constructs';
import { Project } from '../gen/providers/metal/project';
import { known, Problems, quote, subject } from './validation';

/** A project, created here or imported. */
export interface IMetalProject {
  readonly projectId: string;
}

export interface MetalProjectProps {
  /**
   * The project's name (at most 80 characters).
   * @default - the construct's id
   */
  readonly name?: string;
  /**
   * The organization that owns the project.
   * @default - the organization of the API token's user
   */
  readonly organizationId?: string;
  /**
   * Whether traffic between metros on the backend network is enabled.
   * @default - the server's default (disabled)
   */
  readonly backendTransfer?: boolean;
}

/** A Metal project: owns devices, SSH keys and API keys. */
export class MetalProject extends Construct implements IMetalProject {
  /** An existing project by id; nothing is created. */
  public static fromProjectId(scope: Construct, id: string, projectId: string): IMetalProject {
    const problems = new Problems();
    if (known(projectId) && projectId.trim() === '') problems.add('projectId is empty; pass the UUID of an existing project');
    problems.throwIfAny(subject('MetalProject.fromProjectId', scope, id));
    return new (class extends Construct implements IMetalProject {
      public readonly projectId = projectId;
    })(scope, id);
  }

  public readonly projectId: string;
  public readonly name: string;
  /** The L1 resource, for options this construct does not cover. */
  public readonly resource: Project;

  constructor(scope: Construct, id: string, props: MetalProjectProps = {}) {
    super(scope, id);
    const name = props.name ?? id;
    const problems = new Problems();
    if (known(name) && (name.trim() === '' || name.length > 80)) {
      problems.add(`name ${quote(name)} must be 1 to 80 characters long (it has ${name.length}); shorten it`);
    }
    problems.throwIfAny(subject('MetalProject', scope, id));
    this.resource = new Project(this, 'project', {
      name,
      organizationId: props.organizationId,
      backendTransfer: props.backendTransfer,
    });
    this.projectId = this.resource.id;
    this.name = name;
  }
}
