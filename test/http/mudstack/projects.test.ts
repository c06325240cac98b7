import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { coreProject, projectCounts } from '../workstream/projects-fixtures.js';

const KEYS = [
  'account_id',
  'asset_count',
  'completion',
  'created_at',
  'created_by_user_id',
  'description',
  'id',
  'launch_date',
  'name',
  'open_task_count',
  'owner_id',
  'sequence',
  'sponsor_id',
  'status',
  'task_count',
  'updated_at',
  'watcher_count',
  'workspace_id',
];

describeEachDatabase('core API: Workstream projects administration (/workspaces/projects)', (t) => {
  let a: Tenant;
  let editor: Tenant;
  let b: Tenant;

  test('setup', async () => {
    a = await t.factory.tenant();
    editor = await t.factory.member(a, { workspace: 'editor' });
    b = await t.factory.tenant();
  });

  test('create, get, list, update, delete by a workspace admin; each change in history', async () => {
    const created = await coreProject(t, a, { name: '  Spring launch ', description: '<p>Hi</p>', launch_date: '2027-03-01', sponsor_id: editor.userId });
    assert.deepEqual(Object.keys(created).sort(), KEYS);
    assert.equal(created.name, 'Spring launch');
    assert.equal(created.description, '<p>Hi</p>');
    assert.equal(created.sponsor_id, editor.userId);
    // The owner defaults to the sponsor.
    assert.equal(created.owner_id, editor.userId);
    assert.equal(created.status, 'active');
    assert.equal(created.launch_date, '2027-03-01');
    assert.equal(created.completion, 0);
    assert.equal(created.workspace_id, a.workspaceId);
    assert.equal(created.created_by_user_id, a.userId);
    assert.equal(Number.isInteger(created.sequence), true);

    const got = await t.req('GET', `/workspaces/projects/${created.id}`, { headers: a.headers });
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.body, created);
    const readByEditor = await t.req('GET', '/workspaces/projects', { headers: editor.headers });
    assert.deepEqual(readByEditor.body.map((p: { id: string }) => p.id), [created.id]);

    const patched = await t.req('PATCH', `/workspaces/projects/${created.id}`, { headers: a.headers, json: { status: 'on_hold', launch_date: null, owner_id: a.userId } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual([patched.body.status, patched.body.launch_date, patched.body.owner_id, patched.body.sponsor_id], ['on_hold', null, a.userId, editor.userId]);

    const del = await t.req('DELETE', `/workspaces/projects/${created.id}`, { headers: a.headers });
    assert.deepEqual([del.status, del.body], [200, { ok: true }]);
    assert.equal((await t.req('GET', `/workspaces/projects/${created.id}`, { headers: a.headers })).status, 404);
    const events = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', created.id).orderBy('sequence').execute();
    assert.deepEqual(events.map((e) => e.type), ['project_created', 'project_updated', 'project_deleted']);
  });

  test('deleting a project keeps its tasks (they lose the project)', async () => {
    const p = await coreProject(t, a, { name: 'Doomed' });
    const task = await t.req('POST', '/workspaces/tasks', { headers: a.headers, json: { title: 'Survivor' } });
    await t.deps.db.updateTable('tasks').set({ project_id: p.id }).where('id', '=', task.body.id).execute();
    await t.req('DELETE', `/workspaces/projects/${p.id}`, { headers: a.headers });
    const row = await t.deps.db.selectFrom('tasks').select('project_id').where('id', '=', task.body.id).executeTakeFirstOrThrow();
    assert.equal(row.project_id, null);
  });

  test('editors may read but not write (403); nothing written', async () => {
    const p = await coreProject(t, a, { name: 'Guarded' });
    const before = await projectCounts(t);
    for (const [method, url, json] of [
      ['POST', '/workspaces/projects', { name: 'x' }],
      ['PATCH', `/workspaces/projects/${p.id}`, { name: 'y' }],
      ['DELETE', `/workspaces/projects/${p.id}`, undefined],
    ] as const) {
      const res = await t.req(method, url, { headers: editor.headers, ...(json ? { json } : {}) });
      assert.equal(res.status, 403, `${method} ${url}: ${res.text}`);
      assert.equal(res.body.error.code, 'permission_denied');
    }
    assert.deepEqual(await projectCounts(t), before);
  });

  test('bad input: 422 naming the field, nothing written', async () => {
    const p = await coreProject(t, a, { name: 'Valid' });
    const before = await projectCounts(t);
    const cases: Array<[string, string, Record<string, unknown>, string]> = [
      ['POST', '/workspaces/projects', {}, 'name'],
      ['POST', '/workspaces/projects', { name: '   ' }, 'name'],
      ['POST', '/workspaces/projects', { name: 'x'.repeat(256) }, 'name'],
      ['POST', '/workspaces/projects', { name: 'ok', status: 'done' }, 'status'],
      ['POST', '/workspaces/projects', { name: 'ok', launch_date: '2027-02-30' }, 'launch_date'],
      ['POST', '/workspaces/projects', { name: 'ok', sponsor_id: b.userId }, 'sponsor_id'],
      ['PATCH', `/workspaces/projects/${p.id}`, { owner_id: b.userId }, 'owner_id'],
      ['PATCH', `/workspaces/projects/${p.id}`, { colour: 'red' }, 'colour'],
    ];
    for (const [method, url, json, field] of cases) {
      const res = await t.req(method, url, { headers: a.headers, json });
      assert.ok(res.status === 400 || res.status === 422, `${JSON.stringify(json)}: ${res.text}`);
      assert.ok(JSON.stringify(res.body.error).includes(field), `${JSON.stringify(json)} should name ${field}: ${res.text}`);
    }
    assert.deepEqual(await projectCounts(t), before);
  });

  test('another tenant\'s project is 404; missing or wrong auth 401', async () => {
    const p = await coreProject(t, a, { name: 'Private' });
    for (const [method, json] of [['GET', undefined], ['PATCH', { name: 'z' }], ['DELETE', undefined]] as const) {
      const res = await t.req(method, `/workspaces/projects/${p.id}`, { headers: b.headers, ...(json ? { json } : {}) });
      assert.equal(res.status, 404, res.text);
    }
    assert.deepEqual((await t.req('GET', '/workspaces/projects', { headers: b.headers })).body, []);
    assert.equal((await t.req('GET', '/workspaces/projects', {})).status, 401);
    assert.equal((await t.req('GET', '/workspaces/projects', { headers: { ...a.headers, authorization: 'Bearer nope' } })).status, 401);
  });
});
