import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';
import { assertAccessible, closeAll, launch, screenshot, signIn } from './browser.js';
import { namePeople } from './people.js';

/*
 * @mentions and the notification bell in Chromium against the real server (SQLite only, as test/web/app.test.ts
 * explains): Ada mentions Bo through the autocomplete (keyboard only), the comment is stored with Bo's `@[id]` token
 * and shows his name; Bo, signed in in another browser context, sees the bell's unread count, opens the notification,
 * lands on the asset, and the notification is read on the server.
 */

const PASSWORD = 'studio password 1';

describe('mentions and notifications in Chromium', { timeout: 180_000 }, () => {
  const t = new TestApp('sqlite');
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let base: string;
  let ada: Tenant;
  let bo: Tenant;
  let assetId: string;

  before(async () => {
    await t.start();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    ada = await t.factory.tenant();
    bo = await t.factory.member(ada, { workspace: 'editor' });
    const cy = await t.factory.member(ada, { workspace: 'viewer' });
    await namePeople(t, PASSWORD, [[ada, 'Ada', 'Lovelace'], [bo, 'Bo', 'Baker'], [cy, 'Boris', 'Cole']]);
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c03060' } }).png().toBuffer();
    const asset = await t.req('POST', '/workspaces/assets', {
      headers: { ...ada.headers, 'content-type': 'application/octet-stream' },
      query: { file_name: 'dragon.png', file_location: '/Art/' },
      payload: png,
    });
    assert.equal(asset.status, 201, asset.text);
    assetId = asset.body.id;
    await t.jobs.runUntilIdle();
    browser = await launch();
  });

  after(async () => {
    await closeAll(browser, contexts, () => t.stop());
  });

  async function pageFor(who: Tenant): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, base, who.email, PASSWORD);
    return page;
  }

  test('a mention picked from the autocomplete is stored as the member\'s token and shown by name', async () => {
    const page = await pageFor(ada);
    await page.goto(`${base}/a/${assetId}`);
    const box = page.getByRole('combobox', { name: 'Write a comment' });
    await box.click();
    await box.pressSequentially('Over to @Bo');
    const list = page.getByRole('listbox', { name: 'People to mention' });
    await list.waitFor();
    // Both Bo Baker and Boris Cole start with "Bo"; the first is active, ArrowDown then ArrowUp comes back to it.
    assert.deepEqual(await list.getByRole('option').allInnerTexts(), [`Bo Baker ${bo.email}`, `Boris Cole ${(await emailOf(t, 'Boris'))}`]);
    assert.equal(await box.getAttribute('aria-expanded'), 'true');
    await assertAccessible(page, 'asset with the mention list open');
    await box.press('ArrowDown');
    assert.equal(await list.getByRole('option', { selected: true }).innerText(), `Boris Cole ${await emailOf(t, 'Boris')}`);
    await box.press('ArrowUp');
    await box.press('Enter');
    await list.waitFor({ state: 'detached' });
    assert.equal(await box.inputValue(), 'Over to @Bo Baker ');
    await box.pressSequentially('for the colours');
    await screenshot(page, 'asset-mention');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.locator('.comment', { hasText: 'for the colours' }).waitFor();
    assert.equal(await page.locator('.comment .mention').innerText(), '@Bo Baker');

    const comments = await t.req('GET', `/workspaces/assets/${assetId}/comments`, { headers: ada.headers });
    assert.equal(comments.status, 200);
    assert.deepEqual(
      comments.body.map((c: { content: string; mentions: string[] }) => [c.content, c.mentions]),
      [[`Over to @[${bo.userId}] for the colours`, [bo.userId]]],
    );
  });

  test('the mentioned member sees the unread count, opens the notification on the asset, and it is read', async () => {
    const page = await pageFor(bo);
    const bell = page.getByRole('button', { name: 'Notifications, 1 unread' });
    await bell.waitFor();
    await bell.click();
    const panel = page.getByRole('region', { name: 'Notifications' });
    await panel.getByRole('button', { name: 'Ada Lovelace mentioned you in a comment' }).waitFor();
    await assertAccessible(page, 'browse with the notifications open');
    await screenshot(page, 'notifications');
    await panel.getByRole('button', { name: 'Ada Lovelace mentioned you in a comment' }).click();
    await page.waitForURL(new RegExp(`/a/${assetId}$`));
    await page.locator('.comment .mention', { hasText: '@Bo Baker' }).waitFor();
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();

    const mine = await t.req('GET', '/accounts/notifications', { headers: bo.headers });
    assert.equal(mine.status, 200);
    assert.equal(mine.body.length, 1);
    assert.equal(mine.body[0].type, 'mention');
    assert.equal(mine.body[0].data.asset_id, assetId);
    assert.notEqual(mine.body[0].read_at, null);
    // The writer is never notified of their own comment.
    assert.equal((await t.req('GET', '/accounts/notifications', { headers: ada.headers })).body.length, 0);
  });
});

async function emailOf(t: TestApp, firstName: string): Promise<string> {
  const row = await t.deps.db.selectFrom('users').select('email').where('first_name', '=', firstName).executeTakeFirstOrThrow();
  return row.email;
}
