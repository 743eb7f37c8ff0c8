/**
 * One device: what it is (specs, addresses, ports, metadata, user data), what happened to it (the event timeline),
 * and what can be done (power actions, delete). The device is followed live while the page is open.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call, get } from '../api';
import { watchDevice } from '../live';
import { link, navigate } from '../router';
import type { Device, DeviceEvent } from '../types';
import { ErrorLine, Loading, Section, money, specLine, when } from './common';
import { StateBadge } from './state-badge';

const ACTIONS: [type: string, label: string][] = [
  ['power_on', 'Power on'],
  ['power_off', 'Power off'],
  ['reboot', 'Reboot'],
  ['reinstall', 'Reinstall'],
];

export function DeviceView({ id }: { id: string }) {
  const [device, setDevice] = useState<Device | null>();
  const [events, setEvents] = useState<DeviceEvent[]>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  /** Ends this view's reads: on leaving it, and before a delete (the view is left once it is accepted). */
  const reads = useRef<AbortController | undefined>(undefined);

  const loadEvents = (signal?: AbortSignal) =>
    get<{ events: DeviceEvent[] }>(`/devices/${id}/events?per_page=100`, signal).then(
      (answer) => setEvents(answer.events),
      (err: unknown) => signal?.aborted || setError(err),
    );

  useEffect(() => {
    const aborter = new AbortController();
    reads.current = aborter;
    setDevice(undefined);
    setError(undefined);
    get<Device>(`/devices/${id}`, aborter.signal).then(
      (found) => {
        if (aborter.signal.aborted) return;
        setDevice(found);
        void loadEvents(aborter.signal);
        void watchDevice(
          found,
          (next) => {
            setDevice(next);
            if (next) void loadEvents(aborter.signal);
          },
          aborter.signal,
          true,
        );
      },
      (err: unknown) => aborter.signal.aborted || setError(err),
    );
    return () => aborter.abort();
  }, [id]);

  const act = async (type: string, label: string) => {
    setBusy(true);
    setNotice(undefined);
    try {
      await call('POST', `/devices/${id}/actions`, { type });
      setNotice(`${label} requested.`);
      await loadEvents();
    } catch (err) {
      setNotice(`${label} refused: ${err instanceof ApiError ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    reads.current?.abort();
    try {
      await call('DELETE', `/devices/${id}`);
      navigate(device ? link.devices(projectOf(device)) : link.projects());
    } catch (err) {
      setNotice(`Delete refused: ${err instanceof ApiError ? err.message : String(err)}`);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  if (error !== undefined)
    return (
      <section>
        <h1>Device</h1>
        <ErrorLine error={error} />
      </section>
    );
  if (device === undefined) return <Loading what="the device" />;
  if (device === null)
    return (
      <section>
        <h1>Device</h1>
        <p role="status">This device has been deleted.</p>
      </section>
    );

  return (
    <article aria-labelledby="device-title">
      <p class="crumbs">
        <a href={link.devices(projectOf(device))}>← Devices of the project</a>
      </p>
      <h1 id="device-title">{device.hostname || device.short_id}</h1>
      <p>
        <StateBadge device={device} /> <span class="muted">{device.id}</span>
      </p>
      {device.termination_time && (
        <p class="warning" role="alert">
          Spot termination notice: this spot instance will be reclaimed at {when(device.termination_time)}.
        </p>
      )}
      <div class="actions" role="group" aria-label="Power and lifecycle">
        {ACTIONS.map(([type, label]) => (
          <button key={type} type="button" disabled={busy} onClick={() => void act(type, label)}>
            {label}
          </button>
        ))}
        <button type="button" class="danger" disabled={busy} onClick={() => setConfirming(true)}>
          Delete…
        </button>
      </div>
      {confirming && (
        <div class="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
          <h2 id="confirm-title">Delete {device.hostname}?</h2>
          <p id="confirm-text">The device is deprovisioned and its disks are wiped; this cannot be undone.</p>
          <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
            Delete the device
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}

      <Section title="Specs">
        <dl>
          <dt>Plan</dt>
          <dd>
            {device.plan.slug} ({money(device.plan.pricing.hour)}
            {device.spot_instance ? `, spot, bid up to ${money(device.spot_price_max ?? 0)}` : ''})
          </dd>
          <dt>Hardware</dt>
          <dd>{specLine(device.plan)}</dd>
          <dt>Location</dt>
          <dd>
            {device.metro.name} ({device.metro.code}){device.facility ? `, facility ${device.facility.code}` : ''}
          </dd>
          <dt>Operating system</dt>
          <dd>{device.operating_system?.name ?? '—'}</dd>
          <dt>Created</dt>
          <dd>{when(device.created_at)}</dd>
        </dl>
      </Section>

      <Section title="Addresses">
        {device.ip_addresses.length === 0 ? (
          <p>None yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Family</th>
                <th scope="col">Kind</th>
                <th scope="col">Gateway</th>
              </tr>
            </thead>
            <tbody>
              {device.ip_addresses.map((ip) => (
                <tr key={ip.id}>
                  <td>
                    {ip.address}/{ip.cidr}
                  </td>
                  <td>IPv{ip.address_family}</td>
                  <td>
                    {ip.public ? 'public' : 'private'}
                    {ip.management ? ', management' : ''}
                  </td>
                  <td>{ip.gateway}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="Network ports">
        <table>
          <thead>
            <tr>
              <th scope="col">Port</th>
              <th scope="col">Type</th>
              <th scope="col">MAC</th>
              <th scope="col">Network</th>
            </tr>
          </thead>
          <tbody>
            {(device.network_ports ?? []).map((port) => (
              <tr key={port.id}>
                <td>
                  {port.name}
                  {port.bond ? ` (in ${port.bond.name})` : ''}
                </td>
                <td>{port.type}</td>
                <td>{port.data.mac ?? '—'}</td>
                <td>{port.network_type}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section title="Metadata">
        <dl>
          <dt>Description</dt>
          <dd data-testid="description">{device.description || '—'}</dd>
          <dt>Tags</dt>
          <dd data-testid="tags">
            {device.tags.length
              ? device.tags.map((tag) => (
                  <span class="tag" key={tag}>
                    {tag}
                  </span>
                ))
              : '—'}
          </dd>
          <dt>Custom data</dt>
          <dd>
            <pre>{JSON.stringify(device.customdata ?? {}, null, 2)}</pre>
          </dd>
        </dl>
      </Section>

      <Section title="User data">
        <pre data-testid="userdata">{device.userdata || '(none)'}</pre>
      </Section>

      <Section title="Timeline">
        {events === undefined ? (
          <Loading what="events" />
        ) : (
          <ol class="timeline" data-testid="timeline">
            {events.map((event) => (
              <li key={event.id}>
                <time dateTime={event.created_at}>{when(event.created_at)}</time> <span class="event-type">{event.type}</span> {event.body}
              </li>
            ))}
          </ol>
        )}
      </Section>
    </article>
  );
}

/** The project id from the device's project link (the device names its project by href). */
function projectOf(device: Device): string {
  return device.project?.id ?? device.project?.href?.split('/').pop() ?? '';
}
