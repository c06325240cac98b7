import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { multipart } from './assets-fixtures.js';
import { createTask, MISSING, uploadAsset } from './tasks-fixtures.js';

type Entry = { id: string; type: string; data: Record<string, any>; user_id: string | null; record_id: string | null; [k: string]: any };

describeEachDatabase('asset history', (t) => {
  const history = async (ten: Tenant, assetId: string, query: Record<string, string> = {}) => {
    const res = await t.req('GET', `/workspaces/assets/${assetId}/history`, { headers: ten.headers, query });
    assert.equal(res.status, 200, res.text);
    return res;
  };
  const ok = async (ten: Tenant, method: string, url: string, opts: { json?: unknown; mp?: ReturnType<typeof multipart> } = {}) => {
    const res = await t.req(method as 'POST', url, {
      headers: { ...ten.headers, ...(opts.mp?.headers ?? {}) },
      ...(opts.json === undefined ? {} : { json: opts.json }),
      ...(opts.mp ? { payload: opts.mp.payload } : {}),
    });
    assert.ok(res.status < 300, `${method} ${url} ${res.status} ${res.text}`);
    return res.body;
  };

  test('every change made through the other features leaves an entry on the asset, newest first, by whom, with what changed', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const asset = await uploadAsset(t, ten, 'hero.txt');
    const v1 = asset.current_version_id;
    const v2 = await ok(ten, 'POST', `/workspaces/assets/${asset.id}/versions`, { mp: multipart({}, { name: 'hero.txt', data: Buffer.from('second') }) });
    await ok(editor, 'PATCH', `/workspaces/assets/${asset.id}/rename`, { json: { name: 'villain.txt' } });
    await ok(ten, 'PATCH', `/workspaces/assets/${asset.id}`, { json: { description: 'A villain' } });
    const statuses = await ok(ten, 'GET', '/workspaces/assetStatuses');
    await ok(ten, 'PATCH', `/workspaces/assets/${asset.id}`, { json: { status_id: statuses[1].id } });
    const [tag] = await ok(ten, 'POST', `/workspaces/assets/${asset.id}/tags`, { json: { names: ['hero'] } });
    const locked = await ok(ten, 'POST', `/workspaces/assets/${asset.id}/lock`);
    await ok(ten, 'DELETE', `/workspaces/assets/${asset.id}/lock`);
    const task = await createTask(t, editor, { title: 'Paint it', asset_id: asset.id });
    await ok(editor, 'PATCH', `/workspaces/tasks/${task.id}`, { json: { status: 'Completed' } });
    await ok(ten, 'DELETE', `/workspaces/assets/${asset.id}`);
    await ok(ten, 'PATCH', `/workspaces/assets/${asset.id}/restore`);

    const res = await history(ten, asset.id);
    const entries: Entry[] = [...res.body].reverse();
    const summary = entries.map((e) => [e.type, e.user_id, e.record_id]);
    assert.deepEqual(summary, [
      ['asset_created', ten.userId, asset.id],
      ['version_created', ten.userId, v1],
      ['version_created', ten.userId, v2.id],
      ['asset_renamed', editor.userId, asset.id],
      ['asset_updated', ten.userId, asset.id],
      ['asset_status_changed', ten.userId, asset.id],
      ['asset_tag_added', ten.userId, tag.id],
      ['asset_locked', ten.userId, asset.id],
      ['asset_unlocked', ten.userId, asset.id],
      ['task_created', editor.userId, task.id],
      ['task_updated', editor.userId, task.id],
      ['asset_deleted', ten.userId, asset.id],
      ['asset_restored', ten.userId, asset.id],
    ]);
    const data = (type: string, i = 0) => entries.filter((e) => e.type === type)[i]!.data;
    // Changes of a value carry before/after.
    assert.deepEqual(data('asset_renamed'), { before: { name: 'hero.txt', file_name: 'hero.txt' }, after: { name: 'villain.txt', file_name: 'villain.txt' } });
    assert.deepEqual(data('asset_updated'), { before: { description: '' }, after: { description: 'A villain' } });
    assert.deepEqual(data('asset_status_changed'), { before: { status_id: null }, after: { status_id: statuses[1].id } });
    assert.deepEqual(data('asset_tag_added'), { before: null, after: { tag_id: tag.id, name: 'hero' } });
    assert.equal(data('task_created').before, null);
    assert.equal(data('task_created').after.title, 'Paint it');
    assert.deepEqual(
      { before: data('task_updated').before, after: { ...data('task_updated').after, completed_at: 'set' } },
      { before: { status: 'Pending', status_id: task.status_id, completed_at: null }, after: { status: 'Completed', status_id: data('task_updated').after.status_id, completed_at: 'set' } },
    );
    // Lifecycle events describe the new state (these features record it without a before/after pair).
    assert.deepEqual(data('asset_created'), { name: 'hero.txt', file_name: 'hero.txt', file_location: '/', asset_type_id: asset.asset_type_id });
    assert.equal(data('version_created', 1).version_number, 2);
    assert.equal(data('version_created', 1).commit_parent_id, v1);
    assert.deepEqual(data('asset_locked'), { locked_by_user_id: ten.userId, locked_at: locked.locked_at });
    assert.deepEqual(data('asset_unlocked'), { previous_locked_by_user_id: ten.userId, previous_locked_at: locked.locked_at });
    assert.deepEqual(data('asset_deleted'), { name: 'villain.txt', file_location: '/', file_name: 'villain.txt' });
    assert.deepEqual(data('asset_restored'), { file_location: '/', file_name: 'villain.txt' });
  });

  test('exact AssetHistory shape: user and the asset as it is now', async () => {
    const ten = await t.factory.tenant();
    const asset = await uploadAsset(t, ten, 'a.txt');
    await ok(ten, 'PATCH', `/workspaces/assets/${asset.id}`, { json: { description: 'd' } });
    const res = await history(ten, asset.id);
    const [latest] = res.body;
    const me = await ok(ten, 'GET', '/users');
    const now = await ok(ten, 'GET', `/workspaces/assets/${asset.id}`);
    const row = await t.deps.db.selectFrom('history_events').selectAll().where('id', '=', latest.id).executeTakeFirstOrThrow();
    assert.deepEqual(latest, {
      id: row.id, workspace_id: ten.workspaceId, asset_id: asset.id, user_id: ten.userId, type: 'asset_updated', record_id: asset.id,
      data: { before: { description: '' }, after: { description: 'd' } }, created_at: row.created_at, user: me, asset: now,
    });
    assert.equal(res.headers['x-next-cursor'], undefined);
  });

  test('pagination: limit and cursor (x-next-cursor), no overlap', async () => {
    const ten = await t.factory.tenant();
    const asset = await uploadAsset(t, ten, 'p.txt');
    for (const d of ['1', '2', '3']) {
      await ok(ten, 'PATCH', `/workspaces/assets/${asset.id}`, { json: { description: d } });
    }
    const all = (await history(ten, asset.id)).body.map((e: Entry) => e.id);
    assert.equal(all.length, 5);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await history(ten, asset.id, { limit: '2', ...(cursor ? { cursor } : {}) });
      assert.ok(res.body.length <= 2);
      seen.push(...res.body.map((e: Entry) => e.id));
      cursor = res.headers['x-next-cursor'] as string | undefined;
    } while (cursor);
    assert.deepEqual(seen, all);
    for (const query of [{ limit: '0' }, { limit: '501' }, { cursor: 'abc' }] as Array<Record<string, string>>) {
      const res = await t.req('GET', `/workspaces/assets/${asset.id}/history`, { headers: ten.headers, query });
      assert.equal(res.status, 400, JSON.stringify(query));
      assert.equal(res.body.error.fields[0].pointer, `/${Object.keys(query)[0]}`);
    }
  });

  test('history outlives a purge (asset null); unknown and other tenants\' assets are 404; viewers read; 401 without a token', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const asset = await uploadAsset(t, ten, 'doomed.txt');
    const theirs = await uploadAsset(t, other, 'theirs.txt');
    await ok(ten, 'DELETE', `/workspaces/assets/${asset.id}`);
    await ok(ten, 'DELETE', `/workspaces/trash/${asset.id}`);
    assert.equal((await t.req('GET', `/workspaces/assets/${asset.id}`, { headers: ten.headers })).status, 404);
    const res = await history(viewer, asset.id);
    assert.deepEqual(res.body.map((e: Entry) => e.type), ['asset_purged', 'asset_deleted', 'version_created', 'asset_created']);
    for (const e of res.body) {
      assert.equal(e.asset, null);
      assert.equal(e.asset_id, asset.id);
    }
    for (const id of [MISSING, theirs.id, 'not-a-uuid']) {
      const r = await t.req('GET', `/workspaces/assets/${id}/history`, { headers: ten.headers });
      assert.equal(r.status, 404, id);
      assert.equal(r.body.error.code, 'asset_not_found');
    }
    const { authorization: _, ...noAuth } = ten.headers;
    assert.equal((await t.req('GET', `/workspaces/assets/${asset.id}/history`, { headers: noAuth })).status, 401);
  });

  test('a purged asset\'s tasks stay, unlinked', async () => {
    const ten = await t.factory.tenant();
    const asset = await uploadAsset(t, ten, 'gone.txt');
    const task = await createTask(t, ten, { title: 'About gone.txt', asset_id: asset.id });
    await ok(ten, 'DELETE', `/workspaces/assets/${asset.id}`);
    const whileTrashed = await ok(ten, 'GET', `/workspaces/tasks/${task.id}`);
    assert.equal(whileTrashed.asset.isActive, false);
    await ok(ten, 'DELETE', `/workspaces/trash/${asset.id}`);
    const after = await ok(ten, 'GET', `/workspaces/tasks/${task.id}`);
    assert.deepEqual([after.asset_id, after.asset], [null, null]);
    assert.equal((await history(ten, asset.id)).body.some((e: Entry) => e.type === 'task_created'), true);
  });
});
