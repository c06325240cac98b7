import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/*
 * Browser tests drive Debian's Chromium (/usr/bin/chromium, installed by .ci/run) with playwright-core against the
 * real app listening on a real socket. CHROMIUM_PATH overrides the binary.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, '../../.tmp/web-screenshots');

/** Navigation and actions give up after this, so a broken page fails its test instead of hanging the file. */
export const PAGE_TIMEOUT_MS = 20_000;

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 60_000, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** Closes the browser without waiting on one that no longer answers (a hung close once held a CI run to its limit). */
export async function closeBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser) {
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([browser.close().catch(() => {}), new Promise<void>((resolve) => { timer = setTimeout(resolve, 10_000); })]);
  clearTimeout(timer);
}

/** Signs in through the sign-in page (timeouts set on the page first). */
export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/browse$/);
}

/**
 * For `after`: closes the contexts, the browser (closeBrowser: bounded) and then the server, each even when an
 * earlier step throws (a browser left open keeps the test process alive, so the file would hang instead of failing).
 */
export async function closeAll(browser: Browser | undefined, contexts: readonly BrowserContext[], stop: () => Promise<void>): Promise<void> {
  try {
    await Promise.allSettled(contexts.map((c) => c.close()));
    await closeBrowser(browser);
  } finally {
    await stop();
  }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core on the page (through the DevTools protocol, so the app's CSP does not block it). */
export async function assertAccessible(page: Page, name: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  const serious = (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `accessibility of the ${name} page`,
  );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}
