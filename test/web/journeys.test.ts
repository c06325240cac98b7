import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { responseKey } from '../../src/domain/approvals/approval-keys.js';
import { TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';
import { assetInFolder, createApproval, keyOf, seq } from '../http/workstream/approvals-fixtures.js';
import { bearer } from '../http/workstream/fixtures.js';
import { makeVideo } from '../media/fixtures.js';
import { assertAccessible, closeAll, launch, PAGE_TIMEOUT_MS, screenshot, signIn } from './browser.js';
import { namePeople } from './people.js';

/*
 * Issue #15's browser journeys not covered by the other files in test/web/ (SQLite only, as test/web/app.test.ts
 * explains): three files and a folder uploaded with per-file and overall progress; a video played on its proxy; a
 * lock seen and respected by another member; an approval answered by a guest by key with no session; CSRF from
 * another origin and an expired session that returns to sign-in and back; axe and a screenshot of every main page.
 */

const PASSWORD = 'studio password 1';
const MiB = 1024 * 1024;

const png = (color: string, width = 120, height = 90) => sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();

interface AssetJson {
  id: string;
  current_version_id: string;
  name: string;
  file_location: string;
  currentVersion: { size: number; checksum: string; derivatives: Array<{ kind: string; state: string }> };
  versions: unknown[];
  status_id: string | null;
  locked_by_user_id: string | null;
}

describe('issue #15 journeys in Chromium', { timeout: 300_000 }, () => {
  const t = new TestApp('sqlite');
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let base: string;
  let ada: Tenant;
  let bo: Tenant;
  let imageId: string;
  let videoId: string;
  let video: Buffer;
  let tmp: string;
  let evil: Server | undefined;

  async function upload(who: Tenant, name: string, folder: string, payload: Buffer): Promise<string> {
    const res = await t.req('POST', '/workspaces/assets', {
      headers: { ...who.headers, 'content-type': 'application/octet-stream' },
      query: { file_name: name, file_location: folder },
      payload,
    });
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  }

  async function getAsset(id: string): Promise<AssetJson> {
    const res = await t.req('GET', `/workspaces/assets/${id}`, { headers: ada.headers });
    assert.equal(res.status, 200, res.text);
    return res.body as AssetJson;
  }

  before(async () => {
    await t.start();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    ada = await t.factory.tenant();
    bo = await t.factory.member(ada, { workspace: 'editor' });
    await namePeople(t, PASSWORD, [[ada, 'Ada', 'Lovelace'], [bo, 'Bo', 'Baker']]);
    imageId = await upload(ada, 'board.png', '/Shots/', await png('#2050c0', 400, 300));
    video = await makeVideo({ seconds: 2, size: '320x240' });
    videoId = await upload(ada, 'shot.mp4', '/Shots/', video);
    await t.jobs.runUntilIdle();
    tmp = mkdtempSync(join(tmpdir(), 'atelier-journeys-'));
    browser = await launch();
  }, { timeout: 180_000 });

  after(async () => {
    await new Promise<void>((resolve) => (evil ? evil.close(() => resolve()) : resolve()));
    if (tmp) {
      rmSync(tmp, { recursive: true, force: true });
    }
    await closeAll(browser, contexts, () => t.stop());
  });

  async function newPage(): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
    return page;
  }

  async function pageFor(who: Tenant): Promise<Page> {
    const page = await newPage();
    await signIn(page, base, who.email, PASSWORD);
    return page;
  }

  test('three files and a folder are uploaded with per-file and overall progress; the folder layout is kept', async () => {
    const page = await pageFor(ada);
    await page.goto(`${base}/upload?folder=/Drops/`);
    await page.getByRole('heading', { name: 'Upload' }).waitFor();
    // big.bin takes two 8 MiB tus chunks; its second PATCH is held until the page has shown it part-way.
    const big = Buffer.alloc(12 * MiB, 7);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    await page.route('**/workspaces/assets/tus/*', async (route) => {
      if (route.request().method() === 'PATCH' && route.request().headers()['upload-offset'] === String(8 * MiB)) {
        held();
        await released;
      }
      await route.continue();
    });
    const files = [
      { name: 'one.png', mimeType: 'image/png', buffer: await png('#c02020') },
      { name: 'two.png', mimeType: 'image/png', buffer: await png('#20a040') },
      { name: 'big.bin', mimeType: 'application/octet-stream', buffer: big },
    ];
    await page.getByLabel('Choose files').setInputFiles(files);
    await holding;
    // The folder: Storyboard/frame-1.png and Storyboard/cuts/frame-2.png.
    const dir = join(tmp, 'Storyboard');
    mkdirSync(join(dir, 'cuts'), { recursive: true });
    const frame1 = await png('#8020c0');
    const frame2 = await png('#20c0c0');
    writeFileSync(join(dir, 'frame-1.png'), frame1);
    writeFileSync(join(dir, 'cuts', 'frame-2.png'), frame2);
    await page.getByLabel('Choose a folder').setInputFiles(dir);
    const rows = page.locator('.uploads li');
    await page.waitForFunction(() => document.querySelectorAll('.uploads li').length === 5);
    // Everything but big.bin finishes while big.bin is held at 8 of 12 MiB: per-file and overall progress show it.
    await page.waitForFunction(() => document.querySelectorAll('.uploads li[data-state="done"]').length === 4);
    const bigRow = rows.filter({ hasText: 'big.bin' });
    assert.equal(await bigRow.getAttribute('data-state'), 'uploading');
    const bigBar = bigRow.getByRole('progressbar', { name: 'Progress of big.bin' });
    await page.waitForFunction(() => (document.querySelector('[aria-label="Progress of big.bin"]') as HTMLProgressElement | null)?.value === 8 * 1024 * 1024);
    assert.equal(Number(await bigBar.getAttribute('max')), 12 * MiB);
    const overall = page.getByRole('progressbar', { name: 'Overall progress' });
    const midway = Number(await overall.getAttribute('value'));
    const smallBytes = files[0]!.buffer.length + files[1]!.buffer.length + frame1.length + frame2.length;
    assert.equal(midway, Math.round((100 * (8 * MiB + smallBytes)) / (12 * MiB + smallBytes)));
    assert.match((await page.locator('section[aria-label="Uploads"] p').textContent()) ?? '', /4 of 5 done/);
    await assertAccessible(page, 'upload (in progress)');
    await screenshot(page, 'upload-progress');
    release();
    await bigRow.filter({ hasText: 'done' }).waitFor();
    await page.unroute('**/workspaces/assets/tus/*');
    assert.equal(await overall.getAttribute('value'), '100');
    for (const bar of await page.locator('.uploads progress').all()) {
      assert.equal(await bar.getAttribute('value'), await bar.getAttribute('max'));
    }
    assert.deepEqual(
      (await rows.locator('.name').allTextContents()).sort(),
      ['/Drops/big.bin', '/Drops/one.png', '/Drops/Storyboard/frame-1.png', '/Drops/Storyboard/cuts/frame-2.png', '/Drops/two.png'].sort(),
    );
    // On the server: every file, byte for byte, in the folders the drop had.
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const found: string[][] = [];
    for (const folder of ['/Drops/', '/Drops/Storyboard/', '/Drops/Storyboard/cuts/']) {
      const res = await t.req('GET', '/workspaces/assets/search', { headers: ada.headers, query: { folder, limit: '50' } });
      assert.equal(res.status, 200, res.text);
      for (const a of res.body.assets as AssetJson[]) {
        found.push([a.file_location, a.name, a.currentVersion.checksum]);
      }
    }
    const expected = [
      ['/Drops/', 'big.bin', sha(big)],
      ['/Drops/', 'one.png', sha(files[0]!.buffer)],
      ['/Drops/', 'two.png', sha(files[1]!.buffer)],
      ['/Drops/Storyboard/', 'frame-1.png', sha(frame1)],
      ['/Drops/Storyboard/cuts/', 'frame-2.png', sha(frame2)],
    ];
    const key = (r: string[]) => r.join('|');
    assert.deepEqual([...new Set(found.map(key))].sort(), expected.map(key).sort());
  });

  test('the asset page plays a video on its proxy, not the original', async () => {
    const page = await pageFor(ada);
    const asset = await getAsset(videoId);
    assert.ok(asset.currentVersion.derivatives.some((d) => d.kind === 'proxy' && d.state === 'ready'), JSON.stringify(asset.currentVersion.derivatives));
    const proxy = await fetch(`${base}/workspaces/assets/${videoId}/versions/${asset.current_version_id}/derivatives/proxy`, { headers: ada.headers });
    assert.equal(proxy.status, 200);
    const proxyBytes = (await proxy.arrayBuffer()).byteLength;
    assert.notEqual(proxyBytes, video.length, 'the proxy is another file than the original');
    // The page's request for the proxy, passed through and measured.
    let proxyServed = -1;
    await page.route('**/derivatives/proxy', async (route) => {
      const res = await route.fetch();
      proxyServed = (await res.body()).length;
      await route.fulfill({ response: res });
    });
    const originalFetched: string[] = [];
    page.on('request', (r) => {
      if (/\/download$|\/derivatives\/original/.test(r.url())) {
        originalFetched.push(r.url());
      }
    });
    await page.goto(`${base}/a/${videoId}`);
    await page.getByRole('heading', { name: 'shot.mp4' }).waitFor();
    const player = page.getByLabel('Video shot.mp4');
    await player.waitFor();
    await page.waitForFunction(() => (document.querySelector('video.media') as HTMLVideoElement | null)?.readyState! >= 2);
    const src = (await player.getAttribute('src')) ?? '';
    assert.match(src, /^blob:/);
    // The blob the player plays was made from the proxy's bytes (the only media file the page fetched).
    assert.equal(proxyServed, proxyBytes);
    assert.equal(await player.evaluate((v: HTMLVideoElement) => v.paused), true);
    // Click play: the native controls' centre toggles playback.
    await player.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
    });
    await player.click();
    try {
      await page.waitForFunction(() => !(document.querySelector('video.media') as HTMLVideoElement).paused, undefined, { timeout: 3000 });
    } catch {
      // Some builds need the play button itself; start it as the button would.
      await player.evaluate((v: HTMLVideoElement) => v.play());
    }
    await page.waitForFunction(() => (document.querySelector('video.media') as HTMLVideoElement).currentTime > 0.5, undefined, { timeout: 10_000 });
    const state = await player.evaluate((v: HTMLVideoElement) => ({ t: v.currentTime, w: v.videoWidth, h: v.videoHeight, d: v.duration }));
    assert.ok(state.t > 0.5, `currentTime advanced: ${state.t}`);
    assert.ok(state.w > 0 && state.h > 0, 'frames decoded');
    assert.ok(Math.abs(state.d - 2) < 0.3, `the proxy is the 2 s clip: ${state.d}`);
    assert.deepEqual(originalFetched, [], 'the original is never fetched to play');
    await player.evaluate((v: HTMLVideoElement) => v.pause());
    await assertAccessible(page, 'asset (video)');
    await screenshot(page, 'asset-video');
  });

  test('a lock taken by one member is seen by another, who cannot change the asset or add a version', async () => {
    const adaPage = await pageFor(ada);
    await adaPage.goto(`${base}/a/${imageId}`);
    await adaPage.getByRole('heading', { name: 'board.png' }).waitFor();
    await adaPage.getByRole('button', { name: 'Lock', exact: true }).click();
    await adaPage.getByTestId('lock-state').filter({ hasText: 'Locked by Ada Lovelace' }).waitFor();
    assert.equal((await getAsset(imageId)).locked_by_user_id, ada.userId);

    const boPage = await pageFor(bo);
    await boPage.goto(`${base}/a/${imageId}`);
    const lockState = boPage.getByTestId('lock-state');
    await lockState.filter({ hasText: 'Locked by Ada Lovelace' }).waitFor();
    // Only the holder is offered Unlock.
    assert.equal(await lockState.getByRole('button', { name: 'Unlock' }).count(), 0);
    assert.match((await lockState.textContent()) ?? '', /only they can change it/i);
    await assertAccessible(boPage, 'asset (locked by another)');
    await screenshot(boPage, 'asset-locked');
    // A status change is refused with the reason.
    const statuses = await t.req('GET', '/workspaces/assetStatuses', { headers: ada.headers });
    assert.equal(statuses.status, 200, statuses.text);
    const status = statuses.body[0] as { id: string; name: string };
    assert.ok(status);
    await boPage.locator('section[aria-labelledby="status-title"] select').selectOption({ label: status.name });
    await boPage.getByRole('alert').filter({ hasText: /locked/ }).waitFor();
    // A new version dropped on the upload page is refused, with the reason on its row.
    await boPage.goto(`${base}/upload?folder=/Shots/`);
    await boPage.getByLabel('Choose files').setInputFiles({ name: 'board.png', mimeType: 'image/png', buffer: await png('#ffcc00') });
    const row = boPage.locator('.uploads li', { hasText: 'board.png' });
    await row.filter({ hasText: 'failed' }).waitFor();
    assert.match((await row.textContent()) ?? '', /failed \(.*locked by/);
    const after = await getAsset(imageId);
    assert.equal(after.versions.length, 1);
    assert.equal(after.status_id, null);
    assert.equal(after.locked_by_user_id, ada.userId);
    // The holder unlocks; the other member's page then offers Lock.
    await adaPage.getByRole('button', { name: 'Unlock' }).click();
    await adaPage.getByTestId('lock-state').filter({ hasText: 'Not locked' }).waitFor();
    await boPage.goto(`${base}/a/${imageId}`);
    await boPage.getByRole('button', { name: 'Lock', exact: true }).waitFor();
    // The other way round: Bo (an editor) locks; Ada, a workspace admin, is offered Force unlock and it clears it.
    await boPage.getByRole('button', { name: 'Lock', exact: true }).click();
    await boPage.getByTestId('lock-state').filter({ hasText: 'Locked by' }).waitFor();
    assert.equal(await boPage.getByRole('button', { name: 'Force unlock' }).count(), 0);
    await adaPage.goto(`${base}/a/${imageId}`);
    await adaPage.getByRole('button', { name: 'Force unlock' }).click();
    await adaPage.getByTestId('lock-state').filter({ hasText: 'Not locked' }).waitFor();
    assert.equal((await getAsset(imageId)).locked_by_user_id, null);
  });

  test('a guest answers an approval on the page of their key, with no session', async () => {
    const asset = await assetInFolder(t, ada, 'poster.png', '/Approvals/');
    await t.jobs.runUntilIdle();
    const ap = await createApproval(t, ada, asset, { approvers: [await seq(t, 'users', bo.userId), 'guest@outside.test'], comments: 'Is the <b>poster</b> ready?' });
    const boKey = (await t.req('GET', '/workstream/approvals', { headers: bearer(bo) })).body[0].key;
    const boAnswer = await t.req('POST', `/workstream/approvals/${boKey}/response`, { headers: bearer(bo), json: { response: 4, message: 'Bigger title please' } });
    assert.equal(boAnswer.status, 200, boAnswer.text);
    // The guest's key, as their e-mail carries it (test/http/workstream/approvals-email.test.ts checks the e-mail).
    const guestSlot = await t.deps.db.selectFrom('approval_responses').select('id').where('sequence', '=', ap.current_stage_responses[1].id).executeTakeFirstOrThrow();
    const key = responseKey(t.deps.tokenKey, guestSlot.id);

    const page = await newPage();
    await page.goto(`${base}/workstream/approval-page/${key}`);
    assert.deepEqual(await page.context().cookies(), [], 'no session');
    await page.getByRole('heading', { name: 'poster.png' }).waitFor();
    const preview = page.getByRole('img', { name: 'Preview of poster.png' });
    await page.waitForFunction(() => (document.querySelector('img') as HTMLImageElement | null)?.naturalWidth! > 0);
    assert.ok(await preview.isVisible());
    await page.getByText('Is the poster ready?').waitFor();
    await page.getByRole('listitem').filter({ hasText: 'Bigger title please' }).waitFor();
    await assertAccessible(page, 'guest approval');
    await screenshot(page, 'guest-approval');
    await page.getByRole('radio', { name: 'Reject' }).check();
    await page.getByLabel('Message (optional)').fill('The logo is the old one');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').filter({ hasText: 'your answer was recorded' }).waitFor();
    await page.getByRole('listitem').filter({ hasText: 'The logo is the old one' }).waitFor();

    const owner = await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(ada) });
    assert.equal(owner.status, 200, owner.text);
    assert.deepEqual(
      owner.body.current_stage_responses.map((r: { response: number; user_email: string | null }) => [r.response, r.user_email ?? null]),
      [[4, bo.email], [3, 'guest@outside.test']],
    );
    const comments = await t.deps.db.selectFrom('approval_comments').select(['value', 'response']).where('workspace_id', '=', ada.workspaceId).orderBy('sequence').execute();
    assert.deepEqual(comments.map((c) => [c.value, c.response]), [['Bigger title please', 4], ['The logo is the old one', 3]]);
  });

  test('a page on another origin cannot write with the signed-in session (CSRF): 403, nothing written', async () => {
    // Bo asks Ada to approve; the other origin tries to answer for her with her browser's session.
    const asset = await assetInFolder(t, bo, 'csrf.png', '/Csrf/');
    const ap = await createApproval(t, bo, asset, { approvers: [await seq(t, 'users', ada.userId)] });
    const adaKey = await keyOf(t, ada, ap.current_stage_responses[0].approval_id);
    const page = await pageFor(ada);
    const target = `${base}/workstream/approvals/${adaKey}/response`;
    // A form and a credentialed fetch (form-encoded, which the Workstream surface accepts), fired on load.
    const pages: Record<string, string> = {
      '/form': `<!doctype html><title>Win a prize</title><form method="post" action="${target}">
<input type="hidden" name="response" value="2"><input type="hidden" name="message" value="evil form"></form><script>document.forms[0].submit()</script>`,
      '/fetch': `<!doctype html><title>Win a prize</title><script>
fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'response=2&message=evil+fetch' })
  .then(() => { document.title = 'sent'; }, () => { document.title = 'sent'; });</script>`,
    };
    evil = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(pages[req.url ?? ''] ?? 'nothing');
    });
    await new Promise<void>((resolve) => evil!.listen(0, '127.0.0.1', resolve));
    const evilBase = `http://127.0.0.1:${(evil.address() as { port: number }).port}`;
    assert.notEqual(evilBase, base);

    for (const path of ['/form', '/fetch']) {
      const answered = page.waitForResponse((r) => r.url() === target && r.request().method() === 'POST');
      await page.goto(`${evilBase}${path}`);
      const res = await answered;
      assert.equal(res.status(), 403, `${path}: ${await res.text().catch(() => '')}`);
      // Same site, other port: the browser sends the session cookie (without it the answer would be 401), so the
      // refusal is the CSRF defence's.
      if (path === '/form') {
        // (Playwright reports the request's extra headers and the body of a navigation, not always of a no-cors fetch.)
        assert.equal((await res.request().allHeaders()).origin, evilBase, path);
        assert.equal(JSON.parse(await res.text()).code, 'csrf_rejected', path);
      }
    }
    const owner = await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(bo) });
    assert.equal(owner.status, 200, owner.text);
    assert.equal(owner.body.status, 1, 'still pending');
    assert.deepEqual(owner.body.current_stage_responses.map((r: { response: number }) => r.response), [1]);
    assert.equal((await t.deps.db.selectFrom('approval_comments').select('id').where('value', 'like', 'evil%').execute()).length, 0);
    // The same session still writes from the app itself.
    await page.goto(`${base}/a/${imageId}`);
    await page.getByPlaceholder('Add a tag').fill('still-works');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('.chip', { hasText: 'still-works' }).waitFor();
  });

  test('axe and a screenshot of every main page', async () => {
    const page = await pageFor(ada);
    const pages: Array<[string, string, () => Promise<void>]> = [
      ['browse', '/browse', () => page.getByRole('list', { name: 'Assets' }).getByRole('listitem').first().waitFor()],
      ['upload', '/upload', () => page.getByRole('heading', { name: 'Upload' }).waitFor()],
      ['asset (image)', `/a/${imageId}`, () => page.locator('.zoomable').waitFor()],
      ['asset (video)', `/a/${videoId}`, () => page.getByLabel('Video shot.mp4').waitFor()],
      ['work', '/work', () => page.getByRole('heading', { name: 'Board' }).waitFor()],
      ['approvals', '/approvals', () => page.getByRole('heading', { name: 'Approvals' }).first().waitFor()],
      ['trash', '/trash', () => page.getByRole('heading', { name: 'Trash' }).waitFor()],
      ['profile', '/profile', () => page.getByRole('heading', { name: 'API keys' }).waitFor()],
      ['admin', '/admin', () => page.getByRole('heading', { name: 'Members' }).waitFor()],
    ];
    for (const [name, path, ready] of pages) {
      await page.goto(`${base}${path}`);
      await ready();
      await assertAccessible(page, name);
      await screenshot(page, `page-${name.replace(/[^a-z]+/g, '-').replace(/-$/, '')}`);
    }
    const out = await newPage();
    await out.goto(`${base}/sign-in`);
    await out.getByRole('button', { name: 'Sign in' }).waitFor();
    await assertAccessible(out, 'sign-in');
    await screenshot(out, 'page-sign-in');
  });

  // Last: it moves the server's clock past every session's idle expiry.
  test('an expired session sends the person to sign-in and, signed in again, back to the page they were on', async () => {
    const page = await pageFor(bo);
    await page.goto(`${base}/work`);
    await page.getByRole('heading', { name: 'Board' }).waitFor();
    t.clock.advance(t.deps.config.auth.sessionTtlSeconds + 60);
    await page.getByRole('link', { name: 'Trash', exact: true }).click();
    await page.waitForURL(/\/sign-in\?next=%2Ftrash$/);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByLabel('E-mail').fill(bo.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/trash$/);
    await page.getByRole('heading', { name: 'Trash' }).waitFor();
    // The old session is over on the server too.
    const live = await t.deps.db.selectFrom('user_sessions').select(['expires_at']).where('user_id', '=', bo.userId).execute();
    const now = t.clock.now().toISOString();
    assert.equal(live.filter((s) => s.expires_at > now).length, 1, 'only the new session is live');
  });
});
