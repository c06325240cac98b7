import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { createTask, MISSING, taskCounts, taskStatuses, uploadAsset } from './tasks-fixtures.js';

describeEachDatabase('tasks', (t) => {
  test('POST /workspaces/tasks: exact Task shape with asset, creator, assignee; assignee notified; history written', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const asset = await uploadAsset(t, ten, 'hero.txt');
    const statuses = await taskStatuses(t, ten);
    const res = await t.req('POST', '/workspaces/tasks', {
      headers: ten.headers,
      json: { title: '  Paint the hero  ', description: 'Blue cape', assignee_id: editor.userId, priority: 'High', due_date: '2026-12-24', asset_id: asset.id },
    });
    assert.equal(res.status, 200, res.text);
    const task = res.body;
    const me = (await t.req('GET', '/users', { headers: ten.headers })).body;
    const assetNow = (await t.req('GET', `/workspaces/assets/${asset.id}`, { headers: ten.headers })).body;
    const members = (await t.req('GET', '/workspaces/members', { headers: ten.headers })).body;
    const editorUser = members.find((m: { user_id: string }) => m.user_id === editor.userId).user;
    assert.deepEqual(Object.keys(task).sort(), [
      'account_id', 'asset', 'asset_id', 'assignee', 'assignee_id', 'completed_at', 'created_at', 'creator', 'creator_id', 'description',
      'due_date', 'id', 'priority', 'sequence', 'status', 'status_id', 'title', 'updated_at', 'workspace_id',
    ]);
    assert.deepEqual(
      { ...task, id: 'x', sequence: 0, created_at: 'c', updated_at: 'u' },
      {
        id: 'x', sequence: 0, creator_id: ten.userId, title: 'Paint the hero', assignee_id: editor.userId, description: 'Blue cape', priority: 'High',
        status: 'Pending', status_id: statuses.Pending!.id, due_date: '2026-12-24', account_id: ten.accountId, workspace_id: ten.workspaceId,
        asset_id: asset.id, asset: assetNow, creator: me, assignee: editorUser, created_at: 'c', updated_at: 'u', completed_at: null,
      },
    );
    assert.equal(typeof task.sequence, 'number');
    assert.equal(task.created_at, task.updated_at);
    assert.ok(!Number.isNaN(Date.parse(task.created_at)));

    const got = await t.req('GET', `/workspaces/tasks/${task.id}`, { headers: ten.headers });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, task);

    const notes = await t.deps.db.selectFrom('notifications').selectAll().where('user_id', '=', editor.userId).execute();
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.type, 'task_assigned');
    assert.deepEqual(JSON.parse(notes[0]!.data), { task_id: task.id, title: 'Paint the hero', asset_id: asset.id, by_user_id: ten.userId });
    const mine = await t.req('GET', '/accounts/notifications', { headers: editor.headers });
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.body[0].type, 'task_assigned');

    const h = await t.deps.db.selectFrom('history_events').selectAll().where('record_id', '=', task.id).execute();
    assert.equal(h.length, 1);
    assert.equal(h[0]!.type, 'task_created');
    assert.equal(h[0]!.asset_id, asset.id);
    assert.equal(h[0]!.user_id, ten.userId);
    assert.deepEqual(JSON.parse(h[0]!.data), {
      before: null,
      after: { title: 'Paint the hero', description: 'Blue cape', priority: 'High', status: 'Pending', status_id: statuses.Pending!.id, assignee_id: editor.userId, due_date: '2026-12-24', asset_id: asset.id, project_id: null, completed_at: null },
    });
  });

  test('defaults: Medium priority, first open status, no asset; self-assignment does not notify; status by name or id', async () => {
    const ten = await t.factory.tenant();
    const statuses = await taskStatuses(t, ten);
    const before = await t.count('notifications');
    const task = await createTask(t, ten, { title: 'Plain', assignee_id: ten.userId });
    assert.equal(task.priority, 'Medium');
    assert.equal(task.status, 'Pending');
    assert.equal(task.description, '');
    assert.equal(task.asset, null);
    assert.equal(task.asset_id, null);
    assert.equal(task.due_date, null);
    assert.equal(task.assignee.id, ten.userId);
    assert.equal(await t.count('notifications'), before);
    const done = await createTask(t, ten, { title: 'Done already', status: 'completed' });
    assert.equal(done.status, 'Completed');
    assert.equal(done.completed_at, done.created_at);
    const byId = await createTask(t, ten, { title: 'By id', status_id: statuses['In Progress']!.id, status: 'In Progress', due_date: '2026-12-24T10:00:00+02:00' });
    assert.equal(byId.status, 'In Progress');
    assert.equal(byId.due_date, '2026-12-24T08:00:00.000Z');
    assert.equal(byId.assignee, null);
    const h = await t.deps.db.selectFrom('history_events').select(['asset_id', 'type']).where('record_id', '=', byId.id).executeTakeFirstOrThrow();
    assert.deepEqual(h, { asset_id: null, type: 'task_created' });
  });

  test('PUT and PATCH are partial; a closed status sets completed_at and an open one clears it; history has before/after', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const a1 = await uploadAsset(t, ten, 'a1.txt');
    const a2 = await uploadAsset(t, ten, 'a2.txt');
    const task = await createTask(t, ten, { title: 'Fix rig', asset_id: a1.id });
    t.clock.advance(5);
    const put = await t.req('PUT', `/workspaces/tasks/${task.id}`, { headers: ten.headers, json: { status: 'Completed' } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.status, 'Completed');
    assert.equal(put.body.title, 'Fix rig');
    assert.equal(put.body.completed_at, put.body.updated_at);
    assert.notEqual(put.body.updated_at, task.updated_at);
    const patch = await t.req('PATCH', `/workspaces/tasks/${task.id}`, {
      headers: ten.headers,
      json: { status: 'In Progress', title: 'Fix the rig', priority: 'Low', assignee_id: editor.userId, asset_id: a2.id, due_date: null, description: 'd' },
    });
    assert.equal(patch.status, 200, patch.text);
    assert.deepEqual(
      [patch.body.status, patch.body.title, patch.body.priority, patch.body.assignee_id, patch.body.asset_id, patch.body.asset.id, patch.body.completed_at, patch.body.description],
      ['In Progress', 'Fix the rig', 'Low', editor.userId, a2.id, a2.id, null, 'd'],
    );
    const cleared = await t.req('PATCH', `/workspaces/tasks/${task.id}`, { headers: ten.headers, json: { assignee_id: null, asset_id: null } });
    assert.equal(cleared.body.assignee, null);
    assert.equal(cleared.body.asset, null);
    const events = await t.deps.db.selectFrom('history_events').select(['type', 'asset_id', 'data']).where('record_id', '=', task.id).orderBy('sequence').execute();
    assert.deepEqual(events.map((e) => [e.type, e.asset_id]), [
      ['task_created', a1.id],
      ['task_updated', a1.id],
      ['task_updated', a2.id],
      ['task_updated', a1.id],
      ['task_updated', a2.id],
    ]);
    assert.deepEqual(JSON.parse(events[1]!.data), {
      before: { status: 'Pending', status_id: task.status_id, completed_at: null },
      after: { status: 'Completed', status_id: put.body.status_id, completed_at: put.body.completed_at },
    });
    assert.deepEqual(JSON.parse(events[4]!.data), { before: { assignee_id: editor.userId, asset_id: a2.id }, after: { assignee_id: null, asset_id: null } });
    const notes = await t.deps.db.selectFrom('notifications').select('type').where('user_id', '=', editor.userId).execute();
    assert.deepEqual(notes.map((n) => n.type), ['task_assigned']);
    // No change: no history, same row.
    const n = await t.count('history_events');
    const same = await t.req('PATCH', `/workspaces/tasks/${task.id}`, { headers: ten.headers, json: { title: 'Fix the rig' } });
    assert.equal(same.body.updated_at, cleared.body.updated_at);
    assert.equal(await t.count('history_events'), n);
  });

  test('DELETE removes the task; history stays (task_deleted on the asset too); then 404', async () => {
    const ten = await t.factory.tenant();
    const asset = await uploadAsset(t, ten);
    const task = await createTask(t, ten, { title: 'Gone soon', asset_id: asset.id });
    const del = await t.req('DELETE', `/workspaces/tasks/${task.id}`, { headers: ten.headers });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { ok: true });
    assert.equal((await t.req('GET', `/workspaces/tasks/${task.id}`, { headers: ten.headers })).status, 404);
    assert.equal((await t.req('DELETE', `/workspaces/tasks/${task.id}`, { headers: ten.headers })).status, 404);
    const last = await t.deps.db.selectFrom('history_events').selectAll().where('record_id', '=', task.id).orderBy('sequence', 'desc').executeTakeFirstOrThrow();
    assert.equal(last.type, 'task_deleted');
    assert.equal(last.asset_id, asset.id);
    assert.equal(JSON.parse(last.data).before.title, 'Gone soon');
    assert.equal(JSON.parse(last.data).after, null);
  });

  test('per-asset: GET /workspaces/assets/{id}/tasks is [Task]; POST creates on the asset', async () => {
    const ten = await t.factory.tenant();
    const asset = await uploadAsset(t, ten, 'x.txt');
    const other = await uploadAsset(t, ten, 'y.txt');
    const res = await t.req('POST', `/workspaces/assets/${asset.id}/tasks`, { headers: ten.headers, json: { title: 'On x' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.asset_id, asset.id);
    assert.equal(res.body.asset.id, asset.id);
    await createTask(t, ten, { title: 'On y', asset_id: other.id });
    await createTask(t, ten, { title: 'On nothing' });
    const list = await t.req('GET', `/workspaces/assets/${asset.id}/tasks`, { headers: ten.headers });
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.body));
    assert.deepEqual(list.body, [res.body]);
    const same = await t.req('POST', `/workspaces/assets/${asset.id}/tasks`, { headers: ten.headers, json: { title: 'x', asset_id: asset.id } });
    assert.equal(same.status, 200);
    const before = await taskCounts(t);
    const mismatch = await t.req('POST', `/workspaces/assets/${asset.id}/tasks`, { headers: ten.headers, json: { title: 'x', asset_id: other.id } });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.error.fields[0].pointer, '/asset_id');
    assert.equal((await t.req('GET', `/workspaces/assets/${MISSING}/tasks`, { headers: ten.headers })).status, 404);
    assert.equal((await t.req('POST', `/workspaces/assets/${MISSING}/tasks`, { headers: ten.headers, json: { title: 'x' } })).status, 404);
    assert.deepEqual(await taskCounts(t), before);
  });

  test('bad input is 400 with fields; nothing written', async () => {
    const ten = await t.factory.tenant();
    const asset = await uploadAsset(t, ten);
    const task = await createTask(t, ten, { title: 'Valid' });
    const before = await taskCounts(t);
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/workspaces/tasks', {}, '/title'],
      ['POST', '/workspaces/tasks', { title: '   ' }, '/title'],
      ['POST', '/workspaces/tasks', { title: 'x'.repeat(501) }, '/title'],
      ['POST', '/workspaces/tasks', { title: 'x', priority: 'Urgent' }, '/priority'],
      ['POST', '/workspaces/tasks', { title: 'x', status: 'Nope' }, '/status'],
      ['POST', '/workspaces/tasks', { title: 'x', status_id: 'nope' }, '/status_id'],
      ['POST', '/workspaces/tasks', { title: 'x', due_date: '2026-02-30' }, '/due_date'],
      ['POST', '/workspaces/tasks', { title: 'x', due_date: 'tomorrow' }, '/due_date'],
      ['POST', '/workspaces/tasks', { title: 'x', assignee_id: 'bob' }, '/assignee_id'],
      ['POST', '/workspaces/tasks', { title: 'x', asset_id: 'nope' }, '/asset_id'],
      ['POST', '/workspaces/tasks', { title: 'x', bogus: 1 }, '/bogus'],
      ['POST', '/workspaces/tasks', { title: 'x', status: 'Completed', status_id: task.status_id }, '/status'],
      ['PATCH', `/workspaces/tasks/${task.id}`, { title: '' }, '/title'],
      ['PUT', `/workspaces/tasks/${task.id}`, { priority: 'low' }, '/priority'],
      ['PATCH', `/workspaces/tasks/${task.id}`, { id: 'x' }, '/id'],
    ];
    for (const [method, url, json, pointer] of cases) {
      const res = await t.req(method as 'POST', url, { headers: ten.headers, json });
      assert.equal(res.status, 400, `${method} ${url} ${JSON.stringify(json)} ${res.text}`);
      assert.equal(res.body.error.fields[0].pointer, pointer, JSON.stringify(json));
    }
    const trashed = await t.req('DELETE', `/workspaces/assets/${asset.id}`, { headers: ten.headers });
    assert.equal(trashed.status, 200, trashed.text);
    const afterTrash = await taskCounts(t);
    const onTrashed = await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: { title: 'x', asset_id: asset.id } });
    assert.equal(onTrashed.status, 409);
    assert.equal(onTrashed.body.error.code, 'asset_in_trash');
    assert.deepEqual((await taskCounts(t)).slice(0, 2), before.slice(0, 2));
    assert.deepEqual(await taskCounts(t), afterTrash);
  });

  test('another tenant\'s task, asset, assignee and status are 404; nothing written', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const theirAsset = await uploadAsset(t, other);
    const theirTask = await createTask(t, other, { title: 'Theirs' });
    const theirStatuses = await taskStatuses(t, other);
    const mine = await createTask(t, ten, { title: 'Mine' });
    // A user of my account who is not in my workspace (and not an account admin) cannot be assigned either.
    const outsider = await t.factory.member(ten, { workspace: null });
    const before = await taskCounts(t);
    const cases: Array<[string, string, unknown, string]> = [
      ['GET', `/workspaces/tasks/${theirTask.id}`, undefined, 'task_not_found'],
      ['PUT', `/workspaces/tasks/${theirTask.id}`, { title: 'x' }, 'task_not_found'],
      ['PATCH', `/workspaces/tasks/${theirTask.id}`, { title: 'x' }, 'task_not_found'],
      ['DELETE', `/workspaces/tasks/${theirTask.id}`, undefined, 'task_not_found'],
      ['GET', `/workspaces/tasks/${MISSING}`, undefined, 'task_not_found'],
      ['GET', '/workspaces/tasks/not-a-uuid', undefined, 'task_not_found'],
      ['POST', '/workspaces/tasks', { title: 'x', asset_id: theirAsset.id }, 'asset_not_found'],
      ['PATCH', `/workspaces/tasks/${mine.id}`, { asset_id: theirAsset.id }, 'asset_not_found'],
      ['POST', '/workspaces/tasks', { title: 'x', assignee_id: other.userId }, 'user_not_found'],
      ['POST', '/workspaces/tasks', { title: 'x', assignee_id: outsider.userId }, 'user_not_found'],
      ['PATCH', `/workspaces/tasks/${mine.id}`, { assignee_id: other.userId }, 'user_not_found'],
      ['POST', '/workspaces/tasks', { title: 'x', status_id: theirStatuses.Pending!.id }, 'task_status_not_found'],
      ['PATCH', `/workspaces/tasks/${mine.id}`, { status_id: theirStatuses.Completed!.id }, 'task_status_not_found'],
      ['GET', `/workspaces/assets/${theirAsset.id}/tasks`, undefined, 'asset_not_found'],
      ['POST', `/workspaces/assets/${theirAsset.id}/tasks`, { title: 'x' }, 'asset_not_found'],
    ];
    for (const [method, url, json, code] of cases) {
      const res = await t.req(method as 'POST', url, { headers: ten.headers, ...(json === undefined ? {} : { json }) });
      assert.equal(res.status, 404, `${method} ${url} ${res.text}`);
      assert.equal(res.body.error.code, code, `${method} ${url}`);
    }
    assert.deepEqual(await taskCounts(t), before);
    // Their ids in list filters simply match nothing.
    const list = await t.req('GET', '/workspaces/tasks', { headers: ten.headers, query: { asset_id: theirAsset.id } });
    assert.deepEqual(list.body, { tasks: [], next_cursor: null });
  });

  test('roles: viewers read but cannot create, edit or delete; a viewer assignee may change only the status of their own task', async () => {
    const ten = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const viewer2 = await t.factory.member(ten, { workspace: 'viewer' });
    const task = await createTask(t, ten, { title: 'For the viewer', assignee_id: viewer.userId });
    const before = await taskCounts(t);
    for (const [method, url, json] of [
      ['POST', '/workspaces/tasks', { title: 'x' }],
      ['PATCH', `/workspaces/tasks/${task.id}`, { title: 'x' }],
      ['PATCH', `/workspaces/tasks/${task.id}`, { status: 'Completed', title: 'x' }],
      ['DELETE', `/workspaces/tasks/${task.id}`, undefined],
    ] as const) {
      const res = await t.req(method, url, { headers: viewer.headers, ...(json === undefined ? {} : { json }) });
      assert.equal(res.status, 403, `${method} ${url} ${res.text}`);
      assert.equal(res.body.error.code, 'permission_denied');
    }
    const notAssignee = await t.req('PATCH', `/workspaces/tasks/${task.id}`, { headers: viewer2.headers, json: { status: 'Completed' } });
    assert.equal(notAssignee.status, 403);
    assert.deepEqual(await taskCounts(t), before);
    assert.equal((await t.req('GET', `/workspaces/tasks/${task.id}`, { headers: viewer.headers })).status, 200);
    assert.equal((await t.req('GET', '/tasks', { headers: viewer2.headers })).body.tasks.length, 1);
    const done = await t.req('PATCH', `/workspaces/tasks/${task.id}`, { headers: viewer.headers, json: { status: 'Completed' } });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.body.status, 'Completed');
    assert.ok(done.body.completed_at);
  });

  test('subscribers of the task\'s asset are told of task changes (not the one who made them)', async () => {
    const ten = await t.factory.tenant();
    const watcher = await t.factory.member(ten, { workspace: 'viewer' });
    const asset = await uploadAsset(t, ten, 'watched.txt');
    const sub = await t.req('POST', `/workspaces/assets/${asset.id}/subscriptions`, { headers: watcher.headers });
    assert.ok(sub.status < 300, sub.text);
    const task = await createTask(t, ten, { title: 'Watched', asset_id: asset.id });
    await t.req('PATCH', `/workspaces/tasks/${task.id}`, { headers: ten.headers, json: { status: 'Completed' } });
    await t.req('DELETE', `/workspaces/tasks/${task.id}`, { headers: ten.headers });
    const notes = await t.deps.db.selectFrom('notifications').select(['type', 'data']).where('user_id', '=', watcher.userId).orderBy('sequence').execute();
    assert.deepEqual(
      notes.map((n) => [n.type, JSON.parse(n.data).event, JSON.parse(n.data).task_id, JSON.parse(n.data).asset_id]),
      ['task_created', 'task_updated', 'task_deleted'].map((e) => ['subscribed_asset_changed', e, task.id, asset.id]),
    );
    assert.equal(await t.deps.db.selectFrom('notifications').select('id').where('user_id', '=', ten.userId).executeTakeFirst(), undefined);
  });

  test('401 without or with a bad token', async () => {
    const ten = await t.factory.tenant();
    const task = await createTask(t, ten, { title: 'x' });
    const { authorization: _, ...noAuth } = ten.headers;
    for (const [method, url] of [
      ['GET', '/tasks'],
      ['GET', '/workspaces/tasks'],
      ['POST', '/workspaces/tasks'],
      ['GET', `/workspaces/tasks/${task.id}`],
      ['PATCH', `/workspaces/tasks/${task.id}`],
      ['DELETE', `/workspaces/tasks/${task.id}`],
      ['GET', `/workspaces/assets/${MISSING}/tasks`],
    ] as const) {
      const none = await t.req(method, url, { headers: noAuth });
      assert.equal(none.status, 401, `${method} ${url}`);
      const bad = await t.req(method, url, { headers: { ...ten.headers, authorization: 'Bearer nope' } });
      assert.equal(bad.status, 401, `${method} ${url}`);
    }
  });
});
