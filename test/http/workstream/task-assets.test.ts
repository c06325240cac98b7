import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { makeImage } from '../../media/fixtures.js';
import { uploadRaw } from '../mudstack/assets-fixtures.js';
import { assertWsError, bearer, coreTask, form, FORM } from './fixtures.js';
import { assertSameTypes, seedResponse } from './seed.js';

async function upload(t: TestApp, ten: Tenant, name: string, url?: string): Promise<{ id: string; sequence: number }> {
  const res = await uploadRaw(t, ten, await makeImage('png', 320, 200), { file_name: name }, 'application/octet-stream', url);
  assert.ok(res.status === 200 || res.status === 201, res.text);
  await t.jobs.runUntilIdle();
  const row = await t.deps.db.selectFrom('assets').select(['id', 'sequence']).where('id', '=', url ? url.split('/')[3] ?? '' : res.body.id).executeTakeFirstOrThrow();
  return { id: row.id, sequence: Number(row.sequence) };
}

const linkCounts = async (t: TestApp) => [await t.count('task_assets'), await t.count('assets'), await t.count('history_events')];
const ids = (body: Array<{ id: string }>) => body.map((x) => x.id);

describeEachDatabase('workstream: task assets (T3, T4, T5, T9, T10, T14, T15)', (t) => {
  let a: Tenant;
  let viewer: Tenant;
  let b: Tenant;
  let x: { id: string; sequence: number };
  let y: { id: string; sequence: number };
  let z: { id: string; sequence: number };
  let foreign: { id: string; sequence: number };
  let task: { id: string; sequence: number };
  let bTask: { id: string; sequence: number };

  before(async () => {
    a = await t.factory.tenant();
    viewer = await t.factory.member(a, { workspace: 'viewer' });
    b = await t.factory.tenant();
    x = await upload(t, a, 'x.png');
    y = await upload(t, a, 'y.png');
    z = await upload(t, a, 'z.png');
    foreign = await upload(t, b, 'b.png');
    task = await coreTask(t, a, { title: 'With assets', asset_id: x.id });
    bTask = await coreTask(t, b, { title: 'B task' });
  });

  test('T3: the core asset_id is the primary asset and a link; mini assets as the seed shows them', async () => {
    const res = await t.req('GET', `/workstream/tasks/${task.sequence}/assets`, { headers: bearer(a) });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(ids(res.body), [String(x.sequence)]);
    assertSameTypes(res.body, seedResponse('GET workstream/tasks/{id}/assets'));
    assert.equal(res.body[0].file_type, '.png');
    assert.equal('approval' in res.body[0], false);
    const withApproval = await t.req('GET', `/workstream/tasks/${task.sequence}/assets?approval_status=1&offset=0&limit=10`, { headers: bearer(a) });
    assert.equal(withApproval.status, 200, withApproval.text);
    assert.equal(withApproval.body[0].approval, null);
    // The thumbnail URL downloads without a token.
    const thumb = await t.app.inject({ method: 'GET', url: new URL(res.body[0].thumburl.thumb100).pathname });
    assert.equal(thumb.statusCode, 200);
    assert.match(String(thumb.headers['content-type']), /^image\//);
  });

  test('T10 form-encoded assetids[] and T9: links in order, idempotent; history and webhooks see them', async () => {
    const res = await t.req('POST', `/workstream/tasks/${task.sequence}/assets`, {
      headers: { ...bearer(a), ...FORM },
      payload: form([['assetids[]', y.sequence], ['assetids[]', x.sequence]]),
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(ids(res.body), [String(x.sequence), String(y.sequence)]);
    const one = await t.req('POST', `/workstream/tasks/${task.sequence}/assets/${z.sequence}`, { headers: bearer(a) });
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(ids(one.body), [String(x.sequence), String(y.sequence), String(z.sequence)]);
    const again = await t.req('POST', `/workstream/tasks/${task.sequence}/assets`, { headers: bearer(a), json: { assetids: [z.sequence] } });
    assert.deepEqual(ids(again.body), ids(one.body));
    assert.equal(await t.count('task_assets'), 3);
    const events = await t.deps.db.selectFrom('history_events').select(['type', 'asset_id']).where('record_id', '=', task.id).where('type', '=', 'task_assets_linked').execute();
    assert.deepEqual(events.map((e) => e.asset_id).sort(), [y.id, z.id].sort());
    const page = await t.req('GET', `/workstream/tasks/${task.sequence}/assets?offset=1&limit=1`, { headers: bearer(a) });
    assert.deepEqual(ids(page.body), [String(y.sequence)]);
  });

  test('T4: the full asset (c) with every field of the seed example; T5: older versions (d)', async () => {
    await upload(t, a, 'y-v2.png', `/workspaces/assets/${y.id}/versions`);
    const res = await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${y.sequence}`, { headers: bearer(a) });
    assert.equal(res.status, 200, res.text);
    assertSameTypes(res.body, seedResponse('GET workstream/tasks/{id}/assets/{assetId}'));
    assert.equal(res.body.id, String(y.sequence));
    assert.equal(res.body.version, '2');
    assert.equal(res.body.filetype, 'png');
    assert.match(res.body.filesize, /^\d+\.\d\d$/);
    assert.match(res.body.media_url, /^<div class="asset-proc-wrapper hide">/);
    const versions = await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${y.sequence}/versions`, { headers: bearer(a) });
    assert.equal(versions.status, 200, versions.text);
    assertSameTypes(versions.body, seedResponse('GET workstream/tasks/{id}/assets/{assetId}/versions'));
    assert.deepEqual(versions.body.map((v: { version: string; id: string }) => [v.id, v.version]), [[String(y.sequence), '1']]);
    // An asset of the workspace that is not linked to the task: 404.
    const other = await upload(t, a, 'unlinked.png');
    assertWsError(await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${other.sequence}`, { headers: bearer(a) }), 404, 'asset_not_found');
    assertWsError(await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${other.sequence}/versions`, { headers: bearer(a) }), 404, 'asset_not_found');
  });

  test('§1.5 item 13: unlinking (T14, T15 with a form body) never deletes the asset; the primary moves on', async () => {
    const one = await t.req('DELETE', `/workstream/tasks/${task.sequence}/assets/${x.sequence}`, { headers: bearer(a) });
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(ids(one.body), [String(y.sequence), String(z.sequence)]);
    assert.equal((await t.req('GET', `/workspaces/assets/${x.id}`, { headers: a.headers })).status, 200);
    // x was the primary asset: the oldest remaining link (y) is now the core asset_id.
    assert.equal((await t.req('GET', `/workspaces/tasks/${task.id}`, { headers: a.headers })).body.asset_id, y.id);
    assertWsError(await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${x.sequence}`, { headers: bearer(a) }), 404);
    assertWsError(await t.req('DELETE', `/workstream/tasks/${task.sequence}/assets/${x.sequence}`, { headers: bearer(a) }), 404, 'asset_not_found');
    const many = await t.req('DELETE', `/workstream/tasks/${task.sequence}/assets`, {
      headers: { ...bearer(a), ...FORM },
      payload: form([['assetids[]', y.sequence], ['assetids[]', z.sequence], ['assetids[]', x.sequence]]),
    });
    assert.equal(many.status, 200, many.text);
    assert.deepEqual(many.body, []);
    for (const asset of [x, y, z]) {
      const got = await t.req('GET', `/workspaces/assets/${asset.id}`, { headers: a.headers });
      assert.equal(got.status, 200);
      assert.equal(got.body.is_active ?? true, true);
    }
    assert.equal((await t.req('GET', `/workspaces/tasks/${task.id}`, { headers: a.headers })).body.asset_id, null);
    const unlinked = await t.deps.db.selectFrom('history_events').select('asset_id').where('record_id', '=', task.id).where('type', '=', 'task_assets_unlinked').execute();
    assert.deepEqual(unlinked.map((e) => e.asset_id).sort(), [x.id, y.id, z.id].sort());
    // Linking again to a task without a primary asset makes the first one primary.
    await t.req('POST', `/workstream/tasks/${task.sequence}/assets`, { headers: bearer(a), json: { assetids: [z.sequence, x.sequence] } });
    assert.equal((await t.req('GET', `/workspaces/tasks/${task.id}`, { headers: a.headers })).body.asset_id, z.id);
  });

  test('another tenant\'s ids: 404, nothing written', async () => {
    const before = await linkCounts(t);
    assertWsError(await t.req('POST', `/workstream/tasks/${task.sequence}/assets`, { headers: bearer(a), json: { assetids: [z.sequence, foreign.sequence] } }), 404, 'asset_not_found');
    assertWsError(await t.req('POST', `/workstream/tasks/${task.sequence}/assets/${foreign.sequence}`, { headers: bearer(a) }), 404, 'asset_not_found');
    assertWsError(await t.req('POST', `/workstream/tasks/${bTask.sequence}/assets`, { headers: bearer(a), json: { assetids: [x.sequence] } }), 404, 'task_not_found');
    assertWsError(await t.req('GET', `/workstream/tasks/${task.sequence}/assets`, { headers: bearer(b) }), 404, 'task_not_found');
    assertWsError(await t.req('GET', `/workstream/tasks/${task.sequence}/assets/${z.sequence}`, { headers: bearer(b) }), 404);
    assertWsError(await t.req('DELETE', `/workstream/tasks/${task.sequence}/assets`, { headers: bearer(b), json: { assetids: [foreign.sequence] } }), 404);
    assertWsError(await t.req('DELETE', `/workstream/tasks/${task.sequence}/assets/${z.sequence}`, { headers: bearer(b) }), 404);
    // A viewer who did not make the task does not see it.
    assertWsError(await t.req('GET', `/workstream/tasks/${task.sequence}/assets`, { headers: bearer(viewer) }), 404, 'task_not_found');
    assert.deepEqual(await linkCounts(t), before);
  });

  test('bad input: 422 naming the field, nothing written; missing or wrong auth: 401', async () => {
    const before = await linkCounts(t);
    const url = `/workstream/tasks/${task.sequence}/assets`;
    for (const [json, field] of [
      [{}, 'assetids'],
      [{ assetids: [] }, 'assetids'],
      [{ assetids: ['x1'] }, 'assetids.0'],
      [{ assetids: [z.sequence, '007'] }, 'assetids.1'],
      [{ assetids: [z.sequence], extra: 1 }, 'extra'],
    ] as const) {
      const body = assertWsError(await t.req('POST', url, { headers: bearer(a), json }), 422);
      assert.ok(Object.keys(body.errors).includes(field), JSON.stringify(body));
      assertWsError(await t.req('DELETE', url, { headers: bearer(a), json }), 422);
    }
    assertWsError(await t.req('GET', `${url}?limit=0`, { headers: bearer(a) }), 422);
    assertWsError(await t.req('GET', `${url}?approval_status=maybe`, { headers: bearer(a) }), 422);
    assertWsError(await t.req('GET', `/workstream/tasks/${task.sequence}/assets/abc`, { headers: bearer(a) }), 422);
    // A trashed asset cannot be linked.
    const gone = await upload(t, a, 'gone.png');
    assert.ok((await t.req('DELETE', `/workspaces/assets/${gone.id}`, { headers: a.headers })).status < 300);
    const mid = await linkCounts(t);
    const trashed = assertWsError(await t.req('POST', url, { headers: bearer(a), json: { assetids: [y.sequence, gone.sequence] } }), 422);
    assert.deepEqual(Object.keys(trashed.errors), ['assetids.1']);
    assert.deepEqual(await linkCounts(t), mid);
    assert.ok(mid[0] === before[0]);
    assertWsError(await t.req('GET', url), 401);
    assertWsError(await t.req('POST', url, { headers: { authorization: 'Bearer nope' }, json: { assetids: [z.sequence] } }), 401);
    assertWsError(await t.req('DELETE', `${url}/${z.sequence}`), 401);
  });
});
