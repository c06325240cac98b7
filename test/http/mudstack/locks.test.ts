import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadRaw } from './assets-fixtures.js';
import { uploadTo } from './folders-fixtures.js';

describeEachDatabase('file locking', (t) => {
  const lock = (ten: Tenant, id: string) => t.req('POST', `/workspaces/assets/${id}/lock`, { headers: ten.headers });
  const unlock = (ten: Tenant, id: string, force = false) =>
    t.req('DELETE', `/workspaces/assets/${id}/lock${force ? '?force=true' : ''}`, { headers: ten.headers });
  const history = async (assetId: string) =>
    (await t.deps.db.selectFrom('history_events').select(['type', 'user_id', 'data']).where('asset_id', '=', assetId).orderBy('sequence').execute()).map((h) => ({
      type: h.type,
      user_id: h.user_id,
      data: JSON.parse(h.data) as Record<string, unknown>,
    }));

  const assertLockedBy = (res: { status: number; body: any }, holder: Tenant) => {
    assert.equal(res.status, 423, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'asset_locked');
    assert.equal(res.body.error.details.locked_by_user_id, holder.userId);
    assert.ok(res.body.error.message.includes(holder.userId), res.body.error.message);
    // A person reads this refusal (asset page, upload row, CLI): it names the holder, not only their id.
    assert.ok(res.body.error.message.includes(`<${holder.email}>`), res.body.error.message);
  };

  test('lock sets locked_by_user_id and locked_at, is idempotent for the holder, and records history', async () => {
    const ten = await t.factory.tenant();
    const a = await uploadTo(t, ten, 'hero.psd', '/Art/');
    assert.equal(a.locked_by_user_id, null);
    const res = await lock(ten, a.id);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.id, a.id);
    assert.equal(res.body.locked_by_user_id, ten.userId);
    assert.equal(typeof res.body.locked_at, 'string');
    const got = await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers });
    assert.deepEqual(got.body, res.body);
    const again = await lock(ten, a.id);
    assert.equal(again.status, 200);
    assert.equal(again.body.locked_at, res.body.locked_at);
    const locks = (await history(a.id)).filter((h) => h.type.startsWith('asset_lock'));
    assert.deepEqual(locks, [{ type: 'asset_locked', user_id: ten.userId, data: { locked_by_user_id: ten.userId, locked_at: res.body.locked_at } }]);
  });

  test('while locked, another editor cannot add a version, rename, move or delete (423 naming the holder); the holder can', async () => {
    const ten = await t.factory.tenant();
    const holder = await t.factory.member(ten, { workspace: 'editor' });
    const other = await t.factory.member(ten, { workspace: 'editor' });
    const a = await uploadTo(t, ten, 'hero.txt', '/Art/');
    assert.equal((await lock(holder, a.id)).status, 200);
    const counts = [await t.count('asset_versions'), await t.count('history_events')];
    assertLockedBy(await uploadRaw(t, other, Buffer.from('v2 by other'), { file_name: 'hero.txt', file_location: '/Art/' }), holder);
    assertLockedBy(await uploadRaw(t, other, Buffer.from('v2 by other'), {}, 'application/octet-stream', `/workspaces/assets/${a.id}/versions`), holder);
    assertLockedBy(await t.req('PATCH', `/workspaces/assets/${a.id}/rename`, { headers: other.headers, json: { name: 'villain.txt' } }), holder);
    assertLockedBy(await t.req('PATCH', `/workspaces/assets/${a.id}`, { headers: other.headers, json: { file_location: '/Elsewhere/' } }), holder);
    assertLockedBy(await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: other.headers }), holder);
    assert.deepEqual([await t.count('asset_versions'), await t.count('history_events')], counts);
    // An admin is refused too: only force-unlocking overrides a lock.
    assertLockedBy(await t.req('PATCH', `/workspaces/assets/${a.id}/rename`, { headers: ten.headers, json: { name: 'admin.txt' } }), holder);

    const v2 = await uploadRaw(t, holder, Buffer.from('v2 by holder'), { file_name: 'hero.txt', file_location: '/Art/' });
    assert.equal(v2.status, 201, v2.text);
    assert.equal(v2.body.versions.length, 2);
    const renamed = await t.req('PATCH', `/workspaces/assets/${a.id}/rename`, { headers: holder.headers, json: { name: 'hero-final.txt' } });
    assert.equal(renamed.status, 200, renamed.text);
    const moved = await t.req('PATCH', `/workspaces/assets/${a.id}`, { headers: holder.headers, json: { file_location: '/Final/' } });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.file_location, '/Final/');
    assert.equal(moved.body.locked_by_user_id, holder.userId);
    const del = await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: holder.headers });
    assert.equal(del.status, 200, del.text);
  });

  test('unlock: a non-holder gets 423, the holder unlocks; unlocking an unlocked asset is a no-op', async () => {
    const ten = await t.factory.tenant();
    const holder = await t.factory.member(ten, { workspace: 'editor' });
    const other = await t.factory.member(ten, { workspace: 'editor' });
    const a = await uploadTo(t, ten, 'u.txt', '/');
    await lock(holder, a.id);
    assertLockedBy(await unlock(other, a.id), holder);
    assertLockedBy(await lock(other, a.id), holder);
    const res = await unlock(holder, a.id);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.locked_by_user_id, null);
    assert.equal(res.body.locked_at, null);
    const again = await unlock(holder, a.id);
    assert.equal(again.status, 200);
    assert.equal(again.body.locked_by_user_id, null);
    const types = (await history(a.id)).map((h) => h.type).filter((x) => x.startsWith('asset_lock') || x === 'asset_unlocked');
    assert.deepEqual(types, ['asset_locked', 'asset_unlocked']);
    // Free again: the other editor can lock and write now.
    assert.equal((await lock(other, a.id)).body.locked_by_user_id, other.userId);
  });

  test('force unlock: a workspace admin clears anyone\'s lock (history names the previous holder); an editor cannot (403)', async () => {
    const ten = await t.factory.tenant();
    const holder = await t.factory.member(ten, { workspace: 'editor' });
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const wsAdmin = await t.factory.member(ten, { workspace: 'admin' });
    const a = await uploadTo(t, ten, 'f.txt', '/');
    await lock(holder, a.id);
    const denied = await unlock(editor, a.id, true);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'permission_denied');
    const res = await unlock(wsAdmin, a.id, true);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.locked_by_user_id, null);
    const forced = (await history(a.id)).filter((h) => h.type === 'asset_lock_forced');
    assert.equal(forced.length, 1);
    assert.equal(forced[0]!.user_id, wsAdmin.userId);
    assert.equal(forced[0]!.data.previous_locked_by_user_id, holder.userId);
    // The account owner acts as a workspace admin too.
    await lock(holder, a.id);
    assert.equal((await unlock(ten, a.id, true)).body.locked_by_user_id, null);
  });

  test('concurrent lock attempts by 10 users: exactly one wins, nine get 423 naming the winner', async () => {
    const ten = await t.factory.tenant();
    const a = await uploadTo(t, ten, 'race.txt', '/');
    const users = await Promise.all(Array.from({ length: 10 }, () => t.factory.member(ten, { workspace: 'editor' })));
    const results = await Promise.all(users.map((u) => lock(u, a.id)));
    const winners = results.filter((r) => r.status === 200);
    const losers = results.filter((r) => r.status === 423);
    assert.equal(winners.length, 1, results.map((r) => r.status).join(','));
    assert.equal(losers.length, 9);
    const winnerId = winners[0]!.body.locked_by_user_id as string;
    assert.ok(users.some((u) => u.userId === winnerId));
    for (const l of losers) {
      assert.equal(l.body.error.details.locked_by_user_id, winnerId);
    }
    const got = await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers });
    assert.equal(got.body.locked_by_user_id, winnerId);
    assert.equal((await history(a.id)).filter((h) => h.type === 'asset_locked').length, 1);
  });

  test('viewers cannot lock (403); another tenant\'s asset ids are 404; no token is 401; a trashed asset is 409', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const a = await uploadTo(t, ten, 'v.txt', '/');
    const theirs = await uploadTo(t, other, 'theirs.txt', '/');
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const denied = await lock(viewer, a.id);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'permission_denied');
    assert.equal((await unlock(viewer, a.id)).status, 403);
    for (const res of [await lock(ten, theirs.id), await unlock(ten, theirs.id), await unlock(ten, theirs.id, true), await lock(ten, '00000000-0000-4000-8000-000000000000')]) {
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'asset_not_found');
    }
    const noToken = { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId };
    assert.equal((await t.req('POST', `/workspaces/assets/${a.id}/lock`, { headers: noToken })).status, 401);
    assert.equal((await t.req('DELETE', `/workspaces/assets/${a.id}/lock`, { headers: noToken })).status, 401);
    const theirsNow = await t.req('GET', `/workspaces/assets/${theirs.id}`, { headers: other.headers });
    assert.equal(theirsNow.body.locked_by_user_id, null);
    assert.equal((await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: ten.headers })).status, 200);
    const trashed = await lock(ten, a.id);
    assert.equal(trashed.status, 409);
    assert.equal(trashed.body.error.code, 'asset_in_trash');
  });
});
