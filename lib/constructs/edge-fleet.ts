import { Construct } from 'constructs';
import { Catalog } from './catalog';
import type { EdgeMetroCode } from './catalog-codes';
import { BareMetalDevice, checkDeviceOptions, DeviceOptions } from './device';
import { EdgeLocation, GeoPoint, metroProblem } from './metro';
import type { IMetalProject } from './project';
import { hostnameProblem, known, Problems, quote, sanitizeHostname, subject } from './validation';
import { suggestion } from '../contract/catalog-rules';

/** Per-site settings that override the fleet's. */
export interface EdgeSiteOptions extends DeviceOptions {
  /**
   * Devices in this site.
   * @default - the fleet's devicesPerSite
   */
  readonly devices?: number;
}

export interface NearestSites {
  /** Places to be near, e.g. the cities your users are in. */
  readonly points: readonly GeoPoint[];
  /** How many edge metros to use: those with the smallest distance to any point. */
  readonly count: number;
}

export interface EdgeFleetProps extends DeviceOptions {
  /** The project the devices belong to. */
  readonly project: IMetalProject;
  /**
   * The edge metros to deploy in.
   * @default - every edge metro of the catalog, or the nearest ones when `near` is set
   */
  readonly metros?: ReadonlyArray<EdgeMetroCode | string | EdgeLocation>;
  /**
   * Deploy in the edge metros nearest to these points instead of listing them.
   * @default - not used
   */
  readonly near?: NearestSites;
  /**
   * Devices per site.
   * @default - 1
   */
  readonly devicesPerSite?: number;
  /**
   * The hostname prefix; hostnames are `<prefix>-<metro>-<n>`.
   * @default - derived from the construct id
   */
  readonly hostnamePrefix?: string;
  /**
   * Per-metro overrides, keyed by metro code.
   * @default - every site uses the fleet's settings
   */
  readonly overrides?: Readonly<Record<string, EdgeSiteOptions>>;
}

export interface EdgeSite {
  readonly location: EdgeLocation;
  readonly devices: readonly BareMetalDevice[];
}

export const EDGE_DEFAULT_PLAN = 't3.small.x86';

/** The same devices in every edge metro (or the nearest ones to given places), with per-site overrides. */
export class EdgeFleet extends Construct {
  public readonly sites: readonly EdgeSite[];
  public readonly devices: readonly BareMetalDevice[];

  constructor(scope: Construct, id: string, props: EdgeFleetProps) {
    super(scope, id);
    // Choosing sites needs to know the edge metros: with catalog checks off, the default catalog still lists them.
    const catalog = Catalog.of(this) ?? Catalog.default();
    const problems = new Problems();
    const codes = selectMetros(catalog, props, problems);
    const prefix = props.hostnamePrefix ?? sanitizeHostname(id);
    if (known(prefix)) {
      const problem = hostnameProblem(`${prefix}-${codes[0] ?? 'xx'}-1`);
      if (problem) problems.add(`hostnamePrefix ${quote(prefix)} makes invalid hostnames: ${problem}`);
    }
    checkCount(problems, 'devicesPerSite', props.devicesPerSite);
    for (const [code, override] of Object.entries(props.overrides ?? {})) {
      if (!codes.includes(code)) {
        problems.add(`overrides names metro ${quote(code)}, which is not a site of this fleet; ${suggestion(code, codes)}`);
      }
      checkCount(problems, `overrides.${code}.devices`, override.devices);
    }
    const { project, metros, near, devicesPerSite, hostnamePrefix, overrides, ...fleetOptions } = props;
    const siteOptions = (code: string): EdgeSiteOptions => ({
      plan: EDGE_DEFAULT_PLAN,
      ...fleetOptions,
      ...(overrides?.[code] ?? {}),
    });
    if (problems.count === 0) {
      for (const code of codes) checkDeviceOptions(Catalog.of(this), code, siteOptions(code), problems, `site ${code}: `);
    }
    problems.throwIfAny(subject('EdgeFleet', scope, id));

    this.sites = codes.map((code) => {
      const options = siteOptions(code);
      const { devices: count = devicesPerSite ?? 1, ...deviceOptions } = options;
      const devices = Array.from({ length: count }, (_, i) => {
        const hostname = `${prefix}-${code}-${i + 1}`;
        return new BareMetalDevice(this, hostname, { ...deviceOptions, project, metro: code, hostname });
      });
      return { location: EdgeLocation.of(code, catalog), devices };
    });
    this.devices = this.sites.flatMap((s) => s.devices);
  }
}

function selectMetros(catalog: Catalog, props: EdgeFleetProps, problems: Problems): string[] {
  const edge = catalog.metrosOfKind('edge');
  if (props.metros && props.near) {
    problems.add('both metros and near are set; give the metros, or the points to be near, not both');
    return [];
  }
  if (props.near) {
    const { points, count } = props.near;
    checkCount(problems, 'near.count', count);
    if (count > edge.length)
      problems.add(`near.count is ${count} but there are only ${edge.length} edge metros; use at most ${edge.length}`);
    points.forEach((p, i) => {
      if (!(Math.abs(p.latitude) <= 90) || !(Math.abs(p.longitude) <= 180)) {
        problems.add(`near.points[${i}] (${p.latitude}, ${p.longitude}) is not a coordinate; latitude is -90..90, longitude -180..180`);
      }
    });
    if (points.length === 0) problems.add('near.points is empty; give at least one { latitude, longitude }');
    return problems.count ? [] : EdgeLocation.nearest(points, count, catalog).map((m) => m.code);
  }
  if (!props.metros) return edge.map((m) => m.code);
  const codes = props.metros.map((m) => (m instanceof EdgeLocation ? m.code : m));
  codes.forEach((code, i) => {
    const problem = metroProblem(catalog, code, `metros[${i}]`, 'edge');
    if (problem) problems.add(problem);
    if (codes.indexOf(code) !== i)
      problems.add(`metros lists ${quote(code)} twice; list it once and raise devicesPerSite or use overrides`);
  });
  if (codes.length === 0) problems.add('metros is empty; list edge metros or leave it unset for all of them');
  return codes;
}

function checkCount(problems: Problems, field: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    problems.add(`${field} is ${value}; it must be a whole number of 1 or more`);
  }
}
