import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { bearer, wsStatuses } from './fixtures.js';
import { createForm } from './forms-fixtures.js';

/*
 * T1 `sort=keyword_count` (issue #14; docs/workstream.md "Tasks"): the number of distinct keywords of the task (its
 * form answers), kept in `tasks.keyword_count` when the task is made; ties and tasks without keywords by id.
 */
describeEachDatabase('workstream T1: sort by keyword_count', (t) => {
  let a: Tenant;

  test('tasks sort by their number of distinct keywords, both directions, ties by id', async () => {
    a = await t.factory.tenant();
    const st = await wsStatuses(t, a);
    const f = await createForm(t, a, { name: 'Keywords', fields: [{ type: 25, question: 'Keywords' }] });
    const submit = async (name: string, keywords: string | undefined) => {
      const res = await t.req('POST', '/workstream/tasks', {
        headers: bearer(a),
        json: { form_id: f.sequence, status: st.Pending?.id, name, ...(keywords === undefined ? {} : { keywords }) },
      });
      assert.equal(res.status, 200, res.text);
      return res.body.id as number;
    };
    // Submitted out of order, so an id sort would give another answer than a count sort.
    const three = await submit('three', 'red, green, blue');
    const none = await submit('none', undefined);
    const one = await submit('one', 'solo');
    // Duplicates (case-insensitive) and blanks do not count: 2 keywords.
    const two = await submit('two', 'Sky, sky, , cloud,');
    const alsoOne = await submit('also one', 'single');
    // A core task (no form) has none.
    const core = await t.req('POST', '/workspaces/tasks', { headers: a.headers, json: { title: 'core' } });
    assert.equal(core.status, 200, core.text);
    const coreId = Number(core.body.sequence);
    const counts = await t.deps.db.selectFrom('tasks').select(['sequence', 'keyword_count']).where('workspace_id', '=', a.workspaceId).execute();
    const countOf = new Map(counts.map((r) => [Number(r.sequence), Number(r.keyword_count)]));
    assert.deepEqual([three, none, one, two, alsoOne, coreId].map((id) => countOf.get(id)), [3, 0, 1, 2, 1, 0]);

    const order = async (query: string) => {
      const res = await t.req('GET', `/workstream/tasks?sort=keyword_count${query}`, { headers: bearer(a) });
      assert.equal(res.status, 200, res.text);
      return res.body.map((x: { id: number }) => x.id);
    };
    assert.deepEqual(await order(''), [none, coreId, one, alsoOne, two, three]);
    assert.deepEqual(await order('&sortdir=asc'), [none, coreId, one, alsoOne, two, three]);
    assert.deepEqual(await order('&sortdir=DESC'), [three, two, alsoOne, one, coreId, none]);
    assert.deepEqual(await order('&sortdir=desc&limit=2&offset=1'), [two, alsoOne]);
  });
});
