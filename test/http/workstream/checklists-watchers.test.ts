import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assertWsError, bearer, coreTask, form, FORM, seqOf, wsCounts } from './fixtures.js';

const ITEM_KEYS = ['completed_by_id', 'created_at', 'creator_id', 'id', 'pos', 'status', 'task_id', 'updated_at', 'value'];

describeEachDatabase('workstream: checklists (T7, T11) and watchers (T6, T12, T16)', (t) => {
  let a: Tenant;
  let editor: Tenant;
  let viewer: Tenant;
  let b: Tenant;
  let task: { id: string; sequence: number };

  test('setup', async () => {
    a = await t.factory.tenant();
    editor = await t.factory.member(a, { workspace: 'editor' });
    viewer = await t.factory.member(a, { workspace: 'viewer' });
    b = await t.factory.tenant();
    task = await coreTask(t, a, { title: 'With a checklist' });
  });

  test('T11 form-encoded with PHP brackets, then T7: the whole list in pos order, in the seed\'s shape', async () => {
    const res = await t.req('POST', `/workstream/tasks/${task.sequence}/checklists`, {
      headers: { ...bearer(a), ...FORM },
      payload: form([
        ['checklist_items[0][value]', 'Second'],
        ['checklist_items[0][status]', 1],
        ['checklist_items[0][pos]', 1],
        ['checklist_items[1][value]', 'First'],
        ['checklist_items[1][status]', 0],
        ['checklist_items[1][pos]', 0],
      ]),
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.map((i: { value: string }) => i.value), ['First', 'Second']);
    const me = String(await seqOf(t, 'users', a.userId));
    for (const item of res.body) {
      assert.deepEqual(Object.keys(item).sort(), ITEM_KEYS);
      assert.equal(item.task_id, task.sequence);
      assert.equal(item.creator_id, me);
      assert.equal(Number.isInteger(item.id), true);
      assert.equal(Number.isInteger(item.created_at), true);
    }
    assert.equal(res.body[1].status, 1);
    assert.equal(res.body[1].completed_by_id, me);
    assert.equal(res.body[0].completed_by_id, null);
    const got = await t.req('GET', `/workstream/tasks/${task.sequence}/checklists`, { headers: bearer(a) });
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.body, res.body);
  });

  test('T11 with the seed\'s GET example fed back (JSON): ids kept, missing items removed, status ticked', async () => {
    const current = (await t.req('GET', `/workstream/tasks/${task.sequence}/checklists`, { headers: bearer(a) })).body;
    const first = current[0];
    const res = await t.req('POST', `/workstream/tasks/${task.sequence}/checklists`, {
      headers: bearer(a),
      json: {
        checklist_items: [
          { ...first, status: 1 },
          { creator_id: first.creator_id, value: 'Checklist item 3', status: 0, pos: 2, completed_by_id: null },
        ],
      },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.map((i: { value: string; status: number }) => [i.value, i.status]), [['First', 1], ['Checklist item 3', 0]]);
    assert.equal(res.body[0].id, first.id);
    assert.equal(res.body[0].created_at, first.created_at);
    const cleared = await t.req('POST', `/workstream/tasks/${task.sequence}/checklists`, { headers: bearer(a), json: { checklist_items: [] } });
    assert.deepEqual(cleared.body, []);
    assert.equal(await t.count('task_checklist_items'), 0);
  });

  test('T11 bad input: 422 naming the item field, nothing written; other tenants: 404', async () => {
    await t.req('POST', `/workstream/tasks/${task.sequence}/checklists`, { headers: bearer(a), json: { checklist_items: [{ value: 'Keep', status: 0 }] } });
    const before = await wsCounts(t);
    const cases: Array<[unknown, string]> = [
      [[{ value: 'x', status: 2 }], 'checklist_items.0.status'],
      [[{ value: '', status: 0 }], 'checklist_items.0.value'],
      [[{ value: 'ok', status: 0 }, { value: 'x'.repeat(3001), status: 0 }], 'checklist_items.1.value'],
      [[{ status: 0 }], 'checklist_items.0.value'],
      [[{ value: 'x', status: 0, id: 999999 }], 'checklist_items.0.id'],
      [[{ value: 'x', status: 0, pos: 'first' }], 'checklist_items.0.pos'],
    ];
    for (const [items, field] of cases) {
      const body = assertWsError(await t.req('POST', `/workstream/tasks/${task.sequence}/checklists`, { headers: bearer(a), json: { checklist_items: items } }), 422);
      assert.ok(Object.keys(body.errors).some((k) => k.startsWith(field)), `${JSON.stringify(items)}: ${JSON.stringify(body.errors)}`);
    }
    const theirUser = await seqOf(t, 'users', b.userId);
    assertWsError(
      await t.req('POST', `/workstream/tasks/${task.sequence}/checklists`, { headers: bearer(a), json: { checklist_items: [{ value: 'x', status: 0, creator_id: theirUser }] } }),
      404,
      'user_not_found',
    );
    const theirs = await coreTask(t, b, { title: 'B task' });
    const afterB = await wsCounts(t);
    assertWsError(await t.req('POST', `/workstream/tasks/${theirs.sequence}/checklists`, { headers: bearer(a), json: { checklist_items: [] } }), 404, 'task_not_found');
    assertWsError(await t.req('GET', `/workstream/tasks/${theirs.sequence}/checklists`, { headers: bearer(a) }), 404, 'task_not_found');
    assert.deepEqual(await wsCounts(t), afterB);
    // A viewer who did not make the task cannot see it (and so not edit it).
    assertWsError(await t.req('POST', `/workstream/tasks/${task.sequence}/checklists`, { headers: bearer(viewer), json: { checklist_items: [] } }), 404);
    const [tasks, statuses, items] = await wsCounts(t);
    assert.deepEqual([tasks, statuses, items], [afterB[0], afterB[1], before[2]]);
  });

  test('T12 JSON: watchers added and notified with the message; watcher_count; T6 lists them', async () => {
    const editorSeq = await seqOf(t, 'users', editor.userId);
    const viewerSeq = await seqOf(t, 'users', viewer.userId);
    const res = await t.req('PUT', `/workstream/tasks/${task.sequence}/watchers`, {
      headers: bearer(a),
      json: { user_ids: [editorSeq, String(viewerSeq)], message: 'Please keep an eye on this' },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.map((u: { id: string }) => u.id), [String(editorSeq), String(viewerSeq)]);
    assert.equal(res.body[0].type, 'user');
    const notes = await t.deps.db.selectFrom('notifications').selectAll().where('type', '=', 'task_watcher_added').execute();
    assert.deepEqual(notes.map((n) => n.user_id).sort(), [editor.userId, viewer.userId].sort());
    assert.equal(JSON.parse(notes[0]?.data ?? '{}').message, 'Please keep an eye on this');
    const shown = await t.req('GET', `/workstream/tasks/${task.sequence}`, { headers: bearer(a) });
    assert.equal(shown.body.watcher_count, 2);
    const page = await t.req('GET', `/workstream/tasks/${task.sequence}/watchers?offset=1&limit=1`, { headers: bearer(a) });
    assert.deepEqual(page.body.map((u: { id: string }) => u.id), [String(viewerSeq)]);
    // Adding again changes nothing and notifies nobody.
    await t.req('PUT', `/workstream/tasks/${task.sequence}/watchers`, { headers: bearer(a), json: { user_ids: [editorSeq] } });
    assert.equal(await t.count('task_watchers'), 2);
    assert.equal((await t.deps.db.selectFrom('notifications').select('id').where('type', '=', 'task_watcher_added').execute()).length, 2);
    // The caller's "watching" filter.
    const watched = await t.req('GET', '/workstream/tasks?filter[watching][]=1', { headers: bearer(a) });
    assert.deepEqual(watched.body, []);
    await t.req('PUT', `/workstream/tasks/${task.sequence}/watchers`, { headers: bearer(a), json: { user_ids: [await seqOf(t, 'users', a.userId)] } });
    const watching = await t.req('GET', '/workstream/tasks?filter[watching][]=1', { headers: bearer(a) });
    assert.deepEqual(watching.body.map((x: { id: number }) => x.id), [task.sequence]);
  });

  test('T16 DELETE with a form body: removed and notified; the users survive', async () => {
    const viewerSeq = await seqOf(t, 'users', viewer.userId);
    const res = await t.req('DELETE', `/workstream/tasks/${task.sequence}/watchers`, {
      headers: { ...bearer(a), ...FORM },
      payload: form([['user_ids[]', viewerSeq], ['message', 'No longer needed']]),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.some((u: { id: string }) => u.id === String(viewerSeq)), false);
    const removed = await t.deps.db.selectFrom('notifications').selectAll().where('type', '=', 'task_watcher_removed').execute();
    assert.deepEqual(removed.map((n) => n.user_id), [viewer.userId]);
    assert.equal(JSON.parse(removed[0]?.data ?? '{}').message, 'No longer needed');
    assert.equal((await t.deps.db.selectFrom('users').select('id').where('id', '=', viewer.userId).execute()).length, 1);
  });

  test('T12/T16 bad input and other tenants: 4xx, nothing written', async () => {
    const before = await wsCounts(t);
    const url = `/workstream/tasks/${task.sequence}/watchers`;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, 'user_ids'],
      [{ user_ids: [] }, 'user_ids'],
      [{ user_ids: ['x'] }, 'user_ids.0'],
      [{ user_ids: [1], message: '' }, 'message'],
      [{ user_ids: [1], message: 'x'.repeat(3001) }, 'message'],
    ];
    for (const [json, field] of cases) {
      const body = assertWsError(await t.req('PUT', url, { headers: bearer(a), json }), 422);
      assert.ok(Object.keys(body.errors).some((k) => k.startsWith(field)), `${JSON.stringify(json)}: ${JSON.stringify(body.errors)}`);
    }
    assertWsError(await t.req('PUT', url, { headers: bearer(a), json: { user_ids: [await seqOf(t, 'users', b.userId)] } }), 404, 'user_not_found');
    assertWsError(await t.req('DELETE', url, { headers: { ...bearer(a), ...FORM }, payload: form([['message', 'x']]) }), 422);
    const theirs = await coreTask(t, b, { title: 'B watched' });
    const mid = await wsCounts(t);
    assertWsError(
      await t.req('PUT', `/workstream/tasks/${theirs.sequence}/watchers`, { headers: bearer(a), json: { user_ids: [await seqOf(t, 'users', a.userId)] } }),
      404,
      'task_not_found',
    );
    assertWsError(await t.req('GET', `/workstream/tasks/${theirs.sequence}/watchers`, { headers: bearer(a) }), 404, 'task_not_found');
    assert.deepEqual((await wsCounts(t)).slice(2), mid.slice(2));
    assert.deepEqual(before.slice(2, 4), mid.slice(2, 4));
    // A form key that would reach a prototype is refused, not dropped.
    const proto = await t.req('PUT', url, { headers: { ...bearer(a), ...FORM }, payload: 'user_ids[]=1&__proto__[x]=1' });
    assert.deepEqual(Object.keys(assertWsError(proto, 422).errors), ['__proto__']);
    assertWsError(await t.req('GET', url, { headers: bearer(a), query: { limit: '101' } }), 422);
  });

  test('missing or wrong auth on these routes: 401', async () => {
    assertWsError(await t.req('GET', `/workstream/tasks/${task.sequence}/checklists`), 401);
    assertWsError(await t.req('PUT', `/workstream/tasks/${task.sequence}/watchers`, { headers: { authorization: 'Bearer nope' }, json: { user_ids: [1] } }), 401);
  });
});
