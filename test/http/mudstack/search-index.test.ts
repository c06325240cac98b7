import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { PNG_1x1 } from './assets-fixtures.js';
import { found, search, sorted, uploadNamed, type Json } from './search-fixtures.js';

describeEachDatabase('search: sorting, cursor pagination and keeping the index up to date', (t) => {
  /** Walks every page with `limit`, asserting no page repeats an id; returns the ids in order. */
  const walk = async (ten: Tenant, query: Record<string, string>, limit: number): Promise<string[]> => {
    const out: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const res = await search(t, ten, { ids: true, query: { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) } });
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.ids.length <= limit);
      out.push(...res.body.ids);
      cursor = res.body.next_cursor;
      if (!cursor) {
        return out;
      }
    }
    throw new Error('too many pages');
  };

  test('sort orders (name, created_at, updated_at, size, relevance; asc/desc) and cursor walks without dupes or misses', async () => {
    const ten = await t.factory.tenant();
    const made: Json[] = [];
    // Sizes differ from creation order; two assets share a size and a name prefix to exercise ties.
    const specs: Array<[string, number]> = [['kiwi.txt', 30], ['apple.txt', 10], ['mango.txt', 50], ['banana.txt', 10], ['cherry.txt', 40], ['fig.txt', 20], ['date.txt', 60]];
    for (const [name, size] of specs) {
      made.push(await uploadNamed(t, ten, name, { bytes: Buffer.alloc(size, name) }));
      t.clock.advance(10);
    }
    const byName = [...made].sort((a, b) => (a.name < b.name ? -1 : 1)).map((a) => a.id);
    const byCreated = made.map((a) => a.id);
    const bySize = [1, 3, 5, 0, 4, 2, 6].map((i) => made[i]!.id); // 10 (seq order), 10, 20, 30, 40, 50, 60
    // Touch two assets so updated_at differs from created_at order.
    for (const i of [1, 4]) {
      t.clock.advance(10);
      assert.equal((await t.req('PATCH', `/workspaces/assets/${made[i]!.id}`, { headers: ten.headers, json: { description: 'touched' } })).status, 200);
    }
    const byUpdated = [0, 2, 3, 5, 6, 1, 4].map((i) => made[i]!.id);
    const cases: Array<[Record<string, string>, string[]]> = [
      [{}, [...byCreated].reverse()],
      [{ sort: 'created_at', order: 'asc' }, byCreated],
      [{ sort: 'name' }, byName],
      [{ sort: 'name', order: 'desc' }, [...byName].reverse()],
      [{ sort: 'updated_at', order: 'asc' }, byUpdated],
      [{ sort: 'updated_at' }, [...byUpdated].reverse()],
      [{ sort: 'size', order: 'asc' }, bySize],
      [{ sort: 'size' }, [...bySize].reverse()],
      [{ sort: 'relevance' }, [...byCreated].reverse()],
      [{ query: 'txt', sort: 'name' }, byName],
    ];
    for (const [query, expected] of cases) {
      for (const limit of [1, 2, 3, 200]) {
        assert.deepEqual(await walk(ten, query, limit), expected, `${JSON.stringify(query)} limit ${limit}`);
      }
    }
    // The full endpoint pages the same way.
    const first = await search(t, ten, { query: { sort: 'name', limit: '4' } });
    assert.deepEqual(first.body.assets.map((a: Json) => a.id), byName.slice(0, 4));
    const second = await search(t, ten, { query: { sort: 'name', limit: '4', cursor: first.body.next_cursor } });
    assert.deepEqual(second.body.assets.map((a: Json) => a.id), byName.slice(4));
    assert.equal(second.body.next_cursor, null);
  });

  test('relevance: a name match outranks a description or tag match; pages of a relevance sort cover every match once', async () => {
    const ten = await t.factory.tenant();
    const inDescription = await uploadNamed(t, ten, 'scene_01.txt');
    await t.req('PATCH', `/workspaces/assets/${inDescription.id}`, { headers: ten.headers, json: { description: 'a dragon flies over' } });
    const inName = await uploadNamed(t, ten, 'dragon.txt');
    const inTag = await uploadNamed(t, ten, 'scene_02.txt');
    await t.req('POST', `/workspaces/assets/${inTag.id}/tags`, { headers: ten.headers, json: { names: ['Dragon'] } });
    const ids = (await search(t, ten, { ids: true, query: { query: 'dragon' } })).body.ids;
    assert.equal(ids[0], inName.id);
    assert.deepEqual(sorted(...ids), sorted(inDescription.id, inName.id, inTag.id));
    const walked = await walk(ten, { query: 'dragon' }, 1);
    assert.deepEqual(walked, ids);
    assert.deepEqual(await walk(ten, { query: 'dragon', order: 'asc' }, 2), [...ids].reverse());
  });

  test('the index follows renames, description edits, tags (add, remove, rename, delete), trash and restore, versions', async () => {
    const ten = await t.factory.tenant();
    const a = await uploadNamed(t, ten, 'sketch_v1.psd');
    assert.deepEqual(await found(t, ten, 'sketch'), [a.id]);
    assert.equal((await t.req('PATCH', `/workspaces/assets/${a.id}/rename`, { headers: ten.headers, json: { name: 'final_paint.psd' } })).status, 200);
    assert.deepEqual(await found(t, ten, 'sketch'), []);
    assert.deepEqual(await found(t, ten, 'final_paint'), [a.id]);
    await t.req('PATCH', `/workspaces/assets/${a.id}`, { headers: ten.headers, json: { description: 'Approved by Renée' } });
    assert.deepEqual(await found(t, ten, 'renee'), [a.id]);
    assert.deepEqual(await found(t, ten, 'RENÉE approved'), [a.id]);

    const added = await t.req('POST', `/workspaces/assets/${a.id}/tags`, { headers: ten.headers, json: { names: ['Forest Level'] } });
    const tag = added.body[0];
    assert.deepEqual(await found(t, ten, 'forest lev'), [a.id]);
    assert.equal((await t.req('PUT', `/workspaces/tags/${tag.id}`, { headers: ten.headers, json: { name: 'Jungle' } })).status, 200);
    assert.deepEqual(await found(t, ten, 'forest'), []);
    assert.deepEqual(await found(t, ten, 'jungle'), [a.id]);
    assert.equal((await t.req('DELETE', `/workspaces/assets/${a.id}/tags/${tag.id}`, { headers: ten.headers })).status, 200);
    assert.deepEqual(await found(t, ten, 'jungle'), []);
    const again = (await t.req('POST', `/workspaces/assets/${a.id}/tags`, { headers: ten.headers, json: { names: ['Swamp'] } })).body[0];
    assert.deepEqual(await found(t, ten, 'swamp'), [a.id]);
    assert.equal((await t.req('DELETE', `/workspaces/tags/${again.id}`, { headers: ten.headers })).status, 200);
    assert.deepEqual(await found(t, ten, 'swamp'), []);

    assert.equal((await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: ten.headers })).status, 200);
    assert.deepEqual(await found(t, ten, 'final_paint'), []);
    assert.deepEqual(await found(t, ten, 'final_paint', { include_deleted: 'true' }), [a.id]);
    // The name is taken meanwhile: the restored asset gets a numbered file name, which is what the index holds.
    const taker = await uploadNamed(t, ten, 'final_paint.psd');
    assert.equal((await t.req('PATCH', `/workspaces/assets/${a.id}/restore`, { headers: ten.headers })).status, 200);
    assert.deepEqual(await found(t, ten, 'final_paint'), sorted(a.id, taker.id));
    const restored = (await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers })).body;
    assert.notEqual(restored.file_name, 'final_paint.psd');
    assert.equal(await t.count('asset_search'), await t.count('assets'));
  });

  test('metadata written by the media probe job is searchable (format of a file whose name does not say it)', async () => {
    const ten = await t.factory.tenant();
    const a = await uploadNamed(t, ten, 'mystery.bin', { bytes: PNG_1x1 });
    assert.deepEqual(await found(t, ten, 'png'), []);
    await t.jobs.runUntilIdle();
    const row = await t.deps.db.selectFrom('asset_versions').select('metadata').where('asset_id', '=', a.id).executeTakeFirstOrThrow();
    assert.equal(JSON.parse(row.metadata).format, 'png', row.metadata);
    assert.deepEqual(await found(t, ten, 'png'), [a.id]);
    assert.deepEqual(await found(t, ten, 'mystery png'), [a.id]);
  });
});
