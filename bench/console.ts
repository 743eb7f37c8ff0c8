/**
 * The console in headless Chromium: time from navigation to a project's device list rendered, for a project with
 * 10,000 devices, against the same browser rendering a static HTML table of the same rows (served by a bare node
 * HTTP server on loopback), in the same run; plus the console's transferred size (gzip) for that first view.
 *   npx tsx bench/console.ts [devices]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Page } from 'playwright-core';
import { createCloud } from '../lib/cloud';
import { bulkCatalog, median, pool, report, tempDir } from './support';

const devices = Number(process.argv[2] ?? 10_000);
const ROUNDS = 3;
const CHROMIUM = process.env.METALFORGE_CHROMIUM ?? '/usr/bin/chromium';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Row {
  hostname: string;
  plan: { slug: string };
  metro: { code: string };
  state: string;
  ip_addresses: { address: string }[];
  tags: string[];
  created_at: string;
}

function staticTable(rows: Row[]): string {
  const cells = (d: Row) =>
    [d.hostname, d.plan.slug, d.metro.code, d.state, d.ip_addresses.map((ip) => ip.address).join(', '), d.tags.join(' '), d.created_at]
      .map((v) => `<td>${escape(v)}</td>`)
      .join('');
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>static devices</title></head><body><table>',
    '<thead><tr><th>Hostname</th><th>Plan</th><th>Metro</th><th>State</th><th>IP addresses</th><th>Tags</th><th>Created</th></tr></thead><tbody>',
    ...rows.map((d) => `<tr>${cells(d)}</tr>`),
    '</tbody></table></body></html>',
  ].join('\n');
}

/** A check run in the page, self-contained (it is sent as source; the bench's types know no DOM, and the CSP forbids eval of strings). */
type Rendered = (count: number) => boolean;
const firstRows: Rendered = () => (globalThis as any).document.querySelectorAll('table.devices tr[data-device]').length > 0;
const allRows: Rendered = (count) =>
  (globalThis as any).document.querySelector('[data-testid=device-count]')?.textContent === `${count} of ${count} devices`;
const staticRows: Rendered = (count) =>
  (globalThis as any).document.querySelectorAll('tbody tr').length === count && (globalThis as any).document.readyState === 'complete';
/** Some row near `index` is drawn (hostnames are bench-00042). */
const rowNear: Rendered = (index) =>
  [...(globalThis as any).document.querySelectorAll('td.hostname')].some(
    (td: any) => Math.abs(Number(td.textContent.slice(6)) - index) < 40,
  );

/** Milliseconds from navigation until `rendered` holds in the page, then one frame painted. */
async function timeTo(page: Page, url: string, rendered: Rendered): Promise<number> {
  await page.goto('about:blank');
  const start = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(rendered, devices, { polling: 'raf', timeout: 120_000 });
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve()))');
  return performance.now() - start;
}

async function main() {
  const tmp = tempDir('bench-console');
  const cloud = await createCloud({
    catalog: bulkCatalog(tmp.dir, devices),
    simScale: 0,
    bootPath: 'in-process',
    port: 0,
    rateLimit: { limit: 10_000_000 },
    // The devices stay queued: the list is what is measured, not provisioning.
    startWorkers: false,
  });
  const url = await cloud.listen();
  const principal = await cloud.engine.accounts.authenticate(cloud.adminToken);
  const project = await cloud.engine.projects.create(principal, { name: 'bench' });
  const created = performance.now();
  await pool(devices, 50, async (i) => {
    await cloud.engine.devices.create(principal, project.id, {
      hostname: `bench-${String(i).padStart(5, '0')}`,
      plan: 'c3.small.x86',
      metro: 'da',
      operating_system: 'ubuntu_24_04',
      tags: [`rack-${i % 40}`],
    });
  });
  process.stderr.write(`created ${devices} devices in ${((performance.now() - created) / 1000).toFixed(1)} s\n`);

  const rows: Row[] = [];
  for (let page = 1; rows.length < devices; page++) {
    const answer = await fetch(`${url}/metal/v1/projects/${project.id}/devices?page=${page}&per_page=100`, {
      headers: { 'x-auth-token': cloud.adminToken },
    });
    rows.push(...((await answer.json()) as { devices: Row[] }).devices);
  }
  const html = staticTable(rows);
  const baseline = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => baseline.listen(0, '127.0.0.1', resolve));
  const baselineUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}/`;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Signed in as the console keeps it: the token in the tab's session storage.
  await context.addInitScript({ content: `sessionStorage.setItem('metalforge.console.token', ${JSON.stringify(cloud.adminToken)})` });
  const page = await context.newPage();
  const consoleUrl = `${url}/#/projects/${project.id}`;

  // The first view's transfer, cold: the console's own files (gzip'd as sent) and the API's answers.
  let consoleBytes = 0;
  let apiBytes = 0;
  page.on('requestfinished', (request) => {
    void request.sizes().then((sizes) => {
      const bytes = sizes.responseBodySize + sizes.responseHeadersSize;
      if (request.url().includes('/metal/v1/')) apiBytes += bytes;
      else consoleBytes += bytes;
    });
  });
  await timeTo(page, consoleUrl, allRows);
  page.removeAllListeners('requestfinished');

  const first: number[] = [];
  const all: number[] = [];
  const plain: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    first.push(await timeTo(page, consoleUrl, firstRows));
    all.push(await timeTo(page, consoleUrl, allRows));
    plain.push(await timeTo(page, baselineUrl, staticRows));
  }
  // Responsiveness once loaded: jumps through the 10,000 rows, each until the rows in view are drawn.
  await timeTo(page, consoleUrl, allRows);
  const domRows = await page.locator('table.devices tr[data-device]').count();
  const jumps: number[] = [];
  for (const fraction of [0.25, 0.5, 0.75, 1, 0]) {
    const start = performance.now();
    await page.evaluate(`(() => { const s = document.querySelector('.scroller'); s.scrollTop = s.scrollHeight * ${fraction}; })()`);
    await page.waitForFunction(rowNear, Math.min(devices - 1, Math.floor(devices * fraction)), { polling: 'raf' });
    jumps.push(performance.now() - start);
  }

  await browser.close();
  baseline.close();
  await cloud.close();
  tmp.remove();

  const consoleAll = median(all);
  const staticAll = median(plain);
  report(
    `console: a project's ${devices} devices in headless Chromium (median of ${ROUNDS}, warm cache; static table from bare node http)`,
    {
      'first rows drawn (ms)': median(first).toFixed(0),
      'all rows loaded (ms)': consoleAll.toFixed(0),
      'static table drawn (ms)': staticAll.toFixed(0),
      'ratio all/static': (consoleAll / staticAll).toFixed(2),
      'ratio first rows/static': (median(first) / staticAll).toFixed(2),
      'rows in the DOM': `${domRows} (static: ${devices})`,
      'scroll jump, median (ms)': median(jumps).toFixed(1),
      'first view, console (gzip KB)': (consoleBytes / 1024).toFixed(1),
      'first view, API JSON (KB)': (apiBytes / 1024).toFixed(1),
      'static page (KB)': (Buffer.byteLength(html) / 1024).toFixed(1),
    },
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
