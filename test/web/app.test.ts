import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { setUserPassword } from '../../src/domain/auth/passwords.service.js';
import { TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';
import { assertAccessible, closeAll, launch, PAGE_TIMEOUT_MS, screenshot } from './browser.js';

/*
 * The web app in Chromium against the real server on a real socket. SQLite only: the pages run the same API calls
 * the HTTP suites already run on both databases, and a second browser run would double the time these tests take.
 */

const PASSWORD = 'studio password 1';

const png = (color: string, size = 96) => sharp({ create: { width: size, height: size, channels: 3, background: color } }).png().toBuffer();

describe('web app in Chromium', { timeout: 300_000 }, () => {
  const t = new TestApp('sqlite');
  let browser: Browser;
  let page: Page;
  let base: string;
  let ten: Tenant;

  before(async () => {
    await t.start();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    ten = await t.factory.tenant();
    await setUserPassword(t.deps, { email: ten.email, password: PASSWORD });
    // A seeded workspace: images in two folders, one tagged.
    const colors = ['#c02020', '#20a040', '#2040c0', '#c0a020', '#8020c0', '#20c0c0'];
    for (const [i, color] of colors.entries()) {
      const folder = i < 4 ? '/Art/Props/' : '/Art/Characters/';
      const res = await t.req('POST', '/workspaces/assets', {
        headers: { ...ten.headers, 'content-type': 'application/octet-stream' },
        query: { file_name: `seed-${i}.png`, file_location: folder },
        payload: await png(color),
      });
      assert.equal(res.status, 201, res.text);
      if (i === 0) {
        assert.equal((await t.req('POST', `/workspaces/assets/${res.body.id}/tags`, { headers: ten.headers, json: { names: ['hero'] } })).status, 200);
      }
    }
    await t.jobs.runUntilIdle();
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
  }, { timeout: 180_000 });

  after(async () => {
    await closeAll(browser as Browser | undefined, [], () => t.stop());
  });

  test('the app is served at / with its own CSP; API clients still get JSON 404s', async () => {
    const html = await fetch(`${base}/browse`, { headers: { accept: 'text/html' } });
    assert.equal(html.status, 200);
    assert.match(await html.text(), /<div id="root"><\/div>/);
    assert.equal(html.headers.get('cache-control'), 'no-cache');
    assert.match(html.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const script = /src="(\/_app\/[^"]+\.js)"/.exec(await (await fetch(`${base}/`, { headers: { accept: 'text/html' } })).text())?.[1];
    assert.ok(script);
    const js = await fetch(`${base}${script}`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const api404 = await fetch(`${base}/browse`, { headers: { accept: 'application/json' } });
    assert.equal(api404.status, 404);
    assert.equal(((await api404.json()) as { error: { code: string } }).error.code, 'route_not_found');
    const missing = await fetch(`${base}/_app/nope.js`);
    assert.equal(missing.status, 404);
  });

  test('sign in, browse the seeded workspace with real thumbnails, filter by tag', async () => {
    await page.goto(`${base}/browse`);
    await page.waitForURL(/\/sign-in\?next=/);
    await assertAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in');
    await page.getByLabel('E-mail').fill(ten.email);
    await page.getByLabel('Password').fill('wrong password!!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not right' }).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/browse$/);
    const tiles = page.getByRole('list', { name: 'Assets' }).getByRole('listitem');
    await tiles.first().waitFor();
    assert.equal(await tiles.count(), 6);
    // Thumbnails are the real derivatives, fetched through the API as blob: URLs.
    await page.locator('.thumb-img').first().waitFor();
    const natural = await page.locator('.thumb-img').first().evaluate((img: HTMLImageElement) => ({ src: img.src, w: img.naturalWidth }));
    assert.match(natural.src, /^blob:/);
    assert.ok(natural.w > 0);
    await assertAccessible(page, 'browse');
    await screenshot(page, 'browse');
    await page.getByRole('button', { name: 'hero' }).click();
    await page.waitForURL(/tag=/);
    await page.waitForFunction(() => document.querySelectorAll('[aria-label="Assets"] [role="listitem"]').length === 1);
    await page.getByRole('button', { name: 'List view' }).click();
    await page.getByRole('link', { name: 'seed-0.png' }).waitFor();
  });

  test('upload a file: progress, then it appears with its real thumbnail; the asset page takes a comment', async () => {
    await page.goto(`${base}/upload?folder=/Uploads/`);
    await page.getByLabel('Choose files').setInputFiles({ name: 'fresh.png', mimeType: 'image/png', buffer: await png('#f08020', 200) });
    const row = page.locator('.uploads li', { hasText: 'fresh.png' });
    await row.filter({ hasText: 'done' }).waitFor();
    assert.equal(await page.getByLabel('Overall progress').getAttribute('value'), '100');
    await screenshot(page, 'upload');
    await t.jobs.runUntilIdle();
    await row.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(/\/a\//);
    await page.getByRole('heading', { name: 'fresh.png' }).waitFor();
    const preview = page.locator('.zoomable');
    await preview.waitFor();
    assert.match((await preview.getAttribute('src')) ?? '', /^blob:/);
    await page.getByLabel('Write a comment').fill('Looks great, ship it');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.locator('.comment', { hasText: 'Looks great, ship it' }).waitFor();
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByTestId('lock-state').filter({ hasText: 'Locked by' }).waitFor();
    await assertAccessible(page, 'asset');
    await screenshot(page, 'asset');
    const comments = await t.req('GET', `/workspaces/assets/${page.url().split('/a/')[1]}/comments`, { headers: ten.headers });
    assert.deepEqual(comments.body.map((c: { content: string }) => c.content), ['Looks great, ship it']);
  });

  test('an upload cut off by a page reload resumes where the server got to when the file is dropped again', async () => {
    await page.goto(`${base}/upload?folder=/Big/`);
    // A 10 MiB file made in the page, with fixed bytes and modification time, so the one dropped after the reload is
    // "the same file" (the browser forgets picked files on reload; the person drops them again).
    const SIZE = 10 * 1024 * 1024;
    // The drop zone is waited for first: a drop dispatched before the page has rendered it went nowhere, and the test
    // then waited for a PATCH that never came (it hung twice under CI load).
    const dropTheFile = async () => {
      await page.locator('.drop').waitFor();
      await page.evaluate((size) => {
        const bytes = new Uint8Array(size);
        for (let i = 0; i < size; i++) {
          bytes[i] = (i * 7) % 251;
        }
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], 'big.bin', { lastModified: 1_700_000_000_000 }));
        const zone = document.querySelector('.drop');
        if (!zone) {
          throw new Error('no drop zone on the page');
        }
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, SIZE);
    };
    // The first 8 MiB chunk goes through; the second PATCH is cut off and the page reloaded, as a dropped connection
    // would. Every later PATCH of that page (its retry) is cut off too, until the reload, so the server holds exactly
    // the first chunk whenever the reload comes.
    let patches = 0;
    let cut!: () => void;
    const cutOff = new Promise<void>((resolve) => (cut = resolve));
    await page.route('**/workspaces/assets/tus/*', async (route) => {
      if (route.request().method() === 'PATCH' && ++patches >= 2) {
        cut();
        await route.abort('connectionreset');
        return;
      }
      await route.continue();
    });
    await dropTheFile();
    // Bounded, so a PATCH that never comes fails here with a reason instead of at the suite's timeout.
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([
      cutOff,
      new Promise<never>((_, reject) => {
        waited = setTimeout(() => reject(new Error(`the second PATCH never came (${patches} seen)`)), PAGE_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(waited));
    const [session] = await t.deps.db.selectFrom('upload_sessions').selectAll().where('workspace_id', '=', ten.workspaceId).orderBy('created_at', 'desc').limit(1).execute();
    assert.equal(Number(session?.received_bytes), 8 * 1024 * 1024);
    await page.reload();
    await page.unroute('**/workspaces/assets/tus/*');
    await page.getByRole('heading', { name: 'Upload' }).waitFor();
    await dropTheFile();
    const row = page.locator('.uploads li', { hasText: 'big.bin' });
    await row.filter({ hasText: 'done' }).waitFor();
    assert.match((await row.textContent()) ?? '', /resumed at 80%/);
    const expected = Buffer.alloc(SIZE);
    for (let i = 0; i < SIZE; i++) {
      expected[i] = (i * 7) % 251;
    }
    const assets = await t.req('GET', '/workspaces/assets/search', { headers: ten.headers, query: { folder: '/Big/' } });
    assert.deepEqual(
      assets.body.assets.map((a: { name: string; currentVersion: { size: number; checksum: string } }) => [a.name, a.currentVersion.size, a.currentVersion.checksum]),
      [['big.bin', SIZE, createHash('sha256').update(expected).digest('hex')]],
    );
  });

  test('an invitee opens the invite link, chooses a password and is signed in to the workspace', async () => {
    const invite = await t.req('POST', '/accounts/invites', {
      headers: { authorization: ten.headers.authorization ?? '', 'x-account-id': ten.accountId },
      json: [{ email: 'newcomer@example.test', workspace_ids: [ten.workspaceId] }],
    });
    assert.equal(invite.status, 200, invite.text);
    const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    try {
      const phone = await context.newPage();
      await phone.goto(`${base}/invite?token=${encodeURIComponent(invite.body[0].token)}`);
      await phone.getByRole('heading', { name: 'Join Atelier' }).waitFor();
      await assertAccessible(phone, 'invite');
      await phone.getByLabel('Password (10 characters or more)').fill('newcomer password');
      await phone.getByRole('button', { name: 'Accept and sign in' }).click();
      await phone.waitForURL(/\/browse$/);
      await phone.getByText('newcomer@example.test').waitFor({ state: 'attached' });
      await phone.getByRole('list', { name: 'Assets' }).getByRole('listitem').first().waitFor();
      await screenshot(phone, 'browse-phone');
    } finally {
      await context.close();
    }
  });

  test('profile, trash and admin pages are accessible; an admin invites; sign-out ends the session', async () => {
    await page.goto(`${base}/profile`);
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await assertAccessible(page, 'profile');
    await page.goto(`${base}/trash`);
    await page.getByRole('heading', { name: 'Trash' }).waitFor();
    await assertAccessible(page, 'trash');
    await page.goto(`${base}/admin`);
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    await page.getByRole('cell', { name: ten.email, exact: true }).waitFor();
    await page.getByLabel('E-mail').fill('painter@example.test');
    await page.getByRole('button', { name: 'Invite to this workspace' }).click();
    const link = await page.getByTestId('invite-link').textContent();
    assert.match(link ?? '', /\/invite\?token=inv_/);
    await page.locator('li', { hasText: 'painter@example.test' }).waitFor();
    await assertAccessible(page, 'admin');
    await screenshot(page, 'admin');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    const status = await page.evaluate(async () => (await fetch('/auth/session')).status);
    assert.equal(status, 401);
  });
});
