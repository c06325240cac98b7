import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadMultipart } from './assets-fixtures.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

describeEachDatabase('tags: workspace tags and asset tags', (t) => {
  const upload = async (ten: Tenant, name = 'hero.txt'): Promise<{ id: string; [k: string]: any }> => {
    const res = await uploadMultipart(t, ten, { name, data: Buffer.from(`bytes of ${name}`) });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const createTag = async (ten: Tenant, json: Record<string, unknown>) => {
    const res = await t.req('POST', '/workspaces/tags', { headers: ten.headers, json });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const counts = async () => [await t.count('tags'), await t.count('asset_tags'), await t.count('history_events')];

  test('create, list, update and delete workspace tags (exact shapes, history)', async () => {
    const ten = await t.factory.tenant();
    const red = await createTag(ten, { name: '  Hero  ', color: '#FF0000' });
    assert.deepEqual(Object.keys(red).sort(), ['color', 'created_by_user_id', 'id', 'name', 'sequence', 'workspace_id']);
    assert.equal(red.name, 'Hero');
    assert.equal(red.color, '#FF0000');
    assert.equal(red.workspace_id, ten.workspaceId);
    assert.equal(red.created_by_user_id, ten.userId);
    assert.equal(typeof red.sequence, 'number');
    const plain = await createTag(ten, { name: 'background' });
    assert.equal(plain.color, '#9CA3AF');

    const list = await t.req('GET', '/workspaces/tags', { headers: ten.headers });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, [plain, red]);

    const put = await t.req('PUT', `/workspaces/tags/${red.id}`, { headers: ten.headers, json: { name: 'Heroes', color: '#00ff00' } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, { ...red, name: 'Heroes', color: '#00ff00' });
    const patch = await t.req('PATCH', `/workspaces/tags/${red.id}`, { headers: ten.headers, json: { color: '#0000ff' } });
    assert.deepEqual(patch.body, { ...red, name: 'Heroes', color: '#0000ff' });
    // Changing only the case of its own name is allowed.
    const recase = await t.req('PUT', `/workspaces/tags/${red.id}`, { headers: ten.headers, json: { name: 'HEROES' } });
    assert.equal(recase.status, 200);
    assert.equal(recase.body.name, 'HEROES');

    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('record_id', '=', red.id).orderBy('sequence').execute();
    assert.deepEqual(h.map((e) => e.type), ['tag_created', 'tag_updated', 'tag_updated', 'tag_updated']);
    assert.deepEqual(JSON.parse(h[1]!.data), { before: { name: 'Hero', color: '#FF0000' }, after: { name: 'Heroes', color: '#00ff00' } });

    const del = await t.req('DELETE', `/workspaces/tags/${red.id}`, { headers: ten.headers });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { ok: true });
    assert.deepEqual((await t.req('GET', '/workspaces/tags', { headers: ten.headers })).body, [plain]);
    assert.equal((await t.req('DELETE', `/workspaces/tags/${red.id}`, { headers: ten.headers })).status, 404);
  });

  test('names are unique per workspace case-insensitively (409); other workspaces may reuse them', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const a = await createTag(ten, { name: 'Props' });
    const b = await createTag(ten, { name: 'Characters' });
    const before = await counts();
    const dup = await t.req('POST', '/workspaces/tags', { headers: ten.headers, json: { name: 'PROPS' } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'tag_name_taken');
    const rename = await t.req('PUT', `/workspaces/tags/${b.id}`, { headers: ten.headers, json: { name: 'props' } });
    assert.equal(rename.status, 409);
    assert.deepEqual(await counts(), before);
    await createTag(other, { name: 'props' });
    assert.equal((await t.req('GET', '/workspaces/tags', { headers: ten.headers })).body.length, 2);
    assert.equal(a.name, 'Props');
  });

  test('bad input is 400 with fields and writes nothing', async () => {
    const ten = await t.factory.tenant();
    const tag = await createTag(ten, { name: 'ok' });
    const before = await counts();
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/workspaces/tags', {}, '/name'],
      ['POST', '/workspaces/tags', { name: '   ' }, '/name'],
      ['POST', '/workspaces/tags', { name: 'x'.repeat(101) }, '/name'],
      ['POST', '/workspaces/tags', { name: 'a', color: 'red' }, '/color'],
      ['POST', '/workspaces/tags', { name: 'a', color: '#12345' }, '/color'],
      ['POST', '/workspaces/tags', { name: 'a', extra: 1 }, '/extra'],
      ['PUT', `/workspaces/tags/${tag.id}`, { color: '#zzzzzz' }, '/color'],
      ['PATCH', `/workspaces/tags/${tag.id}`, { name: '' }, '/name'],
    ];
    for (const [method, url, json, pointer] of cases) {
      const res = await t.req(method as 'POST', url, { headers: ten.headers, json });
      assert.equal(res.status, 400, `${method} ${JSON.stringify(json)} ${res.text}`);
      assert.equal(res.body.error.fields[0].pointer, pointer, JSON.stringify(json));
    }
    assert.deepEqual(await counts(), before);
  });

  test('another tenant\'s tags and assets are 404; nothing is written', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const theirTag = await createTag(other, { name: 'secret' });
    const theirAsset = await upload(other, 'theirs.txt');
    const mine = await upload(ten, 'mine.txt');
    const myTag = await createTag(ten, { name: 'mine' });
    // A second workspace of the same account is another scope too.
    const ws2 = await t.factory.workspace(ten);
    const ws2Headers = { ...ten.headers, 'x-workspace-id': ws2 };
    const before = await counts();
    const cases: Array<[string, string, unknown?]> = [
      ['PUT', `/workspaces/tags/${theirTag.id}`, { name: 'x' }],
      ['PATCH', `/workspaces/tags/${MISSING}`, { name: 'x' }],
      ['DELETE', `/workspaces/tags/${theirTag.id}`],
      ['GET', `/workspaces/assets/${theirAsset.id}/tags`],
      ['POST', `/workspaces/assets/${theirAsset.id}/tags`, { tag_ids: [myTag.id] }],
      ['POST', `/workspaces/assets/${mine.id}/tags`, { tag_ids: [myTag.id, theirTag.id] }],
      ['POST', `/workspaces/assets/${mine.id}/tags/${theirTag.id}`],
      ['POST', `/workspaces/assets/${theirAsset.id}/tags/${myTag.id}`],
      ['GET', `/workspaces/assets/${mine.id}/tags/${theirTag.id}`],
      ['DELETE', `/workspaces/assets/${mine.id}/tags/${theirTag.id}`],
    ];
    for (const [method, url, json] of cases) {
      const res = await t.req(method as 'GET', url, { headers: ten.headers, ...(json ? { json } : {}) });
      assert.equal(res.status, 404, `${method} ${url} ${res.text}`);
    }
    const crossWs = await t.req('POST', `/workspaces/assets/${mine.id}/tags`, { headers: ws2Headers, json: { tag_ids: [myTag.id] } });
    assert.equal(crossWs.status, 404);
    assert.deepEqual(await counts(), before);
    assert.deepEqual((await t.req('GET', `/workspaces/assets/${mine.id}/tags`, { headers: ten.headers })).body, []);
  });

  test('asset tags: add by ids and by names (creating missing), one tag routes, removal, history', async () => {
    const ten = await t.factory.tenant();
    const asset = await upload(ten);
    const props = await createTag(ten, { name: 'Props', color: '#112233' });
    const res = await t.req('POST', `/workspaces/assets/${asset.id}/tags`, {
      headers: ten.headers,
      json: { tag_ids: [props.id], names: ['props', 'New One', 'new one'] },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.length, 2);
    assert.deepEqual(res.body[0], props);
    const created = res.body[1];
    assert.equal(created.name, 'New One');
    assert.equal(created.color, '#9CA3AF');
    assert.equal(created.created_by_user_id, ten.userId);
    assert.equal((await t.req('GET', '/workspaces/tags', { headers: ten.headers })).body.length, 2);

    // Adding again changes nothing.
    const historyBefore = await t.count('history_events');
    const again = await t.req('POST', `/workspaces/assets/${asset.id}/tags`, { headers: ten.headers, json: { tag_ids: [props.id] } });
    assert.deepEqual(again.body, res.body);
    assert.equal(await t.count('history_events'), historyBefore);

    assert.deepEqual((await t.req('GET', `/workspaces/assets/${asset.id}/tags`, { headers: ten.headers })).body, res.body);
    assert.deepEqual((await t.req('GET', `/workspaces/assets/${asset.id}/tags/${props.id}`, { headers: ten.headers })).body, props);
    const third = await createTag(ten, { name: 'Third' });
    const notAttached = await t.req('GET', `/workspaces/assets/${asset.id}/tags/${third.id}`, { headers: ten.headers });
    assert.equal(notAttached.status, 404);
    assert.equal(notAttached.body.error.code, 'asset_tag_not_found');
    const one = await t.req('POST', `/workspaces/assets/${asset.id}/tags/${third.id}`, { headers: ten.headers });
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, third);

    // The asset JSON shows its tags in the order they were attached.
    const got = await t.req('GET', `/workspaces/assets/${asset.id}`, { headers: ten.headers });
    assert.deepEqual(got.body.tags, [props, created, third]);

    const del = await t.req('DELETE', `/workspaces/assets/${asset.id}/tags/${props.id}`, { headers: ten.headers });
    assert.deepEqual(del.body, { ok: true });
    assert.deepEqual((await t.req('GET', `/workspaces/assets/${asset.id}/tags`, { headers: ten.headers })).body, [created, third]);

    // Deleting a workspace tag detaches it from its assets.
    await t.req('DELETE', `/workspaces/tags/${third.id}`, { headers: ten.headers });
    assert.deepEqual((await t.req('GET', `/workspaces/assets/${asset.id}`, { headers: ten.headers })).body.tags, [created]);

    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('asset_id', '=', asset.id).where('subject_type', '=', 'asset_tag').orderBy('sequence').execute();
    assert.deepEqual(h.map((e) => e.type), ['asset_tag_added', 'asset_tag_added', 'asset_tag_added', 'asset_tag_removed', 'asset_tag_removed']);
    assert.deepEqual(JSON.parse(h[3]!.data), { before: { tag_id: props.id, name: 'Props' }, after: null });
    assert.equal(JSON.parse(h[4]!.data).reason, 'tag_deleted');
  });

  test('asset tags: bad bodies are 400 and write nothing; trashed assets are 409', async () => {
    const ten = await t.factory.tenant();
    const asset = await upload(ten);
    const before = await counts();
    const cases: Array<[unknown, string]> = [
      [{}, '/tag_ids'],
      [{ tag_ids: [] }, '/tag_ids'],
      [{ names: ['  '] }, '/names/0'],
      [{ tag_ids: [{}] }, '/tag_ids/0'],
      [{ tag_ids: ['a'], other: 1 }, '/other'],
    ];
    for (const [json, pointer] of cases) {
      const res = await t.req('POST', `/workspaces/assets/${asset.id}/tags`, { headers: ten.headers, json });
      assert.equal(res.status, 400, `${JSON.stringify(json)} ${res.text}`);
      assert.equal(res.body.error.fields[0].pointer, pointer, JSON.stringify(json));
    }
    assert.deepEqual(await counts(), before);
    await t.deps.db.updateTable('assets').set({ is_active: 0 }).where('id', '=', asset.id).execute();
    const trashed = await t.req('POST', `/workspaces/assets/${asset.id}/tags`, { headers: ten.headers, json: { names: ['x'] } });
    assert.equal(trashed.status, 409);
    assert.equal(trashed.body.error.code, 'asset_in_trash');
    assert.deepEqual(await counts(), before);
  });

  test('roles: viewers read but cannot write (403); no token is 401', async () => {
    const ten = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const asset = await upload(ten);
    const tag = await createTag(editor, { name: 'by editor' });
    assert.equal((await t.req('GET', '/workspaces/tags', { headers: viewer.headers })).status, 200);
    assert.equal((await t.req('GET', `/workspaces/assets/${asset.id}/tags`, { headers: viewer.headers })).status, 200);
    const before = await counts();
    const writes: Array<[string, string, unknown?]> = [
      ['POST', '/workspaces/tags', { name: 'v' }],
      ['PUT', `/workspaces/tags/${tag.id}`, { name: 'v' }],
      ['DELETE', `/workspaces/tags/${tag.id}`],
      ['POST', `/workspaces/assets/${asset.id}/tags`, { tag_ids: [tag.id] }],
      ['POST', `/workspaces/assets/${asset.id}/tags/${tag.id}`],
      ['DELETE', `/workspaces/assets/${asset.id}/tags/${tag.id}`],
    ];
    for (const [method, url, json] of writes) {
      const res = await t.req(method as 'POST', url, { headers: viewer.headers, ...(json ? { json } : {}) });
      assert.equal(res.status, 403, `${method} ${url}`);
      assert.equal(res.body.error.code, 'permission_denied');
    }
    const noAuth = { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId };
    assert.equal((await t.req('GET', '/workspaces/tags', { headers: noAuth })).status, 401);
    assert.equal((await t.req('POST', '/workspaces/tags', { headers: noAuth, json: { name: 'x' } })).status, 401);
    assert.deepEqual(await counts(), before);
    // Editors may tag (and create tags by name).
    const ok = await t.req('POST', `/workspaces/assets/${asset.id}/tags`, { headers: editor.headers, json: { names: ['fresh'] } });
    assert.equal(ok.status, 200, ok.text);
  });
});
