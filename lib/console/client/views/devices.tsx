/**
 * A project's devices: filter, sort, and a virtually scrolled table (only the rows in view are in the page, so ten
 * thousand devices scroll as smoothly as ten). Devices on their way somewhere are followed live.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { allPages } from '../api';
import { watchDevice } from '../live';
import { link } from '../router';
import { DEVICE_STATE_INFO } from '../states';
import type { Device } from '../types';
import { ErrorLine, Loading } from './common';
import { StateBadge } from './state-badge';

/** What the list does not show, left out of its pages (a device's plan, metro and addresses are what it needs). */
const LIST_EXCLUDE = [
  'facility',
  'operating_system',
  'project',
  'project_lite',
  'network_ports',
  'provisioning_events',
  'user',
  'ssh_keys',
  'userdata',
  'customdata',
  'root_password',
  'storage',
  'volumes',
  'actions',
  'hardware_reservation',
  'created_by',
].join(',');
const ROW_HEIGHT = 37;
/** Rows drawn beyond the visible ones, so a fast scroll shows no gap. */
const OVERSCAN = 8;
/** Devices followed at once; the rest wait their turn (each follow holds one of the browser's connections). */
const FOLLOWED_AT_ONCE = 3;

type SortKey = 'hostname' | 'plan' | 'metro' | 'state' | 'created';
const SORT_VALUE: Record<SortKey, (d: Device) => string> = {
  hostname: (d) => d.hostname,
  plan: (d) => d.plan?.slug ?? '',
  metro: (d) => d.metro?.code ?? '',
  state: (d) => d.state,
  created: (d) => d.created_at,
};
const COLUMNS: [SortKey | undefined, string][] = [
  ['hostname', 'Hostname'],
  ['plan', 'Plan'],
  ['metro', 'Metro'],
  ['state', 'State'],
  [undefined, 'IP addresses'],
  [undefined, 'Tags'],
  ['created', 'Created'],
];

/** One collator for every comparison (localeCompare with options builds one per call). */
const collator = new Intl.Collator(undefined, { numeric: true });

const searchText = (d: Device) =>
  [d.hostname, d.plan?.slug, d.metro?.code, d.state, ...d.tags, ...d.ip_addresses.map((ip) => ip.address)].join(' ').toLowerCase();

