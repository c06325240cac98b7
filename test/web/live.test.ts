import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';
import { closeAll, launch, screenshot, signIn } from './browser.js';
import { namePeople } from './people.js';

/*
 * Live updates in Chromium against the real server (SQLite only, as test/web/app.test.ts explains; the stream itself
 * is tested on both databases in test/http/mudstack/live-stream.test.ts): while Ada's page stays open, never
 * reloaded, Bo's mention raises her bell's unread count, an image uploaded by Bo appears in her grid and gets its
 * thumbnail when the jobs have made it, on an asset's page Bo's lock, status and comment show up, and on the Work and
 * Approvals pages his new task, its move and his review request; a notification read in one of her tabs is read in
 * the other. Each wait is
 * bounded by LIVE_MS: the server polls the database every second, so anything here arrives within a few.
 */

const PASSWORD = 'studio password 1';
const LIVE_MS = 15_000;

describe('live updates in Chromium', { timeout: 180_000 }, () => {
  const t = new TestApp('sqlite');
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let base: string;
  let ada: Tenant;
  let bo: Tenant;
  let assetId: string;

  async function png(color: string): Promise<Buffer> {
    return sharp({ create: { width: 64, height: 48, channels: 3, background: color } }).png().toBuffer();
  }

  async function upload(who: Tenant, name: string, color: string): Promise<string> {
    const res = await t.req('POST', '/workspaces/assets', {
      headers: { ...who.headers, 'content-type': 'application/octet-stream' },
      query: { file_name: name, file_location: '/Live/' },
      payload: await png(color),
    });
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  }

  before(async () => {
    await t.start();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    ada = await t.factory.tenant();
    bo = await t.factory.member(ada, { workspace: 'editor' });
    await namePeople(t, PASSWORD, [[ada, 'Ada', 'Lovelace'], [bo, 'Bo', 'Baker']]);
    assetId = await upload(ada, 'dragon.png', '#c03060');
    await t.jobs.runUntilIdle();
    browser = await launch();
  });

  after(async () => {
    await closeAll(browser, contexts, () => t.stop());
  });

  /** Ada's page, marked so that a reload (which would drop the mark) fails the test. */
  async function adaPage(): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, base, ada.email, PASSWORD);
    return page;
  }

  async function mark(page: Page): Promise<void> {
    await page.evaluate(() => {
      (window as unknown as { liveMark: number }).liveMark = 42;
    });
  }

  async function notReloaded(page: Page): Promise<void> {
    assert.equal(await page.evaluate(() => (window as unknown as { liveMark?: number }).liveMark), 42, 'the page was not reloaded');
  }

  /**
   * Waits until the page's live stream is open: the server answers 200 only once the stream has joined the tailer, so
   * every change made after that is pushed to it.
   */
  async function streamOpen(page: Page, action: () => Promise<unknown>): Promise<void> {
    const opened = page.waitForResponse((r) => r.url().endsWith('/workspaces/events/stream') && r.status() === 200, { timeout: LIVE_MS });
    await action();
    await opened;
  }

  test('a mention by another user raises the bell\'s unread count without a reload', async () => {
    const page = await adaPage();
    await streamOpen(page, () => page.goto(`${base}/browse`));
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    await mark(page);
    const comment = await t.req('POST', `/workspaces/assets/${assetId}/comments`, { headers: bo.headers, json: { content: `Have a look @[${ada.userId}]` } });
    assert.equal(comment.status, 201, comment.text);
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor({ timeout: LIVE_MS });
    await notReloaded(page);
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    await page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Bo Baker mentioned you in a comment' }).waitFor();
    await screenshot(page, 'live-bell');
  });

  test('an image uploaded by another user appears in the grid, then its thumbnail when the job has made it', async () => {
    const page = await adaPage();
    await streamOpen(page, () => page.goto(`${base}/browse`));
    await page.locator('.tile', { hasText: 'dragon.png' }).locator('img.thumb-img').waitFor();
    await mark(page);
    await upload(bo, 'fresh-sketch.png', '#30c060');
    const tile = page.locator('.tile', { hasText: 'fresh-sketch.png' });
    await tile.waitFor({ timeout: LIVE_MS });
    // The derivative jobs have not run: no thumbnail yet, the type's name instead.
    assert.equal(await tile.locator('img.thumb-img').count(), 0);
    await t.jobs.runUntilIdle();
    await tile.locator('img.thumb-img').waitFor({ timeout: LIVE_MS });
    const size = await tile.locator('img.thumb-img').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    assert.ok(size[0]! > 0 && size[1]! > 0, `a decoded thumbnail (${size.join('x')})`);
    await notReloaded(page);
    await screenshot(page, 'live-grid');
  });

  test('the asset page shows another user\'s lock, status, comment and review without a reload', async () => {
    const status = await t.req('POST', '/workspaces/assetStatuses', { headers: ada.headers, json: { name: 'Live retouch', color: '#22aa44' } });
    assert.ok([200, 201].includes(status.status), status.text);
    const page = await adaPage();
    await streamOpen(page, () => page.goto(`${base}/a/${assetId}`));
    await page.getByTestId('lock-state').filter({ hasText: 'Not locked' }).waitFor();
    await mark(page);

    const lock = await t.req('POST', `/workspaces/assets/${assetId}/lock`, { headers: bo.headers });
    assert.equal(lock.status, 200, lock.text);
    await page.getByTestId('lock-state').filter({ hasText: 'Locked by Bo Baker' }).waitFor({ timeout: LIVE_MS });

    const patch = await t.req('PATCH', `/workspaces/assets/${assetId}`, { headers: bo.headers, json: { status_id: status.body.id } });
    assert.equal(patch.status, 200, patch.text);
    await page.waitForFunction(
      (id) => (document.querySelector('.asset-side select') as HTMLSelectElement | null)?.value === id,
      status.body.id as string,
      { timeout: LIVE_MS },
    );

    const comment = await t.req('POST', `/workspaces/assets/${assetId}/comments`, { headers: bo.headers, json: { content: 'Locked while I retouch it' } });
    assert.equal(comment.status, 201, comment.text);
    await page.locator('.comment', { hasText: 'Locked while I retouch it' }).waitFor({ timeout: LIVE_MS });

    const review = await t.req('POST', `/workspaces/assets/${assetId}/reviews`, { headers: bo.headers, json: { content: 'Colours look right to me' } });
    assert.equal(review.status, 200, review.text);
    await page.getByText('Colours look right to me').waitFor({ timeout: LIVE_MS });
    await notReloaded(page);
    await screenshot(page, 'live-asset');
  });
  test('the Work and Approvals pages show another user\'s new task, its move and a review request without a reload', async () => {
    const page = await adaPage();
    await streamOpen(page, () => page.goto(`${base}/work`));
    await page.getByRole('heading', { name: 'Board' }).waitFor();
    await mark(page);
    const task = await t.req('POST', '/workspaces/tasks', { headers: bo.headers, json: { title: 'Ink the live dragon', assignee_id: ada.userId } });
    assert.equal(task.status, 200, task.text);
    await page.getByRole('list', { name: 'My tasks' }).getByRole('link', { name: 'Ink the live dragon' }).waitFor({ timeout: LIVE_MS });
    const moved = await t.req('PUT', `/workspaces/tasks/${task.body.id}`, { headers: bo.headers, json: { status: 'In Progress' } });
    assert.equal(moved.status, 200, moved.text);
    await page.getByRole('list', { name: 'In Progress tasks' }).getByRole('listitem').filter({ hasText: 'Ink the live dragon' }).waitFor({ timeout: LIVE_MS });
    await notReloaded(page);

    await streamOpen(page, () => page.goto(`${base}/approvals`));
    await page.getByRole('heading', { name: 'Approvals' }).first().waitFor();
    await mark(page);
    assert.equal(await page.locator('.approval', { hasText: 'dragon.png' }).count(), 0);
    const request = await t.req('POST', `/workspaces/assets/${assetId}/reviewRequests`, { headers: bo.headers, json: { user_ids: [ada.userId], message: 'Live look, please' } });
    assert.equal(request.status, 201, request.text);
    await page.locator('.approval', { hasText: 'dragon.png' }).waitFor({ timeout: LIVE_MS });
    await notReloaded(page);
  });
  test('marking a notification read in one tab lowers the bell of the person\'s other tab without a reload', async () => {
    const first = await adaPage();
    const second = await first.context().newPage();
    await streamOpen(first, () => first.goto(`${base}/browse`));
    await streamOpen(second, () => second.goto(`${base}/browse`));
    // Whatever earlier tests left unread is read first, so the count below is this test's one mention.
    const read = await t.req('POST', '/accounts/notifications/read', { headers: ada.headers });
    assert.ok(read.status < 300, read.text);
    await mark(second);
    const comment = await t.req('POST', `/workspaces/assets/${assetId}/comments`, { headers: bo.headers, json: { content: `Two tabs @[${ada.userId}]` } });
    assert.equal(comment.status, 201, comment.text);
    for (const page of [first, second]) {
      await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor({ timeout: LIVE_MS });
    }
    await first.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    await first.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Mark all read' }).click();
    await second.getByRole('button', { name: 'Notifications', exact: true }).waitFor({ timeout: LIVE_MS });
    await notReloaded(second);
  });
});
