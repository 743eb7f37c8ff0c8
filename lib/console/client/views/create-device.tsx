/**
 * Create a device: a plan (specs and hourly price), a metro (with how many machines of that plan it has free), an
 * operating system that runs on the plan, SSH keys and user data. The API validates; its messages are shown next to
 * the fields they name.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError, call, fieldOf, get } from '../api';
import { link, navigate } from '../router';
import type { Capacity, Device, Metro, OperatingSystem, Plan, SshKey } from '../types';
import { ErrorLine, Loading, money, specLine, useLoad } from './common';

interface Choices {
  plans: Plan[];
  metros: Metro[];
  capacity: Capacity;
  systems: OperatingSystem[];
  /** The project's keys and the signed-in user's, each sent in its own field. */
  keys: (SshKey & { owner: 'project' | 'user' })[];
}

async function loadChoices(project: string, signal: AbortSignal): Promise<Choices> {
  const [plans, metros, capacity, systems, projectKeys, userKeys] = await Promise.all([
    get<{ plans: Plan[] }>(`/projects/${project}/plans`, signal),
    get<{ metros: Metro[] }>('/locations/metros', signal),
    get<{ capacity: Capacity }>('/capacity/metros', signal),
    get<{ operating_systems: OperatingSystem[] }>('/operating-systems', signal),
    get<{ ssh_keys: SshKey[] }>(`/projects/${project}/ssh-keys`, signal),
    get<{ ssh_keys: SshKey[] }>('/ssh-keys', signal).catch(() => ({ ssh_keys: [] })),
  ]);
  return {
    plans: plans.plans.filter((plan) => plan.deployment_types.includes('on_demand')),
    metros: metros.metros,
    capacity: capacity.capacity,
    systems: systems.operating_systems,
    keys: [
      ...projectKeys.ssh_keys.map((key) => ({ ...key, owner: 'project' as const })),
      ...userKeys.ssh_keys.map((key) => ({ ...key, owner: 'user' as const })),
    ],
  };
}

/** Whether `os` runs on `plan`: its provisionable_on names the plan's slug or class, or "*". */
const runsOn = (os: OperatingSystem, plan: Plan | undefined) =>
  !plan || os.provisionable_on.some((p) => p === '*' || p === plan.slug || p === plan.class);

/** The form's fields, by the name the API gives them in its messages. */
const FIELDS = ['hostname', 'plan', 'metro', 'operating_system', 'project_ssh_keys', 'user_ssh_keys', 'userdata', 'tags'] as const;
type Field = (typeof FIELDS)[number];

