/**
 * The device list follows a device on its way without a reload: the job runner is stepped by hand here, so the page
 * surely sees the device queued first and active after, over the wait_for_state long poll.
 */
import type { Browser } from 'playwright-core';
import type { Cloud } from '../../lib/cloud';
import { collectProblems, describeWithBrowser, launchBrowser, screenshot } from '../support/browser';
import { adminProject, deviceInput, removeTempDirs, stepUntil, testCloud } from '../support/cloud';

describeWithBrowser('the device list, live', () => {
  let cloud: Cloud;
  let browser: Browser;

  beforeAll(async () => {
    cloud = await testCloud('pglite', { startWorkers: false });
    await cloud.listen();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await cloud?.close();
    removeTempDirs();
  });

  it('shows a queued device turn active without a reload', async () => {
    const { principal, projectId } = await adminProject(cloud, 'live');
    const device = await cloud.engine.devices.create(principal, projectId, deviceInput({ hostname: 'live-1' }));
    const page = await (await browser.newContext()).newPage();
    const problems = collectProblems(page);
    await page.goto(`${cloud.url}/`);
    await page.getByLabel('API token').fill(cloud.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'live', exact: true }).click();
    const state = page.locator(`tr[data-device="${device.id}"] [data-state]`);
    await page.locator(`tr[data-device="${device.id}"] [data-state="queued"]`).waitFor();
    await page.evaluate('window.__sameDocument = true');

    await stepUntil(cloud, device.id, 'active');
    await page.locator(`tr[data-device="${device.id}"] [data-state="active"]`).waitFor();
    expect(await state.textContent()).toBe('active');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await screenshot(page, 'devices-live');
    await page.context().close();
    expect(problems).toEqual([]);
  });
});
