import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { idsOf, sorted, uploadNamed } from '../mudstack/search-fixtures.js';
import { wsStatuses } from './fixtures.js';

/*
 * The core search filter `has_open_tasks` and Workstream drafts (issue #14; docs/workstream.md "Tasks"): a draft is
 * visible only to its creator, so it is an open task for its creator alone.
 */
describeEachDatabase('workstream drafts in the core search filter has_open_tasks', (t) => {
  let a: Tenant;
  let editor: Tenant;

  test('a draft counts as an open task only for its creator, admins included', async () => {
    a = await t.factory.tenant();
    editor = await t.factory.member(a, { workspace: 'editor' });
    const s = await wsStatuses(t, a);
    assert.ok(s.Draft, 'the draft status exists');
    const drafted = await uploadNamed(t, a, 'drafted.png');
    const open = await uploadNamed(t, a, 'open.png');
    const none = await uploadNamed(t, a, 'none.png');
    const task = (assetId: string, headers: Record<string, string>, body: Record<string, unknown>) =>
      t.req('POST', `/workspaces/assets/${assetId}/tasks`, { headers, json: body });
    const d = await task(drafted.id, editor.headers, { title: 'Editor draft', status: 'Draft' });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.body.status_id, (await t.deps.db.selectFrom('task_statuses').select('id').where('sequence', '=', s.Draft.id).executeTakeFirstOrThrow()).id);
    assert.equal((await task(open.id, a.headers, { title: 'Real task' })).status, 200);

    // The admin (the account owner) does not see the editor's draft: the asset has no open task for them.
    assert.deepEqual(await idsOf(t, a, { query: { has_open_tasks: 'true' } }), [open.id]);
    assert.deepEqual(sorted(...(await idsOf(t, a, { query: { has_open_tasks: 'false' } }))), sorted(drafted.id, none.id));
    // The editor, who made it, does.
    assert.deepEqual(sorted(...(await idsOf(t, editor, { query: { has_open_tasks: 'true' } }))), sorted(drafted.id, open.id));
    assert.deepEqual(await idsOf(t, editor, { query: { has_open_tasks: 'false' } }), [none.id]);
    assert.deepEqual(await idsOf(t, editor, { json: { filters: { has_open_tasks: false } } }), [none.id]);
  });
});
