import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { multipart, pngImage } from '../../harness/multipart.js';
import { uploadMultipart } from './assets-fixtures.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

describeEachDatabase('libraries', (t) => {
  const upload = async (ten: Tenant, name: string): Promise<{ id: string; [k: string]: any }> => {
    const res = await uploadMultipart(t, ten, { name, data: Buffer.from(`bytes of ${name}`) });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const create = async (ten: Tenant, json: Record<string, unknown> = { name: 'Kit' }) => {
    const res = await t.req('POST', '/workspaces/libraries', { headers: ten.headers, json });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const counts = async () => [await t.count('libraries'), await t.count('library_assets'), await t.count('history_events')];

  test('create (multipart with thumbnail, or JSON), get, list, update, thumbnail, delete; exact shape and history', async () => {
    const ten = await t.factory.tenant();
    const form = multipart([
      { name: 'name', value: 'Props' },
      { name: 'description', value: 'Reusable props' },
      { name: 'file', value: await pngImage(), filename: 'thumb.png', contentType: 'image/png' },
    ]);
    const res = await t.req('POST', '/workspaces/libraries', { headers: { ...ten.headers, ...form.headers }, payload: form.payload });
    assert.equal(res.status, 200, res.text);
    const lib = res.body;
    assert.deepEqual(Object.keys(lib).sort(), ['created_by_user_id', 'defaultAvatar', 'description', 'id', 'name', 'sequence', 'thumbnail_file_id', 'workspace_id']);
    assert.deepEqual({ ...lib, id: 'x', sequence: 0, thumbnail_file_id: 'k' }, {
      id: 'x', workspace_id: ten.workspaceId, name: 'Props', description: 'Reusable props', thumbnail_file_id: 'k',
      defaultAvatar: 1, created_by_user_id: ten.userId, sequence: 0,
    });
    assert.equal(typeof lib.thumbnail_file_id, 'string');
    const thumb = await t.req('GET', `/workspaces/libraries/${lib.id}/thumbnail`, { headers: ten.headers });
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers['content-type'], 'image/webp');
    const cached = await t.req('GET', `/workspaces/libraries/${lib.id}/thumbnail`, { headers: { ...ten.headers, 'if-none-match': String(thumb.headers.etag) } });
    assert.equal(cached.status, 304);

    // Mudstack's default name; a `body` JSON part is read too.
    const bare = multipart([{ name: 'body', value: JSON.stringify({ description: 'from body' }) }]);
    const unnamed = await t.req('POST', '/workspaces/libraries', { headers: { ...ten.headers, ...bare.headers }, payload: bare.payload });
    assert.equal(unnamed.status, 200, unnamed.text);
    assert.equal(unnamed.body.name, 'New Library');
    assert.equal(unnamed.body.description, 'from body');
    assert.equal(unnamed.body.thumbnail_file_id, null);
    assert.equal((await t.req('GET', `/workspaces/libraries/${unnamed.body.id}/thumbnail`, { headers: ten.headers })).status, 404);
    const json = await create(ten, { name: 'Characters' });
    assert.equal(json.description, '');

    const list = await t.req('GET', '/workspaces/libraries', { headers: ten.headers });
    assert.deepEqual(list.body, [lib, unnamed.body, json]);
    assert.deepEqual((await t.req('GET', `/workspaces/libraries/${lib.id}`, { headers: ten.headers })).body, lib);

    const put = await t.req('PUT', `/workspaces/libraries/${lib.id}`, { headers: ten.headers, json: { name: 'Props v2' } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, { ...lib, name: 'Props v2' });
    const newThumb = multipart([{ name: 'file', value: await pngImage(20, 20, '#00ff00'), filename: 't.png', contentType: 'image/png' }]);
    const put2 = await t.req('PUT', `/workspaces/libraries/${lib.id}`, { headers: { ...ten.headers, ...newThumb.headers }, payload: newThumb.payload });
    assert.equal(put2.status, 200, put2.text);
    assert.notEqual(put2.body.thumbnail_file_id, lib.thumbnail_file_id);
    assert.equal(put2.body.name, 'Props v2');

    const del = await t.req('DELETE', `/workspaces/libraries/${json.id}`, { headers: ten.headers });
    assert.deepEqual(del.body, { ok: true });
    assert.equal((await t.req('GET', `/workspaces/libraries/${json.id}`, { headers: ten.headers })).status, 404);
    const types = await t.deps.db.selectFrom('history_events').select('type').where('record_id', 'in', [lib.id, json.id]).orderBy('sequence').execute();
    assert.deepEqual(types.map((r) => r.type), ['library_created', 'library_created', 'library_updated', 'library_updated', 'library_deleted']);
  });

  test('library assets from both sides; asset JSON lists its libraries; deleting a library keeps the assets', async () => {
    const ten = await t.factory.tenant();
    const lib = await create(ten, { name: 'Kit' });
    const lib2 = await create(ten, { name: 'Other' });
    const a = await upload(ten, 'a.txt');
    const b = await upload(ten, 'b.txt');
    const add = await t.req('POST', `/workspaces/libraries/${lib.id}/assets`, { headers: ten.headers, json: { asset_ids: [b.id, a.id, b.id] } });
    assert.equal(add.status, 200, add.text);
    assert.deepEqual(add.body.map((x: { id: string }) => x.id), [b.id, a.id]);
    assert.deepEqual(add.body[0].libraries, [lib]);
    const historyAfterAdd = await t.count('history_events');
    await t.req('POST', `/workspaces/libraries/${lib.id}/assets`, { headers: ten.headers, json: { asset_ids: [a.id] } });
    assert.equal(await t.count('history_events'), historyAfterAdd);

    const listed = await t.req('GET', `/workspaces/libraries/${lib.id}/assets`, { headers: ten.headers });
    assert.deepEqual(listed.body.map((x: { id: string }) => x.id), [a.id, b.id]);
    const page = await t.req('GET', `/workspaces/libraries/${lib.id}/assets?limit=1`, { headers: ten.headers });
    assert.deepEqual(page.body.map((x: { id: string }) => x.id), [a.id]);
    const page2 = await t.req('GET', `/workspaces/libraries/${lib.id}/assets?limit=1&cursor=${String(page.headers['x-next-cursor'])}`, { headers: ten.headers });
    assert.deepEqual(page2.body.map((x: { id: string }) => x.id), [b.id]);

    const side = await t.req('POST', `/workspaces/assets/${a.id}/libraries/${lib2.id}`, { headers: ten.headers });
    assert.equal(side.status, 200, side.text);
    assert.deepEqual(side.body, [lib, lib2]);
    assert.deepEqual((await t.req('GET', `/workspaces/assets/${a.id}/libraries`, { headers: ten.headers })).body, [lib, lib2]);
    assert.deepEqual((await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers })).body.libraries, [lib, lib2]);

    assert.deepEqual((await t.req('DELETE', `/workspaces/assets/${a.id}/libraries/${lib.id}`, { headers: ten.headers })).body, { ok: true });
    assert.deepEqual((await t.req('DELETE', `/workspaces/libraries/${lib2.id}/assets/${a.id}`, { headers: ten.headers })).body, { ok: true });
    assert.deepEqual((await t.req('GET', `/workspaces/assets/${a.id}/libraries`, { headers: ten.headers })).body, []);

    await t.req('DELETE', `/workspaces/libraries/${lib.id}`, { headers: ten.headers });
    const gotB = await t.req('GET', `/workspaces/assets/${b.id}`, { headers: ten.headers });
    assert.equal(gotB.status, 200);
    assert.deepEqual(gotB.body.libraries, []);
    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('asset_id', '=', b.id).where('subject_type', '=', 'library_asset').orderBy('sequence').execute();
    assert.deepEqual(h.map((e) => e.type), ['library_asset_added', 'library_asset_removed']);
    assert.equal(JSON.parse(h[1]!.data).reason, 'library_deleted');
  });

  test('bad input is 400 with fields; trashed assets 409; nothing written', async () => {
    const ten = await t.factory.tenant();
    const lib = await create(ten);
    const a = await upload(ten, 'a.txt');
    const trashed = await upload(ten, 't.txt');
    await t.deps.db.updateTable('assets').set({ is_active: 0 }).where('id', '=', trashed.id).execute();
    const before = await counts();
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/workspaces/libraries', { name: '   ' }, '/name'],
      ['POST', '/workspaces/libraries', { name: 'x', extra: true }, '/extra'],
      ['PUT', `/workspaces/libraries/${lib.id}`, { name: '' }, '/name'],
      ['POST', `/workspaces/libraries/${lib.id}/assets`, {}, '/asset_ids'],
      ['POST', `/workspaces/libraries/${lib.id}/assets`, { asset_ids: [] }, '/asset_ids'],
    ];
    for (const [method, url, json, pointer] of cases) {
      const res = await t.req(method as 'POST', url, { headers: ten.headers, json });
      assert.equal(res.status, 400, `${method} ${url} ${JSON.stringify(json)} ${res.text}`);
      assert.equal(res.body.error.fields[0].pointer, pointer);
    }
    const notImage = multipart([{ name: 'file', value: Buffer.from('not an image'), filename: 'x.png', contentType: 'image/png' }]);
    const bad = await t.req('POST', '/workspaces/libraries', { headers: { ...ten.headers, ...notImage.headers }, payload: notImage.payload });
    assert.equal(bad.status, 415);
    const mixed = await t.req('POST', `/workspaces/libraries/${lib.id}/assets`, { headers: ten.headers, json: { asset_ids: [a.id, trashed.id] } });
    assert.equal(mixed.status, 409);
    assert.equal(mixed.body.error.code, 'asset_in_trash');
    assert.deepEqual(await counts(), before);
  });

  test('another tenant\'s libraries and assets are 404; nothing written', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const mine = await create(ten);
    const theirs = await create(other);
    const myAsset = await upload(ten, 'm.txt');
    const theirAsset = await upload(other, 't.txt');
    const before = await counts();
    const cases: Array<[string, string, unknown?]> = [
      ['GET', `/workspaces/libraries/${theirs.id}`],
      ['PUT', `/workspaces/libraries/${theirs.id}`, { name: 'x' }],
      ['DELETE', `/workspaces/libraries/${theirs.id}`],
      ['GET', `/workspaces/libraries/${theirs.id}/thumbnail`],
      ['GET', `/workspaces/libraries/${theirs.id}/assets`],
      ['GET', `/workspaces/libraries/${MISSING}`],
      ['POST', `/workspaces/libraries/${theirs.id}/assets`, { asset_ids: [myAsset.id] }],
      ['POST', `/workspaces/libraries/${mine.id}/assets`, { asset_ids: [myAsset.id, theirAsset.id] }],
      ['DELETE', `/workspaces/libraries/${theirs.id}/assets/${myAsset.id}`],
      ['GET', `/workspaces/assets/${theirAsset.id}/libraries`],
      ['POST', `/workspaces/assets/${myAsset.id}/libraries/${theirs.id}`],
      ['POST', `/workspaces/assets/${theirAsset.id}/libraries/${mine.id}`],
      ['DELETE', `/workspaces/assets/${theirAsset.id}/libraries/${mine.id}`],
    ];
    for (const [method, url, json] of cases) {
      const res = await t.req(method as 'GET', url, { headers: ten.headers, ...(json ? { json } : {}) });
      assert.equal(res.status, 404, `${method} ${url} ${res.text}`);
    }
    assert.deepEqual(await counts(), before);
    assert.deepEqual((await t.req('GET', '/workspaces/libraries', { headers: ten.headers })).body, [mine]);
  });

  test('roles: viewers read but cannot write (403); no token 401', async () => {
    const ten = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const lib = await create(ten);
    const asset = await upload(ten, 'a.txt');
    assert.equal((await t.req('GET', '/workspaces/libraries', { headers: viewer.headers })).status, 200);
    assert.equal((await t.req('GET', `/workspaces/libraries/${lib.id}/assets`, { headers: viewer.headers })).status, 200);
    const before = await counts();
    const writes: Array<[string, string, unknown?]> = [
      ['POST', '/workspaces/libraries', { name: 'v' }],
      ['PUT', `/workspaces/libraries/${lib.id}`, { name: 'v' }],
      ['DELETE', `/workspaces/libraries/${lib.id}`],
      ['POST', `/workspaces/libraries/${lib.id}/assets`, { asset_ids: [asset.id] }],
      ['DELETE', `/workspaces/libraries/${lib.id}/assets/${asset.id}`],
      ['POST', `/workspaces/assets/${asset.id}/libraries/${lib.id}`],
      ['DELETE', `/workspaces/assets/${asset.id}/libraries/${lib.id}`],
    ];
    for (const [method, url, json] of writes) {
      const res = await t.req(method as 'POST', url, { headers: viewer.headers, ...(json ? { json } : {}) });
      assert.equal(res.status, 403, `${method} ${url}`);
    }
    const form = multipart([{ name: 'file', value: await pngImage(), filename: 'x.png', contentType: 'image/png' }]);
    const blobs = await t.blobCount();
    const mp = await t.req('POST', '/workspaces/libraries', { headers: { ...viewer.headers, ...form.headers }, payload: form.payload });
    assert.equal(mp.status, 403);
    assert.equal(await t.blobCount(), blobs);
    const noAuth = { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId };
    assert.equal((await t.req('GET', '/workspaces/libraries', { headers: noAuth })).status, 401);
    assert.equal((await t.req('POST', '/workspaces/libraries', { headers: noAuth, json: { name: 'x' } })).status, 401);
    assert.deepEqual(await counts(), before);
  });
});
