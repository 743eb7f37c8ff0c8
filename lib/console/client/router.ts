/**
 * Hash routes: each view has a URL of its own that can be shared, and none of them can collide with the API's paths
 * at the root (old clients call /projects there). A URL never carries the token.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { view: 'projects' }
  | { view: 'devices'; project: string }
  | { view: 'create'; project: string }
  | { view: 'device'; id: string }
  | { view: 'spot'; project?: string }
  | { view: 'datacenters' }
  | { view: 'operator'; facility?: string }
  | { view: 'unknown'; path: string };

const PATTERNS: [RegExp, (m: string[]) => Route][] = [
  [/^\/?$/, () => ({ view: 'projects' })],
  [/^\/projects$/, () => ({ view: 'projects' })],
  [/^\/projects\/([\w-]+)$/, (m) => ({ view: 'devices', project: m[1] })],
  [/^\/projects\/([\w-]+)\/new$/, (m) => ({ view: 'create', project: m[1] })],
  [/^\/devices\/([\w-]+)$/, (m) => ({ view: 'device', id: m[1] })],
  [/^\/spot(?:\/([\w-]+))?$/, (m) => ({ view: 'spot', project: m[1] })],
  [/^\/datacenters$/, () => ({ view: 'datacenters' })],
  [/^\/operator(?:\/([\w-]+))?$/, (m) => ({ view: 'operator', facility: m[1] })],
];

export function parseRoute(hash: string): Route {
  const path = decodeURIComponent(hash.replace(/^#/, ''));
  for (const [pattern, route] of PATTERNS) {
    const match = pattern.exec(path);
    if (match) return route(match);
  }
  return { view: 'unknown', path };
}

export const link = {
  projects: () => '#/projects',
  devices: (project: string) => `#/projects/${project}`,
  create: (project: string) => `#/projects/${project}/new`,
  device: (id: string) => `#/devices/${id}`,
  spot: (project?: string) => (project ? `#/spot/${project}` : '#/spot'),
  datacenters: () => '#/datacenters',
  operator: (facility?: string) => (facility ? `#/operator/${facility}` : '#/operator'),
};

export function navigate(hash: string): void {
  location.hash = hash;
}

/** The current route, following the address bar. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return route;
}
