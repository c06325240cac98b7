import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assertWsError, bearer, coreTask, form, FORM, seqOf, wsCounts, wsStatuses } from './fixtures.js';

const USER_KEYS = ['id', 'type', 'username', 'firstname', 'lastname', 'email', 'role', 'status', 'profile_image', 'color', 'timezone', 'language'];
const TASK_KEYS = [
  'id', 'public_id', 'name', 'status', 'assignee_id', 'assignee', 'recipient', 'project_id', 'project', 'due_date', 'keywords', 'description',
  'watcher_count', 'created_at', 'updated_at', 'form_id', 'fields',
];

function assertUser(u: any): void {
  assert.deepEqual(Object.keys(u).sort(), [...USER_KEYS].sort());
  assert.match(u.id, /^[0-9]+$/);
  assert.equal(u.type, 'user');
  assert.equal(typeof u.role, 'number');
  assert.equal(u.status, 'active');
  assert.equal(u.profile_image, false);
  assert.match(u.color, /^#[0-9A-F]{6}$/);
}

describeEachDatabase('workstream: statuses (S1) and tasks (T1, T2, T8, T13)', (t) => {
  let a: Tenant;
  let editor: Tenant;
  let other: Tenant;
  let b: Tenant;

  test('setup', async () => {
    a = await t.factory.tenant();
    editor = await t.factory.member(a, { workspace: 'editor' });
    other = await t.factory.member(a, { workspace: 'editor' });
    b = await t.factory.tenant();
  });

  test('S1: the statuses, draft included, as the seed shows them', async () => {
    const res = await t.req('GET', '/workstream/statuses', { headers: bearer(a) });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.map((s: { name: string }) => s.name), ['Draft', 'Pending', 'In Progress', 'Completed']);
    for (const s of res.body) {
      assert.deepEqual(Object.keys(s).sort(), ['color', 'created_at', 'id', 'name', 'type', 'updated_at']);
      assert.equal(Number.isInteger(s.id), true);
      assert.match(s.created_at, /^[0-9]{10}$/);
      assert.match(s.updated_at, /^[0-9]{10}$/);
    }
    const byName = Object.fromEntries(res.body.map((s: any) => [s.name, s]));
    assert.equal(byName.Draft.color, '#888B8D');
    assert.deepEqual([byName.Draft.type, byName.Pending.type, byName['In Progress'].type, byName.Completed.type], [1, 1, 2, 1]);
    // The draft status is created once and never becomes the core default.
    const again = await t.req('GET', '/workstream/statuses', { headers: bearer(a) });
    assert.deepEqual(again.body, res.body);
    const core = await coreTask(t, a, { title: 'Core default' });
    assert.equal(core.status, 'Pending');
    // Nor can the core API move a task back to draft (§1.5 item 3 holds on both surfaces).
    for (const json of [{ status: 'Draft' }, { status_id: core.status_id && (await t.deps.db.selectFrom('task_statuses').select('id').where('workspace_id', '=', a.workspaceId).where('is_draft', '=', 1).executeTakeFirstOrThrow()).id }]) {
      const res = await t.req('PUT', `/workspaces/tasks/${core.id}`, { headers: a.headers, json });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.fields[0].pointer, `/${Object.keys(json)[0]}`);
    }
    assert.equal((await t.req('GET', `/workspaces/tasks/${core.id}`, { headers: a.headers })).body.status, 'Pending');
  });

  test('a core task is a Workstream task: same row, the §1.3.11 shape', async () => {
    const editorSeq = await seqOf(t, 'users', editor.userId);
    const made = await coreTask(t, a, { title: 'Shared row', assignee_id: editor.userId, due_date: '2026-12-24', description: '<p>Hi</p>' });
    const res = await t.req('GET', `/workstream/tasks/${made.sequence}`, { headers: bearer(a) });
    assert.equal(res.status, 200, res.text);
    const task = res.body;
    assert.deepEqual(Object.keys(task).sort(), [...TASK_KEYS].sort());
    assert.equal(task.id, made.sequence);
    assert.equal(task.public_id, made.sequence);
    assert.equal(task.name, 'Shared row');
    assert.equal(task.status, (await wsStatuses(t, a)).Pending?.id);
    assert.equal(task.assignee_id, editorSeq);
    assertUser(task.assignee);
    assert.equal(task.assignee.id, String(editorSeq));
    assert.equal(task.assignee.email, editor.email);
    assert.equal(task.assignee.role, 4);
    assertUser(task.recipient);
    assert.equal(task.recipient.id, String(await seqOf(t, 'users', a.userId)));
    assert.equal(task.recipient.role, 1);
    assert.equal(task.project_id, null);
    assert.equal(task.project, null);
    assert.equal(task.due_date, Date.UTC(2026, 11, 24) / 1000);
    assert.equal(task.keywords, null);
    assert.equal(task.description, '<p>Hi</p>');
    assert.equal(task.watcher_count, 0);
    assert.equal(task.created_at, Math.floor(Date.parse(made.created_at) / 1000));
    assert.equal(Number.isInteger(task.updated_at), true);
  });

  test('T1/T2 visibility: non-admins see what they created; admins all but others\' drafts; drafts only by their creator', async () => {
    const s = await wsStatuses(t, a);
    const mine = await coreTask(t, editor, { title: 'Editor request' });
    const draft = await coreTask(t, editor, { title: 'Editor draft', status: 'Draft' });
    const adminDraft = await coreTask(t, a, { title: 'Admin draft', status: 'Draft' });
    assert.equal(draft.status_id !== undefined, true);
    const names = async (ten: Tenant) => {
      const res = await t.req('GET', '/workstream/tasks?limit=100', { headers: bearer(ten) });
      assert.equal(res.status, 200, res.text);
      return res.body.map((x: { name: string }) => x.name).sort();
    };
    assert.deepEqual(await names(editor), ['Editor draft', 'Editor request']);
    assert.deepEqual(await names(other), []);
    const adminSees = await names(a);
    assert.equal(adminSees.includes('Editor request'), true);
    assert.equal(adminSees.includes('Editor draft'), false);
    assert.equal(adminSees.includes('Admin draft'), true);
    assertWsError(await t.req('GET', `/workstream/tasks/${draft.sequence}`, { headers: bearer(a) }), 404, 'task_not_found');
    assertWsError(await t.req('GET', `/workstream/tasks/${mine.sequence}`, { headers: bearer(other) }), 404, 'task_not_found');
    const own = await t.req('GET', `/workstream/tasks/${draft.sequence}`, { headers: bearer(editor) });
    assert.equal(own.status, 200, own.text);
    assert.equal(own.body.status, s.Draft?.id);
    assertWsError(await t.req('GET', `/workstream/tasks/${adminDraft.sequence}`, { headers: bearer(editor) }), 404);
    // The same rule on the core API (one domain model): another user's draft is not listed, fetched or changed.
    const coreList = await t.req('GET', '/workspaces/tasks?limit=100', { headers: a.headers });
    assert.equal(coreList.status, 200, coreList.text);
    const coreTitles = coreList.body.tasks.map((x: { title: string }) => x.title);
    assert.equal(coreTitles.includes('Editor draft'), false);
    assert.equal(coreTitles.includes('Admin draft'), true);
    assert.equal((await t.req('GET', `/workspaces/tasks/${draft.id}`, { headers: a.headers })).status, 404);
    assert.equal((await t.req('PUT', `/workspaces/tasks/${draft.id}`, { headers: a.headers, json: { title: 'Not yours' } })).status, 404);
    const ownCore = await t.req('GET', `/workspaces/tasks/${draft.id}`, { headers: editor.headers });
    assert.equal(ownCore.body.title, 'Editor draft');
  });

  test('T1 paging, sorting and filters (OR within a key, AND across keys)', async () => {
    const ws = await t.factory.tenant();
    const mate = await t.factory.member(ws, { workspace: 'editor' });
    const st = await wsStatuses(t, ws);
    const mateSeq = await seqOf(t, 'users', mate.userId);
    await coreTask(t, ws, { title: 'b pending mate', assignee_id: mate.userId });
    await coreTask(t, ws, { title: 'a progress mate', assignee_id: mate.userId, status: 'In Progress' });
    await coreTask(t, ws, { title: 'c progress', status: 'In Progress' });
    await coreTask(t, ws, { title: 'd done', status: 'Completed' });
    const list = async (qs: string) => {
      const res = await t.req('GET', `/workstream/tasks?${qs}`, { headers: bearer(ws) });
      assert.equal(res.status, 200, res.text);
      return res.body.map((x: { name: string }) => x.name);
    };
    // Default: newest first.
    assert.deepEqual(await list(''), ['d done', 'c progress', 'a progress mate', 'b pending mate']);
    assert.deepEqual(await list('sort=name&sortdir=asc'), ['a progress mate', 'b pending mate', 'c progress', 'd done']);
    assert.deepEqual(await list('sort=name&sortdir=DESC&offset=1&limit=2'), ['c progress', 'b pending mate']);
    assert.deepEqual(await list('sort=public_id'), ['b pending mate', 'a progress mate', 'c progress', 'd done']);
    // Documented keys without data behind them yet sort by public_id rather than failing.
    assert.deepEqual(await list('sort=project_title&sortdir=asc'), ['b pending mate', 'a progress mate', 'c progress', 'd done']);
    const p = st.Pending?.id;
    const ip = st['In Progress']?.id;
    assert.deepEqual(await list(`sort=name&filter[status][]=${p}&filter[status][]=${st.Completed?.id}`), ['b pending mate', 'd done']);
    assert.deepEqual(await list(`sort=name&filter%5Bstatus%5D%5B%5D=${ip}`), ['a progress mate', 'c progress']);
    assert.deepEqual(await list(`sort=name&filter[status][]=${ip}&filter[assignee_id][]=${mateSeq}`), ['a progress mate']);
    assert.deepEqual(await list(`filter[status]=${p}`), ['b pending mate']);
    // Another tenant's status id or an unknown one matches nothing; projects do not exist yet.
    assert.deepEqual(await list(`filter[status][]=${(await wsStatuses(t, a)).Pending?.id}`), []);
    assert.deepEqual(await list('filter[status][]=999999'), []);
    assert.deepEqual(await list('filter[project_id][]=1'), []);
  });

  test('T1 bad queries: 422 naming the parameter', async () => {
    for (const [qs, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['offset=-1', 'offset'],
      ['sortdir=up', 'sortdir'],
      ['sortdir=ascending', 'sortdir'],
      ['sort=nope', 'sort'],
      ['filter[colour][]=1', 'filter'],
      ['filter[status][]=x', 'filter.status'],
      ['filter[watching][]=2', 'filter.watching'],
    ] as const) {
      const body = assertWsError(await t.req('GET', `/workstream/tasks?${qs}`, { headers: bearer(a) }), 422, undefined);
      assert.equal(body.message, 'The given data was invalid.');
      assert.ok(Object.keys(body.errors).some((k) => k.startsWith(field)), `${qs}: ${JSON.stringify(body.errors)}`);
    }
  });

  test('T2: another tenant\'s id, an unknown id, a malformed id', async () => {
    const theirs = await coreTask(t, b, { title: 'B task' });
    assertWsError(await t.req('GET', `/workstream/tasks/${theirs.sequence}`, { headers: bearer(a) }), 404, 'task_not_found');
    assertWsError(await t.req('GET', '/workstream/tasks/2147483000', { headers: bearer(a) }), 404, 'task_not_found');
    assertWsError(await t.req('GET', '/workstream/tasks/abc', { headers: bearer(a) }), 422);
    assertWsError(await t.req('GET', '/workstream/tasks/99999999999', { headers: bearer(a) }), 422);
  });

  test('T13: form-encoded update; the change shows on the core API; the draft status is refused', async () => {
    const st = await wsStatuses(t, a);
    const made = await coreTask(t, a, { title: 'To update' });
    const editorSeq = await seqOf(t, 'users', editor.userId);
    const res = await t.req('PUT', `/workstream/tasks/${made.sequence}`, {
      headers: { ...bearer(a), ...FORM },
      payload: form([['status', st['In Progress']?.id ?? 0], ['name', 'Updated name'], ['due_date', 1767225600], ['assignee_id', editorSeq]]),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, 'Updated name');
    assert.equal(res.body.status, st['In Progress']?.id);
    assert.equal(res.body.due_date, 1767225600);
    assert.equal(res.body.assignee_id, editorSeq);
    const core = await t.req('GET', `/workspaces/tasks/${made.id}`, { headers: a.headers });
    assert.equal(core.body.title, 'Updated name');
    assert.equal(core.body.status, 'In Progress');
    assert.equal(core.body.assignee_id, editor.userId);
    // JSON works the same; null clears.
    const cleared = await t.req('PUT', `/workstream/tasks/${made.sequence}`, { headers: bearer(a), json: { assignee_id: null, due_date: null } });
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.body.assignee_id, null);
    assert.equal(cleared.body.assignee, null);
    assert.equal(cleared.body.due_date, null);

    const theirPending = (await wsStatuses(t, b)).Pending?.id;
    const theirUser = await seqOf(t, 'users', b.userId);
    const before = await wsCounts(t);
    const draft = assertWsError(await t.req('PUT', `/workstream/tasks/${made.sequence}`, { headers: bearer(a), json: { status: st.Draft?.id } }), 422);
    assert.deepEqual(Object.keys(draft.errors), ['status']);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'x'.repeat(256) }, 'name'],
      [{ name: '' }, 'name'],
      [{ status: 'seven' }, 'status'],
      [{ status: theirPending }, 'status'],
      [{ assignee_id: theirUser }, 'assignee_id'],
      [{ project_id: 4 }, 'project_id'],
      [{ due_date: -5 }, 'due_date'],
      [{ colour: 'red' }, 'colour'],
    ];
    for (const [json, field] of cases) {
      const body = assertWsError(await t.req('PUT', `/workstream/tasks/${made.sequence}`, { headers: bearer(a), json }), 422);
      assert.ok(Object.keys(body.errors).includes(field), `${JSON.stringify(json)}: ${JSON.stringify(body.errors)}`);
    }
    assert.deepEqual(await wsCounts(t), before);
    const unchanged = await t.req('GET', `/workstream/tasks/${made.sequence}`, { headers: bearer(a) });
    assert.equal(unchanged.body.name, 'Updated name');
    assert.equal(unchanged.body.status, st['In Progress']?.id);
    // Another tenant's task: 404, untouched.
    const theirs = await coreTask(t, b, { title: 'B keeps this' });
    assertWsError(await t.req('PUT', `/workstream/tasks/${theirs.sequence}`, { headers: bearer(a), json: { name: 'Taken' } }), 404, 'task_not_found');
    assert.equal((await t.req('GET', `/workspaces/tasks/${theirs.id}`, { headers: b.headers })).body.title, 'B keeps this');
  });

  test('T8: the seed\'s create-task JSON with a form id that is not one of the account\'s: 422 on form_id; nothing written', async () => {
    const st = await wsStatuses(t, a);
    const before = await wsCounts(t);
    const seedBody = {
      form_id: 213,
      name: 'Task created via API',
      status: st.Pending?.id,
      fields: [
        { id: 17396, response: 'The task description.' },
        { id: 17393, response: 'user@email.com' },
        { id: 17394, response: 144859 },
        { id: 17395, response: 1522173658 },
        { id: 2764, response: 'some,example,keywords' },
        { id: 17402, response: ['Check 1', 'Check 3'] },
      ],
    };
    const body = assertWsError(await t.req('POST', '/workstream/tasks', { headers: bearer(a), json: seedBody }), 422);
    assert.deepEqual(Object.keys(body.errors), ['form_id']);
    const missing = assertWsError(await t.req('POST', '/workstream/tasks', { headers: { ...bearer(a), ...FORM }, payload: form([['name', 'x']]) }), 422);
    assert.deepEqual(Object.keys(missing.errors), ['form_id']);
    assert.deepEqual(await wsCounts(t), before);
  });
});
