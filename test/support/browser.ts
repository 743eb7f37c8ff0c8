/**
 * Debian's Chromium, headless, driven by playwright-core (pointed at the system browser: nothing is downloaded), and
 * the skip when it is not installed. Pages talk only to the loopback server the test started.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.METALFORGE_CHROMIUM ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. */
export function browserUnavailableReason(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (Debian package chromium; test/run installs it)`;
}

export function describeWithBrowser(name: string, fn: () => void): void {
  const reason = browserUnavailableReason();
  if (!reason) return describe(name, fn);
  console.warn(`skipping "${name}": ${reason}`);
  describe.skip(name, fn);
}

export async function launchBrowser(): Promise<Browser> {
  // As root Chromium refuses to start with its sandbox; the pages it opens are the test's own loopback server.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

/** Where the tests write screenshots of each view (a temp dir, never committed); METALFORGE_SCREENSHOTS overrides. */
export const SCREENSHOT_DIR = process.env.METALFORGE_SCREENSHOTS ?? join(tmpdir(), 'metalforge-console-screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Page errors and failed requests the page met (a CSP refusal shows as a console error); the API's refusals are expected. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of (401|403|422)/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return problems;
}
