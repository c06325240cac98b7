import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadRaw } from './assets-fixtures.js';

/*
 * @mentions written in a review's content and in a review request's message: the `@[<user id>]` tokens the web
 * app's mention picker inserts (web/src/asset/mentions.tsx) notify the mentioned like a comment's do.
 */

async function notificationsOf(t: TestApp, userId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const rows = await t.deps.db.selectFrom('notifications').select(['type', 'data']).where('user_id', '=', userId).orderBy('sequence').execute();
  return rows.map((r) => ({ type: r.type, data: JSON.parse(r.data) as Record<string, unknown> }));
}

async function counts(t: TestApp): Promise<number[]> {
  return Promise.all((['review_requests', 'reviews', 'notifications', 'history_events', 'approval_responses'] as const).map((n) => t.count(n)));
}

describeEachDatabase('mentions in reviews and review requests', (t) => {
  const asset = async (ten: Tenant): Promise<{ id: string; current_version_id: string }> => {
    const res = await uploadRaw(t, ten, Buffer.from('content of the hero'), { file_name: 'hero.txt' });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };

  test('a token in a review\'s content notifies the mentioned person (not the author), with subject review', async () => {
    const ten = await t.factory.tenant();
    const bo = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await asset(ten);
    const res = await t.req('POST', `/workspaces/assets/${a.id}/reviews`, {
      headers: ten.headers,
      json: { content: `Nearly there, @[${bo.userId}] please look at the hands; @[${ten.userId}] noted`, status: 'commented' },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.mentions, [bo.userId, ten.userId]);
    const n = await notificationsOf(t, bo.userId);
    assert.deepEqual(n.map((x) => [x.type, x.data.subject, x.data.review_id, x.data.asset_id, x.data.by_user_id]), [['mention', 'review', res.body.id, a.id, ten.userId]]);
    assert.deepEqual(await notificationsOf(t, ten.userId), []);
  });

  test('a token in a review request\'s message notifies the mentioned once; reviewers get only their request', async () => {
    const ten = await t.factory.tenant();
    const r1 = await t.factory.member(ten, { workspace: 'viewer' });
    const r2 = await t.factory.member(ten, { workspace: 'viewer' });
    const producer = await t.factory.member(ten, { workspace: 'viewer' });
    const bystander = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await asset(ten);
    const url = `/workspaces/assets/${a.id}/reviewRequests`;
    const message = `Please check the hands, @[${producer.userId}] FYI, @[${r1.userId}] you too`;
    const res = await t.req('POST', url, { headers: ten.headers, json: { user_ids: [r1.userId, r2.userId], message } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body[0].message, message);
    const p = await notificationsOf(t, producer.userId);
    assert.deepEqual(p.map((x) => [x.type, x.data.subject, x.data.review_request_id, x.data.asset_id, x.data.asset_version_id, x.data.by_user_id]), [
      ['mention', 'review_request', res.body[0].id, a.id, a.current_version_id, ten.userId],
    ]);
    assert.deepEqual((await notificationsOf(t, r1.userId)).map((x) => x.type), ['review_requested']);
    assert.deepEqual((await notificationsOf(t, r2.userId)).map((x) => x.type), ['review_requested']);
    assert.deepEqual(await notificationsOf(t, bystander.userId), []);
    assert.deepEqual(await notificationsOf(t, ten.userId), []);
    // The same requests again open nothing, so nobody is notified a second time.
    const again = await t.req('POST', url, { headers: ten.headers, json: { user_ids: [r1.userId, r2.userId], message } });
    assert.equal(again.status, 201, again.text);
    assert.deepEqual(again.body.map((x: { id: string }) => x.id), res.body.map((x: { id: string }) => x.id));
    assert.equal((await notificationsOf(t, producer.userId)).length, 1);
  });

  test('a review request mentioning someone outside the workspace is 400 and writes nothing', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const reviewer = await t.factory.member(ten, { workspace: 'viewer' });
    const accountOnly = await t.factory.member(ten, { workspace: null });
    const a = await asset(ten);
    const before = await counts(t);
    for (const stranger of [other.userId, accountOnly.userId, '00000000-0000-4000-8000-000000000000']) {
      const res = await t.req('POST', `/workspaces/assets/${a.id}/reviewRequests`, { headers: ten.headers, json: { user_ids: [reviewer.userId], message: `see @[${stranger}]` } });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.code, 'mention_not_member');
      assert.deepEqual(res.body.error.fields, [{ in: 'body', pointer: '/content', message: 'is not a member of this workspace' }]);
    }
    assert.deepEqual(await counts(t), before);
    assert.deepEqual(await notificationsOf(t, other.userId), []);
    // Another tenant cannot mention into this asset at all: it is not found for them.
    const foreign = await t.req('POST', `/workspaces/assets/${a.id}/reviewRequests`, { headers: other.headers, json: { user_ids: [other.userId], message: `@[${reviewer.userId}]` } });
    assert.equal(foreign.status, 404);
    const anonymous = await t.req('POST', `/workspaces/assets/${a.id}/reviewRequests`, { headers: { 'x-workspace-id': ten.workspaceId }, json: { user_ids: [reviewer.userId] } });
    assert.equal(anonymous.status, 401);
    assert.deepEqual(await counts(t), before);
  });
});
