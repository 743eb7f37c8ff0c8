/**
 * Serialized responses keyed by a version the database bumps on every change (e.g. a project's
 * devices_version), so repeated reads of an unchanged page cost one small query and no serialization.
 * Concurrent misses for one key share one computation. Entries also expire, for fields that change with time.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { body: Promise<string>; until: number }>();

  constructor(
    private readonly maxEntries = 256,
    private readonly ttlMs = 30_000,
  ) {}

  get(key: string, compute: () => Promise<string>): Promise<string> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.body;
    const body = compute();
    body.catch(() => this.entries.delete(key));
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { body, until: now + this.ttlMs });
    return body;
  }
}
