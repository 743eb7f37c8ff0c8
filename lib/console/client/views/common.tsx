/** Small pieces every view uses: loading and error lines, and a hook that loads data for the view's lifetime. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import type { PlanSpecs } from '../types';

export function ErrorLine({ error }: { error: unknown }) {
  const text =
    error instanceof ApiError
      ? error.status === 401
        ? `${error.message} Sign out and sign in with a valid token.`
        : error.status === 403
          ? `${error.message} This needs a token that may do it (the operator's admin token for operator pages).`
          : error.message
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  reload: () => void;
}

/** Runs `load` when `key` changes (and on reload), aborting the previous run; data and error as state. */
export function useLoad<T>(key: string, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  const [round, setRound] = useState(0);
  useEffect(() => {
    const aborter = new AbortController();
    load(aborter.signal).then(
      (data) => aborter.signal.aborted || setState({ data }),
      (error: unknown) => aborter.signal.aborted || setState({ error }),
    );
    return () => aborter.abort();
    // `load` is a new function each render; the key says when it loads something else.
  }, [key, round]);
  return { ...state, reload: () => setRound((n) => n + 1) };
}

/** A module loaded on first use (a chunk of its own: the chart and the map stay out of the first view's bundle). */
export function useLazy<T>(load: () => Promise<T>): T | undefined {
  const [loaded, setLoaded] = useState<T>();
  useEffect(() => {
    let current = true;
    void load().then((module) => current && setLoaded(() => module));
    return () => {
      current = false;
    };
  }, []);
  return loaded;
}

export function Section({ title, children, labelledBy }: { title: string; children: ComponentChildren; labelledBy?: string }) {
  const id = labelledBy ?? `s-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export const money = (perHour: number) => `$${perHour.toFixed(perHour < 1 ? 3 : 2)}/h`;
export const when = (iso: string) => new Date(iso).toLocaleString();

/** A plan's specs in one line: "8 cores Intel Xeon E-2278G · 32GB RAM · 2 × 480GB SSD · 2 × 10Gbps". */
export function specLine(plan: { specs: PlanSpecs }): string {
  const { cpus = [], memory, drives = [], nics = [] } = plan.specs;
  return [
    ...cpus.map((c) => `${c.count > 1 ? `${c.count} × ` : ''}${c.cores ? `${c.cores} cores ` : ''}${c.type}`),
    memory && `${memory.total} RAM`,
    ...drives.map((d) => `${d.count} × ${d.size} ${d.type}`),
    ...nics.map((n) => `${n.count} × ${n.type}`),
  ]
    .filter(Boolean)
    .join(' · ');
}
