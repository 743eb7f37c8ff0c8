/** Shared benchmark helpers: timing, percentiles, temp dirs, and a catalog with many machines of one plan. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CatalogFile } from '../lib/engine/operator';

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `metalforge-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/**
 * The default catalog's metros, plans and OS, with `machines` machines of `plan` spread over the facilities
 * of `metro` (and no other hardware), written into `dir`.
 */
export function bulkCatalog(dir: string, machines: number, plan = 'c3.small.x86', metro = 'da'): string {
  const base = JSON.parse(readFileSync(resolve(__dirname, '..', 'catalog', 'default.json'), 'utf8')) as CatalogFile;
  const facilities = base.facilities.filter((f) => f.metro === metro).map((f) => f.code);
  const perFacility = Math.ceil(machines / facilities.length);
  const catalog: CatalogFile = { ...base, hardware: [{ facilities, per_facility: { [plan]: perFacility } }] };
  const path = join(dir, 'catalog.json');
  writeFileSync(path, JSON.stringify(catalog));
  return path;
}

/** Runs `task(i)` for i in [0, total) with at most `concurrency` in flight. */
export async function pool(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

export function report(title: string, lines: Record<string, string | number>): void {
  process.stdout.write(`\n${title}\n`);
  for (const [k, v] of Object.entries(lines)) process.stdout.write(`  ${k.padEnd(28)} ${v}\n`);
}
