import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadTo } from './folders-fixtures.js';

describeEachDatabase('folders: rename, move, delete', (t) => {
  const create = async (ten: Tenant, path: string) => {
    const res = await t.req('POST', `/workspaces/folders?folder=${encodeURIComponent(path)}`, { headers: ten.headers });
    assert.equal(res.status, 200, res.text);
    return res.body as { id: string; path: string; parent_id: string | null; [k: string]: any };
  };
  const byPath = (ten: Tenant, path: string) => t.req('GET', `/workspaces/folders?folder=${encodeURIComponent(path)}`, { headers: ten.headers });
  const location = async (ten: Tenant, id: string) => (await t.req('GET', `/workspaces/assets/${id}`, { headers: ten.headers })).body.file_location;

  test('rename updates the folder, every descendant folder and every asset below it (and nothing beside it)', async () => {
    const ten = await t.factory.tenant();
    const art = await create(ten, '/Art');
    const a = await uploadTo(t, ten, 'a.txt', '/Art/');
    const b = await uploadTo(t, ten, 'b.txt', '/Art/Props/');
    const c = await uploadTo(t, ten, 'c.txt', '/Art/Props/Deep/');
    const side = await uploadTo(t, ten, 'side.txt', '/Art_old/');
    const props = (await byPath(ten, '/Art/Props')).body;
    const res = await t.req('PUT', `/workspaces/folders/${art.id}`, { headers: ten.headers, json: { name: 'Artwork' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.id, art.id);
    assert.equal(res.body.path, '/Artwork/');
    assert.equal(res.body.name, 'Artwork');
    assert.equal(res.body.parent_id, null);
    assert.equal(await location(ten, a.id), '/Artwork/');
    assert.equal(await location(ten, b.id), '/Artwork/Props/');
    assert.equal(await location(ten, c.id), '/Artwork/Props/Deep/');
    assert.equal(await location(ten, side.id), '/Art_old/');
    const movedProps = await t.req('GET', `/workspaces/folders/${props.id}`, { headers: ten.headers });
    assert.equal(movedProps.body.path, '/Artwork/Props/');
    assert.equal(movedProps.body.parent_id, art.id);
    assert.equal((await byPath(ten, '/Artwork/Props/Deep')).status, 200);
    assert.equal((await byPath(ten, '/Art')).status, 404);
    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('record_id', '=', art.id).orderBy('sequence', 'desc').executeTakeFirstOrThrow();
    assert.equal(h.type, 'folder_renamed');
    assert.deepEqual(JSON.parse(h.data).before.path, '/Art/');
    const ah = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('asset_id', '=', c.id).orderBy('sequence', 'desc').executeTakeFirstOrThrow();
    assert.equal(ah.type, 'asset_updated');
    assert.deepEqual(JSON.parse(ah.data).after, { file_location: '/Artwork/Props/Deep/' });
  });

  test('move by path and by parent_id; missing parents are created; trashed assets below move along', async () => {
    const ten = await t.factory.tenant();
    const props = await create(ten, '/Art/Props');
    const x = await uploadTo(t, ten, 'x.txt', '/Art/Props/Sub/');
    const trashed = await uploadTo(t, ten, 'old.txt', '/Art/Props/');
    assert.equal((await t.req('DELETE', `/workspaces/assets/${trashed.id}`, { headers: ten.headers })).status, 200);
    const res = await t.req('PUT', `/workspaces/folders/${props.id}`, { headers: ten.headers, json: { path: '/Library/Shared/Props' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.path, '/Library/Shared/Props/');
    const shared = (await byPath(ten, '/Library/Shared')).body;
    assert.equal(res.body.parent_id, shared.id);
    assert.equal(await location(ten, x.id), '/Library/Shared/Props/Sub/');
    assert.equal(await location(ten, trashed.id), '/Library/Shared/Props/');
    const art = (await byPath(ten, '/Art')).body;
    const back = await t.req('PUT', `/workspaces/folders/${props.id}`, { headers: ten.headers, json: { parent_id: art.id, name: 'Items' } });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.path, '/Art/Items/');
    assert.equal(await location(ten, x.id), '/Art/Items/Sub/');
    const top = await t.req('PUT', `/workspaces/folders/${props.id}`, { headers: ten.headers, json: { parent_id: null } });
    assert.equal(top.body.path, '/Items/');
    assert.equal(top.body.parent_id, null);
    const same = await t.req('PUT', `/workspaces/folders/${props.id}`, { headers: ten.headers, json: { path: '/Items/' } });
    assert.equal(same.status, 200);
    assert.deepEqual(same.body, top.body);
  });

  test('move into its own subtree is 400, onto an existing folder 409; nothing changes', async () => {
    const ten = await t.factory.tenant();
    const a = await create(ten, '/A');
    const ab = await create(ten, '/A/B');
    await create(ten, '/C');
    const asset = await uploadTo(t, ten, 'f.txt', '/A/B/');
    const before = [await t.count('folders'), await t.count('history_events')];
    const bad: Array<[unknown, string]> = [
      [{ path: '/A/B/Inside' }, '/path'],
      [{ parent_id: ab.id }, '/parent_id'],
      [{ path: '/' }, '/path'],
      [{ name: 'x/y' }, '/name'],
      [{}, '/path'],
      [{ path: '/A/../..' }, '/path'],
    ];
    for (const [json, pointer] of bad) {
      const res = await t.req('PUT', `/workspaces/folders/${a.id}`, { headers: ten.headers, json });
      assert.equal(res.status, 400, JSON.stringify(json));
      assert.equal(res.body.error.fields[0].pointer, pointer, JSON.stringify(json));
    }
    const taken = await t.req('PUT', `/workspaces/folders/${a.id}`, { headers: ten.headers, json: { name: 'C' } });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error.code, 'folder_path_taken');
    const up = await t.req('PUT', `/workspaces/folders/${ab.id}`, { headers: ten.headers, json: { path: '/A' } });
    assert.equal(up.status, 409);
    assert.deepEqual([await t.count('folders'), await t.count('history_events')], before);
    assert.equal(await location(ten, asset.id), '/A/B/');
    assert.equal((await t.req('GET', `/workspaces/folders/${a.id}`, { headers: ten.headers })).body.path, '/A/');
  });

  test('delete: an empty folder goes; a non-empty one is 409 unless recursive, which trashes its assets', async () => {
    const ten = await t.factory.tenant();
    const empty = await create(ten, '/Empty');
    const del = await t.req('DELETE', `/workspaces/folders/${empty.id}`, { headers: ten.headers });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { ok: true });
    assert.equal((await t.req('GET', `/workspaces/folders/${empty.id}`, { headers: ten.headers })).status, 404);

    const full = await create(ten, '/Full');
    const withSub = await create(ten, '/WithSub');
    await create(ten, '/WithSub/Child');
    const a = await uploadTo(t, ten, 'a.txt', '/Full/');
    const b = await uploadTo(t, ten, 'b.txt', '/Full/Deep/');
    const keep = await uploadTo(t, ten, 'keep.txt', '/Fuller/');
    for (const f of [full, withSub]) {
      const res = await t.req('DELETE', `/workspaces/folders/${f.id}`, { headers: ten.headers });
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'folder_not_empty');
    }
    const folders = await t.count('folders');
    const rec = await t.req('DELETE', `/workspaces/folders/${full.id}?recursive=true`, { headers: ten.headers });
    assert.equal(rec.status, 200, rec.text);
    assert.equal(await t.count('folders'), folders - 2);
    for (const id of [a.id, b.id]) {
      const got = (await t.req('GET', `/workspaces/assets/${id}`, { headers: ten.headers })).body;
      assert.equal(got.isActive, false);
      assert.equal(typeof got.deleted_at, 'string');
    }
    const row = await t.deps.db.selectFrom('assets').select(['is_active', 'deleted_by_user_id']).where('id', '=', a.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { is_active: 0, deleted_by_user_id: ten.userId });
    const trash = await t.req('GET', '/workspaces/trash', { headers: ten.headers });
    assert.equal(trash.status, 200);
    assert.equal((await t.req('GET', `/workspaces/assets/${keep.id}`, { headers: ten.headers })).body.isActive, true);
    assert.equal((await byPath(ten, '/Fuller')).status, 200);
    const sub = await t.req('DELETE', `/workspaces/folders/${withSub.id}?recursive=true`, { headers: ten.headers });
    assert.equal(sub.status, 200);
    assert.equal((await byPath(ten, '/WithSub/Child')).status, 404);
    // Restoring an asset from the trash brings its folders back.
    assert.equal((await byPath(ten, '/Full/Deep')).status, 404);
    const restored = await t.req('PATCH', `/workspaces/assets/${b.id}/restore`, { headers: ten.headers });
    assert.equal(restored.status, 200, restored.text);
    assert.equal(restored.body.file_location, '/Full/Deep/');
    assert.equal((await byPath(ten, '/Full/Deep')).status, 200);
    assert.equal((await byPath(ten, '/Full')).body.parent_id, null);
  });

  test('recursive delete and moves refuse while an asset inside is locked by someone else (423), all or nothing', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const f = await create(ten, '/Locked');
    const free = await uploadTo(t, ten, 'free.txt', '/Locked/');
    const held = await uploadTo(t, ten, 'held.txt', '/Locked/Sub/');
    assert.equal((await t.req('POST', `/workspaces/assets/${held.id}/lock`, { headers: editor.headers })).status, 200);
    const before = [await t.count('folders'), await t.count('history_events')];
    const move = await t.req('PUT', `/workspaces/folders/${f.id}`, { headers: ten.headers, json: { name: 'Moved' } });
    assert.equal(move.status, 423);
    assert.equal(move.body.error.code, 'asset_locked');
    assert.equal(move.body.error.details.locked_by_user_id, editor.userId);
    const del = await t.req('DELETE', `/workspaces/folders/${f.id}?recursive=true`, { headers: ten.headers });
    assert.equal(del.status, 423);
    assert.equal(del.body.error.details.locked_by_user_id, editor.userId);
    assert.deepEqual([await t.count('folders'), await t.count('history_events')], before);
    assert.equal((await t.req('GET', `/workspaces/assets/${free.id}`, { headers: ten.headers })).body.isActive, true);
    // The holder may move the folder with their own locked asset in it.
    const byHolder = await t.req('PUT', `/workspaces/folders/${f.id}`, { headers: editor.headers, json: { name: 'Moved' } });
    assert.equal(byHolder.status, 200, byHolder.text);
    assert.equal(await location(ten, held.id), '/Moved/Sub/');
  });
});
