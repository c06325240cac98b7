import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { createTask, MISSING } from './tasks-fixtures.js';

/* A task's checklist in the core API (GET/PUT /workspaces/tasks/{id}/checklist), on the Workstream rows (T7/T11). */

describeEachDatabase('task checklist (core API)', (t) => {
  const counts = async (): Promise<number[]> => [await t.count('task_checklist_items'), await t.count('history_events')];

  test('the whole list replaced: add, tick (who ticked), keep ids, reorder, remove; an editor who did not create the task sees it', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const task = await createTask(t, ten, { title: 'Model the ship' });
    const url = `/workspaces/tasks/${task.id}/checklist`;
    const empty = await t.req('GET', url, { headers: editor.headers });
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.body, []);

    const first = await t.req('PUT', url, { headers: editor.headers, json: { checklist_items: [{ value: ' Hull ' }, { value: 'Sails', done: true }] } });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(Object.keys(first.body[0]).sort(), ['completed_by_id', 'created_at', 'creator_id', 'done', 'id', 'position', 'task_id', 'updated_at', 'value']);
    assert.deepEqual(
      first.body.map((i: Record<string, unknown>) => [i.value, i.done, i.position, i.creator_id, i.completed_by_id, i.task_id]),
      [['Hull', false, 0, editor.userId, null, task.id], ['Sails', true, 1, editor.userId, editor.userId, task.id]],
    );
    const [hull, sails] = first.body as Array<{ id: string; created_at: string }>;

    // The owner ticks the hull, moves it last, drops the sails, adds a mast.
    const second = await t.req('PUT', url, { headers: ten.headers, json: { checklist_items: [{ value: 'Mast' }, { id: hull!.id, value: 'Hull', done: true }] } });
    assert.equal(second.status, 200, second.text);
    assert.deepEqual(second.body.map((i: Record<string, unknown>) => [i.value, i.done, i.position, i.completed_by_id]), [['Mast', false, 0, null], ['Hull', true, 1, ten.userId]]);
    assert.equal(second.body[1].id, hull!.id, 'an item named by its id is kept');
    assert.equal(second.body[1].created_at, hull!.created_at);
    assert.equal(second.body[1].creator_id, editor.userId);
    assert.ok(!second.body.some((i: { id: string }) => i.id === sails!.id), 'an item left out is removed');
    const got = await t.req('GET', url, { headers: editor.headers });
    assert.deepEqual(got.body, second.body);
    const history = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('record_id', '=', task.id).where('type', '=', 'task_checklist_updated').execute();
    assert.equal(history.length, 2);
    // The Workstream surface shows the same rows.
    const ws = await t.req('GET', `/workstream/tasks/${task.sequence}/checklists`, { headers: ten.headers });
    assert.equal(ws.status, 200, ws.text);
    assert.deepEqual(ws.body.map((i: { value: string; status: number }) => [i.value, i.status]), [['Mast', 0], ['Hull', 1]]);
  });

  test('bad input writes nothing: an empty or too long value, an unknown or repeated id, an extra field 400; a viewer 403 unless assignee', async () => {
    const ten = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const task = await createTask(t, ten, { title: 'Voice the captain' });
    const url = `/workspaces/tasks/${task.id}/checklist`;
    const seeded = await t.req('PUT', url, { headers: ten.headers, json: { checklist_items: [{ value: 'Lines' }] } });
    const itemId = seeded.body[0].id as string;
    const before = await counts();
    for (const [body, pointer] of [
      [{ checklist_items: [{ value: '   ' }] }, '/checklist_items/0/value'],
      [{ checklist_items: [{ value: 'x'.repeat(3001) }] }, '/checklist_items/0/value'],
      [{ checklist_items: [{ id: MISSING, value: 'Ghost' }] }, '/checklist_items/0/id'],
      [{ checklist_items: [{ id: itemId, value: 'A' }, { id: itemId, value: 'B' }] }, '/checklist_items/1/id'],
      [{ checklist_items: [{ value: 'Lines', status: 1 }] }, undefined],
      [{}, undefined],
    ] as const) {
      const res = await t.req('PUT', url, { headers: ten.headers, json: body });
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${res.text}`);
      assert.equal(res.body.error.code, 'validation_failed');
      if (pointer) {
        assert.equal(res.body.error.fields[0].pointer, pointer, res.text);
      }
    }
    const byViewer = await t.req('PUT', url, { headers: viewer.headers, json: { checklist_items: [] } });
    assert.equal(byViewer.status, 403, byViewer.text);
    assert.deepEqual(await counts(), before);
    // Assigned to the viewer, the task's checklist is theirs to tick.
    const assigned = await t.req('PATCH', `/workspaces/tasks/${task.id}`, { headers: ten.headers, json: { assignee_id: viewer.userId } });
    assert.equal(assigned.status, 200, assigned.text);
    const ticked = await t.req('PUT', url, { headers: viewer.headers, json: { checklist_items: [{ id: itemId, value: 'Lines', done: true }] } });
    assert.equal(ticked.status, 200, ticked.text);
    assert.equal(ticked.body[0].completed_by_id, viewer.userId);
  });

  test("another tenant's task is 404; no auth 401; a wrong token 401", async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const task = await createTask(t, ten, { title: 'Ours' });
    const foreign = await createTask(t, other, { title: 'Theirs' });
    await t.req('PUT', `/workspaces/tasks/${foreign.id}/checklist`, { headers: other.headers, json: { checklist_items: [{ value: 'Secret' }] } });
    const before = await counts();
    for (const [method, id] of [['GET', foreign.id], ['PUT', foreign.id], ['GET', MISSING], ['PUT', 'not-a-uuid']] as const) {
      const res = await t.req(method, `/workspaces/tasks/${id}/checklist`, { headers: ten.headers, ...(method === 'PUT' ? { json: { checklist_items: [] } } : {}) });
      assert.equal(res.status, 404, `${method} ${id}: ${res.text}`);
      assert.equal(res.body.error.code, 'task_not_found');
      assert.ok(!res.text.includes('Secret'));
    }
    const noAuth = await t.req('GET', `/workspaces/tasks/${task.id}/checklist`, { headers: { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId } });
    assert.equal(noAuth.status, 401, noAuth.text);
    const wrong = await t.req('PUT', `/workspaces/tasks/${task.id}/checklist`, { headers: { ...ten.headers, authorization: 'Bearer nope' }, json: { checklist_items: [] } });
    assert.equal(wrong.status, 401, wrong.text);
    assert.deepEqual(await counts(), before);
  });
});
