import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { uploadMultipart } from './assets-fixtures.js';

// Issue #13: on PostgreSQL, concurrent first use of a tag name answered 409 tag_name_taken to all but one caller,
// although missing names are created. Requests run concurrently through the app (one pool, several connections).
describeEachDatabase('tags: concurrent first use of a name', (t) => {
  test('concurrent adds by the same new name all succeed and make one tag', async () => {
    const ten = await t.factory.tenant();
    const assets: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await uploadMultipart(t, ten, { name: `shot-${i}.txt`, data: Buffer.from(`shot ${i}`) });
      assert.equal(res.status, 201, res.text);
      assets.push(res.body.id as string);
    }
    for (let round = 0; round < 5; round++) {
      const name = `Round ${round}`;
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          t.req('POST', `/workspaces/assets/${assets[i % assets.length]}/tags`, { headers: ten.headers, json: { names: [name, `shared-${round}`] } }),
        ),
      );
      assert.deepEqual(results.map((r) => r.status), Array(8).fill(200), results.map((r) => r.text).join('\n'));
      const tags = await t.deps.db.selectFrom('tags').select(['id', 'name']).where('workspace_id', '=', ten.workspaceId).where('name_key', 'in', [name.toLowerCase(), `shared-${round}`]).execute();
      assert.equal(tags.length, 2);
      // Every response lists the tag that exists, by id.
      const ids = new Set(tags.map((x) => x.id));
      for (const r of results) {
        assert.ok(r.body.filter((x: { id: string }) => ids.has(x.id)).length === 2, r.text);
      }
      const created = await t.deps.db.selectFrom('history_events').select('record_id').where('type', '=', 'tag_created').where('record_id', 'in', [...ids]).execute();
      assert.equal(created.length, 2, 'one tag_created history row per tag');
    }
  });
});
