import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { DataMetalPlans, DataMetalPlansFilter } from '../gen/providers/metal/data-metal-plans';
import { Catalog, CatalogPlan, DriveType, PlanFeature } from './catalog';
import type { PlanSlug } from './catalog-codes';
import { Metro, metroProblem } from './metro';
import { checkNonNegative, known, Problems, quote, subject } from './validation';
import { suggestion } from '../contract/catalog-rules';

/** A plan a device can be deployed with: chosen by requirements, or named. */
export interface IHardwarePlan {
  /** The plan slug (a deploy-time token for a HardwarePlan). */
  readonly slug: string;
  /**
   * The metro the plan was chosen for: a device in another metro is an error.
   * @default - chosen for no particular metro
   */
  readonly availableInMetro?: string;
}

export const DRIVE_TYPES: readonly DriveType[] = ['HDD', 'SSD', 'NVME'];
export const PLAN_FEATURES: readonly PlanFeature[] = ['raid', 'txt', 'uefi'];
export type DeploymentType = 'on_demand' | 'spot_market';

export interface HardwarePlanProps {
  /**
   * The least total number of CPU cores.
   * @default - any
   */
  readonly minCores?: number;
  /**
   * The most total number of CPU cores.
   * @default - any
   */
  readonly maxCores?: number;
  /**
   * The least memory, in GB.
   * @default - any
   */
  readonly minMemoryGb?: number;
  /**
   * The most memory, in GB.
   * @default - any
   */
  readonly maxMemoryGb?: number;
  /**
   * A drive type the plan must have.
   * @default - any
   */
  readonly driveType?: DriveType;
  /**
   * The least size of the plan's largest drive, in GB.
   * @default - any
   */
  readonly minDriveSizeGb?: number;
  /**
   * true: the plan must have a GPU; false: it must have none.
   * @default - either
   */
  readonly gpu?: boolean;
  /**
   * Features the plan must all have.
   * @default - none required
   */
  readonly features?: readonly PlanFeature[];
  /**
   * The highest list price per hour, in USD.
   * @default - any price
   */
  readonly maxHourlyPrice?: number;
  /**
   * A metro the plan must be offered in.
   * @default - any metro
   */
  readonly availableInMetro?: string | Metro;
  /**
   * How the plan must be deployable.
   * @default - any
   */
  readonly deploymentType?: DeploymentType;
}

/**
 * Chooses a plan by requirements at deploy time: a metal_plans lookup with one filter per requirement, sorted by
 * hourly price, so the cheapest matching plan wins. Contradictory requirements fail at synth time; when the
 * server has no matching plan, the lookup's postcondition fails the plan naming the requirements.
 */
export class HardwarePlan extends Construct implements IHardwarePlan {
  /** A named plan; nothing is looked up. */
  public static fromSlug(slug: PlanSlug | string, availableInMetro?: string): IHardwarePlan {
    return { slug, availableInMetro };
  }

  public readonly slug: string;
  /** The chosen plan's list price per hour (deploy-time token). */
  public readonly hourlyPrice: number;
  /**
   * The metro the plan must be offered in.
   * @default - any metro
   */
  public readonly availableInMetro?: string;
  public readonly requirements: HardwarePlanProps;
  /** The L1 data source, for options this construct does not cover. */
  public readonly dataSource: DataMetalPlans;

  constructor(scope: Construct, id: string, props: HardwarePlanProps = {}) {
    super(scope, id);
    const metro = props.availableInMetro instanceof Metro ? props.availableInMetro.code : props.availableInMetro;
    const problems = new Problems();
    validateRequirements(Catalog.of(this), props, metro, problems);
    problems.throwIfAny(subject('HardwarePlan', scope, id));
    this.requirements = props;
    this.availableInMetro = metro;
    this.dataSource = new DataMetalPlans(this, 'plans', {
      filter: filters(props, metro),
      sort: [{ attribute: 'pricing_hour', direction: 'asc' }],
      lifecycle: {
        postcondition: [
          {
            condition: '${length(self.plans) > 0}',
            errorMessage: `No plan meets the requirements of ${this.node.path}: ${describe(props, metro)}. Relax them.`,
          },
        ],
      },
    });
    const cheapest = this.dataSource.plans.get(0);
    this.slug = cheapest.slug;
    this.hourlyPrice = cheapest.pricingHour;
    const catalog = Catalog.of(this);
    // Not an error: the server may offer plans the catalog does not know, but the default world would fail.
    if (catalog && this.matchingCatalogPlans(catalog).length === 0) {
      Annotations.of(this).addWarning(
        `no plan of the catalog meets ${describe(props, metro)}; the lookup fails at deploy time unless the server offers such a plan`,
      );
    }
  }

