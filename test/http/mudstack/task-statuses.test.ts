import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { createTask, MISSING, taskCounts, taskStatuses } from './tasks-fixtures.js';

describeEachDatabase('task statuses', (t) => {
  test('a workspace gets Pending, In Progress, Completed on first use (exact shape), once', async () => {
    const ten = await t.factory.tenant();
    const before = await t.count('task_statuses');
    const res = await t.req('GET', '/workspaces/tasks/statuses', { headers: ten.headers });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.map((s: Record<string, unknown>) => ({ ...s, id: typeof s.id })),
      [
        { id: 'string', workspace_id: ten.workspaceId, name: 'Pending', color: '#9CA3AF', rank: 1000, is_closed: false },
        { id: 'string', workspace_id: ten.workspaceId, name: 'In Progress', color: '#3B82F6', rank: 2000, is_closed: false },
        { id: 'string', workspace_id: ten.workspaceId, name: 'Completed', color: '#10B981', rank: 3000, is_closed: true },
      ],
    );
    assert.equal(await t.count('task_statuses'), before + 3);
    const again = await t.req('GET', '/workspaces/tasks/statuses', { headers: ten.headers });
    assert.deepEqual(again.body, res.body);
    assert.equal(await t.count('task_statuses'), before + 3);
    // Concurrent first uses in a fresh workspace still seed one set.
    const ws2 = await t.factory.workspace(ten);
    const h2 = { ...ten.headers, 'x-workspace-id': ws2 };
    const results = await Promise.all([1, 2, 3].map(() => t.req('GET', '/workspaces/tasks/statuses', { headers: h2 })));
    for (const r of results) {
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.length, 3);
    }
    assert.equal(await t.count('task_statuses'), before + 6);
  });

  test('admins create, update (PUT, PATCH) and delete statuses; history with before/after', async () => {
    const ten = await t.factory.tenant();
    await taskStatuses(t, ten);
    const created = await t.req('POST', '/workspaces/tasks/statuses', { headers: ten.headers, json: { name: 'Blocked', color: '#EF4444' } });
    assert.equal(created.status, 200, created.text);
    const blocked = created.body;
    assert.deepEqual({ ...blocked, id: 'x' }, { id: 'x', workspace_id: ten.workspaceId, name: 'Blocked', color: '#EF4444', rank: 4000, is_closed: false });
    const first = await t.req('POST', '/workspaces/tasks/statuses', { headers: ten.headers, json: { name: 'Backlog', rank: 5 } });
    assert.deepEqual([first.body.rank, first.body.color, first.body.is_closed], [5, '#9CA3AF', false]);
    const names = async () => (await t.req('GET', '/workspaces/tasks/statuses', { headers: ten.headers })).body.map((s: { name: string }) => s.name);
    assert.deepEqual(await names(), ['Backlog', 'Pending', 'In Progress', 'Completed', 'Blocked']);
    const put = await t.req('PUT', `/workspaces/tasks/statuses/${blocked.id}`, { headers: ten.headers, json: { name: 'Cancelled', rank: 3500, is_closed: true } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, { ...blocked, name: 'Cancelled', rank: 3500, is_closed: true });
    const patch = await t.req('PATCH', `/workspaces/tasks/statuses/${blocked.id}`, { headers: ten.headers, json: { color: '#000000' } });
    assert.deepEqual(patch.body, { ...put.body, color: '#000000' });
    // A task created in a closed custom status is completed.
    const task = await createTask(t, ten, { title: 'x', status: 'cancelled' });
    assert.equal(task.status, 'Cancelled');
    assert.ok(task.completed_at);
    await t.req('DELETE', `/workspaces/tasks/${task.id}`, { headers: ten.headers });
    const del = await t.req('DELETE', `/workspaces/tasks/statuses/${blocked.id}`, { headers: ten.headers });
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(del.body, { ok: true });
    assert.deepEqual(await names(), ['Backlog', 'Pending', 'In Progress', 'Completed']);
    const events = await t.deps.db.selectFrom('history_events').select(['type', 'data', 'subject_type']).where('record_id', '=', blocked.id).orderBy('sequence').execute();
    assert.deepEqual(events.map((e) => e.type), ['task_status_created', 'task_status_updated', 'task_status_updated', 'task_status_deleted']);
    assert.deepEqual(JSON.parse(events[1]!.data), {
      before: { name: 'Blocked', color: '#EF4444', rank: 4000, is_closed: false },
      after: { name: 'Cancelled', color: '#EF4444', rank: 3500, is_closed: true },
    });
    assert.deepEqual(JSON.parse(events[3]!.data), { before: { name: 'Cancelled', color: '#000000', rank: 3500, is_closed: true }, after: null });
  });

  test('a status in use cannot be deleted (409); the last open status can be neither deleted nor closed (409); nothing written', async () => {
    const ten = await t.factory.tenant();
    const st = await taskStatuses(t, ten);
    const task = await createTask(t, ten, { title: 'uses pending' });
    await t.req('DELETE', `/workspaces/tasks/statuses/${st['In Progress']!.id}`, { headers: ten.headers });
    const before = await taskCounts(t);
    const inUse = await t.req('DELETE', `/workspaces/tasks/statuses/${st.Pending!.id}`, { headers: ten.headers });
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.error.code, 'task_status_in_use');
    const close = await t.req('PATCH', `/workspaces/tasks/statuses/${st.Pending!.id}`, { headers: ten.headers, json: { is_closed: true } });
    assert.equal(close.status, 409);
    assert.equal(close.body.error.code, 'task_status_last_open');
    assert.deepEqual(await taskCounts(t), before);
    await t.req('DELETE', `/workspaces/tasks/${task.id}`, { headers: ten.headers });
    const last = await t.req('DELETE', `/workspaces/tasks/statuses/${st.Pending!.id}`, { headers: ten.headers });
    assert.equal(last.status, 409);
    assert.equal(last.body.error.code, 'task_status_last_open');
  });

  test('bad input 400 with fields; duplicate names 409; nothing written', async () => {
    const ten = await t.factory.tenant();
    const st = await taskStatuses(t, ten);
    const before = await taskCounts(t);
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/workspaces/tasks/statuses', {}, 400, '/name'],
      ['POST', '/workspaces/tasks/statuses', { name: '  ' }, 400, '/name'],
      ['POST', '/workspaces/tasks/statuses', { name: 'x', color: 'red' }, 400, '/color'],
      ['POST', '/workspaces/tasks/statuses', { name: 'x', rank: -1 }, 400, '/rank'],
      ['POST', '/workspaces/tasks/statuses', { name: 'x', rank: 'first' }, 400, '/rank'],
      ['POST', '/workspaces/tasks/statuses', { name: 'x', is_closed: 'perhaps' }, 400, '/is_closed'],
      ['PATCH', `/workspaces/tasks/statuses/${st.Pending!.id}`, { bogus: 1 }, 400, '/bogus'],
      ['POST', '/workspaces/tasks/statuses', { name: 'pending' }, 409, 'task_status_name_taken'],
      ['PUT', `/workspaces/tasks/statuses/${st.Pending!.id}`, { name: 'COMPLETED' }, 409, 'task_status_name_taken'],
    ];
    for (const [method, url, json, status, where] of cases) {
      const res = await t.req(method as 'POST', url, { headers: ten.headers, json });
      assert.equal(res.status, status, `${method} ${JSON.stringify(json)} ${res.text}`);
      if (status === 400) {
        assert.equal(res.body.error.fields[0].pointer, where, JSON.stringify(json));
      } else {
        assert.equal(res.body.error.code, where);
      }
    }
    assert.deepEqual(await taskCounts(t), before);
  });

  test('another tenant\'s status is 404; editors and viewers cannot manage (403); 401 without a token', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const theirs = await taskStatuses(t, other);
    await taskStatuses(t, ten);
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const before = await taskCounts(t);
    for (const [method, json] of [['PUT', { name: 'x' }], ['PATCH', { name: 'x' }], ['DELETE', undefined]] as const) {
      for (const id of [theirs.Pending!.id, MISSING]) {
        const res = await t.req(method, `/workspaces/tasks/statuses/${id}`, { headers: ten.headers, ...(json ? { json } : {}) });
        assert.equal(res.status, 404, res.text);
        assert.equal(res.body.error.code, 'task_status_not_found');
      }
    }
    for (const who of [editor, viewer]) {
      const res = await t.req('POST', '/workspaces/tasks/statuses', { headers: who.headers, json: { name: 'Mine' } });
      assert.equal(res.status, 403);
      const del = await t.req('DELETE', `/workspaces/tasks/statuses/${theirs.Pending!.id}`, { headers: who.headers });
      assert.equal(del.status, 403);
    }
    assert.deepEqual(await taskCounts(t), before);
    assert.equal((await t.req('GET', '/workspaces/tasks/statuses', { headers: viewer.headers })).body.length, 3);
    const { authorization: _, ...noAuth } = ten.headers;
    assert.equal((await t.req('GET', '/workspaces/tasks/statuses', { headers: noAuth })).status, 401);
    assert.equal((await t.req('POST', '/workspaces/tasks/statuses', { headers: noAuth, json: { name: 'x' } })).status, 401);
  });
});
