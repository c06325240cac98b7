import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadMultipart } from './assets-fixtures.js';

describeEachDatabase('favorites', (t) => {
  const upload = async (ten: Tenant, name: string): Promise<{ id: string; [k: string]: any }> => {
    const res = await uploadMultipart(t, ten, { name, data: Buffer.from(`bytes of ${name}`) });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const url = (assetId: string) => `/workspaces/assets/${assetId}/favorites`;

  test('favourite and unfavourite per caller; the asset\'s `favorited` is the caller\'s; GET /workspaces/favorites', async () => {
    const ten = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await upload(ten, 'a.txt');
    const b = await upload(ten, 'b.txt');
    const c = await upload(ten, 'c.txt');
    assert.equal(a.favorited, false);
    assert.deepEqual((await t.req('GET', url(a.id), { headers: viewer.headers })).body, { favorited: false });

    const fav = await t.req('POST', url(a.id), { headers: viewer.headers });
    assert.equal(fav.status, 200, fav.text);
    assert.deepEqual(fav.body, { favorited: true });
    assert.deepEqual((await t.req('POST', url(a.id), { headers: viewer.headers })).body, { favorited: true });
    await t.req('POST', url(c.id), { headers: viewer.headers });
    await t.req('POST', url(b.id), { headers: ten.headers });

    assert.deepEqual((await t.req('GET', url(a.id), { headers: viewer.headers })).body, { favorited: true });
    assert.deepEqual((await t.req('GET', url(a.id), { headers: ten.headers })).body, { favorited: false });
    assert.equal((await t.req('GET', `/workspaces/assets/${a.id}`, { headers: viewer.headers })).body.favorited, true);
    assert.equal((await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers })).body.favorited, false);
    const byIds = await t.req('GET', `/workspaces/assets/getByIds?ids=${a.id},${b.id},${c.id}`, { headers: viewer.headers });
    assert.deepEqual(byIds.body.map((x: { favorited: boolean }) => x.favorited), [true, false, true]);

    const mine = await t.req('GET', '/workspaces/favorites', { headers: viewer.headers });
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body.map((x: { id: string }) => x.id), [c.id, a.id]);
    assert.equal(mine.body[0].favorited, true);
    const page1 = await t.req('GET', '/workspaces/favorites?limit=1', { headers: viewer.headers });
    assert.deepEqual(page1.body.map((x: { id: string }) => x.id), [c.id]);
    const cursor = String(page1.headers['x-next-cursor']);
    const page2 = await t.req('GET', `/workspaces/favorites?limit=1&cursor=${cursor}`, { headers: viewer.headers });
    assert.deepEqual(page2.body.map((x: { id: string }) => x.id), [a.id]);
    assert.equal(page2.headers['x-next-cursor'], undefined);

    // Trashed favourites are left out of the list.
    await t.deps.db.updateTable('assets').set({ is_active: 0 }).where('id', '=', c.id).execute();
    assert.deepEqual((await t.req('GET', '/workspaces/favorites', { headers: viewer.headers })).body.map((x: { id: string }) => x.id), [a.id]);

    const un = await t.req('DELETE', url(a.id), { headers: viewer.headers });
    assert.deepEqual(un.body, { favorited: false });
    assert.deepEqual((await t.req('DELETE', url(a.id), { headers: viewer.headers })).body, { favorited: false });
    assert.equal((await t.req('GET', `/workspaces/assets/${a.id}`, { headers: viewer.headers })).body.favorited, false);

    const h = await t.deps.db.selectFrom('history_events').select(['type', 'user_id']).where('asset_id', '=', a.id).where('subject_type', '=', 'favorite').orderBy('sequence').execute();
    assert.deepEqual(h.map((e) => [e.type, e.user_id]), [['favorite_added', viewer.userId], ['favorite_removed', viewer.userId]]);
  });

  test('another tenant\'s asset is 404; trashed asset 409; bad paging 400; no token 401; nothing written', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const theirs = await upload(other, 'x.txt');
    const mine = await upload(ten, 'y.txt');
    await t.deps.db.updateTable('assets').set({ is_active: 0 }).where('id', '=', mine.id).execute();
    const before = [await t.count('favorites'), await t.count('history_events')];
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const res = await t.req(method, url(theirs.id), { headers: ten.headers });
      assert.equal(res.status, 404, method);
      assert.equal(res.body.error.code, 'asset_not_found');
    }
    assert.equal((await t.req('POST', url(mine.id), { headers: ten.headers })).status, 409);
    const bad = await t.req('GET', '/workspaces/favorites?limit=0', { headers: ten.headers });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.fields[0].pointer, '/limit');
    const noAuth = { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId };
    assert.equal((await t.req('POST', url(mine.id), { headers: noAuth })).status, 401);
    assert.equal((await t.req('GET', '/workspaces/favorites', { headers: noAuth })).status, 401);
    assert.deepEqual([await t.count('favorites'), await t.count('history_events')], before);
    // The other tenant's favourites never show up here.
    await t.req('POST', url(theirs.id), { headers: other.headers });
    assert.deepEqual((await t.req('GET', '/workspaces/favorites', { headers: ten.headers })).body, []);
  });
});
