import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadTo } from './folders-fixtures.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describeEachDatabase('folders: create, get, hierarchy, stats', (t) => {
  const create = (ten: Tenant, path: string) => t.req('POST', `/workspaces/folders?folder=${encodeURIComponent(path)}`, { headers: ten.headers });

  test('POST ?folder=/A/B creates the folder and its missing parent; the documented shape', async () => {
    const ten = await t.factory.tenant();
    const before = await t.count('folders');
    const res = await create(ten, '/Art/Props');
    assert.equal(res.status, 200, res.text);
    assert.equal(await t.count('folders'), before + 2);
    const parent = await t.req('GET', '/workspaces/folders?folder=/Art', { headers: ten.headers });
    assert.equal(parent.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['created_at', 'created_by_user_id', 'id', 'name', 'parent_id', 'path', 'sequence', 'updated_at', 'workspace_id']);
    assert.match(res.body.id, UUID_RE);
    assert.equal(res.body.workspace_id, ten.workspaceId);
    assert.equal(res.body.path, '/Art/Props/');
    assert.equal(res.body.name, 'Props');
    assert.equal(res.body.parent_id, parent.body.id);
    assert.equal(res.body.created_by_user_id, ten.userId);
    assert.equal(typeof res.body.sequence, 'number');
    assert.equal(parent.body.path, '/Art/');
    assert.equal(parent.body.parent_id, null);
    assert.equal(parent.body.name, 'Art');
    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('record_id', '=', res.body.id).execute();
    assert.deepEqual(h.map((e) => e.type), ['folder_created']);
    assert.deepEqual(JSON.parse(h[0]!.data), { path: '/Art/Props/', parent_id: parent.body.id });
  });

  test('one level at a time (the real client), JSON {path} / {folder} / {name, parent_id}; repeating a create returns the same folder', async () => {
    const ten = await t.factory.tenant();
    const a = await create(ten, '/Levels');
    const b = await create(ten, '/Levels/One');
    assert.equal(b.body.parent_id, a.body.id);
    const again = await create(ten, 'Levels/One/');
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, b.body);
    const n = await t.count('folders');
    const viaPath = await t.req('POST', '/workspaces/folders', { headers: ten.headers, json: { path: '/Levels/One' } });
    assert.deepEqual(viaPath.body, b.body);
    const viaFolder = await t.req('POST', '/workspaces/folders', { headers: ten.headers, json: { folder: '/Levels/Two/Deep' } });
    assert.equal(viaFolder.status, 200, viaFolder.text);
    assert.equal(viaFolder.body.path, '/Levels/Two/Deep/');
    const viaName = await t.req('POST', '/workspaces/folders', { headers: ten.headers, json: { name: 'Three', parent_id: a.body.id } });
    assert.equal(viaName.body.path, '/Levels/Three/');
    assert.equal(viaName.body.parent_id, a.body.id);
    const top = await t.req('POST', '/workspaces/folders', { headers: ten.headers, json: { name: 'Top' } });
    assert.equal(top.body.path, '/Top/');
    assert.equal(await t.count('folders'), n + 4);
  });

  test('bad input is 400 with the field and writes nothing', async () => {
    const ten = await t.factory.tenant();
    const before = [await t.count('folders'), await t.count('history_events')];
    const cases: Array<[string, unknown, string, string]> = [
      ['/workspaces/folders', undefined, 'query', '/folder'],
      ['/workspaces/folders?folder=/', undefined, 'query', '/folder'],
      ['/workspaces/folders?folder=/A/../../etc', undefined, 'query', '/folder'],
      ['/workspaces/folders?path=/A/../../etc', undefined, 'query', '/path'],
      // A path sent in the body is reported where it was sent.
      ['/workspaces/folders', { path: '/A/../../etc' }, 'body', '/path'],
      ['/workspaces/folders', { folder: '/' }, 'body', '/folder'],
      ['/workspaces/folders', { name: 'a/b' }, 'body', '/name'],
      ['/workspaces/folders', { surprise: 1 }, 'body', '/surprise'],
    ];
    for (const [url, json, part, pointer] of cases) {
      const res = await t.req('POST', url, { headers: ten.headers, ...(json === undefined ? {} : { json }) });
      assert.equal(res.status, 400, `${url} ${JSON.stringify(json)} ${res.text}`);
      assert.deepEqual([res.body.error.fields[0].in, res.body.error.fields[0].pointer], [part, pointer], `${url} ${JSON.stringify(json)}`);
    }
    const unknownParent = await t.req('POST', '/workspaces/folders', { headers: ten.headers, json: { name: 'x', parent_id: '00000000-0000-4000-8000-000000000000' } });
    assert.equal(unknownParent.status, 404);
    assert.deepEqual([await t.count('folders'), await t.count('history_events')], before);
  });

  test('GET by id and by path (/workspaces/folders and the singular /workspace/folders); unknown path 404', async () => {
    const ten = await t.factory.tenant();
    const f = (await create(ten, '/Docs/Specs')).body;
    const byId = await t.req('GET', `/workspaces/folders/${f.id}`, { headers: ten.headers });
    assert.equal(byId.status, 200);
    assert.deepEqual(byId.body, f);
    for (const url of ['/workspaces/folders?folder=/Docs/Specs', '/workspace/folders?folder=Docs/Specs/', '/v1/workspaces/folders?path=/Docs/Specs']) {
      const res = await t.req('GET', url, { headers: ten.headers });
      assert.equal(res.status, 200, url);
      assert.deepEqual(res.body, f);
    }
    const missing = await t.req('GET', '/workspaces/folders?folder=/Docs/Nope', { headers: ten.headers });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'folder_not_found');
    assert.equal((await t.req('GET', '/workspaces/folders', { headers: ten.headers })).status, 400);
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    assert.equal((await t.req('GET', `/workspaces/folders/${f.id}`, { headers: viewer.headers })).status, 200);
  });

  test('hierarchy: nested children by name with direct live asset counts, one tree per workspace', async () => {
    const ten = await t.factory.tenant();
    await create(ten, '/Empty');
    await uploadTo(t, ten, 'a.txt', '/Art/');
    await uploadTo(t, ten, 'b.txt', '/Art/Props/');
    await uploadTo(t, ten, 'c.txt', '/Art/Props/');
    await uploadTo(t, ten, 'root.txt', '/');
    const other = await t.factory.tenant();
    await create(other, '/Theirs');
    const res = await t.req('GET', '/workspaces/folders/hierarchy', { headers: ten.headers });
    assert.equal(res.status, 200);
    const strip = (nodes: any[]): any[] => nodes.map((n) => ({ name: n.name, path: n.path, asset_count: n.asset_count, children: strip(n.children) }));
    assert.deepEqual(strip(res.body), [
      { name: 'Art', path: '/Art/', asset_count: 1, children: [{ name: 'Props', path: '/Art/Props/', asset_count: 2, children: [] }] },
      { name: 'Empty', path: '/Empty/', asset_count: 0, children: [] },
    ]);
    const art = res.body[0];
    assert.match(art.id, UUID_RE);
    assert.equal(art.parent_id, null);
    assert.equal(art.children[0].parent_id, art.id);
    const empty = await t.req('GET', '/workspaces/folders/hierarchy', { headers: (await t.factory.tenant()).headers });
    assert.deepEqual(empty.body, []);
  });

  test('stats: / answers with no folders at all; a nested path counts direct and recursive assets and bytes', async () => {
    const fresh = await t.factory.tenant();
    const root0 = await t.req('GET', '/workspaces/folders/stats?folder=/', { headers: fresh.headers });
    assert.equal(root0.status, 200);
    assert.deepEqual(root0.body, { path: '/', folder_id: null, folders: 0, assets: 0, total_assets: 0, total_size: 0 });

    const ten = await t.factory.tenant();
    await uploadTo(t, ten, 'r.txt', '/', '1234');
    await uploadTo(t, ten, 'a.txt', '/Art/', '12345');
    await uploadTo(t, ten, 'b.txt', '/Art/Props/', '123456');
    await uploadTo(t, ten, 'c.txt', '/Art/Props/Deep/', '1234567');
    await uploadTo(t, ten, 'd.txt', '/Other/', '12');
    await uploadTo(t, ten, 'e.txt', '/Art_x/', '1');
    // A new version: only the current one counts.
    await uploadTo(t, ten, 'a.txt', '/Art/', '1234567890');
    const root = await t.req('GET', '/workspaces/folders/stats?folder=/', { headers: ten.headers });
    assert.deepEqual(root.body, { path: '/', folder_id: null, folders: 3, assets: 1, total_assets: 6, total_size: 4 + 10 + 6 + 7 + 2 + 1 });
    const noQuery = await t.req('GET', '/workspaces/folders/stats', { headers: ten.headers });
    assert.deepEqual(noQuery.body, root.body);
    const art = await t.req('GET', '/workspaces/folders/stats?folder=/Art', { headers: ten.headers });
    const artFolder = await t.req('GET', '/workspaces/folders?folder=/Art', { headers: ten.headers });
    assert.deepEqual(art.body, { path: '/Art/', folder_id: artFolder.body.id, folders: 1, assets: 1, total_assets: 3, total_size: 10 + 6 + 7 });
    const missing = await t.req('GET', '/workspaces/folders/stats?folder=/Nope', { headers: ten.headers });
    assert.equal(missing.status, 404);
  });

  test('GET /workspaces/folders/{id}/assets lists the live assets directly inside, as Assets', async () => {
    const ten = await t.factory.tenant();
    const b = await uploadTo(t, ten, 'b.txt', '/Set/');
    const a = await uploadTo(t, ten, 'a.txt', '/Set/');
    await uploadTo(t, ten, 'deeper.txt', '/Set/Sub/');
    const gone = await uploadTo(t, ten, 'gone.txt', '/Set/');
    assert.equal((await t.req('DELETE', `/workspaces/assets/${gone.id}`, { headers: ten.headers })).status, 200);
    const folder = (await t.req('GET', '/workspaces/folders?folder=/Set', { headers: ten.headers })).body;
    const res = await t.req('GET', `/workspaces/folders/${folder.id}/assets`, { headers: ten.headers });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.map((x: { id: string }) => x.id), [a.id, b.id]);
    const got = await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers });
    assert.deepEqual(res.body[0], got.body);
  });

  test('uploading into a new file_location creates the folder rows; PATCH moving an asset too', async () => {
    const ten = await t.factory.tenant();
    const a = await uploadTo(t, ten, 'hero.psd', '/Chars/Hero/Final/');
    for (const p of ['/Chars/', '/Chars/Hero/', '/Chars/Hero/Final/']) {
      const res = await t.req('GET', `/workspaces/folders?folder=${p}`, { headers: ten.headers });
      assert.equal(res.status, 200, p);
      assert.equal(res.body.created_by_user_id, ten.userId);
    }
    const n = await t.count('folders');
    await uploadTo(t, ten, 'hero2.psd', '/Chars/Hero/Final/');
    assert.equal(await t.count('folders'), n);
    const moved = await t.req('PATCH', `/workspaces/assets/${a.id}`, { headers: ten.headers, json: { file_location: '/Archive/2026' } });
    assert.equal(moved.status, 200, moved.text);
    const archive = await t.req('GET', '/workspaces/folders?folder=/Archive/2026/', { headers: ten.headers });
    assert.equal(archive.status, 200);
    assert.equal(await t.count('folders'), n + 2);
  });

  test('another tenant\'s folder ids are 404; viewers cannot write (403); no token is 401', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const theirs = (await create(other, '/Secret')).body;
    const before = await t.count('folders');
    const attempts: Array<[string, string, unknown]> = [
      ['GET', `/workspaces/folders/${theirs.id}`, undefined],
      ['GET', `/workspaces/folders/${theirs.id}/assets`, undefined],
      ['PUT', `/workspaces/folders/${theirs.id}`, { name: 'Mine' }],
      ['DELETE', `/workspaces/folders/${theirs.id}?recursive=true`, undefined],
      ['POST', '/workspaces/folders', { name: 'x', parent_id: theirs.id }],
    ];
    for (const [method, url, json] of attempts) {
      const res = await t.req(method as 'GET', url, { headers: ten.headers, ...(json === undefined ? {} : { json }) });
      assert.equal(res.status, 404, `${method} ${url}`);
    }
    assert.equal((await t.req('GET', '/workspaces/folders?folder=/Secret', { headers: ten.headers })).status, 404);
    // A second workspace of the same account is another tenant too.
    const ws2 = await t.factory.workspace(other);
    assert.equal((await t.req('GET', `/workspaces/folders/${theirs.id}`, { headers: { ...other.headers, 'x-workspace-id': ws2 } })).status, 404);

    const mine = (await create(ten, '/Mine')).body;
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const writes: Array<[string, string, unknown]> = [
      ['POST', '/workspaces/folders?folder=/ViewerWasHere', undefined],
      ['PUT', `/workspaces/folders/${mine.id}`, { name: 'Renamed' }],
      ['DELETE', `/workspaces/folders/${mine.id}`, undefined],
    ];
    for (const [method, url, json] of writes) {
      const res = await t.req(method as 'GET', url, { headers: viewer.headers, ...(json === undefined ? {} : { json }) });
      assert.equal(res.status, 403, `${method} ${url}`);
      assert.equal(res.body.error.code, 'permission_denied');
    }
    const noToken = { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId };
    for (const [method, url] of [['GET', '/workspaces/folders/stats?folder=/'], ['GET', '/workspaces/folders/hierarchy'], ['POST', '/workspaces/folders?folder=/X'], ['GET', `/workspaces/folders/${mine.id}`]]) {
      assert.equal((await t.req(method as 'GET', url!, { headers: noToken })).status, 401, url);
    }
    assert.equal(await t.count('folders'), before + 1);
    assert.equal((await t.req('GET', `/workspaces/folders/${mine.id}`, { headers: ten.headers })).body.name, 'Mine');
  });
});
