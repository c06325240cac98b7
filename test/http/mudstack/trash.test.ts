import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { randomData } from './assets-fixtures.js';
import { uploadFile } from './downloads-fixtures.js';

async function history(t: TestApp, assetId: string): Promise<Array<{ type: string; user_id: string | null; data: any }>> {
  const rows = await t.deps.db.selectFrom('history_events').select(['type', 'user_id', 'data']).where('asset_id', '=', assetId).orderBy('sequence').execute();
  return rows.map((r) => ({ type: r.type, user_id: r.user_id, data: JSON.parse(r.data) }));
}

const activeCount = async (t: TestApp, ten: Tenant): Promise<number> =>
  Number((await t.deps.db.selectFrom('assets').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ten.workspaceId).where('is_active', '=', 1).executeTakeFirstOrThrow()).n);

describeEachDatabase('shared trash: delete, restore, list, purge, empty', (t) => {
  test('DELETE /workspaces/assets/{id} moves the asset to the trash with history; again is a no-op', async () => {
    const ten = await t.factory.tenant();
    const a = await uploadFile(t, ten, 'a.bin', randomData(10), '/Art/');
    const before = t.clock.now().getTime();
    const res = await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: ten.headers });
    const after = t.clock.now().getTime();
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.isActive, false);
    const deletedAt = Date.parse(res.body.deleted_at);
    assert.ok(deletedAt >= before && deletedAt <= after, res.body.deleted_at);
    assert.deepEqual({ ...res.body, isActive: true, deleted_at: null, updated_at: a.updated_at }, a);
    const row = await t.deps.db.selectFrom('assets').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    assert.equal(row.deleted_by_user_id, ten.userId);
    const again = await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: ten.headers });
    assert.equal(again.status, 200);
    assert.equal(again.body.deleted_at, res.body.deleted_at);
    const h = await history(t, a.id);
    assert.equal(h[h.length - 1]?.type, 'asset_deleted');
    assert.deepEqual(h.filter((e) => e.type === 'asset_deleted').map((e) => e.data), [{ name: 'a.bin', file_location: '/Art/', file_name: 'a.bin' }]);
    // The asset stays readable (isActive false) and is listed in the trash.
    assert.equal((await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers })).body.isActive, false);
    const trash = await t.req('GET', '/workspaces/trash', { headers: ten.headers });
    assert.deepEqual(trash.body.map((x: { id: string }) => x.id), [a.id]);
    assert.deepEqual(trash.body[0], res.body);
  });

  test('bulk DELETE: JSON body or ?ids=, all or nothing, bad input 400, tenancy 404, viewer 403, no auth 401', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const [a, b, c] = [await uploadFile(t, ten, 'a.bin', randomData(5)), await uploadFile(t, ten, 'b.bin', randomData(5)), await uploadFile(t, ten, 'c.bin', randomData(5))];
    const theirs = await uploadFile(t, other, 'x.bin', randomData(5));
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const before = [await activeCount(t, ten), await t.count('history_events')];
    const refused: Array<[Record<string, unknown>, number, string]> = [
      [{ json: { ids: [a.id, theirs.id] } }, 404, 'asset_not_found'],
      [{ json: { ids: [a.id, '00000000-0000-4000-8000-000000000000'] } }, 404, 'asset_not_found'],
      [{ json: { ids: [] } }, 400, 'validation_failed'],
      [{ json: { ids: 'nope', extra: 1 } }, 400, 'validation_failed'],
      [{}, 400, 'validation_failed'],
    ];
    for (const [opts, status, code] of refused) {
      const res = await t.req('DELETE', '/workspaces/assets', { headers: ten.headers, ...opts });
      assert.equal(res.status, status, JSON.stringify(opts));
      assert.equal(res.body.error.code, code);
    }
    const empty = await t.req('DELETE', '/workspaces/assets', { headers: ten.headers, json: { ids: [] } });
    assert.equal(empty.body.error.fields[0].pointer, '/ids');
    assert.equal((await t.req('DELETE', '/workspaces/assets', { headers: viewer.headers, json: { ids: [a.id] } })).status, 403);
    assert.equal((await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: viewer.headers })).status, 403);
    assert.equal((await t.req('DELETE', `/workspaces/assets/${a.id}`)).status, 401);
    assert.equal((await t.req('DELETE', `/workspaces/assets/${theirs.id}`, { headers: ten.headers })).status, 404);
    assert.deepEqual([await activeCount(t, ten), await t.count('history_events')], before);

    const byBody = await t.req('DELETE', '/workspaces/assets', { headers: ten.headers, json: { ids: [a.id, b.id, a.id] } });
    assert.equal(byBody.status, 200, byBody.text);
    assert.deepEqual(byBody.body, { deleted: [a.id, b.id] });
    const byQuery = await t.req('DELETE', `/workspaces/assets?ids=${c.id}`, { headers: ten.headers });
    assert.deepEqual(byQuery.body, { deleted: [c.id] });
    assert.equal(await activeCount(t, ten), 0);
    assert.equal((await t.req('GET', `/workspaces/assets/${theirs.id}`, { headers: other.headers })).body.isActive, true);
  });

  test('an asset locked by someone else cannot be deleted (423), by its locker it can', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const a = await uploadFile(t, ten, 'locked.bin', randomData(5));
    await t.deps.db.updateTable('assets').set({ locked_by_user_id: editor.userId }).where('id', '=', a.id).execute();
    const res = await t.req('DELETE', '/workspaces/assets', { headers: ten.headers, json: { ids: [a.id] } });
    assert.equal(res.status, 423);
    assert.equal(res.body.error.code, 'asset_locked');
    assert.equal((await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: editor.headers })).status, 200);
  });

  test('restore onto a taken 255-byte name: the numbered name is shortened to fit, keeping its extension', async () => {
    const ten = await t.factory.tenant();
    const name = `${'é'.repeat(124)}abc.png`;
    assert.equal(Buffer.byteLength(name), 255);
    const a = await uploadFile(t, ten, name, randomData(5), '/Long/');
    await t.req('DELETE', '/workspaces/assets', { headers: ten.headers, json: { ids: [a.id] } });
    await uploadFile(t, ten, name, randomData(6), '/Long/');
    const res = await t.req('PATCH', `/workspaces/assets/${a.id}/restore`, { headers: ten.headers });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.file_name, `${'é'.repeat(123)} (2).png`);
    assert.equal(Buffer.byteLength(res.body.file_name), 254); // 255 would split an é
    // A name the API itself accepts: renaming to it again, and downloading, work.
    const rename = await t.req('PATCH', `/workspaces/assets/${a.id}/rename`, { headers: ten.headers, json: { file_name: res.body.file_name } });
    assert.equal(rename.status, 200, rename.text);
    assert.equal(rename.body.file_name, res.body.file_name);
  });

  test('restore: PATCH .../restore and POST /workspaces/trash/restore; a taken path renames to "name (2).ext"', async () => {
    const ten = await t.factory.tenant();
    const a = await uploadFile(t, ten, 'hero.png.bin', randomData(5), '/Art/');
    const b = await uploadFile(t, ten, 'b.bin', randomData(5));
    await t.req('DELETE', '/workspaces/assets', { headers: ten.headers, json: { ids: [a.id, b.id] } });
    // Someone uploads a new file at the same place meanwhile.
    const taker = await uploadFile(t, ten, 'hero.png.bin', randomData(6), '/Art/');
    assert.notEqual(taker.id, a.id);
    const res = await t.req('PATCH', `/workspaces/assets/${a.id}/restore`, { headers: ten.headers });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.isActive, true);
    assert.equal(res.body.deleted_at, null);
    assert.equal(res.body.file_name, 'hero.png (2).bin');
    assert.equal(res.body.file_location, '/Art/');
    const h = (await history(t, a.id)).filter((e) => e.type === 'asset_restored');
    assert.deepEqual(h.map((e) => e.data), [{ file_location: '/Art/', file_name: 'hero.png (2).bin', renamed_from: 'hero.png.bin' }]);
    // Restoring a live asset changes nothing.
    const again = await t.req('PATCH', `/workspaces/assets/${a.id}/restore`, { headers: ten.headers });
    assert.deepEqual(again.body, res.body);

    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    assert.equal((await t.req('POST', '/workspaces/trash/restore', { headers: viewer.headers, json: { ids: [b.id] } })).status, 403);
    const other = await t.factory.tenant();
    const foreign = await t.req('POST', '/workspaces/trash/restore', { headers: other.headers, json: { ids: [b.id] } });
    assert.equal(foreign.status, 404);
    assert.equal((await t.req('PATCH', `/workspaces/assets/${b.id}/restore`, { headers: other.headers })).status, 404);
    const bulk = await t.req('POST', '/workspaces/trash/restore', { headers: ten.headers, json: { ids: [b.id] } });
    assert.equal(bulk.status, 200, bulk.text);
    assert.deepEqual(bulk.body.map((x: { id: string; isActive: boolean; file_name: string }) => [x.id, x.isActive, x.file_name]), [[b.id, true, 'b.bin']]);
    assert.deepEqual((await t.req('GET', '/workspaces/trash', { headers: ten.headers })).body, []);
  });

  test('GET /workspaces/trash: newest deletion first, limit + cursor, bad cursor 400', async () => {
    const ten = await t.factory.tenant();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const a = await uploadFile(t, ten, `${n}.bin`, randomData(3));
      await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: ten.headers });
      ids.push(a.id);
      t.clock.advance(1);
    }
    await uploadFile(t, ten, 'live.bin', randomData(3));
    const first = await t.req('GET', '/workspaces/trash?limit=2', { headers: ten.headers });
    assert.deepEqual(first.body.map((x: { id: string }) => x.id), [ids[2], ids[1]]);
    const cursor = String(first.headers['x-next-cursor']);
    const second = await t.req('GET', `/workspaces/trash?limit=2&cursor=${cursor}`, { headers: ten.headers });
    assert.deepEqual(second.body.map((x: { id: string }) => x.id), [ids[0]]);
    assert.equal(second.headers['x-next-cursor'], undefined);
    const bad = await t.req('GET', '/workspaces/trash?cursor=garbage', { headers: ten.headers });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.fields[0].pointer, '/cursor');
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    assert.equal((await t.req('GET', '/workspaces/trash', { headers: viewer.headers })).body.length, 3);
    assert.equal((await t.req('GET', '/workspaces/trash')).status, 401);
    const other = await t.factory.tenant();
    assert.deepEqual((await t.req('GET', '/workspaces/trash', { headers: other.headers })).body, []);
  });

  test('purge one (admins): rows and versions go, history stays; live asset 409; editors 403; foreign 404', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const a = await uploadFile(t, ten, 'p.bin', randomData(7));
    await uploadFile(t, ten, 'p.bin', randomData(8));
    const live = await uploadFile(t, ten, 'live.bin', randomData(7));
    await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: ten.headers });
    assert.equal((await t.req('DELETE', `/workspaces/trash/${a.id}`, { headers: editor.headers })).status, 403);
    const other = await t.factory.tenant();
    assert.equal((await t.req('DELETE', `/workspaces/trash/${a.id}`, { headers: other.headers })).status, 404);
    const notTrashed = await t.req('DELETE', `/workspaces/trash/${live.id}`, { headers: ten.headers });
    assert.equal(notTrashed.status, 409);
    assert.equal(notTrashed.body.error.code, 'asset_not_in_trash');
    const res = await t.req('DELETE', `/workspaces/trash/${a.id}`, { headers: ten.headers });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { purged: 1 });
    assert.equal((await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers })).status, 404);
    assert.equal((await t.deps.db.selectFrom('asset_versions').select('id').where('asset_id', '=', a.id).execute()).length, 0);
    const h = await history(t, a.id);
    assert.ok(h.some((e) => e.type === 'asset_deleted'));
    assert.deepEqual(h.filter((e) => e.type === 'asset_purged').map((e) => [e.user_id, e.data]), [
      [ten.userId, { reason: 'manual', name: 'p.bin', file_location: '/', file_name: 'p.bin' }],
    ]);
    assert.equal((await t.req('DELETE', `/workspaces/trash/${a.id}`, { headers: ten.headers })).status, 404);
  });

  test('POST /workspaces/trash/empty purges this workspace only (admins)', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const mine = [await uploadFile(t, ten, '1.bin', randomData(3)), await uploadFile(t, ten, '2.bin', randomData(3))];
    const keep = await uploadFile(t, ten, 'keep.bin', randomData(3));
    const theirs = await uploadFile(t, other, 't.bin', randomData(3));
    await t.req('DELETE', '/workspaces/assets', { headers: ten.headers, json: { ids: mine.map((a) => a.id) } });
    await t.req('DELETE', `/workspaces/assets/${theirs.id}`, { headers: other.headers });
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    assert.equal((await t.req('POST', '/workspaces/trash/empty', { headers: editor.headers })).status, 403);
    const res = await t.req('POST', '/workspaces/trash/empty', { headers: ten.headers });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { purged: 2 });
    assert.deepEqual((await t.req('GET', '/workspaces/trash', { headers: ten.headers })).body, []);
    assert.equal((await t.req('GET', `/workspaces/assets/${keep.id}`, { headers: ten.headers })).status, 200);
    assert.equal((await t.req('GET', '/workspaces/trash', { headers: other.headers })).body.length, 1);
    assert.deepEqual((await t.req('POST', '/workspaces/trash/empty', { headers: ten.headers })).body, { purged: 0 });
  });
});
