import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadMultipart } from './assets-fixtures.js';

describeEachDatabase('asset subscriptions', (t) => {
  const upload = async (ten: Tenant, name = 'model.txt'): Promise<{ id: string; [k: string]: any }> => {
    const res = await uploadMultipart(t, ten, { name, data: Buffer.from(`bytes of ${name}`) });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const url = (assetId: string) => `/workspaces/assets/${assetId}/subscriptions`;
  const notifications = async (ten: Tenant) => {
    const res = await t.req('GET', '/accounts/notifications', { headers: ten.headers });
    assert.equal(res.status, 200, res.text);
    return res.body as Array<{ type: string; data: Record<string, unknown>; user_id: string; workspace_id: string | null }>;
  };

  test('subscribe, list subscribers, unsubscribe (idempotent, exact shape, history); viewers may subscribe', async () => {
    const ten = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const asset = await upload(ten);
    const empty = await t.req('GET', url(asset.id), { headers: viewer.headers });
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body, { subscribed: false, subscribers: [] });

    const sub = await t.req('POST', url(asset.id), { headers: viewer.headers });
    assert.equal(sub.status, 200, sub.text);
    assert.equal(sub.body.subscribed, true);
    assert.deepEqual(sub.body.subscribers.map((u: { id: string; email: string }) => [u.id, u.email]), [[viewer.userId, viewer.email]]);
    const again = await t.req('POST', url(asset.id), { headers: viewer.headers });
    assert.deepEqual(again.body, sub.body);
    await t.req('POST', url(asset.id), { headers: ten.headers });
    const both = await t.req('GET', url(asset.id), { headers: ten.headers });
    assert.equal(both.body.subscribed, true);
    assert.deepEqual(both.body.subscribers.map((u: { id: string }) => u.id), [viewer.userId, ten.userId]);
    assert.equal(both.body.subscribers[0].auth0UserID, `atelier|${viewer.userId}`);

    const unsub = await t.req('DELETE', url(asset.id), { headers: viewer.headers });
    assert.equal(unsub.status, 200);
    assert.equal(unsub.body.subscribed, false);
    assert.deepEqual(unsub.body.subscribers.map((u: { id: string }) => u.id), [ten.userId]);
    assert.equal((await t.req('DELETE', url(asset.id), { headers: viewer.headers })).status, 200);

    const h = await t.deps.db.selectFrom('history_events').select(['type', 'user_id']).where('asset_id', '=', asset.id).where('subject_type', '=', 'asset_subscription').orderBy('sequence').execute();
    assert.deepEqual(h.map((e) => [e.type, e.user_id]), [['subscribed', viewer.userId], ['subscribed', ten.userId], ['unsubscribed', viewer.userId]]);
  });

  test('subscribers are notified when someone else changes the asset (status, tags, libraries); never of their own changes', async () => {
    const ten = await t.factory.tenant();
    const watcher = await t.factory.member(ten, { workspace: 'viewer' });
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const asset = await upload(ten);
    await t.req('POST', url(asset.id), { headers: watcher.headers });
    await t.req('POST', url(asset.id), { headers: editor.headers });
    const statuses = (await t.req('GET', '/workspaces/assetStatuses', { headers: ten.headers })).body;
    const inProgress = statuses.find((s: { name: string }) => s.name === 'In Progress');

    const res = await t.req('PATCH', `/workspaces/assets/${asset.id}`, { headers: editor.headers, json: { status_id: inProgress.id } });
    assert.equal(res.status, 200, res.text);
    const [n] = await notifications(watcher);
    assert.ok(n);
    assert.equal(n.type, 'subscribed_asset_changed');
    assert.equal(n.user_id, watcher.userId);
    assert.equal(n.workspace_id, ten.workspaceId);
    assert.deepEqual(n.data, {
      event: 'asset_status_changed',
      asset_id: asset.id,
      actor_user_id: editor.userId,
      before: { status_id: null },
      after: { status_id: inProgress.id },
    });
    // The actor is subscribed too, but not told about their own change.
    assert.deepEqual(await notifications(editor), []);

    await t.req('POST', `/workspaces/assets/${asset.id}/status`, { headers: editor.headers, json: { status_id: null } });
    await t.req('POST', `/workspaces/assets/${asset.id}/tags`, { headers: editor.headers, json: { names: ['wip'] } });
    const lib = await t.req('POST', '/workspaces/libraries', { headers: editor.headers, json: { name: 'Kit' } });
    await t.req('POST', `/workspaces/assets/${asset.id}/libraries/${lib.body.id}`, { headers: editor.headers });
    await t.req('DELETE', `/workspaces/assets/${asset.id}/libraries/${lib.body.id}`, { headers: editor.headers });
    const events = (await notifications(watcher)).map((x) => x.data.event).reverse();
    assert.deepEqual(events, ['asset_status_changed', 'asset_status_changed', 'asset_tag_added', 'library_asset_added', 'library_asset_removed']);
    assert.deepEqual(await notifications(editor), []);
    // Someone who unsubscribed hears nothing more.
    await t.req('DELETE', url(asset.id), { headers: watcher.headers });
    await t.req('POST', `/workspaces/assets/${asset.id}/status`, { headers: editor.headers, json: { status_id: inProgress.id } });
    assert.equal((await notifications(watcher)).length, 5);
  });

  test('another tenant\'s asset is 404, trashed assets cannot be subscribed (409), no token is 401; nothing written', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const theirs = await upload(other);
    const mine = await upload(ten, 'trash.txt');
    await t.deps.db.updateTable('assets').set({ is_active: 0 }).where('id', '=', mine.id).execute();
    const before = [await t.count('asset_subscriptions'), await t.count('history_events')];
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const res = await t.req(method, url(theirs.id), { headers: ten.headers });
      assert.equal(res.status, 404, method);
      assert.equal(res.body.error.code, 'asset_not_found');
    }
    const trashed = await t.req('POST', url(mine.id), { headers: ten.headers });
    assert.equal(trashed.status, 409);
    const noAuth = { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId };
    assert.equal((await t.req('POST', url(mine.id), { headers: noAuth })).status, 401);
    assert.deepEqual([await t.count('asset_subscriptions'), await t.count('history_events')], before);
  });
});
