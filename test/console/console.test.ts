/**
 * The console in a real browser (Debian's Chromium, headless) against a real cloud on loopback: sign-in, the device
 * list, the create form, live progress, power actions, markup shown as text, and axe-core on every view.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import pino from 'pino';
import type { Cloud } from '../../lib/cloud';
import { describeWithBrowser, collectProblems, launchBrowser, screenshot } from '../support/browser';
import { adminProject, deviceInput, removeTempDirs, sshPublicKey, testCloud } from '../support/cloud';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** Script and markup a tenant can put in its own fields; the console must show them as the text they are. */
const PAYLOADS = ['<img src=x onerror="window.__xss=1">', '<script>window.__xss=2</script>', '"><svg onload="window.__xss=3">'];

/** axe-core's serious and critical findings on the page as it is now (run through the debugger: the CSP stays on). */
async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  // A string, evaluated in the page (whose globals this file's types do not know).
  const violations: { id: string; impact: string; nodes: string[] }[] = await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((result) =>
      result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })))`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).join(', ')}`);
}

describeWithBrowser('the console in Chromium', () => {
  let cloud: Cloud;
  let url: string;
  let browser: Browser;
  let projectId: string;
  let spotProjectId: string;
  let page: Page;
  let problems: string[];
  /** Every line the server logged (trace level: requests with their URLs and headers' shapes). */
  const logLines: string[] = [];

  beforeAll(async () => {
    cloud = await testCloud('pglite', {
      simScale: 0.02,
      bootPath: 'in-process',
      logger: pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) }),
    });
    url = await cloud.listen();
    const admin = await adminProject(cloud, 'web');
    projectId = admin.projectId;
    for (const [i, payload] of PAYLOADS.entries()) {
      await cloud.engine.devices.create(admin.principal, projectId, {
        ...deviceInput({ hostname: `web-${i}` }),
        tags: [payload, 'web'],
        description: payload,
        userdata: `#!/bin/sh\necho '${payload}'`,
        customdata: { note: payload },
      });
    }
    spotProjectId = (await adminProject(cloud, 'spot')).projectId;
    const spotRequest = await cloud.app.inject({
      method: 'POST',
      url: `/metal/v1/projects/${spotProjectId}/spot-market-requests`,
      headers: { 'x-auth-token': cloud.adminToken },
      payload: {
        max_bid_price: 1,
        devices_min: 1,
        devices_max: 1,
        metro: 'ny',
        instance_parameters: { plan: 'c3.small.x86', operating_system: 'ubuntu_24_04', hostname: 'spot-1' },
      },
    });
    expect(spotRequest.statusCode).toBe(201);
    // Clearing rounds record the prices the chart draws.
    for (let round = 0; round < 3; round++) await cloud.engine.spot.clear();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await cloud?.close();
    removeTempDirs();
  });

  beforeEach(async () => {
    page = await (await browser.newContext()).newPage();
    problems = collectProblems(page);
  });

  afterEach(async () => {
    await page.context().close();
    expect(problems).toEqual([]);
  });

  async function signIn(token = cloud.adminToken): Promise<void> {
    await page.goto(`${url}/`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('refuses a bad token with a clear message and keeps nothing', async () => {
    await signIn('mf_not-a-real-token');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/token was not accepted/);
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual([]);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-refused');
  });

  it('signs in, lists the projects and the devices of one, and keeps the token out of the URL', async () => {
    await signIn();
    await page.getByRole('link', { name: 'web', exact: true }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'projects');
    await page.getByRole('link', { name: 'web', exact: true }).click();
    await page.getByText('3 of 3 devices').waitFor();
    expect(await page.locator('table.devices tbody tr[data-device] td.hostname').allTextContents()).toEqual(['web-0', 'web-1', 'web-2']);
    expect(page.url()).toBe(`${url}/#/projects/${projectId}`);
    expect(page.url()).not.toContain(cloud.adminToken);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'devices');

    await page.getByLabel('Filter').fill('web-1');
    await page.getByText('1 of 3 devices').waitFor();
    await page.getByRole('button', { name: 'Hostname' }).click(); // descending now
    await page.getByLabel('Filter').fill('');
    await page.getByText('3 of 3 devices').waitFor();
    expect(await page.locator('table.devices tbody tr[data-device] td.hostname').allTextContents()).toEqual(['web-2', 'web-1', 'web-0']);
  });

  it('shows markup in tags, descriptions, user data and custom data as text, never running it', async () => {
    await signIn();
    await page.goto(`${url}/#/projects/${projectId}`);
    await page.getByText('3 of 3 devices').waitFor();
    const tagTexts = await page.locator('table.devices td.tags .tag').allTextContents();
    for (const payload of PAYLOADS) expect(tagTexts).toContain(payload);
    await page.getByRole('link', { name: 'web-0' }).click();
    await page.getByTestId('userdata').waitFor();
    expect(await page.getByTestId('description').textContent()).toBe(PAYLOADS[0]);
    expect(await page.getByTestId('userdata').textContent()).toBe(`#!/bin/sh\necho '${PAYLOADS[0]}'`);
    expect(await page.getByTestId('tags').textContent()).toContain(PAYLOADS[0]);
    expect(await page.locator('main img, main script, main svg[onload]').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
  });

  it('creates a device through the form and shows it reach active without a reload', async () => {
    const key = await cloud.app.inject({
      method: 'POST',
      url: `/metal/v1/projects/${projectId}/ssh-keys`,
      headers: { 'x-auth-token': cloud.adminToken },
      payload: { label: 'deploy key', key: sshPublicKey('deploy@console') },
    });
    expect(key.statusCode).toBe(201);
    await signIn();
    await page.goto(`${url}/#/projects/${projectId}/new`);
    await page.getByLabel('Hostname').fill('<b>bold</b>');
    await page.getByRole('button', { name: 'Create the device' }).click();
    // The API's own messages, next to the fields they name; markup in the answer stays text.
    await expect(page.locator('#hostname-error').textContent()).resolves.toMatch(/hostname/);
    await expect(page.locator('#metro-error').textContent()).resolves.toMatch(/\S/);
    expect(await page.getByLabel('Hostname').getAttribute('aria-invalid')).toBe('true');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'create-refused');

    await page.getByLabel('Hostname').fill('form-made');
    await page.getByRole('radio', { name: /c3\.small\.x86/ }).check();
    await page.getByLabel('Metro').selectOption('ny');
    expect(await page.getByLabel('Metro').locator('option[value="ny"]').textContent()).toMatch(/\d+ c3\.small\.x86 free/);
    await page.getByLabel('Operating system').selectOption('ubuntu_24_04');
    await page.getByRole('checkbox', { name: /deploy key \(project key\)/ }).check();
    await page.getByLabel('User data').fill('#cloud-config\n');
    await page.evaluate('window.__sameDocument = true');
    await page.getByRole('button', { name: 'Create the device' }).click();
    await page.getByRole('heading', { name: 'form-made' }).waitFor();
    await page.locator('[data-state="active"]').first().waitFor({ timeout: 30_000 });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    // The timeline is read again once the state changes: wait for it rather than read it at once.
    await page
      .getByTestId('timeline')
      .getByText(/provisioning → active/)
      .first()
      .waitFor();
    const created = page.url().split('/').pop();
    const keys = await cloud.app.inject({
      method: 'GET',
      url: `/metal/v1/devices/${created}/ssh-keys`,
      headers: { 'x-auth-token': cloud.adminToken },
    });
    expect(keys.json().ssh_keys.map((k: { id: string }) => k.id)).toEqual([key.json().id]);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'device');
  });

  it('shows a power action in the timeline, and deletes only once confirmed', async () => {
    await signIn();
    await page.goto(`${url}/#/projects/${projectId}`);
    await page.getByRole('link', { name: 'web-1' }).click();
    await page.locator('[data-state="active"]').first().waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Power off' }).click();
    await page.getByRole('status').filter({ hasText: 'Power off requested.' }).waitFor();
    await page.getByTestId('timeline').getByText(/power/i).first().waitFor();
    await page.locator('[data-state="inactive"]').waitFor({ timeout: 30_000 });

    const id = page.url().split('/').pop();
    await page.getByRole('button', { name: 'Delete…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete web-1?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await confirm.count()).toBe(0);
    await page.getByRole('button', { name: 'Delete…' }).click();
    await confirm.getByRole('button', { name: 'Delete the device' }).click();
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
    expect(page.url()).toBe(`${url}/#/projects/${projectId}`);
    const deleted = await cloud.app.inject({
      method: 'GET',
      url: `/metal/v1/devices/${id}`,
      headers: { 'x-auth-token': cloud.adminToken },
    });
    // Deprovisioning, or already gone.
    expect(deleted.statusCode === 404 || deleted.json().state === 'deprovisioning').toBe(true);
    // The list follows it until it is gone (its wait is answered "deleted", not with a 404 the page would log).
    await page.getByRole('link', { name: 'web-1' }).waitFor({ state: 'detached', timeout: 30_000 });
  });

  it("draws the spot price history and lists the project's requests with their devices", async () => {
    await signIn();
    await page.goto(`${url}/#/spot/${spotProjectId}`);
    await page.getByRole('button', { name: /c3\.small\.x86 in ny: show its history/ }).click();
    await page.getByRole('heading', { name: /Price history of c3\.small\.x86 in ny/ }).waitFor();
    const chart = page.locator('.chart[data-points]');
    await chart.locator('canvas').waitFor();
    const points = Number(await chart.getAttribute('data-points'));
    const history = await cloud.app.inject({
      method: 'GET',
      url: `/metal/v1/market/spot/prices/history?metro=ny&plan=c3.small.x86&from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}&until=${new Date().toISOString()}`,
      headers: { 'x-auth-token': cloud.adminToken },
    });
    expect(points).toBeGreaterThan(0);
    expect(points).toBe(history.json().prices_history.datapoints.length);
    // uPlot drew on its canvas: some pixel of it is not blank.
    const drawn = await chart.locator('canvas').evaluate((canvas: any) =>
      canvas
        .getContext('2d')
        .getImageData(0, 0, canvas.width, canvas.height)
        .data.some((v: number) => v !== 0),
    );
    expect(drawn).toBe(true);
    await page.getByTestId('spot-requests').getByRole('link', { name: 'spot-1' }).waitFor();
    expect(await page.getByTestId('spot-requests').textContent()).toMatch(/c3\.small\.x86 in ny/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'spot-market');

    // A bid under the price: the next clearing round reclaims the device with a termination notice.
    const request = (
      await cloud.app.inject({
        method: 'GET',
        url: `/metal/v1/projects/${spotProjectId}/spot-market-requests`,
        headers: { 'x-auth-token': cloud.adminToken },
      })
    ).json().spot_market_requests[0];
    const outbid = await cloud.app.inject({
      method: 'PUT',
      url: `/metal/v1/spot-market-requests/${request.id}`,
      headers: { 'x-auth-token': cloud.adminToken },
      payload: { max_bid_price: 0.001 },
    });
    expect(outbid.statusCode).toBe(200);
    await cloud.engine.spot.clear();
    await page.reload();
    await page
      .getByTestId('spot-requests')
      .getByText(/terminates/)
      .waitFor();
    await page.getByTestId('spot-requests').getByRole('link', { name: 'spot-1' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(
      /^Spot termination notice: this spot instance will be reclaimed at /,
    );
  });

  it('maps every metro of the catalog, and the operator sees machines per facility with their BMC health', async () => {
    const metros = (
      await cloud.app.inject({ method: 'GET', url: '/metal/v1/locations/metros', headers: { 'x-auth-token': cloud.adminToken } })
    )
      .json()
      .metros.map((m: { code: string }) => m.code)
      .sort();
    await signIn();
    await page.goto(`${url}/#/datacenters`);
    await page.locator('svg.world g.metro').first().waitFor();
    expect((await page.locator('svg.world g.metro').evaluateAll((marks: any[]) => marks.map((m) => m.dataset.metro))) as string[]).toEqual(
      expect.arrayContaining(metros),
    );
    expect(await page.locator('svg.world g.metro').count()).toBe(metros.length);
    expect(await page.locator('svg.world path.land').getAttribute('d')).toMatch(/^M[\d.,-]+L/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'data-centers');

    await page.getByRole('link', { name: 'Machines per facility' }).click();
    await page.getByTestId('facilities').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByTestId('facilities').getByRole('link', { name: 'ny5' }).click();
    await page.getByRole('heading', { name: 'Machines in ny5' }).waitFor();
    const rows = await page.getByTestId('machines').locator('tbody tr').allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/^ny5-\d+.*sim ny5-\d+(answers|being verified|does not answer|needs an operator)/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'operator');
  });

  it("tells a project's token that the operator pages need the admin token", async () => {
    const key = await cloud.app.inject({
      method: 'POST',
      url: `/metal/v1/projects/${projectId}/api-keys`,
      headers: { 'x-auth-token': cloud.adminToken },
      payload: { description: 'console test' },
    });
    expect(key.statusCode).toBe(201);
    await signIn(key.json().token);
    await page.getByRole('link', { name: 'web', exact: true }).waitFor();
    await page.goto(`${url}/#/operator`);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/operator's admin token/);
  });

  it('never puts the token in a URL the server logs', () => {
    const consoleCalls = logLines.filter((line) => line.includes('/metal/v1/projects/'));
    expect(consoleCalls.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(cloud.adminToken))).toEqual([]);
  });
});
