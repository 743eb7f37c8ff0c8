import { Construct } from 'constructs';
import { Project } from '../gen/providers/metal/project';
import { known, Problems, quote, subject } from './validation';
import { boundsProblem, problemAt } from '../contract/bounds';
import { BgpConfigRequestInput, MD5_PATTERN, MD5_RULE } from '../contract/schemas-bgp';

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
  /**
   * Enable BGP for the project, so its devices can open sessions with their metro routers. As on Metal it cannot
   * be changed or removed once enabled.
   * @default - BGP is not enabled
   */
  readonly bgp?: ProjectBgpOptions;
}

export type BgpDeploymentType = 'local' | 'global';
export const BGP_DEPLOYMENT_TYPES: readonly BgpDeploymentType[] = ['local', 'global'];

/** A project's BGP configuration (its `bgp_config`). */
export interface ProjectBgpOptions {
  /**
   * The ASN of your side of the sessions.
   * @default - 65000, a private ASN
   */
  readonly asn?: number;
  /**
   * `local`: announced routes stay in the metro (a private ASN); `global`: your own ASN and address space.
   * @default - "local"
   */
  readonly deploymentType?: BgpDeploymentType;
  /**
   * The sessions' MD5 password.
   * @default - no password
   */
  readonly md5?: string;
}

export const DEFAULT_BGP_ASN = 65000;

/** The problems of BGP options, each naming its field (under `prefix`) and the fix; the password is never quoted. */
export function bgpProblems(options: ProjectBgpOptions, prefix = 'bgp.'): string[] {
  const problems: string[] = [];
  const { asn, md5, deploymentType } = options;
  if (known(deploymentType) && !BGP_DEPLOYMENT_TYPES.includes(deploymentType)) {
    problems.push(`${prefix}deploymentType ${quote(deploymentType)} is not a deployment type; use "local" or "global"`);
  }
  const { properties } = BgpConfigRequestInput;
  const asnProblem = known(asn) ? boundsProblem(properties.asn, asn) : undefined;
  if (asnProblem) problems.push(problemAt(`${prefix}asn`, `${asn} ${asnProblem} (a private ASN such as ${DEFAULT_BGP_ASN} for local BGP)`));
  if (known(md5) && md5 !== '' && !new RegExp(MD5_PATTERN).test(md5)) {
    problems.push(problemAt(`${prefix}md5`, `the password must be ${MD5_RULE} (it is ${md5.length} characters long)`));
  }
  return problems;
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
  private bgp?: ProjectBgpOptions;

  constructor(scope: Construct, id: string, props: MetalProjectProps = {}) {
    super(scope, id);
    const name = props.name ?? id;
    const problems = new Problems();
    if (known(name) && (name.trim() === '' || name.length > 80)) {
      problems.add(`name ${quote(name)} must be 1 to 80 characters long (it has ${name.length}); shorten it`);
    }
    if (props.bgp) bgpProblems(props.bgp).forEach((p) => problems.add(p));
    problems.throwIfAny(subject('MetalProject', scope, id));
    this.resource = new Project(this, 'project', {
      name,
      organizationId: props.organizationId,
      backendTransfer: props.backendTransfer,
    });
    this.projectId = this.resource.id;
    this.name = name;
    if (props.bgp) this.enableBgp(props.bgp);
  }

  /**
   * Enables BGP with these options (constructs that announce routes call it). Asking again for the same options is
   * fine; other options are an error, since Metal cannot change a project's BGP configuration.
   */
  public enableBgp(options: ProjectBgpOptions): void {
    const wanted = { asn: DEFAULT_BGP_ASN, deploymentType: 'local' as const, ...options };
    const problems = new Problems();
    bgpProblems(wanted).forEach((p) => problems.add(p));
    const held = this.bgp;
    if (held && (held.asn !== wanted.asn || held.deploymentType !== wanted.deploymentType || held.md5 !== wanted.md5)) {
      problems.add(
        `bgp is already enabled (${held.deploymentType}, ASN ${held.asn}); a project has one BGP configuration: give the same options everywhere`,
      );
    }
    problems.throwIfAny(`MetalProject ${this.node.path}`);
    this.bgp = wanted;
    this.resource.putBgpConfig({ asn: wanted.asn, deploymentType: wanted.deploymentType, md5: wanted.md5 });
  }

  /** Whether BGP is enabled by this stack. */
  public get bgpEnabled(): boolean {
    return this.bgp !== undefined;
  }
}
