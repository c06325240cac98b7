import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { makeImage } from '../../media/fixtures.js';
import { uploadRaw } from '../mudstack/assets-fixtures.js';
import { bearer, coreTask } from './fixtures.js';

// Spec §1.5 items 14-17, each as its own test, through the routes that show them.
describeEachDatabase('workstream: §1.5 items 14-17 (user and asset encodings)', (t) => {
  let a: Tenant;
  let task: { id: string; sequence: number };
  let assetSeq: number;
  let bytes: number;

  before(async () => {
    a = await t.factory.tenant();
    const data = await makeImage('jpeg', 800, 600);
    const up = await uploadRaw(t, a, data, { file_name: 'Cover.JPEG' });
    assert.equal(up.status, 201, up.text);
    await t.jobs.runUntilIdle();
    bytes = data.length;
    assetSeq = Number((await t.deps.db.selectFrom('assets').select('sequence').where('id', '=', up.body.id).executeTakeFirstOrThrow()).sequence);
    task = await coreTask(t, a, { title: 'Checklist', asset_id: up.body.id, assignee_id: a.userId });
  });

  test('item 14: profile_image can be the boolean false', async () => {
    const res = await t.req('GET', `/workstream/tasks/${task.sequence}`, { headers: bearer(a) });
    assert.equal(res.status, 200, res.text);
    assert.strictEqual(res.body.assignee.profile_image, false);
    assert.strictEqual(res.body.recipient.profile_image, false);
  });

  test('item 15: file_type has a leading dot (mini asset); filetype does not (full asset)', async () => {
    const mini = (await t.req('GET', `/workstream/tasks/${task.sequence}/assets`, { headers: bearer(a) })).body[0];
    const full = (await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${assetSeq}`, { headers: bearer(a) })).body;
    assert.equal(mini.file_type, '.jpeg');
    assert.equal(full.filetype, 'jpeg');
  });

  test('item 16: filesize is a string in MB', async () => {
    const full = (await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${assetSeq}`, { headers: bearer(a) })).body;
    assert.equal(typeof full.filesize, 'string');
    assert.equal(full.filesize, (bytes / 1_000_000).toFixed(2));
  });

  test('item 17: media_url and hi_res_media_url of full assets are HTML fragments whose <img src> loads', async () => {
    const full = (await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${assetSeq}`, { headers: bearer(a) })).body;
    for (const html of [full.media_url, full.hi_res_media_url]) {
      assert.match(html, /^<div class="asset-proc-wrapper hide"><div class="asset_proc proc-details image_220px" style="display:block;">Asset Processing<\/div><\/div><img onload=/);
      const src = /src="([^"]+)"/.exec(html)?.[1];
      assert.ok(src);
      assert.match(html, /alt="Cover\.JPEG" title="Cover\.JPEG">$/);
      const res = await t.app.inject({ method: 'GET', url: new URL(src).pathname });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^image\//);
    }
    // The mini asset's media_url is a plain URL (as the seed shows it).
    const mini = (await t.req('GET', `/workstream/tasks/${task.sequence}/assets`, { headers: bearer(a) })).body[0];
    assert.match(mini.media_url, /^http:\/\/[^<]+$/);
  });
});
