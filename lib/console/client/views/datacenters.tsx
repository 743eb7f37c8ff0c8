/**
 * The data centers: every metro of the catalog on a world map, sized by its machines (all of them with the
 * operator's token, the free ones otherwise) and coloured by capacity, with the same facts in a table.
 */
import { ApiError, allPages, get } from '../api';
import { link } from '../router';
import type { Capacity, CapacityLevel, Machine, Metro } from '../types';
import { ErrorLine, Loading, Section, useLazy, useLoad } from './common';
import type { MetroMark } from './world-map';

/** The capacity a metro shows: the best any of its plans has (a metro with any room is open for something). */
const LEVEL_RANK: Record<CapacityLevel, number> = { normal: 2, limited: 1, unavailable: 0 };
const LEVEL_TEXT: Record<CapacityLevel, string> = { normal: 'room', limited: 'limited', unavailable: 'full' };

interface MapData {
  marks: MetroMark[];
  measure: string;
}

async function loadMap(signal: AbortSignal): Promise<MapData> {
  const [metros, capacity, facilities] = await Promise.all([
    get<{ metros: Metro[] }>('/locations/metros', signal),
    get<{ capacity: Capacity }>('/capacity/metros', signal),
    get<{ facilities: { code: string; metro: { code: string } }[] }>('/facilities', signal),
  ]);
  // The operator sees every machine; anyone else sees the free ones (capacity).
  const machines = await allPages<Machine>('/operator/machines', 'machines', () => undefined, signal).catch((err: unknown) => {
    if (err instanceof ApiError && (err.status === 403 || err.status === 401)) return undefined;
    throw err;
  });
  const metroOfFacility = new Map(facilities.facilities.map((f) => [f.code, f.metro.code]));
  const counted = new Map<string, number>();
  for (const machine of machines ?? []) {
    const metro = metroOfFacility.get(machine.facility);
    if (metro) counted.set(metro, (counted.get(metro) ?? 0) + 1);
  }
  const marks = metros.metros
    .filter((m) => m.latitude !== undefined && m.longitude !== undefined)
    .map((metro): MetroMark => {
      const plans = Object.values(capacity.capacity[metro.code] ?? {});
      const free = plans.reduce((sum, p) => sum + (p.available_servers ?? 0), 0);
      const level = plans.reduce<CapacityLevel>((best, p) => (LEVEL_RANK[p.level] > LEVEL_RANK[best] ? p.level : best), 'unavailable');
      return {
        code: metro.code,
        name: metro.name,
        kind: metro.kind,
        latitude: metro.latitude!,
        longitude: metro.longitude!,
        machines: machines ? (counted.get(metro.code) ?? 0) : free,
        level,
      };
    });
  return { marks, measure: machines ? 'machines' : 'free machines' };
}

export function DataCenters() {
  const map = useLoad('datacenters', loadMap);
  const worldMap = useLazy(() => import('./world-map'));
  return (
    <section aria-labelledby="dc-title">
      <h1 id="dc-title">Data centers</h1>
      {map.error !== undefined && <ErrorLine error={map.error} />}
      {!map.data && map.error === undefined && <Loading what="metros and capacity" />}
      {map.data && (
        <>
          <p class="legend">
            <span class="capacity-normal">● room</span>
            <span class="capacity-limited">● limited</span>
            <span class="capacity-unavailable">● full</span>
            <span class="muted">Circles are sized by {map.data.measure}; edge metros have a dashed outline.</span>
          </p>
          {worldMap ? <worldMap.default metros={map.data.marks} measure={map.data.measure} /> : <Loading what="the map" />}
          <Section title="Metros">
            <table data-testid="metros">
              <thead>
                <tr>
                  <th scope="col">Metro</th>
                  <th scope="col">Kind</th>
                  <th scope="col">{map.data.measure === 'machines' ? 'Machines' : 'Free machines'}</th>
                  <th scope="col">Capacity</th>
                </tr>
              </thead>
              <tbody>
                {map.data.marks.map((metro) => (
                  <tr key={metro.code}>
                    <td>
                      {metro.name} ({metro.code})
                    </td>
                    <td>{metro.kind ?? '—'}</td>
                    <td>{metro.machines}</td>
                    <td>{LEVEL_TEXT[metro.level]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {map.data.measure === 'machines' && (
              <p>
                <a href={link.operator()}>Machines per facility</a>
              </p>
            )}
          </Section>
        </>
      )}
    </section>
  );
}
