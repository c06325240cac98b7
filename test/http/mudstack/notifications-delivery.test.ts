import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadMultipart } from './assets-fixtures.js';

describeEachDatabase('notifications fan-out: asset subscribers through the event dispatcher', (t) => {
  const notifications = async (who: Tenant) => {
    const res = await t.req('GET', '/accounts/notifications', { headers: who.headers });
    assert.equal(res.status, 200, res.text);
    return res.body as Array<{ type: string; user_id: string; data: Record<string, unknown> }>;
  };
  const setUp = async () => {
    const ten = await t.factory.tenant();
    const watcher = await t.factory.member(ten, { workspace: 'viewer' });
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const up = await uploadMultipart(t, ten, { name: 'hero.psd', data: Buffer.from('layers') });
    assert.equal(up.status, 201, up.text);
    for (const who of [watcher, editor]) {
      assert.equal((await t.req('POST', `/workspaces/assets/${up.body.id}/subscriptions`, { headers: who.headers })).status, 200);
    }
    await t.jobs.runUntilIdle();
    return { ten, watcher, editor, asset: up.body as { id: string; current_version_id: string } };
  };

  test('a rename and a new version by someone else: exactly one notification each for a subscriber, none for the actor', async () => {
    const { ten, watcher, editor, asset } = await setUp();
    const renamed = await t.req('PATCH', `/workspaces/assets/${asset.id}`, { headers: editor.headers, json: { name: 'hero-final.psd' } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.deepEqual(await notifications(watcher), [], 'the dispatcher has not run yet');
    await t.jobs.runUntilIdle();
    const [n, ...rest] = await notifications(watcher);
    assert.equal(rest.length, 0);
    const event = await t.deps.db.selectFrom('history_events').selectAll().where('asset_id', '=', asset.id).where('type', '=', 'asset_renamed').executeTakeFirstOrThrow();
    assert.equal(n?.type, 'subscribed_asset_changed');
    assert.deepEqual(n?.data, {
      event: 'asset_renamed', asset_id: asset.id, actor_user_id: editor.userId, history_event_id: event.id, ...JSON.parse(event.data),
    });
    assert.deepEqual(await notifications(editor), [], 'never told of their own change');
    assert.equal((await notifications(ten)).length, 0, 'not subscribed: nothing');

    const v2 = await uploadMultipart(t, editor, { name: 'hero-final.psd', data: Buffer.from('layers v2') }, {}, `/workspaces/assets/${asset.id}/versions`);
    assert.ok([200, 201].includes(v2.status), v2.text);
    await t.jobs.runUntilIdle();
    await t.jobs.runUntilIdle();
    const events = (await notifications(watcher)).map((x) => x.data.event);
    assert.deepEqual(events, ['version_created', 'asset_renamed']);
    assert.deepEqual(await notifications(editor), []);
  });

  test('a status change (notified directly by its service) is not notified a second time by the dispatcher', async () => {
    const { watcher, editor, asset, ten } = await setUp();
    const statuses = (await t.req('GET', '/workspaces/assetStatuses', { headers: ten.headers })).body as Array<{ id: string; name: string }>;
    const status = statuses[0];
    assert.ok(status);
    const res = await t.req('POST', `/workspaces/assets/${asset.id}/status`, { headers: editor.headers, json: { status_id: status.id } });
    assert.equal(res.status, 200, res.text);
    await t.jobs.runUntilIdle();
    await t.jobs.runUntilIdle();
    const got = await notifications(watcher);
    assert.deepEqual(got.map((x) => [x.type, x.data.event]), [['subscribed_asset_changed', 'asset_status_changed']]);
    // Subscriptions themselves, and changes with no acting user (derivatives), notify nobody.
    const types = (await t.deps.db.selectFrom('notifications').select('type').where('user_id', 'in', [watcher.userId, editor.userId]).execute()).map((r) => r.type);
    assert.deepEqual(types, ['subscribed_asset_changed']);
  });
});
