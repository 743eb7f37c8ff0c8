/**
 * The world the constructs validate against: metros (core/edge, coordinates), facilities, plans with their specs,
 * operating systems, and which plans each metro's hardware offers. By default catalog/default.json — the world a
 * metalforge server starts with; a stack aimed at another world sets the context key `metalforge:catalog` to the
 * path of its catalog file, or to `none` to skip catalog checks (slugs are then only checked for shape).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { IConstruct } from 'constructs';
import { sizeInGigabytes } from '../contract/catalog-rules';

export const CATALOG_CONTEXT_KEY = 'metalforge:catalog';
const DEFAULT_CATALOG_FILE = join(__dirname, '..', '..', 'catalog', 'default.json');

export type MetroKind = 'core' | 'edge';

export interface CatalogMetro {
  readonly code: string;
  readonly name: string;
  readonly country: string;
  readonly kind: MetroKind;
  readonly latitude: number;
  readonly longitude: number;
}

export type DriveType = 'HDD' | 'SSD' | 'NVME';
export type PlanFeature = 'raid' | 'txt' | 'uefi';

export interface CatalogPlan {
  readonly slug: string;
  readonly category: string;
  /** Total cores over all CPUs. */
  readonly cores: number;
  readonly memoryGb: number;
  readonly driveTypes: readonly DriveType[];
  /** The largest single drive, in GB. */
  readonly largestDriveGb: number;
  readonly gpuCount: number;
  readonly features: readonly PlanFeature[];
  readonly hourlyPrice: number;
}

export interface CatalogOperatingSystem {
  readonly slug: string;
  readonly name: string;
  /** Plan slugs, or `*` for every plan. */
  readonly provisionableOn: readonly string[];
}

interface CatalogFile {
  metros: Array<Omit<CatalogMetro, 'kind'> & { kind: string }>;
  facilities: Array<{ code: string; metro: string }>;
  plans: Array<{
    slug: string;
    category: string;
    specs: {
      cpus: Array<{ count: number; cores: number }>;
      memory: { total: string };
      drives: Array<{ count: number; type: string; size: string }>;
      gpu?: Array<{ count: number }>;
      features: Record<string, boolean>;
    };
    pricing: { hour: number };
  }>;
  operating_systems: Array<{ slug: string; name: string; provisionable_on: string[] }>;
  hardware: Array<{ metro_kind?: string; facilities?: string[]; per_facility: Record<string, number> }>;
}

/** A plan spec size in GB; the catalog file is the project's own, so a malformed size is a bug in it. */
function sizeToGb(size: string): number {
  const gigabytes = sizeInGigabytes(size);
  if (gigabytes === undefined) throw new Error(`catalog size "${size}" is not like "480GB" or "3.8TB"`);
  return gigabytes;
}

export class Catalog {
  private static readonly loaded = new Map<string, Catalog>();

  /** The catalog a construct validates against (see the file comment); undefined when checks are switched off. */
  public static of(scope: IConstruct): Catalog | undefined {
    const setting = scope.node.tryGetContext(CATALOG_CONTEXT_KEY) as string | undefined;
    if (setting === 'none') return undefined;
    if (setting === undefined) return Catalog.default();
    return Catalog.load(isAbsolute(setting) ? setting : resolve(setting));
  }

  /** catalog/default.json, the world a metalforge server starts with. */
  public static default(): Catalog {
    return Catalog.load(DEFAULT_CATALOG_FILE);
  }

  public static load(file: string): Catalog {
    let catalog = Catalog.loaded.get(file);
    if (!catalog) {
      catalog = new Catalog(JSON.parse(readFileSync(file, 'utf8')) as CatalogFile);
      Catalog.loaded.set(file, catalog);
    }
    return catalog;
  }

  public readonly metros: readonly CatalogMetro[];
  public readonly plans: readonly CatalogPlan[];
  public readonly operatingSystems: readonly CatalogOperatingSystem[];
  private readonly plansByMetro = new Map<string, Set<string>>();

  private constructor(file: CatalogFile) {
    this.metros = file.metros.map((m) => ({ ...m, kind: m.kind === 'edge' ? 'edge' : 'core' }));
    this.plans = file.plans.map((p) => ({
      slug: p.slug,
      category: p.category,
      cores: p.specs.cpus.reduce((sum, cpu) => sum + cpu.count * cpu.cores, 0),
      memoryGb: sizeToGb(p.specs.memory.total),
      driveTypes: [...new Set(p.specs.drives.map((d) => d.type.toUpperCase() as DriveType))],
      largestDriveGb: Math.max(0, ...p.specs.drives.map((d) => sizeToGb(d.size))),
      gpuCount: (p.specs.gpu ?? []).reduce((sum, g) => sum + g.count, 0),
      features: Object.entries(p.specs.features)
        .filter(([, on]) => on)
        .map(([name]) => name as PlanFeature),
      hourlyPrice: p.pricing.hour,
    }));
    this.operatingSystems = file.operating_systems.map((o) => ({
      slug: o.slug,
      name: o.name,
      provisionableOn: o.provisionable_on,
    }));
    const kindOf = new Map(this.metros.map((m) => [m.code, m.kind]));
    for (const facility of file.facilities) {
      const plans = this.plansByMetro.get(facility.metro) ?? new Set<string>();
      for (const group of file.hardware) {
        const applies = group.facilities ? group.facilities.includes(facility.code) : group.metro_kind === kindOf.get(facility.metro);
        if (applies) Object.keys(group.per_facility).forEach((slug) => plans.add(slug));
      }
      this.plansByMetro.set(facility.metro, plans);
    }
  }

  public metro(code: string): CatalogMetro | undefined {
    return this.metros.find((m) => m.code === code);
  }

  public metrosOfKind(kind: MetroKind): CatalogMetro[] {
    return this.metros.filter((m) => m.kind === kind);
  }

  public plan(slug: string): CatalogPlan | undefined {
    return this.plans.find((p) => p.slug === slug);
  }

  public operatingSystem(slug: string): CatalogOperatingSystem | undefined {
    return this.operatingSystems.find((o) => o.slug === slug);
  }

  /** Plan slugs the metro's hardware offers. */
  public plansIn(metroCode: string): string[] {
    return [...(this.plansByMetro.get(metroCode) ?? [])];
  }

  /** Metro codes whose hardware offers the plan. */
  public metrosOffering(planSlug: string): string[] {
    return this.metros.filter((m) => this.plansByMetro.get(m.code)?.has(planSlug)).map((m) => m.code);
  }
}
