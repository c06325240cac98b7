import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';
import { makeVideo } from '../media/fixtures.js';
import { assertAccessible, closeAll, launch, screenshot, signIn } from './browser.js';
import { namePeople } from './people.js';

/*
 * The asset page's annotations, version compare and review mentions in Chromium against the real server (SQLite
 * only, as test/web/app.test.ts explains; the review-mention rules run on both databases in
 * test/http/mudstack/review-mentions.test.ts): a region dragged on an image is stored in the comment's
 * viewer_metadata and drawn again after a reload; a comment at the video's current time seeks the player from its
 * chip; two versions of an image side by side and as a swipe, at a URL that survives a reload; @mentions in a review
 * and a review request notify the mentioned.
 */

const PASSWORD = 'studio password 1';

const png = (color: string, width = 400, height = 300) => sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();

interface CommentJson {
  content: string;
  viewer_metadata: { region?: { x: number; y: number; w: number; h: number }; timecode?: number };
}

describe('asset annotations, compare and review mentions in Chromium', { timeout: 300_000 }, () => {
  const t = new TestApp('sqlite');
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let base: string;
  let ada: Tenant;
  let bo: Tenant;
  let cy: Tenant;
  let imageId: string;
  let videoId: string;

  async function upload(name: string, payload: Buffer): Promise<string> {
    const res = await t.req('POST', '/workspaces/assets', {
      headers: { ...ada.headers, 'content-type': 'application/octet-stream' },
      query: { file_name: name, file_location: '/Shots/' },
      payload,
    });
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  }

  before(async () => {
    await t.start();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    ada = await t.factory.tenant();
    bo = await t.factory.member(ada, { workspace: 'editor' });
    cy = await t.factory.member(ada, { workspace: 'viewer' });
    await namePeople(t, PASSWORD, [[ada, 'Ada', 'Lovelace'], [bo, 'Bo', 'Baker'], [cy, 'Cy', 'Young']]);
    imageId = await upload('board.png', await png('#2050c0'));
    // The same name in the same folder: version 2 of board.png, a different colour and size.
    assert.equal(await upload('board.png', await png('#c05020', 480, 300)), imageId);
    videoId = await upload('shot.mp4', await makeVideo({ seconds: 4, size: '320x240' }));
    await t.jobs.runUntilIdle();
    // A second version of the video (another length and size) for the players' compare.
    assert.equal(await upload('shot.mp4', await makeVideo({ seconds: 3, size: '352x240' })), videoId);
    await t.jobs.runUntilIdle();
    browser = await launch();
  }, { timeout: 180_000 });

  after(async () => {
    await closeAll(browser, contexts, () => t.stop());
  });

  async function pageFor(who: Tenant): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, base, who.email, PASSWORD);
    return page;
  }

  const commentsOf = async (assetId: string): Promise<CommentJson[]> => (await t.req('GET', `/workspaces/assets/${assetId}/comments`, { headers: ada.headers })).body;

  test('a region dragged on the image is stored with the comment and drawn again after a reload; keyboard places and clears one', async () => {
    const page = await pageFor(ada);
    await page.goto(`${base}/a/${imageId}`);
    const img = page.locator('.zoomable');
    await img.waitFor();
    await page.waitForFunction(() => (document.querySelector('.zoomable') as HTMLImageElement | null)?.naturalWidth === 480);
    await page.getByRole('button', { name: 'Mark a region' }).click();
    const box = (await page.locator('#region-layer').boundingBox())!;
    assert.ok(box.width > 100, `layer ${JSON.stringify(box)}`);
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.8, { steps: 4 });
    await page.mouse.up();
    await page.getByTestId('region-attached').waitFor();
    await page.getByRole('combobox', { name: 'Write a comment' }).fill('The corner needs more contrast');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.locator('.comment', { hasText: 'The corner needs more contrast' }).waitFor();
    assert.equal(await page.getByTestId('region-attached').count(), 0, 'the region went with the comment');

    const [stored] = await commentsOf(imageId);
    const r = stored!.viewer_metadata.region!;
    for (const [got, want] of [[r.x, 0.2], [r.y, 0.3], [r.w, 0.4], [r.h, 0.5]] as const) {
      assert.ok(Math.abs(got - want) < 0.02, `region ${JSON.stringify(r)}`);
    }
    assert.equal(stored!.viewer_metadata.timecode, undefined);

    await page.reload();
    const comment = page.locator('.comment', { hasText: 'The corner needs more contrast' });
    await comment.waitFor();
    await page.waitForFunction(() => (document.querySelector('.zoomable') as HTMLImageElement | null)?.naturalWidth === 480);
    assert.equal(await page.locator('.region-mark').count(), 0, 'regions show on hover, focus or when all are shown');
    await comment.hover();
    const mark = page.locator('.region-mark');
    await mark.waitFor();
    const layer = (await page.locator('#region-layer').boundingBox())!;
    const drawn = (await mark.boundingBox())!;
    assert.ok(Math.abs((drawn.x - layer.x) / layer.width - 0.2) < 0.02 && Math.abs(drawn.width / layer.width - 0.4) < 0.02, `drawn ${JSON.stringify([drawn, layer])}`);
    assert.match(await mark.innerText(), /Ada Lovelace/);
    await page.mouse.move(5, 5);
    await mark.waitFor({ state: 'detached' });
    // The comment's Region button (a toggle) and "Show all regions" show it without a mouse.
    await comment.getByRole('button', { name: 'Region' }).focus();
    await page.keyboard.press('Enter');
    await mark.waitFor();
    assert.equal(await comment.getByRole('button', { name: 'Region' }).getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('Enter');
    await page.getByLabel('Show all regions').check();
    assert.equal(await page.locator('.region-mark').count(), 1);
    await assertAccessible(page, 'asset with regions');
    await page.locator('.viewer').scrollIntoViewIfNeeded();
    await screenshot(page, 'asset-regions');

    // Keyboard only: place the default region, move it right, finish with Enter, then clear it.
    await page.getByRole('button', { name: 'Mark a region' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'region-layer');
    const draft = page.getByTestId('region-draft');
    const x0 = (await draft.boundingBox())!.x;
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await page.waitForFunction((x) => document.querySelector('[data-testid="region-draft"]')!.getBoundingClientRect().x > x, x0);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'mark-region');
    await page.getByRole('button', { name: 'Clear region' }).click();
    await draft.waitFor({ state: 'detached' });
    await page.getByRole('combobox', { name: 'Write a comment' }).fill('No region on this one');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.locator('.comment', { hasText: 'No region on this one' }).waitFor();
    const all = await commentsOf(imageId);
    assert.deepEqual(all.map((c) => [c.content, Object.keys(c.viewer_metadata)]), [['The corner needs more contrast', ['region']], ['No region on this one', []]]);
  });

  test('a comment at the video\'s current time: its chip and its timeline marker seek the player', async () => {
    const page = await pageFor(ada);
    await page.goto(`${base}/a/${videoId}`);
    const video = page.locator('video.media');
    await video.waitFor();
    await page.waitForFunction(() => ((document.querySelector('video.media') as HTMLVideoElement | null)?.readyState ?? 0) >= 1);
    await video.evaluate((v: HTMLVideoElement) => new Promise<void>((resolve) => {
      v.addEventListener('seeked', () => resolve(), { once: true });
      v.currentTime = 2.5;
    }));
    const toggle = page.getByLabel('at 00:02.5');
    await toggle.check();
    // The time is taken when ticked: moving the player afterwards does not change it.
    await video.evaluate((v: HTMLVideoElement) => new Promise<void>((resolve) => {
      v.addEventListener('seeked', () => resolve(), { once: true });
      v.currentTime = 0.5;
    }));
    await page.getByRole('combobox', { name: 'Write a comment' }).fill('The logo flickers here');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    const comment = page.locator('.comment', { hasText: 'The logo flickers here' });
    await comment.waitFor();
    const [stored] = await commentsOf(videoId);
    assert.deepEqual(stored!.viewer_metadata, { timecode: 2.5 });

    await page.reload();
    await page.waitForFunction(() => ((document.querySelector('video.media') as HTMLVideoElement | null)?.readyState ?? 0) >= 1);
    const chip = page.getByRole('button', { name: 'Play from 00:02.5' });
    await chip.click();
    await page.waitForFunction(() => Math.abs((document.querySelector('video.media') as HTMLVideoElement).currentTime - 2.5) < 0.05);
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'VIDEO');
    // The timeline under the video has a marker at 2.5 of the current version's 3 s; choosing it seeks there too.
    await video.evaluate((v: HTMLVideoElement) => (v.currentTime = 0));
    const marker = page.getByRole('group', { name: 'Comments on the timeline' }).getByRole('button', { name: 'Ada Lovelace at 00:02.5' });
    const line = (await page.locator('.timeline').boundingBox())!;
    const dot = (await marker.boundingBox())!;
    const at = (dot.x + dot.width / 2 - line.x) / line.width;
    assert.ok(Math.abs(at - 2.5 / 3) < 0.05, `marker at ${at} of the current version's 3 s`);
    await marker.click();
    await page.waitForFunction(() => Math.abs((document.querySelector('video.media') as HTMLVideoElement).currentTime - 2.5) < 0.05);
    await assertAccessible(page, 'asset with a video timeline');
    await screenshot(page, 'asset-timecodes');
  });

  test('two versions of an image side by side and as a swipe, at a URL that survives a reload', async () => {
    const page = await pageFor(ada);
    await page.goto(`${base}/a/${imageId}`);
    await page.getByLabel('Compare v1').check();
    await page.getByLabel('Compare v2').check();
    await page.getByRole('link', { name: 'Compare v1 and v2' }).click();
    await page.waitForURL(/\/a\/[^/]+\/compare\?a=1&b=2$/);
    const loaded = async () => {
      await page.getByRole('img', { name: 'Version 1' }).waitFor();
      await page.waitForFunction(() =>
        ['Version 1', 'Version 2'].every((n) => ((document.querySelector(`img[alt="${n}"]`) as HTMLImageElement | null)?.naturalWidth ?? 0) > 0),
      );
    };
    await loaded();
    const widths = await page.evaluate(() => ['Version 1', 'Version 2'].map((n) => (document.querySelector(`img[alt="${n}"]`) as HTMLImageElement).naturalWidth));
    assert.deepEqual(widths.map((w) => w > 0), [true, true]);
    assert.notEqual(widths[0], widths[1], 'each side shows its own version');
    const checksum = page.locator('tr[data-fact="Checksum (SHA-256)"]');
    assert.equal(await checksum.getAttribute('class'), 'differs');
    const versions = (await t.req('GET', `/workspaces/assets/${imageId}/versions`, { headers: ada.headers })).body as Array<{ version_number: number; checksum: string }>;
    const text = await checksum.innerText();
    for (const v of versions) {
      assert.ok(text.includes(v.checksum), `checksum of v${v.version_number}`);
    }
    assert.match(await page.locator('tr[data-fact="Dimensions"]').innerText(), /400 × 300\s+480 × 300/);
    await assertAccessible(page, 'compare');
    await screenshot(page, 'compare');

    // Zoom applies to both sides, and panning one pans the other.
    await page.getByRole('button', { name: 'Zoom in both' }).click();
    await page.getByRole('button', { name: 'Zoom in both' }).click();
    const panes = page.locator('.compare-pane');
    await panes.first().evaluate((el) => (el.scrollLeft = 60));
    await page.waitForFunction(() => document.querySelectorAll('.compare-pane')[1]!.scrollLeft === 60);

    await page.reload();
    await loaded();
    assert.equal(await page.getByLabel('Left version').inputValue(), '1');
    assert.equal(await page.getByLabel('Right version').inputValue(), '2');
    // The sides can be swapped from the pickers; the URL follows.
    await page.getByLabel('Left version').selectOption('2');
    await page.waitForURL(/a=2&b=2$/);
    await page.getByLabel('Left version').selectOption('1');
    await page.getByRole('button', { name: 'Swipe' }).click();
    const slider = page.getByLabel('Swipe position');
    await slider.fill('20');
    const clip = await page.locator('.swipe-top').evaluate((el) => getComputedStyle(el).clipPath);
    assert.match(clip, /inset\(0px 0px 0px 20%\)/);
    await assertAccessible(page, 'compare (swipe)');
    await screenshot(page, 'compare-swipe');
  });

  test('two versions of a video in two players that seek, play and pause together', async () => {
    const page = await pageFor(ada);
    await page.goto(`${base}/a/${videoId}/compare`);
    const left = page.getByLabel('Video, version 1');
    const right = page.getByLabel('Video, version 2');
    await right.waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('video')].filter((v) => v.readyState >= 1).length === 2);
    assert.equal(await page.getByLabel('Left version').inputValue(), '1');
    assert.equal(await page.getByLabel('Right version').inputValue(), '2');
    assert.match(await page.locator('tr[data-fact="Duration"]').innerText(), /4\.00 s\s+3\.00 s/);
    await left.evaluate((v: HTMLVideoElement) => (v.currentTime = 1.5));
    await page.waitForFunction(() => Math.abs((document.querySelector('[aria-label="Video, version 2"]') as HTMLVideoElement).currentTime - 1.5) < 0.1);
    await page.getByRole('button', { name: 'Play both' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('video')].every((v) => !v.paused));
    await page.getByRole('button', { name: 'Pause both' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('video')].every((v) => v.paused));
    await assertAccessible(page, 'compare (video)');
    await screenshot(page, 'compare-video');
  });

  test('@mentions in a review and in a review request notify the mentioned', async () => {
    const page = await pageFor(ada);
    await page.goto(`${base}/a/${imageId}`);
    const reviewBox = page.getByRole('combobox', { name: 'Write a review' });
    await reviewBox.waitFor();
    await page.waitForFunction(() => document.querySelector('select option[value]:not([value=""])') !== null);
    await reviewBox.pressSequentially('Almost there @Bo');
    const list = page.getByRole('listbox', { name: 'People to mention' });
    await list.getByRole('option', { name: /Bo Baker/ }).waitFor();
    await assertAccessible(page, 'asset with the review mention list open');
    await reviewBox.press('Enter');
    await reviewBox.pressSequentially('please fix the edge');
    assert.equal(await reviewBox.inputValue(), 'Almost there @Bo Baker please fix the edge');
    await page.getByLabel('Review verdict').selectOption('changes_requested');
    await page.getByRole('button', { name: 'Post review' }).click();
    const review = page.locator('.review', { hasText: 'please fix the edge' });
    await review.waitFor();
    assert.equal(await review.locator('.mention').innerText(), '@Bo Baker');
    assert.match(await review.innerText(), /Changes requested/);
    const reviews = (await t.req('GET', `/workspaces/assets/${imageId}/reviews`, { headers: ada.headers })).body;
    assert.deepEqual(reviews.map((r: { content: string; mentions: string[]; status: string }) => [r.content, r.mentions, r.status]), [
      [`Almost there @[${bo.userId}] please fix the edge`, [bo.userId], 'changes_requested'],
    ]);

    // A review request to Bo whose message mentions Cy.
    await page.getByRole('combobox', { name: 'Reviewer', exact: true }).selectOption({ label: 'Bo Baker' });
    const message = page.getByRole('combobox', { name: 'Message to the reviewer' });
    await message.pressSequentially('Second pass please, @Cy');
    await list.getByRole('option', { name: /Cy Young/ }).waitFor();
    await message.press('Tab');
    await page.getByRole('button', { name: 'Request review' }).click();
    const request = page.locator('.review-request', { hasText: 'Second pass please' });
    await request.waitFor();
    assert.equal(await request.locator('.mention').innerText(), '@Cy Young');
    await screenshot(page, 'asset-reviews');

    const notes = async (who: Tenant) => {
      const res = await t.req('GET', '/accounts/notifications', { headers: who.headers });
      assert.equal(res.status, 200, res.text);
      return (res.body as Array<{ type: string; data: Record<string, unknown> }>).map((n) => [n.type, n.data.subject ?? null]).sort();
    };
    assert.deepEqual(await notes(bo), [['mention', 'review'], ['review_requested', null]]);
    assert.deepEqual(await notes(cy), [['mention', 'review_request']]);
    assert.deepEqual(await notes(ada), []);

    // Cy sees it in the bell.
    const cyPage = await pageFor(cy);
    await cyPage.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    await cyPage.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Ada Lovelace mentioned you in a review request' }).waitFor();
  });
});