  /** The catalog's plans meeting the requirements, cheapest first: a synth-time preview of the choice. */
  public matchingCatalogPlans(catalog: Catalog = Catalog.of(this) ?? Catalog.default()): CatalogPlan[] {
    const metro = this.availableInMetro;
    const offered = metro ? new Set(catalog.plansIn(metro)) : undefined;
    const r = this.requirements;
    return catalog.plans
      .filter(
        (p) =>
          (r.minCores === undefined || p.cores >= r.minCores) &&
          (r.maxCores === undefined || p.cores <= r.maxCores) &&
          (r.minMemoryGb === undefined || p.memoryGb >= r.minMemoryGb) &&
          (r.maxMemoryGb === undefined || p.memoryGb <= r.maxMemoryGb) &&
          (r.driveType === undefined || p.driveTypes.includes(r.driveType)) &&
          (r.minDriveSizeGb === undefined || p.largestDriveGb >= r.minDriveSizeGb) &&
          (r.gpu === undefined || r.gpu === p.gpuCount > 0) &&
          (r.features ?? []).every((f) => p.features.includes(f)) &&
          (r.maxHourlyPrice === undefined || p.hourlyPrice <= r.maxHourlyPrice) &&
          (offered === undefined || offered.has(p.slug)),
      )
      .sort((a, b) => a.hourlyPrice - b.hourlyPrice);
  }
}

function validateRequirements(catalog: Catalog | undefined, props: HardwarePlanProps, metro: string | undefined, problems: Problems): void {
  checkNonNegative(problems, 'minCores', props.minCores);
  checkNonNegative(problems, 'maxCores', props.maxCores, true);
  checkNonNegative(problems, 'minMemoryGb', props.minMemoryGb);
  checkNonNegative(problems, 'maxMemoryGb', props.maxMemoryGb, true);
  checkNonNegative(problems, 'minDriveSizeGb', props.minDriveSizeGb);
  checkNonNegative(problems, 'maxHourlyPrice', props.maxHourlyPrice, true);
  const range = (field: string, min?: number, max?: number) => {
    if (known(min) && known(max) && min > max) {
      problems.add(
        `min${field} ${min} is greater than max${field} ${max}; no plan can satisfy both — lower min${field} or raise max${field}`,
      );
    }
  };
  range('Cores', props.minCores, props.maxCores);
  range('MemoryGb', props.minMemoryGb, props.maxMemoryGb);
  if (known(props.driveType) && !DRIVE_TYPES.includes(props.driveType)) {
    problems.add(`driveType ${quote(props.driveType)} is not a drive type; ${suggestion(props.driveType, DRIVE_TYPES)}`);
  }
  for (const feature of props.features ?? []) {
    if (known(feature) && !PLAN_FEATURES.includes(feature)) {
      problems.add(`feature ${quote(feature)} is not a plan feature; ${suggestion(feature, PLAN_FEATURES)}`);
    }
  }
  if (known(props.deploymentType) && !['on_demand', 'spot_market'].includes(props.deploymentType)) {
    problems.add(`deploymentType ${quote(props.deploymentType)} is not one of "on_demand", "spot_market"`);
  }
  if (catalog && known(metro)) {
    const problem = metroProblem(catalog, metro, 'availableInMetro');
    if (problem) problems.add(problem);
    const kind = catalog.metro(metro)?.kind;
    if (props.gpu === true && kind === 'edge') {
      const gpuMetros = catalog.plans.filter((p) => p.gpuCount > 0).flatMap((p) => catalog.metrosOffering(p.slug));
      problems.add(
        `gpu is true but availableInMetro ${quote(metro)} is an edge metro, and edge metros have no GPU plans; choose a core metro with GPUs (${[...new Set(gpuMetros)].join(', ')}) or drop gpu`,
      );
    }
  }
}

function filters(props: HardwarePlanProps, metro: string | undefined): DataMetalPlansFilter[] {
  const out: DataMetalPlansFilter[] = [];
  const number = (attribute: string, matchBy: 'at_least' | 'at_most', value?: number) => {
    if (value !== undefined) out.push({ attribute, matchBy, values: [String(value)] });
  };
  number('cpu_cores', 'at_least', props.minCores);
  number('cpu_cores', 'at_most', props.maxCores);
  number('memory_gb', 'at_least', props.minMemoryGb);
  number('memory_gb', 'at_most', props.maxMemoryGb);
  if (props.driveType) out.push({ attribute: 'drive_types', values: [props.driveType] });
  number('drive_size_gb', 'at_least', props.minDriveSizeGb);
  if (props.gpu !== undefined) number('gpu_count', props.gpu ? 'at_least' : 'at_most', props.gpu ? 1 : 0);
  if (props.features?.length) out.push({ attribute: 'features', values: [...props.features], all: true });
  number('pricing_hour', 'at_most', props.maxHourlyPrice);
  if (metro) out.push({ attribute: 'available_in_metros', values: [metro] });
  if (props.deploymentType) out.push({ attribute: 'deployment_types', values: [props.deploymentType] });
  return out;
}

function describe(props: HardwarePlanProps, metro: string | undefined): string {
  const parts = Object.entries({ ...props, availableInMetro: metro })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`);
  return parts.length ? parts.join(', ') : 'none';
}