export function Devices({ project }: { project: string }) {
  const [devices, setDevices] = useState<Device[]>([]);
  const [total, setTotal] = useState<number>();
  const [error, setError] = useState<unknown>();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'hostname', descending: false });
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(600);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const aborter = new AbortController();
    setDevices([]);
    setTotal(undefined);
    setError(undefined);
    allPages<Device>(
      `/projects/${project}/devices?exclude=${LIST_EXCLUDE}`,
      'devices',
      (items, count) => {
        setDevices([...items]);
        setTotal(count);
      },
      aborter.signal,
    ).catch((err: unknown) => aborter.signal.aborted || setError(err));
    return () => aborter.abort();
  }, [project]);

  useLiveStates(devices, setDevices);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setViewHeight(element.clientHeight);
    measure();
    addEventListener('resize', measure);
    return () => removeEventListener('resize', measure);
  }, [total !== undefined]);

  const texts = useMemo(() => new Map(devices.map((d) => [d.id, searchText(d)])), [devices]);
  const shown = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    const kept = words.length ? devices.filter((d) => words.every((w) => texts.get(d.id)!.includes(w))) : devices.slice();
    const value = SORT_VALUE[sort.key];
    const direction = sort.descending ? -1 : 1;
    return kept.sort((a, b) => direction * collator.compare(value(a), value(b)));
  }, [devices, texts, filter, sort]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(shown.length, Math.ceil((scrollTop + viewHeight) / ROW_HEIGHT) + OVERSCAN);
  const visible = shown.slice(first, last);

  return (
    <section aria-labelledby="devices-title">
      <h1 id="devices-title">Devices</h1>
      <p class="actions">
        <a class="button" href={link.create(project)}>
          Create a device
        </a>
        <a href={link.spot(project)}>Spot requests of this project</a>
      </p>
      {error !== undefined && <ErrorLine error={error} />}
      {total === undefined && error === undefined && <Loading what="devices" />}
      {total !== undefined && (
        <>
          <div class="toolbar">
            <label for="device-filter">Filter</label>
            <input
              id="device-filter"
              type="search"
              placeholder="hostname, tag, IP, plan, metro or state"
              value={filter}
              onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
            />
            <span role="status" class="muted" data-testid="device-count">
              {shown.length} of {total} devices{devices.length < total ? ` (loading, ${devices.length} so far)` : ''}
            </span>
          </div>
          <div
            class="scroller"
            ref={scroller}
            tabIndex={0}
            aria-label="Device list (scrolls)"
            role="region"
            onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}
          >
            <table class="devices" aria-rowcount={shown.length + 1}>
              <thead>
                <tr aria-rowindex={1}>
                  {COLUMNS.map(([key, label]) => (
                    <th
                      key={label}
                      scope="col"
                      aria-sort={key && sort.key === key ? (sort.descending ? 'descending' : 'ascending') : undefined}
                    >
                      {key ? (
                        <button
                          type="button"
                          class="sort"
                          onClick={() => setSort({ key, descending: sort.key === key ? !sort.descending : false })}
                        >
                          {label}
                          {sort.key === key && <span aria-hidden="true">{sort.descending ? ' ▼' : ' ▲'}</span>}
                        </button>
                      ) : (
                        label
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {first > 0 && <tr class="spacer" aria-hidden="true" style={{ height: `${first * ROW_HEIGHT}px` }} />}
                {visible.map((device, i) => (
                  <DeviceRow key={device.id} device={device} index={first + i + 2} />
                ))}
                {last < shown.length && (
                  <tr class="spacer" aria-hidden="true" style={{ height: `${(shown.length - last) * ROW_HEIGHT}px` }} />
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function DeviceRow({ device, index }: { device: Device; index: number }) {
  return (
    <tr aria-rowindex={index} data-device={device.id}>
      <td class="hostname">
        <a href={link.device(device.id)}>{device.hostname || device.short_id}</a>
      </td>
      <td>{device.plan?.slug}</td>
      <td>{device.metro?.code}</td>
      <td>
        <StateBadge device={device} />
      </td>
      <td class="ips">{device.ip_addresses.map((ip) => ip.address).join(', ')}</td>
      <td class="tags">
        {device.tags.map((tag) => (
          <span class="tag" key={tag}>
            {tag}
          </span>
        ))}
      </td>
      <td>{new Date(device.created_at).toLocaleDateString()}</td>
    </tr>
  );
}

/**
 * Follows up to FOLLOWED_AT_ONCE devices that are on their way to another state, replacing each row as its device
 * changes (and dropping it once it is gone); the next one is followed when one comes to rest.
 */
function useLiveStates(devices: Device[], setDevices: (update: (previous: Device[]) => Device[]) => void): void {
  const followed = useRef(new Map<string, AbortController>());
  const [turn, setTurn] = useState(0);
  useEffect(() => () => followed.current.forEach((aborter) => aborter.abort()), []);
  useEffect(() => {
    const moving = devices.filter((d) => !DEVICE_STATE_INFO[d.state]?.resting && !followed.current.has(d.id));
    for (const device of moving.slice(0, Math.max(0, FOLLOWED_AT_ONCE - followed.current.size))) {
      const aborter = new AbortController();
      followed.current.set(device.id, aborter);
      void watchDevice(
        device,
        (next) =>
          setDevices((previous) =>
            next ? previous.map((d) => (d.id === next.id ? { ...d, ...next } : d)) : previous.filter((d) => d.id !== device.id),
          ),
        aborter.signal,
      ).finally(() => {
        if (aborter.signal.aborted) return;
        followed.current.delete(device.id);
        setTurn((n) => n + 1);
      });
    }
  }, [devices, turn]);
}
