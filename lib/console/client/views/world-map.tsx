/**
 * The world map of the data centers: Natural Earth's land outline (world-atlas, packaged: nothing is fetched at run
 * time) drawn with d3-geo, a circle per metro sized by its machines and coloured by its capacity. Loaded only on the
 * data centers view (its own chunk of the bundle).
 */
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import land110m from 'world-atlas/land-110m.json';
import type { CapacityLevel } from '../types';

export interface MetroMark {
  code: string;
  name: string;
  kind?: string;
  latitude: number;
  longitude: number;
  machines: number;
  level: CapacityLevel;
}

const WIDTH = 960;
const HEIGHT = 500;
const topology = land110m as unknown as Topology<{ land: GeometryCollection }>;
const land = feature(topology, topology.objects.land);
const projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], land);
const landPath = geoPath(projection)(land) ?? '';

/** Circle area grows with the machine count; the smallest stays visible and clickable. */
const radius = (machines: number, most: number) => 4 + 14 * Math.sqrt(machines / Math.max(1, most));

export default function WorldMap({ metros, measure }: { metros: MetroMark[]; measure: string }) {
  const most = Math.max(...metros.map((m) => m.machines), 1);
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} class="world" role="img" aria-labelledby="map-title">
      <title id="map-title">{`World map of ${metros.length} metros, circles sized by ${measure} and coloured by capacity`}</title>
      <path d={landPath} class="land" />
      {metros.map((metro) => {
        const [x, y] = projection([metro.longitude, metro.latitude]) ?? [0, 0];
        return (
          <g key={metro.code} class={`metro capacity-${metro.level} kind-${metro.kind ?? 'core'}`} data-metro={metro.code}>
            <title>{`${metro.name} (${metro.code}, ${metro.kind ?? 'metro'}): ${metro.machines} ${measure}, capacity ${metro.level}`}</title>
            <circle cx={x} cy={y} r={radius(metro.machines, most)} />
            <text x={x} y={y - radius(metro.machines, most) - 3} text-anchor="middle">
              {metro.code}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