export function CreateDevice({ project }: { project: string }) {
  const choices = useLoad(`create:${project}`, (signal) => loadChoices(project, signal));
  const [hostname, setHostname] = useState('');
  const [plan, setPlan] = useState('');
  const [metro, setMetro] = useState('');
  const [os, setOs] = useState('');
  const [keys, setKeys] = useState<string[]>([]);
  const [userdata, setUserdata] = useState('');
  const [tags, setTags] = useState('');
  const [problem, setProblem] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const chosenPlan = choices.data?.plans.find((p) => p.slug === plan);
  const systems = useMemo(() => choices.data?.systems.filter((s) => runsOn(s, chosenPlan)) ?? [], [choices.data, chosenPlan]);

  if (choices.error !== undefined) return <ErrorLine error={choices.error} />;
  if (!choices.data) return <Loading what="plans, metros and operating systems" />;
  const { plans, metros, capacity } = choices.data;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const body: Record<string, unknown> = { plan, metro, operating_system: os };
    if (hostname) body.hostname = hostname;
    if (userdata) body.userdata = userdata;
    for (const owner of ['project', 'user'] as const) {
      const chosen = choices.data!.keys.filter((key) => key.owner === owner && keys.includes(key.id)).map((key) => key.id);
      if (chosen.length) body[`${owner}_ssh_keys`] = chosen;
    }
    const tagList = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (tagList.length) body.tags = tagList;
    try {
      const created = await call<Device>('POST', `/projects/${project}/devices`, body);
      navigate(link.device(created.id));
    } catch (err) {
      setProblem(err instanceof ApiError ? err : new ApiError(0, [String(err)]));
    } finally {
      setBusy(false);
    }
  };

  /** The API's messages about `field`, shown under it and tied to it for screen readers. */
  const messages = (field: Field) => problem?.about(field) ?? [];
  const invalid = (field: Field) =>
    messages(field).length ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${field}-error` } : {};
  const FieldError = ({ field }: { field: Field }) =>
    messages(field).length ? (
      <p id={`${field}-error`} class="error field-error" role="alert">
        {messages(field).join(' ')}
      </p>
    ) : null;
  const general = problem?.messages.filter((m) => !FIELDS.includes(fieldOf(m) as Field)) ?? [];

  return (
    <section aria-labelledby="create-title">
      <p class="crumbs">
        <a href={link.devices(project)}>← Devices of the project</a>
      </p>
      <h1 id="create-title">Create a device</h1>
      <form onSubmit={submit} noValidate class="create">
        {general.length > 0 && (
          <div class="error" role="alert">
            {general.map((m) => (
              <p key={m}>{m}</p>
            ))}
          </div>
        )}
        <label for="hostname">Hostname</label>
        <input id="hostname" value={hostname} onInput={(e) => setHostname((e.target as HTMLInputElement).value)} {...invalid('hostname')} />
        <FieldError field="hostname" />

        <fieldset {...invalid('plan')}>
          <legend>Plan</legend>
          {plans.map((p) => (
            <label class="choice" key={p.slug}>
              <input type="radio" name="plan" value={p.slug} checked={plan === p.slug} onChange={() => setPlan(p.slug)} />
              <strong>{p.slug}</strong> <span class="price">{money(p.pricing.hour)}</span>
              <span class="muted"> {specLine(p)}</span>
            </label>
          ))}
        </fieldset>
        <FieldError field="plan" />

        <label for="metro">Metro</label>
        <select id="metro" value={metro} onChange={(e) => setMetro((e.target as HTMLSelectElement).value)} {...invalid('metro')}>
          <option value="">Choose a metro</option>
          {metros.map((m) => {
            const free = plan ? (capacity[m.code]?.[plan]?.available_servers ?? 0) : undefined;
            return (
              <option key={m.code} value={m.code}>
                {m.name} ({m.code}
                {m.kind ? `, ${m.kind}` : ''}){free === undefined ? '' : ` — ${free} ${plan} free`}
              </option>
            );
          })}
        </select>
        <FieldError field="metro" />

        <label for="operating_system">Operating system</label>
        <select
          id="operating_system"
          value={os}
          onChange={(e) => setOs((e.target as HTMLSelectElement).value)}
          {...invalid('operating_system')}
        >
          <option value="">Choose an operating system</option>
          {systems.map((s) => (
            <option key={s.slug} value={s.slug}>
              {s.name}
            </option>
          ))}
        </select>
        <FieldError field="operating_system" />

        <fieldset>
          <legend>SSH keys</legend>
          {choices.data.keys.length === 0 && <p class="muted">No SSH keys in this project or account.</p>}
          {choices.data.keys.map((key) => (
            <label class="choice" key={key.id}>
              <input
                type="checkbox"
                checked={keys.includes(key.id)}
                onChange={(e) => setKeys((e.target as HTMLInputElement).checked ? [...keys, key.id] : keys.filter((k) => k !== key.id))}
              />
              {key.label}{' '}
              <span class="muted">
                ({key.owner} key) {key.fingerprint}
              </span>
            </label>
          ))}
        </fieldset>
        <FieldError field="project_ssh_keys" />
        <FieldError field="user_ssh_keys" />

        <label for="tags">Tags (separated by commas)</label>
        <input id="tags" value={tags} onInput={(e) => setTags((e.target as HTMLInputElement).value)} {...invalid('tags')} />
        <FieldError field="tags" />

        <label for="userdata">User data</label>
        <textarea
          id="userdata"
          rows={6}
          value={userdata}
          onInput={(e) => setUserdata((e.target as HTMLTextAreaElement).value)}
          {...invalid('userdata')}
        />
        <FieldError field="userdata" />

        <button type="submit" disabled={busy}>
          Create the device
        </button>
      </form>
    </section>
  );
}
