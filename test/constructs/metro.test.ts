import { Catalog, CORE_METRO_CODES, distanceKm, EDGE_METRO_CODES, EdgeLocation, MetalValidationError, Metro } from '../../lib/constructs';

describe('Metro and EdgeLocation', () => {
  test('Metro.of gives the catalog metro with its kind and coordinates', () => {
    const ny = Metro.of('ny');
    expect(ny).toMatchObject({ code: 'ny', name: 'New York', kind: 'core', country: 'US' });
    expect(Math.round(ny.distanceTo(Metro.of('am')))).toBe(5863);
    expect(String(ny)).toBe('ny');
  });

  test('core() and edge() list the catalog metros by kind, matching the generated literal types', () => {
    expect(Metro.core().map((m) => m.code)).toEqual([...CORE_METRO_CODES]);
    expect(Metro.edge().map((m) => m.code)).toEqual([...EDGE_METRO_CODES]);
    expect(Metro.edge().every((m) => m instanceof EdgeLocation && m.kind === 'edge')).toBe(true);
  });

  test('an unknown code is an error suggesting close codes', () => {
    expect(() => Metro.of('nyc')).toThrow(MetalValidationError);
    expect(() => Metro.of('nyc')).toThrow('metro: unknown metro "nyc"; did you mean "ny"?');
    expect(() => Metro.of('xx')).toThrow('valid values: am, at, ch, da, fr, md, ny, se, sg, sp, sv, sy, tr, ty');
  });

  test('EdgeLocation.of rejects a core metro and lists the edge metros', () => {
    expect(EdgeLocation.of('ch').name).toBe('Chicago');
    expect(() => EdgeLocation.of('ny')).toThrow(
      'metro "ny" (New York) is a core metro, not edge; edge metros are at, ch, se, tr, md, sp, sy, ty',
    );
  });

  test('nearest ranks edge metros by distance to the closest point', () => {
    const london = { latitude: 51.5072, longitude: -0.1276 };
    const osaka = { latitude: 34.6937, longitude: 135.5023 };
    expect(EdgeLocation.nearest([london], 1).map((m) => m.code)).toEqual(['md']);
    expect(EdgeLocation.nearest([london, osaka], 2).map((m) => m.code)).toEqual(['ty', 'md']);
  });

  test('distanceKm is the great-circle distance', () => {
    expect(distanceKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 })).toBeCloseTo(Math.PI * 6371, 0);
  });

  test('the catalog knows which plans each metro offers', () => {
    const catalog = Catalog.default();
    expect(catalog.plansIn('at').sort()).toEqual(['c3.small.x86', 't3.small.x86']);
    expect(catalog.metrosOffering('g2.large.x86')).toEqual(['ny', 'da', 'sv', 'am']);
    expect(catalog.plan('m3.large.x86')).toMatchObject({ cores: 32, memoryGb: 256, largestDriveGb: 3800, gpuCount: 0 });
  });
});
