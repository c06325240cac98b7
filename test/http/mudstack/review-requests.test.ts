import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadRaw } from './assets-fixtures.js';

async function counts(t: TestApp): Promise<number[]> {
  return Promise.all((['review_requests', 'reviews', 'notifications', 'history_events'] as const).map((n) => t.count(n)));
}

async function notificationsOf(t: TestApp, userId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const rows = await t.deps.db.selectFrom('notifications').select(['type', 'data']).where('user_id', '=', userId).orderBy('sequence').execute();
  return rows.map((r) => ({ type: r.type, data: JSON.parse(r.data) as Record<string, unknown> }));
}

describeEachDatabase('review requests', (t) => {
  const asset = async (ten: Tenant, name = 'hero.txt'): Promise<{ id: string; current_version_id: string; name: string }> => {
    const res = await uploadRaw(t, ten, Buffer.from(`content of ${name}`), { file_name: name });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const url = (assetId: string) => `/workspaces/assets/${assetId}/reviewRequests`;

  test('request -> notification -> the reviewer answers with a review (query form) -> completed, requester notified', async () => {
    const ten = await t.factory.tenant();
    const reviewer = await t.factory.member(ten, { workspace: 'viewer' });
    const bystander = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await asset(ten);
    const res = await t.req('POST', url(a.id), { headers: ten.headers, json: { user_ids: [reviewer.userId], message: 'Please check the hands' } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.length, 1);
    const rr = res.body[0];
    assert.deepEqual(Object.keys(rr).sort(), [
      'asset', 'asset_id', 'asset_version_id', 'cancelled_at', 'completed_at', 'created_at', 'id', 'message', 'requestor', 'requestor_id',
      'review', 'review_id', 'state', 'updated_at', 'user', 'user_id', 'version', 'workspace_id',
    ]);
    assert.equal(rr.workspace_id, ten.workspaceId);
    assert.equal(rr.asset_id, a.id);
    assert.equal(rr.asset_version_id, a.current_version_id);
    assert.equal(rr.requestor_id, ten.userId);
    assert.equal(rr.user_id, reviewer.userId);
    assert.equal(rr.review_id, null);
    assert.equal(rr.review, null);
    assert.equal(rr.state, 'open');
    assert.equal(rr.message, 'Please check the hands');
    assert.equal(rr.user.id, reviewer.userId);
    assert.equal(rr.requestor.id, ten.userId);
    assert.deepEqual(rr.asset, { id: a.id, workspace_id: ten.workspaceId, name: a.name, file_name: 'hero.txt', file_location: '/', current_version_id: a.current_version_id, isActive: true });
    const version = await t.req('GET', `/workspaces/assets/${a.id}/versions/${a.current_version_id}`, { headers: ten.headers });
    assert.deepEqual(rr.version, version.body);
    const n = await notificationsOf(t, reviewer.userId);
    assert.deepEqual(n.map((x) => x.type), ['review_requested']);
    assert.equal(n[0]?.data.review_request_id, rr.id);
    assert.deepEqual(await notificationsOf(t, bystander.userId), []);
    // The asset shows its open requests, in the nested shape; so does the reviewer's to-do list.
    const assetJson = await t.req('GET', `/workspaces/assets/${a.id}`, { headers: bystander.headers });
    assert.deepEqual(assetJson.body.reviewRequests, [rr]);
    const byIds = await t.req('GET', `/workspaces/assets/getByIds?ids=${a.id}`, { headers: ten.headers });
    assert.deepEqual(byIds.body[0].reviewRequests, [rr]);
    const mine = await t.req('GET', '/workspaces/reviewRequests', { headers: reviewer.headers, query: { assigned: 'me' } });
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body, [rr]);
    assert.deepEqual((await t.req('GET', '/workspaces/reviewRequests', { headers: bystander.headers })).body, []);
    // The reviewer answers as the spec documents: fields as query parameters.
    const review = await t.req('POST', `/workspaces/assets/${a.id}/reviews`, {
      headers: reviewer.headers,
      query: { content: 'Looks good', status: 'approved', asset_version_id: a.current_version_id, viewer_metadata: '{"timecode":1.5}' },
    });
    assert.equal(review.status, 200, review.text);
    const all = await t.req('GET', url(a.id), { headers: ten.headers });
    assert.equal(all.body.length, 1);
    const done = all.body[0];
    assert.equal(done.state, 'completed');
    assert.equal(done.review_id, review.body.id);
    assert.notEqual(done.completed_at, null);
    assert.deepEqual(done.review, review.body);
    const submitted = await notificationsOf(t, ten.userId);
    assert.deepEqual(submitted.map((x) => x.type), ['review_submitted']);
    assert.equal(submitted[0]?.data.review_id, review.body.id);
    assert.equal(submitted[0]?.data.review_request_id, rr.id);
    // The asset lists answered requests too, each with the review that answered it (seed 001's nested `review`).
    const answered = (await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers })).body.reviewRequests;
    assert.deepEqual(answered, [done]);
    assert.equal(answered[0].review.id, review.body.id);
    assert.equal(answered[0].review.status, 'approved');
    assert.equal(answered[0].review.content, 'Looks good');
    assert.deepEqual((await t.req('GET', '/workspaces/reviewRequests', { headers: reviewer.headers, query: { assigned: 'me' } })).body, []);
    const completedMine = await t.req('GET', '/workspaces/review-requests', { headers: reviewer.headers, query: { state: 'completed' } });
    assert.deepEqual(completedMine.body.map((x: { id: string }) => x.id), [rr.id]);
    const h = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', rr.id).orderBy('sequence').execute();
    assert.deepEqual(h.map((x) => x.type), ['review_requested', 'review_request_completed']);
  });

  test('duplicate open requests are idempotent; user_id form; the review-requests spelling; 400 for no users', async () => {
    const ten = await t.factory.tenant();
    const r1 = await t.factory.member(ten, { workspace: 'viewer' });
    const r2 = await t.factory.member(ten, { workspace: 'editor' });
    const a = await asset(ten);
    const first = (await t.req('POST', url(a.id), { headers: ten.headers, json: { user_id: r1.userId } })).body;
    const again = await t.req('POST', `/workspaces/assets/${a.id}/review-requests`, { headers: ten.headers, json: { user_ids: [r1.userId, r2.userId, r1.userId] } });
    assert.equal(again.status, 201, again.text);
    assert.equal(again.body.length, 2);
    assert.deepEqual(again.body[0], first[0]);
    assert.equal(again.body[1].user_id, r2.userId);
    assert.deepEqual((await notificationsOf(t, r1.userId)).map((x) => x.type), ['review_requested']);
    const list = await t.req('GET', `/workspaces/assets/${a.id}/review-requests`, { headers: r1.headers });
    assert.equal(list.body.length, 2);
    const before = await counts(t);
    const empty = await t.req('POST', url(a.id), { headers: ten.headers, json: { user_ids: [] } });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.fields[0].pointer, '/user_ids');
    const badState = await t.req('GET', url(a.id), { headers: ten.headers, query: { state: 'weird' } });
    assert.equal(badState.status, 400);
    assert.deepEqual(await counts(t), before);
  });

  test('cancel: the requestor or an admin; completed is 409; a viewer cannot request reviews (403)', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const reviewer = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await asset(ten);
    const before = await counts(t);
    const asViewer = await t.req('POST', url(a.id), { headers: reviewer.headers, json: { user_ids: [editor.userId] } });
    assert.equal(asViewer.status, 403);
    assert.deepEqual(await counts(t), before);
    const rr = (await t.req('POST', url(a.id), { headers: editor.headers, json: { user_ids: [reviewer.userId] } })).body[0];
    assert.equal((await t.req('DELETE', `${url(a.id)}/${rr.id}`, { headers: reviewer.headers })).status, 403);
    const cancelled = await t.req('DELETE', `${url(a.id)}/${rr.id}`, { headers: editor.headers });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.body.state, 'cancelled');
    assert.notEqual(cancelled.body.cancelled_at, null);
    assert.equal((await t.req('DELETE', `${url(a.id)}/${rr.id}`, { headers: editor.headers })).body.state, 'cancelled');
    const listed = (await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers })).body.reviewRequests;
    assert.deepEqual(listed.map((x: { id: string; state: string; review: unknown }) => [x.id, x.state, x.review]), [[rr.id, 'cancelled', null]]);
    // A review after cancelling does not complete the cancelled request; a new request can be made.
    const again = (await t.req('POST', url(a.id), { headers: editor.headers, json: { user_ids: [reviewer.userId] } })).body[0];
    assert.notEqual(again.id, rr.id);
    const byAdmin = await t.req('DELETE', `${url(a.id)}/${again.id}`, { headers: ten.headers });
    assert.equal(byAdmin.body.state, 'cancelled');
    const third = (await t.req('POST', url(a.id), { headers: editor.headers, json: { user_ids: [reviewer.userId] } })).body[0];
    await t.req('POST', `/workspaces/assets/${a.id}/reviews`, { headers: reviewer.headers, query: { content: 'ok' } });
    const completed = await t.req('DELETE', `${url(a.id)}/${third.id}`, { headers: editor.headers });
    assert.equal(completed.status, 409);
    const states = (await t.req('GET', url(a.id), { headers: ten.headers })).body.map((x: { state: string }) => x.state);
    assert.deepEqual(states, ['cancelled', 'cancelled', 'completed']);
    // The asset's own list agrees with the sub-resource, oldest first.
    const onAsset = (await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers })).body.reviewRequests;
    assert.deepEqual(onAsset.map((x: { state: string }) => x.state), ['cancelled', 'cancelled', 'completed']);
    assert.equal(onAsset[2].review.content, 'ok');
    const h = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', rr.id).orderBy('sequence').execute();
    assert.deepEqual(h.map((x) => x.type), ['review_requested', 'review_request_cancelled']);
  });

  test("another tenant's asset, version, user and request ids are 404 (nothing written); 401", async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const outsider = await t.factory.member(ten, { workspace: null });
    const reviewer = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await asset(ten);
    const b = await asset(ten, 'b.txt');
    const theirs = await asset(other);
    const theirRequest = (await t.req('POST', url(theirs.id), { headers: other.headers, json: { user_ids: [other.userId] } })).body[0];
    const mine = (await t.req('POST', url(b.id), { headers: ten.headers, json: { user_ids: [reviewer.userId] } })).body[0];
    const before = await counts(t);
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', url(theirs.id), { user_ids: [reviewer.userId] }, 'asset_not_found'],
      ['GET', url(theirs.id), undefined, 'asset_not_found'],
      ['POST', url(a.id), { user_ids: [other.userId] }, 'user_not_found'],
      ['POST', url(a.id), { user_ids: [reviewer.userId, outsider.userId] }, 'user_not_found'],
      ['POST', url(a.id), { user_ids: [reviewer.userId], asset_version_id: theirs.current_version_id }, 'version_not_found'],
      ['POST', url(a.id), { user_ids: [reviewer.userId], asset_version_id: b.current_version_id }, 'version_not_found'],
      ['DELETE', `${url(a.id)}/${theirRequest.id}`, undefined, 'review_request_not_found'],
      ['DELETE', `${url(a.id)}/${mine.id}`, undefined, 'review_request_not_found'],
    ];
    for (const [method, u, json, code] of cases) {
      const res = await t.req(method as 'GET', u, { headers: ten.headers, ...(json !== undefined ? { json } : {}) });
      assert.equal(res.status, 404, `${method} ${u}: ${res.text}`);
      assert.equal(res.body.error.code, code);
    }
    assert.deepEqual(await counts(t), before);
    assert.deepEqual((await t.req('GET', '/workspaces/reviewRequests', { headers: other.headers })).body.map((x: { id: string }) => x.id), [theirRequest.id]);
    assert.equal((await t.req('GET', '/workspaces/reviewRequests')).status, 401);
    assert.equal((await t.req('POST', url(a.id), { json: { user_ids: [reviewer.userId] } })).status, 401);
  });
});
