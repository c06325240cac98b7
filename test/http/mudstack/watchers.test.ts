import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { createTask, MISSING, uploadAsset } from './tasks-fixtures.js';

/*
 * Watchers in the core API (GET/PUT/DELETE /workspaces/{tasks|projects}/{id}/watchers[/{user_id}]), on the rows of the
 * Workstream routes.
 */

describeEachDatabase('task and project watchers (core API)', (t) => {
  const counts = async (): Promise<number[]> => [await t.count('task_watchers'), await t.count('notifications'), await t.count('history_events')];

  test('watch yourself, add and remove others: the User shape, notifications with the message, history, idempotence', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const task = await createTask(t, ten, { title: 'Rig the dragon' });
    const url = `/workspaces/tasks/${task.id}/watchers`;

    const empty = await t.req('GET', url, { headers: ten.headers });
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.body, { watching: false, watchers: [] });

    // A viewer may watch a task they can see, by `me`.
    const self = await t.req('PUT', `${url}/me`, { headers: viewer.headers });
    assert.equal(self.status, 200, self.text);
    assert.equal(self.body.watching, true);
    const viewerUser = (await t.req('GET', '/users', { headers: viewer.headers })).body;
    assert.deepEqual(self.body.watchers, [viewerUser], 'the core User object, as GET /users shows it');

    // The creator adds an editor with a message: the editor is notified with it; the watchers keep their order.
    const added = await t.req('PUT', `${url}/${editor.userId}`, { headers: ten.headers, json: { message: 'Keep an eye on the wings' } });
    assert.equal(added.status, 200, added.text);
    assert.equal(added.body.watching, false, 'the caller does not watch it');
    assert.deepEqual(added.body.watchers.map((u: { id: string }) => u.id), [viewer.userId, editor.userId]);
    const notes = await t.req('GET', '/accounts/notifications', { headers: editor.headers });
    const note = notes.body.find((n: { type: string }) => n.type === 'task_watcher_added');
    assert.ok(note, JSON.stringify(notes.body));
    assert.equal(note.data.message, 'Keep an eye on the wings');
    assert.equal(note.data.task_id, task.id);

    // Adding again changes nothing and notifies nobody.
    const before = await counts();
    const again = await t.req('PUT', `${url}/${editor.userId}`, { headers: ten.headers });
    assert.equal(again.status, 200);
    assert.deepEqual(await counts(), before);

    // A watcher hears of others' changes to the task.
    const moved = await t.req('PATCH', `/workspaces/tasks/${task.id}`, { headers: ten.headers, json: { priority: 'High' } });
    assert.equal(moved.status, 200, moved.text);
    const updated = await t.deps.db.selectFrom('notifications').select(['user_id', 'type']).where('type', '=', 'task_updated').execute();
    assert.deepEqual(updated.map((n) => n.user_id).sort(), [editor.userId, viewer.userId].sort());

    // Removing: the editor stops watching themselves; history records both sides.
    const removed = await t.req('DELETE', `${url}/me`, { headers: editor.headers });
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(removed.body.watchers.map((u: { id: string }) => u.id), [viewer.userId]);
    const history = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', task.id).orderBy('sequence').execute();
    assert.deepEqual(history.map((h) => h.type).filter((x) => x.startsWith('task_watcher')), ['task_watcher_added', 'task_watcher_added', 'task_watcher_removed']);
    // The Workstream surface sees the same rows.
    const ws = await t.req('GET', `/workstream/tasks/${task.sequence}/watchers`, { headers: ten.headers });
    assert.equal(ws.status, 200, ws.text);
    assert.deepEqual(ws.body.map((u: { email: string }) => u.email), [viewerUser.email]);
  });

  test('bad input writes nothing: a message too long or empty 400, an unknown user 404, a viewer changing someone else 403', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const task = await createTask(t, ten, { title: 'Light the hall' });
    const url = `/workspaces/tasks/${task.id}/watchers`;
    const before = await counts();
    for (const message of ['', 'x'.repeat(3001)]) {
      const res = await t.req('PUT', `${url}/${editor.userId}`, { headers: ten.headers, json: { message } });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.equal(res.body.error.fields[0].pointer, '/message', res.text);
    }
    const extra = await t.req('PUT', `${url}/${editor.userId}`, { headers: ten.headers, json: { message: 'hi', role: 'admin' } });
    assert.equal(extra.status, 400, extra.text);
    for (const userId of [MISSING, 'not-a-uuid']) {
      const res = await t.req('PUT', `${url}/${userId}`, { headers: ten.headers });
      assert.equal(res.status, 404, res.text);
      assert.equal(res.body.error.code, 'user_not_found');
    }
    const byViewer = await t.req('PUT', `${url}/${editor.userId}`, { headers: viewer.headers });
    assert.equal(byViewer.status, 403, byViewer.text);
    assert.equal(byViewer.body.error.code, 'permission_denied');
    assert.deepEqual(await counts(), before);
  });

  test("another tenant's task or user is 404; no auth 401; a wrong token 401", async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const task = await createTask(t, ten, { title: 'Cut the trailer' });
    const foreign = await createTask(t, other, { title: 'Theirs' });
    const before = await counts();
    for (const [method, path] of [
      ['GET', `/workspaces/tasks/${foreign.id}/watchers`],
      ['PUT', `/workspaces/tasks/${foreign.id}/watchers/me`],
      ['DELETE', `/workspaces/tasks/${foreign.id}/watchers/me`],
      ['GET', `/workspaces/tasks/${MISSING}/watchers`],
    ] as const) {
      const res = await t.req(method, path, { headers: ten.headers });
      assert.equal(res.status, 404, `${method} ${path}: ${res.text}`);
      assert.equal(res.body.error.code, 'task_not_found');
    }
    const theirUser = await t.req('PUT', `/workspaces/tasks/${task.id}/watchers/${other.userId}`, { headers: ten.headers });
    assert.equal(theirUser.status, 404, theirUser.text);
    assert.equal(theirUser.body.error.code, 'user_not_found');
    const noAuth = await t.req('PUT', `/workspaces/tasks/${task.id}/watchers/me`, { headers: { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId } });
    assert.equal(noAuth.status, 401, noAuth.text);
    const wrong = await t.req('GET', `/workspaces/tasks/${task.id}/watchers`, { headers: { ...ten.headers, authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401, wrong.text);
    assert.deepEqual(await counts(), before);
  });

  test('project watchers: watch, add with a message, told of edits and asset links (not the one who made them), the Workstream rows', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const made = await t.req('POST', '/workspaces/projects', { headers: ten.headers, json: { name: 'Winter campaign' } });
    assert.equal(made.status, 200, made.text);
    const project = made.body;
    const url = `/workspaces/projects/${project.id}/watchers`;
    assert.deepEqual((await t.req('GET', url, { headers: viewer.headers })).body, { watching: false, watchers: [] });
    const self = await t.req('PUT', `${url}/me`, { headers: viewer.headers });
    assert.equal(self.status, 200, self.text);
    assert.equal(self.body.watching, true);
    const added = await t.req('PUT', `${url}/${editor.userId}`, { headers: ten.headers, json: { message: 'Yours to watch' } });
    assert.equal(added.status, 200, added.text);
    assert.deepEqual(added.body.watchers.map((u: { id: string }) => u.id), [viewer.userId, editor.userId]);
    const addedNote = await t.deps.db.selectFrom('notifications').select(['type', 'data']).where('user_id', '=', editor.userId).execute();
    assert.deepEqual(addedNote.map((n) => n.type), ['project_watcher_added']);
    assert.equal(JSON.parse(addedNote[0]!.data).message, 'Yours to watch');
    // A viewer may not change someone else; nothing is written.
    const before = await counts();
    const refused = await t.req('DELETE', `${url}/${editor.userId}`, { headers: viewer.headers });
    assert.equal(refused.status, 403, refused.text);
    assert.deepEqual(await counts(), before);

    // The owner edits the project and links an asset: both watchers are told, each time; the owner is not.
    const edited = await t.req('PATCH', `/workspaces/projects/${project.id}`, { headers: ten.headers, json: { name: 'Winter campaign 2027' } });
    assert.equal(edited.status, 200, edited.text);
    const asset = await uploadAsset(t, ten, 'poster.txt');
    const linked = await t.req('POST', `/workspaces/projects/${project.id}/assets`, { headers: ten.headers, json: { asset_ids: [asset.id] } });
    assert.ok(linked.status < 300, linked.text);
    const told = await t.deps.db.selectFrom('notifications').select(['user_id', 'data']).where('type', '=', 'project_updated').orderBy('sequence').execute();
    const byUser = (u: string) => told.filter((n) => n.user_id === u).map((n) => JSON.parse(n.data).changes);
    assert.deepEqual(byUser(viewer.userId), [['name'], ['assets']]);
    assert.deepEqual(byUser(editor.userId), [['name'], ['assets']]);
    assert.deepEqual(byUser(ten.userId), []);
    assert.equal(JSON.parse(told[0]!.data).title, 'Winter campaign 2027');
    // An editor who watches changes nothing by linking the same asset again (nobody told).
    const again = await t.req('POST', `/workspaces/projects/${project.id}/assets`, { headers: editor.headers, json: { asset_ids: [asset.id] } });
    assert.ok(again.status < 300, again.text);
    assert.equal(await t.count('notifications'), before[1]! + 4);

    const ws = await t.req('GET', `/workstream/projects/${project.sequence}/watchers`, { headers: ten.headers });
    assert.equal(ws.status, 200, ws.text);
    assert.equal(ws.body.length, 2);
    const gone = await t.req('DELETE', `${url}/me`, { headers: viewer.headers });
    assert.deepEqual(gone.body.watchers.map((u: { id: string }) => u.id), [editor.userId]);
  });

  test("project watchers: another tenant's project or user 404, an unknown user 404, a bad message 400, no auth 401", async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const mine = (await t.req('POST', '/workspaces/projects', { headers: ten.headers, json: { name: 'Ours' } })).body;
    const theirs = (await t.req('POST', '/workspaces/projects', { headers: other.headers, json: { name: 'Theirs' } })).body;
    const before = await counts();
    for (const [method, path] of [
      ['GET', `/workspaces/projects/${theirs.id}/watchers`],
      ['PUT', `/workspaces/projects/${theirs.id}/watchers/me`],
      ['DELETE', `/workspaces/projects/${MISSING}/watchers/me`],
    ] as const) {
      const res = await t.req(method, path, { headers: ten.headers });
      assert.equal(res.status, 404, `${method} ${path}: ${res.text}`);
      assert.equal(res.body.error.code, 'project_not_found');
    }
    for (const userId of [other.userId, MISSING]) {
      const res = await t.req('PUT', `/workspaces/projects/${mine.id}/watchers/${userId}`, { headers: ten.headers });
      assert.equal(res.status, 404, res.text);
      assert.equal(res.body.error.code, 'user_not_found');
    }
    const bad = await t.req('PUT', `/workspaces/projects/${mine.id}/watchers/me`, { headers: ten.headers, json: { message: '' } });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.error.fields[0].pointer, '/message');
    const noAuth = await t.req('GET', `/workspaces/projects/${mine.id}/watchers`, { headers: { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId } });
    assert.equal(noAuth.status, 401, noAuth.text);
    assert.deepEqual(await counts(), before);
  });
});
