import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assertWsError, bearer, coreTask, form, FORM } from './fixtures.js';
import { coreProject, projectCounts, sequenceOf } from './projects-fixtures.js';
import { assertSameTypes as assertSeedTypes, seedResponse } from './seed.js';

/** The seed's types, except `profile_image`, which may also be false (spec §1.5 item 14): checked on its own. */
function assertSameTypes(actual: unknown, example: unknown): void {
  const loosen = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(loosen) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'profile_image' ? null : loosen(x)])) : v;
  assertSeedTypes(actual, loosen(example));
  const images = JSON.stringify(actual).match(/"profile_image":[^,}]*/g) ?? [];
  for (const m of images) {
    assert.ok(m === '"profile_image":false' || m.startsWith('"profile_image":"'), m);
  }
}

const PROJECT_KEYS = ['assignee_id', 'completion', 'created_at', 'description', 'id', 'launch_date', 'name', 'project_key', 'public_id', 'sponsor', 'tasks', 'updated_at', 'watcher_count'];

describeEachDatabase('workstream: projects (P1, P2, P6, P9, P12) and tasks in projects', (t) => {
  let a: Tenant;
  let editor: Tenant;
  let viewer: Tenant;
  let b: Tenant;
  let alpha: { id: string; sequence: number };
  let beta: { id: string; sequence: number };
  let gamma: { id: string; sequence: number };

  test('setup', async () => {
    a = await t.factory.tenant();
    editor = await t.factory.member(a, { workspace: 'editor' });
    viewer = await t.factory.member(a, { workspace: 'viewer' });
    b = await t.factory.tenant();
    alpha = await coreProject(t, a, { name: 'Alpha', description: '<p>Another sample description</p>', launch_date: '2027-01-15', sponsor_id: editor.userId });
    beta = await coreProject(t, a, { name: 'beta', status: 'completed', launch_date: '2027-02-01T10:00:00Z' });
    gamma = await coreProject(t, a, { name: 'Gamma', sponsor_id: editor.userId, owner_id: a.userId, launch_date: '2027-03-01' });
  });

  test('P2: the seed\'s shape and JSON types; completion and task counts from the project\'s tasks', async () => {
    const statusOf = async (name: string) => {
      const res = await t.req('GET', '/workstream/statuses', { headers: bearer(a) });
      return res.body.find((s: { name: string }) => s.name === name).id as number;
    };
    const soon = new Date(t.clock.now().getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
    const tasks = [
      await coreTask(t, a, { title: 'Done 1', status: 'Completed' }),
      await coreTask(t, a, { title: 'Done 2', status: 'Completed' }),
      await coreTask(t, a, { title: 'Overdue', due_date: '2020-01-01' }),
      await coreTask(t, a, { title: 'Soon', due_date: soon }),
      await coreTask(t, a, { title: 'Later', due_date: '2999-01-01' }),
    ];
    for (const task of tasks) {
      // T13 (form-encoded) puts the task in the project.
      const res = await t.req('PUT', `/workstream/tasks/${task.sequence}`, { headers: { ...bearer(a), ...FORM }, payload: form([['project_id', alpha.sequence]]) });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.project_id, alpha.sequence);
    }
    const res = await t.req('GET', `/workstream/projects/${alpha.sequence}`, { headers: bearer(a) });
    assert.equal(res.status, 200, res.text);
    assertSameTypes(res.body, seedResponse('GET workstream/projects/{id}'));
    assert.deepEqual(Object.keys(res.body).sort(), PROJECT_KEYS);
    const p = res.body;
    assert.deepEqual([p.id, p.public_id, p.project_key, p.name], [alpha.sequence, alpha.sequence, 'P', 'Alpha']);
    assert.equal(p.description, '<p>Another sample description</p>');
    // 2 of 5 tasks closed.
    assert.equal(p.completion, '40.0000');
    assert.deepEqual(p.tasks, { remaining_count: 3, tasks_soon: 1, tasks_overdue: 1 });
    assert.equal(p.launch_date, Date.parse('2027-01-15T00:00:00Z') / 1000);
    assert.equal(p.sponsor.id, String(await sequenceOf(t, 'users', editor.userId)));
    assert.equal(p.sponsor.role, 4);
    assert.equal(p.sponsor.profile_image, false);
    assert.equal(p.assignee_id, await sequenceOf(t, 'users', editor.userId));
    assert.equal(p.watcher_count, 0);
    assert.equal(Number.isInteger(p.created_at) && Number.isInteger(p.updated_at), true);
    assert.ok(await statusOf('Completed'));
  });

  test('tasks show their project (requestproject, the seed\'s types); T1 filter[project_id][] and project sorts; T13 clears and refuses', async () => {
    const task = await coreTask(t, a, { title: 'Zed task' });
    const put = await t.req('PUT', `/workstream/tasks/${task.sequence}`, { headers: bearer(a), json: { project_id: gamma.sequence } });
    assert.equal(put.status, 200, put.text);
    const example = seedResponse('GET workstream/tasks').find((x: { project: unknown }) => x.project !== null);
    assertSameTypes(put.body.project, example.project);
    assert.deepEqual(Object.keys(put.body.project).sort(), Object.keys(example.project).sort());
    assert.deepEqual([put.body.project.id, put.body.project.type, put.body.project.name, put.body.project.status], [gamma.sequence, 'requestproject', 'Gamma', 1]);
    const got = await t.req('GET', `/workstream/tasks/${task.sequence}`, { headers: bearer(a) });
    assert.deepEqual(got.body.project, put.body.project);

    const inGamma = await t.req('GET', `/workstream/tasks?filter[project_id][]=${gamma.sequence}`, { headers: bearer(a) });
    assert.deepEqual(inGamma.body.map((x: { id: number }) => x.id), [task.sequence]);
    const either = await t.req('GET', `/workstream/tasks?filter[project_id][]=${gamma.sequence}&filter[project_id][]=${alpha.sequence}&limit=100`, { headers: bearer(a) });
    assert.equal(either.body.length, 6);
    const foreign = await t.req('GET', `/workstream/tasks?filter[project_id][]=${gamma.sequence}`, { headers: bearer(b) });
    assert.deepEqual(foreign.body, []);
    const byTitle = await t.req('GET', '/workstream/tasks?sort=project_title&sortdir=desc&limit=100', { headers: bearer(a) });
    // Gamma's task first (desc), then Alpha's five, then tasks without a project.
    assert.equal(byTitle.body[0].id, task.sequence);
    assert.deepEqual(byTitle.body.slice(1, 6).map((x: { project_id: number }) => x.project_id), Array(5).fill(alpha.sequence));
    const byId = await t.req('GET', '/workstream/tasks?sort=project_id&limit=100', { headers: bearer(a) });
    const ids = byId.body.map((x: { project_id: number | null }) => x.project_id ?? 0);
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y));

    const before = await projectCounts(t);
    const foreignProject = await coreProject(t, b, { name: 'B only' });
    const after = await projectCounts(t);
    for (const value of [foreignProject.sequence, 999999, 'x']) {
      const res = await t.req('PUT', `/workstream/tasks/${task.sequence}`, { headers: bearer(a), json: { project_id: value } });
      const body = assertWsError(res, 422);
      assert.ok(Object.keys(body.errors).some((k) => k.startsWith('project_id')), res.text);
    }
    assert.deepEqual(await projectCounts(t), after);
    assert.notDeepEqual(before, after);
    const cleared = await t.req('PUT', `/workstream/tasks/${task.sequence}`, { headers: { ...bearer(a), ...FORM }, payload: form([['project_id', '']]) });
    assert.deepEqual([cleared.body.project_id, cleared.body.project], [null, null]);
  });

  test('P1: the seed\'s shape; newest first; sorts, filters (OR within, AND across) and paging', async () => {
    const res = await t.req('GET', '/workstream/projects', { headers: bearer(viewer) });
    assert.equal(res.status, 200, res.text);
    assertSameTypes(res.body, seedResponse('GET workstream/projects'));
    assert.deepEqual(res.body.map((p: { id: number }) => p.id), [gamma.sequence, beta.sequence, alpha.sequence]);
    const names = async (qs: string, who = a) => (await t.req('GET', `/workstream/projects?${qs}`, { headers: bearer(who) })).body.map((p: { name: string }) => p.name);
    assert.deepEqual(await names('sort=name'), ['Alpha', 'beta', 'Gamma']);
    assert.deepEqual(await names('sort=name&sortdir=DESC'), ['Gamma', 'beta', 'Alpha']);
    assert.deepEqual(await names('sort=completion&sortdir=desc'), ['Alpha', 'Gamma', 'beta']);
    assert.deepEqual(await names('sort=status'), ['Alpha', 'Gamma', 'beta']);
    assert.deepEqual(await names('sort=launch_date'), ['Alpha', 'beta', 'Gamma']);
    assert.deepEqual(await names('sort=owner&sortdir=asc'), (await names('sort=owner')));
    assert.deepEqual(await names('sort=name&offset=1&limit=1'), ['beta']);
    const editorSeq = await sequenceOf(t, 'users', editor.userId);
    const ownerSeq = await sequenceOf(t, 'users', a.userId);
    assert.deepEqual(await names(`sort=name&filter[sponsor_id][]=${editorSeq}`), ['Alpha', 'Gamma']);
    assert.deepEqual(await names(`sort=name&filter[sponsor_id][]=${editorSeq}&filter[sponsor_id][]=${ownerSeq}`), ['Alpha', 'beta', 'Gamma']);
    assert.deepEqual(await names(`sort=name&filter[sponsor_id][]=${editorSeq}&filter[status][]=3`), []);
    assert.deepEqual(await names('sort=name&filter[status][]=3&filter[status][]=1'), ['Alpha', 'beta', 'Gamma']);
    assert.deepEqual(await names('filter%5Bstatus%5D%5B%5D=3'), ['beta']);
    // Tenant B sees only its own project (made in the test above).
    assert.deepEqual(await names('sort=name', b), ['B only']);
  });

  test('P1 bad queries: 422 naming the parameter, in the surface\'s shape', async () => {
    for (const [qs, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['offset=-1', 'offset'],
      ['sort=public_id', 'sort'],
      ['sortdir=up', 'sortdir'],
      ['filter[status][]=9', 'filter'],
      ['filter[watched][]=2', 'filter'],
      ['filter[sponsor_id][]=abc', 'filter'],
      ['filter[owner][]=1', 'filter'],
    ] as const) {
      const res = await t.req('GET', `/workstream/projects?${qs}`, { headers: bearer(a) });
      const body = assertWsError(res, 422);
      assert.ok(Object.keys(body.errors).some((k) => k.startsWith(field)), `${qs}: ${res.text}`);
    }
  });

  test('P9/P6/P12: watchers added and removed with a message that notifies them; watched filter and sort', async () => {
    const editorSeq = await sequenceOf(t, 'users', editor.userId);
    const viewerSeq = await sequenceOf(t, 'users', viewer.userId);
    const put = await t.req('PUT', `/workstream/projects/${beta.sequence}/watchers`, {
      headers: { ...bearer(a), ...FORM },
      payload: form([['user_ids[]', editorSeq], ['user_ids[]', viewerSeq], ['message', 'Please follow this one']]),
    });
    assert.equal(put.status, 200, put.text);
    assertSameTypes(put.body, seedResponse('GET workstream/projects/{id}/watchers'));
    assert.deepEqual(put.body.map((u: { id: string }) => u.id), [String(editorSeq), String(viewerSeq)]);
    const notes = await t.deps.db.selectFrom('notifications').selectAll().where('type', '=', 'project_watcher_added').execute();
    assert.deepEqual(notes.map((n) => n.user_id).sort(), [editor.userId, viewer.userId].sort());
    assert.equal(JSON.parse(notes[0]?.data ?? '{}').message, 'Please follow this one');
    const list = await t.req('GET', `/workstream/projects/${beta.sequence}/watchers?limit=1&offset=1`, { headers: bearer(viewer) });
    assert.deepEqual(list.body.map((u: { id: string }) => u.id), [String(viewerSeq)]);
    const p = await t.req('GET', `/workstream/projects/${beta.sequence}`, { headers: bearer(a) });
    assert.equal(p.body.watcher_count, 2);
    const watched = await t.req('GET', '/workstream/projects?filter[watched][]=1', { headers: bearer(editor) });
    assert.deepEqual(watched.body.map((x: { id: number }) => x.id), [beta.sequence]);
    const notWatched = await t.req('GET', '/workstream/projects?filter[watched][]=0&sort=name', { headers: bearer(editor) });
    assert.deepEqual(notWatched.body.map((x: { id: number }) => x.id), [alpha.sequence, gamma.sequence]);
    const sorted = await t.req('GET', '/workstream/projects?sort=watched&sortdir=desc', { headers: bearer(editor) });
    assert.equal(sorted.body[0].id, beta.sequence);

    // A viewer may remove themselves, not others.
    const other = await t.req('DELETE', `/workstream/projects/${beta.sequence}/watchers`, { headers: bearer(viewer), json: { user_ids: [editorSeq] } });
    assertWsError(other, 403, 'permission_denied');
    const self = await t.req('DELETE', `/workstream/projects/${beta.sequence}/watchers`, { headers: bearer(viewer), json: { user_ids: [String(viewerSeq)], message: 'bye' } });
    assert.equal(self.status, 200, self.text);
    assert.deepEqual(self.body.map((u: { id: string }) => u.id), [String(editorSeq)]);
    const removed = await t.req('DELETE', `/workstream/projects/${beta.sequence}/watchers`, { headers: bearer(a), json: { user_ids: [editorSeq], message: 'Done here' } });
    assert.deepEqual(removed.body, []);
    const gone = await t.deps.db.selectFrom('notifications').selectAll().where('type', '=', 'project_watcher_removed').execute();
    assert.deepEqual(gone.map((n) => [n.user_id, JSON.parse(n.data).message]), [[editor.userId, 'Done here']]);
    const history = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', beta.id).where('type', 'like', 'project_watcher%').execute();
    assert.equal(history.length, 3);
  });

  test('P9/P12 bad input: 422 naming the field, 404 for users of another tenant; nothing written', async () => {
    const before = await projectCounts(t);
    const bSeq = await sequenceOf(t, 'users', b.userId);
    const cases: Array<[Record<string, unknown>, number, string | undefined]> = [
      [{}, 422, 'user_ids'],
      [{ user_ids: [] }, 422, 'user_ids'],
      [{ user_ids: ['abc'] }, 422, 'user_ids'],
      [{ user_ids: [1], message: '' }, 422, 'message'],
      [{ user_ids: [1], message: 'x'.repeat(3001) }, 422, 'message'],
      [{ user_ids: [1], extra: 1 }, 422, 'extra'],
      [{ user_ids: [bSeq] }, 404, undefined],
    ];
    for (const [json, status, field] of cases) {
      for (const method of ['PUT', 'DELETE'] as const) {
        const res = await t.req(method, `/workstream/projects/${alpha.sequence}/watchers`, { headers: bearer(a), json });
        const body = assertWsError(res, status);
        if (field) {
          assert.ok(Object.keys(body.errors).some((k) => k.startsWith(field)), `${JSON.stringify(json)}: ${res.text}`);
        }
      }
    }
    assert.deepEqual(await projectCounts(t), before);
  });

  test('another tenant\'s or an unknown project: 404; malformed id: 422; missing or wrong token: 401', async () => {
    for (const [method, path, json] of [
      ['GET', `/workstream/projects/${alpha.sequence}`, undefined],
      ['GET', `/workstream/projects/${alpha.sequence}/watchers`, undefined],
      ['PUT', `/workstream/projects/${alpha.sequence}/watchers`, { user_ids: [1] }],
      ['DELETE', `/workstream/projects/${alpha.sequence}/watchers`, { user_ids: [1] }],
    ] as const) {
      assertWsError(await t.req(method, path, { headers: bearer(b), ...(json ? { json } : {}) }), 404, 'project_not_found');
      assertWsError(await t.req(method, path, { ...(json ? { json } : {}) }), 401);
      assertWsError(await t.req(method, path, { headers: { authorization: 'Bearer wrong' }, ...(json ? { json } : {}) }), 401);
    }
    assertWsError(await t.req('GET', '/workstream/projects/2147483647', { headers: bearer(a) }), 404, 'project_not_found');
    assertWsError(await t.req('GET', '/workstream/projects/007', { headers: bearer(a) }), 422);
  });
});
