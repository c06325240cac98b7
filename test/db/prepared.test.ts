import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { prepare } from '../../src/db/prepared.js';
import type { DB } from '../../src/db/schema.js';
import { defineJob } from '../../src/jobs/define.js';
import { enqueueJob } from '../../src/jobs/queue.js';
import { describeEachDatabase } from '../harness/app.js';

const noop = defineJob({ name: 'test.prepared', payload: Type.Object({ n: Type.Number() }), async handler() {} });

// One prepared query, run with array values of several lengths and several literal limits, on both databases in one
// process: each run must see its own values, never a template or a value of another shape or database.
const byName = prepare(
  (db: Kysely<DB>, p: { ids: string[]; minPriority: number; limit: number }) =>
    db.selectFrom('jobs').select(['id', 'priority']).where('id', 'in', p.ids).where('priority', '>=', p.minPriority).orderBy('priority').limit(p.limit),
  { literal: ['limit'] },
);

const setPriority = prepare((db: Kysely<DB>, p: { id: string; priority: number }) =>
  db.updateTable('jobs').set({ priority: p.priority }).where('id', '=', p.id),
);

describeEachDatabase('prepared queries', (t) => {
  test('run with the values of each call, one template per array length and literal value', async () => {
    const deps = t.jobs.withDefinitions([noop]);
    const ids: string[] = [];
    for (const priority of [10, 20, 30]) {
      ids.push((await enqueueJob(deps, 'test.prepared', { n: priority }, { priority })).job.id);
    }
    const [a = '', b = '', c = ''] = ids;
    const run = async (p: { ids: string[]; minPriority: number; limit: number }) => (await byName.rows(t.deps.db, p)).map((r) => r.priority);
    // Shortest array first: a template of one `in` slot reused for three ids would find one job.
    assert.deepEqual(await run({ ids: [c], minPriority: 0, limit: 10 }), [30]);
    assert.deepEqual(await run({ ids: [b, c], minPriority: 0, limit: 10 }), [20, 30]);
    assert.deepEqual(await run({ ids: [a, b, c], minPriority: 0, limit: 10 }), [10, 20, 30]);
    assert.deepEqual(await run({ ids: [a, b, c], minPriority: 15, limit: 10 }), [20, 30]);
    assert.deepEqual(await run({ ids: [a, b, c], minPriority: 0, limit: 1 }), [10]);
    assert.deepEqual(await run({ ids: [a, b, c], minPriority: 0, limit: 2 }), [10, 20]);
    assert.equal(await setPriority.affected(t.deps.db, { id: b, priority: 40 }), 1);
    assert.equal(await setPriority.affected(t.deps.db, { id: 'no-such-job', priority: 40 }), 0);
    assert.deepEqual(await run({ ids: [a, b, c], minPriority: 0, limit: 10 }), [10, 30, 40]);
    const first = await byName.first(t.deps.db, { ids: [a, b], minPriority: 11, limit: 5 });
    assert.deepEqual(first, { id: b, priority: 40 });
  });
});
