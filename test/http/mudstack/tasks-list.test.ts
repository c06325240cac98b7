import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { createTask, taskStatuses, uploadAsset } from './tasks-fixtures.js';

describeEachDatabase('tasks: list filters and pagination', (t) => {
  let ten: Tenant;
  let editor: Tenant;
  const ids: Record<string, string> = {};
  let assetId = '';

  const titles = async (query: Record<string, string | string[]>, url = '/workspaces/tasks'): Promise<string[]> => {
    const res = await t.req('GET', url, { headers: ten.headers, query });
    assert.equal(res.status, 200, res.text);
    return res.body.tasks.map((x: { title: string }) => x.title);
  };

  test('setup: five tasks with different statuses, people, priorities, due dates', async () => {
    ten = await t.factory.tenant();
    editor = await t.factory.member(ten, { workspace: 'editor' });
    assetId = (await uploadAsset(t, ten, 'hero.txt')).id;
    const specs: Array<[string, Record<string, unknown>, Tenant]> = [
      ['Alpha rig', { priority: 'Low', due_date: '2026-12-01', asset_id: assetId }, ten],
      ['Beta paint', { priority: 'High', status: 'Completed', assignee_id: editor.userId }, ten],
      ['Gamma 100%_done', { priority: 'Medium', status: 'In Progress', due_date: '2026-12-10T12:00:00Z', assignee_id: editor.userId }, editor],
      ['Delta RIG', { priority: 'High', due_date: '2026-11-30', asset_id: assetId }, editor],
      ['Epsilon', {}, ten],
    ];
    for (const [title, body, who] of specs) {
      t.clock.advance(1);
      ids[title] = (await createTask(t, who, { title, ...body })).id;
    }
  });

  test('GET /tasks and GET /workspaces/tasks: {"tasks": [...], "next_cursor": null}, newest first by default', async () => {
    const a = await t.req('GET', '/tasks', { headers: ten.headers });
    const b = await t.req('GET', '/workspaces/tasks', { headers: ten.headers });
    assert.equal(a.status, 200);
    assert.deepEqual(Object.keys(a.body).sort(), ['next_cursor', 'tasks']);
    assert.equal(a.body.next_cursor, null);
    assert.equal(a.headers['x-next-cursor'], undefined);
    assert.deepEqual(a.body, b.body);
    assert.deepEqual(a.body.tasks.map((x: { title: string }) => x.title), ['Epsilon', 'Delta RIG', 'Gamma 100%_done', 'Beta paint', 'Alpha rig']);
    const other = await t.factory.tenant();
    assert.deepEqual((await t.req('GET', '/tasks', { headers: other.headers })).body, { tasks: [], next_cursor: null });
  });

  test('filters', async () => {
    const st = await taskStatuses(t, ten);
    assert.deepEqual(await titles({ status: 'Completed' }), ['Beta paint']);
    assert.deepEqual(await titles({ status: ['pending', 'In Progress'] }), ['Epsilon', 'Delta RIG', 'Gamma 100%_done', 'Alpha rig']);
    assert.deepEqual(await titles({ status: 'Nope' }), []);
    assert.deepEqual(await titles({ status_id: st['In Progress']!.id }), ['Gamma 100%_done']);
    assert.deepEqual(await titles({ assignee_id: editor.userId }), ['Gamma 100%_done', 'Beta paint']);
    const asEditor = await t.req('GET', '/tasks', { headers: editor.headers, query: { assignee_id: 'me' } });
    assert.deepEqual(asEditor.body.tasks.map((x: { title: string }) => x.title), ['Gamma 100%_done', 'Beta paint']);
    assert.deepEqual(await titles({ creator_id: editor.userId }), ['Delta RIG', 'Gamma 100%_done']);
    assert.deepEqual(await titles({ creator_id: 'me' }), ['Epsilon', 'Beta paint', 'Alpha rig']);
    assert.deepEqual(await titles({ asset_id: assetId }), ['Delta RIG', 'Alpha rig']);
    assert.deepEqual(await titles({ priority: 'High' }), ['Delta RIG', 'Beta paint']);
    assert.deepEqual(await titles({ priority: ['Low', 'Medium'] }), ['Epsilon', 'Gamma 100%_done', 'Alpha rig']);
    assert.deepEqual(await titles({ due_before: '2026-12-05' }), ['Delta RIG', 'Alpha rig']);
    assert.deepEqual(await titles({ due_after: '2026-12-01' }), ['Gamma 100%_done', 'Alpha rig']);
    assert.deepEqual(await titles({ due_after: '2026-12-01', due_before: '2026-12-10T13:00:00Z' }), ['Gamma 100%_done', 'Alpha rig']);
    assert.deepEqual(await titles({ open: 'false' }), ['Beta paint']);
    assert.deepEqual(await titles({ open: 'true', priority: 'High' }), ['Delta RIG']);
    assert.deepEqual(await titles({ q: 'rig' }), ['Delta RIG', 'Alpha rig']);
    assert.deepEqual(await titles({ q: '100%_' }), ['Gamma 100%_done']);
    assert.deepEqual(await titles({ q: '%' }), ['Gamma 100%_done']);
    assert.deepEqual(await titles({ q: 'a_p' }), []);
  });

  test('per-asset list takes the same filters and answers an array', async () => {
    const res = await t.req('GET', `/workspaces/assets/${assetId}/tasks`, { headers: ten.headers, query: { priority: 'Low' } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.map((x: { title: string }) => x.title), ['Alpha rig']);
  });

  test('sorting', async () => {
    assert.deepEqual(await titles({ sort: 'created_at' }), ['Alpha rig', 'Beta paint', 'Gamma 100%_done', 'Delta RIG', 'Epsilon']);
    assert.deepEqual(await titles({ sort: 'due_date' }), ['Delta RIG', 'Alpha rig', 'Gamma 100%_done', 'Beta paint', 'Epsilon']);
    assert.deepEqual(await titles({ sort: '-due_date' }), ['Epsilon', 'Beta paint', 'Gamma 100%_done', 'Alpha rig', 'Delta RIG']);
    assert.deepEqual(await titles({ sort: '-priority' }), ['Delta RIG', 'Beta paint', 'Epsilon', 'Gamma 100%_done', 'Alpha rig']);
    assert.deepEqual(await titles({ sort: 'priority' }), ['Alpha rig', 'Gamma 100%_done', 'Epsilon', 'Beta paint', 'Delta RIG']);
    t.clock.advance(1);
    await t.req('PATCH', `/workspaces/tasks/${ids['Beta paint']}`, { headers: ten.headers, json: { description: 'touched' } });
    assert.deepEqual((await titles({ sort: '-updated_at' }))[0], 'Beta paint');
  });

  test('pagination: limit + cursor in next_cursor and x-next-cursor, for every sort; pages never overlap', async () => {
    for (const sort of ['-created_at', 'created_at', 'due_date', '-due_date', 'priority', '-priority', 'updated_at']) {
      const all = await titles({ sort });
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i += 1) {
        const res = await t.req('GET', '/tasks', { headers: ten.headers, query: { sort, limit: '2', ...(cursor ? { cursor } : {}) } });
        assert.equal(res.status, 200, res.text);
        assert.ok(res.body.tasks.length <= 2);
        seen.push(...res.body.tasks.map((x: { title: string }) => x.title));
        assert.equal(res.headers['x-next-cursor'], res.body.next_cursor ?? undefined);
        cursor = res.body.next_cursor ?? undefined;
        if (!cursor) {
          break;
        }
      }
      assert.deepEqual(seen, all, sort);
    }
    const page = await t.req('GET', `/workspaces/assets/${assetId}/tasks`, { headers: ten.headers, query: { limit: '1' } });
    assert.equal(page.body.length, 1);
    const next = page.headers['x-next-cursor'] as string;
    assert.ok(next);
    const page2 = await t.req('GET', `/workspaces/assets/${assetId}/tasks`, { headers: ten.headers, query: { limit: '1', cursor: next } });
    assert.deepEqual([page.body[0].title, page2.body[0].title], ['Delta RIG', 'Alpha rig']);
    assert.equal(page2.headers['x-next-cursor'], undefined);
  });

  test('bad query is 400 with fields', async () => {
    const cursor = (await t.req('GET', '/tasks', { headers: ten.headers, query: { limit: '1', sort: 'priority' } })).body.next_cursor;
    const cases: Array<[Record<string, string>, string]> = [
      [{ sort: 'title' }, '/sort'],
      [{ limit: '0' }, '/limit'],
      [{ limit: '501' }, '/limit'],
      [{ priority: 'Urgent' }, '/priority/0'],
      [{ open: 'maybe' }, '/open'],
      [{ assignee_id: 'bob' }, '/assignee_id'],
      [{ asset_id: 'nope' }, '/asset_id'],
      [{ due_before: 'soon' }, '/due_before'],
      [{ cursor: 'garbage' }, '/cursor'],
      [{ cursor, sort: 'created_at' }, '/cursor'],
      [{ bogus: '1' }, '/bogus'],
    ];
    for (const [query, pointer] of cases) {
      const res = await t.req('GET', '/tasks', { headers: ten.headers, query });
      assert.equal(res.status, 400, `${JSON.stringify(query)} ${res.text}`);
      assert.equal(res.body.error.fields[0].pointer, pointer, JSON.stringify(query));
    }
  });
});
