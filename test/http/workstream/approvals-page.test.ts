import assert from 'node:assert/strict';
import { test } from 'node:test';
import { responseKey } from '../../../src/domain/approvals/approval-keys.js';
import { describeEachDatabase } from '../../harness/app.js';
import { assetInFolder, createApproval, seq } from './approvals-fixtures.js';
import { assertWsError, bearer, FORM, form } from './fixtures.js';
import { coreProject } from './projects-fixtures.js';

const pathOf = (url: string) => new URL(url, 'http://x').pathname;
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];

/** A12 and the approval page (spec §1.5 item 11). */
describeEachDatabase('workstream: the approval page (A12)', (t) => {
  test('single-use link, 5 minutes; the page shows the preview and the visible comments and takes the answer', async () => {
    const a = await t.factory.tenant();
    const ann = await t.factory.member(a, { workspace: 'viewer' });
    const asset = await assetInFolder(t, a, 'page.png', '/Page/');
    await t.jobs.runUntilIdle();
    const ap = await createApproval(t, a, asset, { approvers: [await seq(t, 'users', ann.userId), 'guest@outside.test'], comments: 'Look at the <b>sky</b>' });
    const url = `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals/url`;
    const link = await t.req('GET', url, { headers: bearer(ann) });
    assert.equal(link.status, 200, link.text);
    assert.deepEqual(Object.keys(link.body), ['url']);
    assert.match(link.body.url, /\/workstream\/approval-page\/t\/apt_/);
    const page = await t.req('GET', pathOf(link.body.url));
    assert.equal(page.status, 200, page.text);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
    assert.ok(page.text.includes('<h1>page.png</h1>'));
    assert.ok(page.text.includes('Look at the sky'), 'comments shown as text, markup stripped');
    assert.ok(!page.text.includes('<b>sky</b>'));
    assert.equal((await t.req('GET', pathOf(link.body.url))).status, 404, 'single use');
    // The preview image is the version's real derivative.
    const src = /<img src="([^"]+)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(src);
    const img = await t.req('GET', src);
    assert.equal(img.status, 200, img.text);
    assert.match(String(img.headers['content-type']), /^image\//);
    assert.ok(img.text.length > 0);
    // Ann answers with the form (its own fresh single-use token).
    const token = hidden(page.text, 'token');
    assert.ok(token);
    const sent = await t.req('POST', '/workstream/approval-page/answer', { headers: FORM, payload: form([['token', token], ['response', '4'], ['message', 'Brighter please']]) });
    assert.equal(sent.status, 200, sent.text);
    assert.ok(sent.text.includes('your answer was recorded'));
    const again = await t.req('POST', '/workstream/approval-page/answer', { headers: FORM, payload: form([['token', token], ['response', '2']]) });
    assert.equal(again.status, 404, 'the form token is single use too');
    const owner = await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(a) });
    assert.deepEqual(owner.body.current_stage_responses.map((r: any) => r.response), [4, 1]);
    // Expiry: a link not opened within 5 minutes is refused.
    const late = await t.req('GET', url, { headers: bearer(ann) });
    t.clock.advance(301);
    assert.equal((await t.req('GET', pathOf(late.body.url))).status, 404);
  });

  test('a guest opens the page by their key (no account), sees the current stage\'s comments and answers', async () => {
    const a = await t.factory.tenant();
    const ann = await t.factory.member(a, { workspace: 'editor' });
    const asset = await assetInFolder(t, a, 'guest.png', '/G/');
    const ap = await createApproval(t, a, asset, { approvers: [await seq(t, 'users', ann.userId), 'guest@outside.test'] });
    const annKey = (await t.req('GET', '/workstream/approvals', { headers: bearer(ann) })).body[0].key;
    await t.req('POST', `/workstream/approvals/${annKey}/response`, { headers: bearer(ann), json: { response: 2, message: 'Ann says yes' } });
    const guestSlot = await t.deps.db.selectFrom('approval_responses').select('id').where('sequence', '=', ap.current_stage_responses[1].id).executeTakeFirstOrThrow();
    const key = responseKey(t.deps.tokenKey, guestSlot.id);
    const page = await t.req('GET', `/workstream/approval-page/${key}`);
    assert.equal(page.status, 200, page.text);
    assert.ok(page.text.includes('Ann says yes'), page.text);
    assert.equal(hidden(page.text, 'key'), key);
    const sent = await t.req('POST', '/workstream/approval-page/answer', { headers: FORM, payload: form([['key', key], ['response', '2']]) });
    assert.equal(sent.status, 200, sent.text);
    const owner = await t.req('GET', `/workstream/approvals/${ap.key}`, { headers: bearer(a) });
    assert.equal(owner.body.status, 2, 'both approved');
    assert.equal((await t.req('GET', '/workstream/approval-page/apr_not-a-key')).status, 404);
    const bad = await t.req('POST', '/workstream/approval-page/answer', { headers: FORM, payload: form([['key', key], ['response', '9']]) });
    assert.ok(bad.status === 422, bad.text);
  });

  test('A12: 403 not through this folder, 404 another tenant or an approval one may not see, 401 without auth', async () => {
    const a = await t.factory.tenant();
    const ann = await t.factory.member(a, { workspace: 'editor' });
    const vic = await t.factory.member(a, { workspace: 'viewer' });
    const b = await t.factory.tenant();
    const asset = await assetInFolder(t, a, 'u.png', '/U/');
    const other = await assetInFolder(t, a, 'o.png', '/O/');
    await createApproval(t, a, asset, { approvers: [await seq(t, 'users', ann.userId)] });
    const before = await t.count('approval_page_tokens');
    assertWsError(await t.req('GET', `/workstream/folders/${asset.folderSeq}/assets/${other.seq}/approvals/url`, { headers: bearer(a) }), 403);
    assertWsError(await t.req('GET', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals/url`, { headers: bearer(vic) }), 404);
    assertWsError(await t.req('GET', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals/url`, { headers: bearer(b) }), 404);
    assertWsError(await t.req('GET', `/workstream/folders/${asset.folderSeq}/assets/${asset.seq}/approvals/url`), 401);
    assert.equal(await t.count('approval_page_tokens'), before);
  });

  test('A12 through a project: a linked asset only (403 otherwise), 404 for another tenant or an approval not seen, 401', async () => {
    const a = await t.factory.tenant();
    const ann = await t.factory.member(a, { workspace: 'viewer' });
    const vic = await t.factory.member(a, { workspace: 'viewer' });
    const b = await t.factory.tenant();
    const project = await coreProject(t, a, { name: 'Launch' });
    const linked = await assetInFolder(t, a, 'linked.png', '/PP/');
    const loose = await assetInFolder(t, a, 'loose.png', '/PP/');
    await t.jobs.runUntilIdle();
    assert.equal((await t.req('POST', `/workstream/projects/${project.sequence}/assets/${linked.seq}`, { headers: bearer(a) })).status, 204);
    await createApproval(t, a, linked, { approvers: [await seq(t, 'users', ann.userId)] });
    const url = (assetSeq: number) => `/workstream/projects/${project.sequence}/assets/${assetSeq}/approvals/url`;
    const before = await t.count('approval_page_tokens');
    assertWsError(await t.req('GET', url(loose.seq), { headers: bearer(a) }), 403, 'no_access_through_container');
    assertWsError(await t.req('GET', url(linked.seq), { headers: bearer(vic) }), 404);
    assertWsError(await t.req('GET', url(linked.seq), { headers: bearer(b) }), 404);
    assertWsError(await t.req('GET', `/workstream/projects/999999/assets/${linked.seq}/approvals/url`, { headers: bearer(a) }), 404);
    assertWsError(await t.req('GET', `/workstream/projects/abc/assets/${linked.seq}/approvals/url`, { headers: bearer(a) }), 422);
    assertWsError(await t.req('GET', url(linked.seq)), 401);
    assert.equal(await t.count('approval_page_tokens'), before);
    const link = await t.req('GET', url(linked.seq), { headers: bearer(ann) });
    assert.equal(link.status, 200, link.text);
    assert.deepEqual(Object.keys(link.body), ['url']);
    assert.match(link.body.url, /\/workstream\/approval-page\/t\/apt_/);
    assert.equal(await t.count('approval_page_tokens'), before + 1);
    const page = await t.req('GET', pathOf(link.body.url));
    assert.equal(page.status, 200, page.text);
    assert.ok(page.text.includes('<h1>linked.png</h1>'));
    // The project's owner gets one too; the same asset's folder link still works.
    assert.equal((await t.req('GET', url(linked.seq), { headers: bearer(a) })).status, 200);
    assert.equal((await t.req('GET', `/workstream/folders/${linked.folderSeq}/assets/${linked.seq}/approvals/url`, { headers: bearer(a) })).status, 200);
  });
});
