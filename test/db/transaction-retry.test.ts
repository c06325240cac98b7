import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inTransaction } from '../../src/domain/context.js';
import { describeEachDatabase } from '../harness/app.js';

/** A promise with its resolve, to hold one transaction at a point until the other gets there. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

// Issue #13: on PostgreSQL two writers that lock the same rows in opposite orders deadlock, and the database rolls
// one back (40P01). inTransaction runs the victim again, so neither caller sees the error.
describeEachDatabase('transactions: deadlock victims are run again', (t) => {
  test('two transactions locking two rows in opposite orders both commit', { skip: t.kind === 'sqlite' && 'SQLite runs one writing transaction at a time' }, async () => {
    const ten = await t.factory.tenant();
    for (const name of ['left', 'right']) {
      assert.equal((await t.req('POST', '/workspaces/tags', { headers: ten.headers, json: { name } })).status, 200);
    }
    const rows = await t.deps.db.selectFrom('tags').select(['id', 'name']).where('workspace_id', '=', ten.workspaceId).orderBy('name').execute();
    const [left, right] = rows.map((r) => r.id);
    assert.ok(left && right);
    const firstLocked = [gate(), gate()];
    const attempts = [0, 0];
    const writer = (i: number, order: readonly string[]) =>
      inTransaction(t.deps, async (tx) => {
        attempts[i] = (attempts[i] ?? 0) + 1;
        const [a = '', b = ''] = order;
        await tx.db.updateTable('tags').set({ color: `#00000${i}` }).where('id', '=', a).execute();
        if (attempts[i] === 1) {
          // Both hold their first row before either asks for its second: a deadlock, every time.
          firstLocked[i]?.open();
          await firstLocked[1 - i]?.wait;
        }
        await tx.db.updateTable('tags').set({ color: `#00000${i}` }).where('id', '=', b).execute();
      });
    await Promise.all([writer(0, [left, right]), writer(1, [right, left])]);
    assert.deepEqual([...attempts].sort(), [1, 2], 'the victim ran twice, the other once');
    const colors = await t.deps.db.selectFrom('tags').select('color').where('id', 'in', [left, right]).execute();
    assert.equal(new Set(colors.map((c) => c.color)).size, 1, 'the later commit wrote both rows');
  });
});
