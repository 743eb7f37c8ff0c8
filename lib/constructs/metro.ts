/**
 * Metros as typed values: `Metro.of('ny')` for any metro, `EdgeLocation.of('at')` for an edge metro. A bad code
 * is an error that suggests close codes. Distances come from the catalog's coordinates.
 */
import { Catalog, CatalogMetro, MetroKind } from './catalog';
import type { CoreMetroCode, EdgeMetroCode, MetroCode } from './catalog-codes';
import { MetalValidationError, quote } from './validation';
import { problemAt } from '../contract/bounds';
import { unknownValue } from '../contract/catalog-rules';

export interface GeoPoint {
  readonly latitude: number;
  readonly longitude: number;
}

/** Great-circle distance in km. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** The problem with a metro code (unknown, or not of the wanted kind), or undefined when it is fine. */
export function metroProblem(catalog: Catalog, code: string, field = 'metro', kind?: MetroKind): string | undefined {
  const metro = catalog.metro(code);
  const candidates = (kind ? catalog.metrosOfKind(kind) : catalog.metros).map((m) => m.code);
  if (!metro) return problemAt(field, unknownValue('metro', code, candidates));
  if (kind && metro.kind !== kind) {
    return `${field} ${quote(code)} (${metro.name}) is a ${metro.kind} metro, not ${kind}; ${kind} metros are ${candidates.join(', ')}`;
  }
  return undefined;
}

export class Metro implements GeoPoint {
  /** The metro with this code in the catalog (default: the default catalog); throws with suggestions for an unknown code. */
  public static of(code: MetroCode | string, catalog: Catalog = Catalog.default()): Metro {
    return new Metro(Metro.lookup(catalog, code, undefined));
  }

  /** Every core metro of the default catalog. */
  public static core(): Metro[] {
    return Catalog.default()
      .metrosOfKind('core')
      .map((m) => new Metro(m));
  }

  /** Every edge metro of the default catalog. */
  public static edge(): EdgeLocation[] {
    return EdgeLocation.all();
  }

  protected static lookup(catalog: Catalog, code: string, kind: MetroKind | undefined): CatalogMetro {
    const problem = metroProblem(catalog, code, 'metro', kind);
    if (problem) throw new MetalValidationError(kind === 'edge' ? 'EdgeLocation' : 'Metro', [problem]);
    return catalog.metro(code)!;
  }

  public readonly code: string;
  public readonly name: string;
  public readonly country: string;
  public readonly kind: MetroKind;
  public readonly latitude: number;
  public readonly longitude: number;

  protected constructor(metro: CatalogMetro) {
    this.code = metro.code;
    this.name = metro.name;
    this.country = metro.country;
    this.kind = metro.kind;
    this.latitude = metro.latitude;
    this.longitude = metro.longitude;
  }

  public distanceTo(point: GeoPoint): number {
    return distanceKm(this, point);
  }

  public toString(): string {
    return this.code;
  }
}

/** An edge metro: small sites near users, with edge plans (t3.small.x86) and a few general ones. */
export class EdgeLocation extends Metro {
  /** The edge metro with this code; a core or unknown code throws, listing the edge metros. */
  public static override of(code: EdgeMetroCode | string, catalog: Catalog = Catalog.default()): EdgeLocation {
    return new EdgeLocation(Metro.lookup(catalog, code, 'edge'));
  }

  public static all(catalog: Catalog = Catalog.default()): EdgeLocation[] {
    return catalog.metrosOfKind('edge').map((m) => new EdgeLocation(m));
  }

  /** The `count` edge metros closest to any of the points (nearest first). */
  public static nearest(points: readonly GeoPoint[], count: number, catalog: Catalog = Catalog.default()): EdgeLocation[] {
    const score = (m: EdgeLocation) => Math.min(...points.map((p) => m.distanceTo(p)));
    return EdgeLocation.all(catalog)
      .sort((a, b) => score(a) - score(b))
      .slice(0, count);
  }
}

export type { CoreMetroCode, EdgeMetroCode, MetroCode };
