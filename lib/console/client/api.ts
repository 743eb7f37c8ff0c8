/**
 * The console's only way to the server: the public API at /metal/v1 with the signed-in token in X-Auth-Token, so the
 * console can do nothing its token cannot. The token lives in this tab's session storage, never in a URL.
 */
export const API_BASE = '/metal/v1';
const TOKEN_KEY = 'metalforge.console.token';

/** An answer other than 2xx: the API's own messages (each "field: what is wrong" for a 422). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    readonly code?: string,
  ) {
    super(messages.join('; '));
  }

  /** The messages about `field` (the API writes them as "field: message"), without that prefix. */
  about(field: string): string[] {
    return this.messages.filter((m) => fieldOf(m) === field).map((m) => m.slice(field.length + 1).trim());
  }
}

/** The field a "field: message" names ("user_data", "ssh_keys[1]" → "ssh_keys"), if it names one. */
export function fieldOf(message: string): string | undefined {
  return /^([a-z_]+)(?:\[\d+\])?(?:\.[\w.[\]]+)?:/.exec(message)?.[1];
}

export const storedToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const keepToken = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token);
export const forgetToken = (): void => sessionStorage.removeItem(TOKEN_KEY);

export async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal, token = storedToken()): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers['x-auth-token'] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(API_BASE + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
    cache: 'no-store',
    credentials: 'omit',
  });
  if (response.status === 204 || response.status === 202) return undefined as T;
  const data = (await response.json().catch(() => ({}))) as { errors?: unknown; code?: string };
  if (!response.ok) {
    const messages = Array.isArray(data.errors) ? data.errors.map(String) : [`${response.status} ${response.statusText}`];
    throw new ApiError(response.status, messages, data.code);
  }
  return data as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => call<T>('GET', path, undefined, signal);

/** The largest page the API serves. */
const PER_PAGE = 100;
/** Pages fetched at once: the browser keeps a few of its six connections free for the rest of the page. */
const PAGES_AT_ONCE = 3;

/**
 * Every item of a paged list: the first page at once (handed to `onProgress` so the view can draw it), then the
 * rest a few pages at a time, each batch handed on as it arrives.
 */
export async function allPages<T>(
  path: string,
  key: string,
  onProgress: (items: T[], total: number) => void,
  signal?: AbortSignal,
): Promise<T[]> {
  const join = path.includes('?') ? '&' : '?';
  const page = (n: number) =>
    get<Record<string, unknown> & { meta?: { total?: number; last_page?: number } }>(
      `${path}${join}page=${n}&per_page=${PER_PAGE}`,
      signal,
    );
  const first = await page(1);
  const items = [...((first[key] as T[]) ?? [])];
  const total = first.meta?.total ?? items.length;
  const last = first.meta?.last_page ?? 1;
  onProgress(items, total);
  for (let start = 2; start <= last; start += PAGES_AT_ONCE) {
    const numbers = Array.from({ length: Math.min(PAGES_AT_ONCE, last - start + 1) }, (_, i) => start + i);
    for (const next of await Promise.all(numbers.map(page))) items.push(...((next[key] as T[]) ?? []));
    onProgress(items, total);
  }
  return items;
}
