import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { PNG_1x1, uploadCounts, uploadRaw } from './assets-fixtures.js';

describeEachDatabase('assets: get, getByIds, update, rename, types', (t) => {
  const upload = async (ten: Tenant, fileName: string, fileLocation = '/'): Promise<{ id: string; [k: string]: any }> => {
    const res = await uploadRaw(t, ten, Buffer.from(`content of ${fileName}`), { file_name: fileName, file_location: fileLocation });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };

  test('GET /workspaces/assets/{id} returns what the upload returned', async () => {
    const ten = await t.factory.tenant();
    const created = await upload(ten, 'brief.txt', '/Docs/');
    for (const prefix of ['', '/v1']) {
      const res = await t.req('GET', `${prefix}/workspaces/assets/${created.id}`, { headers: ten.headers });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, created);
    }
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    assert.equal((await t.req('GET', `/workspaces/assets/${created.id}`, { headers: viewer.headers })).status, 200);
  });

  test('getByIds: request order, repeated or comma-separated ids, unknown and foreign ids left out', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const a = await upload(ten, 'a.txt');
    const b = await upload(ten, 'b.txt');
    const c = await upload(ten, 'c.txt');
    const theirs = await upload(other, 'theirs.txt');
    const url = `/workspaces/assets/getByIds?ids=${c.id}&ids=${a.id},${theirs.id}&ids=00000000-0000-4000-8000-000000000000&ids=${b.id}`;
    const res = await t.req('GET', url, { headers: ten.headers });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.map((x: { id: string }) => x.id), [c.id, a.id, b.id]);
    assert.deepEqual(res.body[1], a);
    const single = await t.req('GET', `/workspaces/assets/getByIds?ids=${a.id}`, { headers: ten.headers });
    assert.deepEqual(single.body.map((x: { id: string }) => x.id), [a.id]);
    const missing = await t.req('GET', '/workspaces/assets/getByIds', { headers: ten.headers });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.fields[0].pointer, '/ids');
  });

  test('PATCH updates name, description and folder, and records history', async () => {
    const ten = await t.factory.tenant();
    const a = await upload(ten, 'hero.txt', '/Art/');
    const res = await t.req('PATCH', `/workspaces/assets/${a.id}`, {
      headers: ten.headers,
      json: { name: 'Hero sheet', description: 'Final', file_location: 'Art/Final', status_id: null },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, 'Hero sheet');
    assert.equal(res.body.description, 'Final');
    assert.equal(res.body.file_location, '/Art/Final/');
    assert.equal(res.body.file_name, 'hero.txt');
    assert.equal(res.body.currentVersion.id, a.current_version_id);
    const got = await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers });
    assert.equal(got.body.file_location, '/Art/Final/');
    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('asset_id', '=', a.id).orderBy('sequence', 'desc').executeTakeFirstOrThrow();
    assert.equal(h.type, 'asset_renamed');
    assert.deepEqual(JSON.parse(h.data).before, { name: 'hero.txt', description: '', file_location: '/Art/' });
  });

  test('PATCH: bad input is 400 and changes nothing; moving onto a taken path is 409', async () => {
    const ten = await t.factory.tenant();
    const a = await upload(ten, 'x.txt', '/A/');
    await upload(ten, 'x.txt', '/B/');
    const before = await uploadCounts(t);
    const cases: Array<[unknown, number, string]> = [
      [{ file_location: '/A/../../etc' }, 400, '/file_location'],
      [{ name: '   ' }, 400, '/name'],
      [{ status_id: 'nope' }, 400, '/status_id'],
      [{ surprise: true }, 400, '/surprise'],
    ];
    for (const [json, status, pointer] of cases) {
      const res = await t.req('PATCH', `/workspaces/assets/${a.id}`, { headers: ten.headers, json });
      assert.equal(res.status, status, JSON.stringify(json));
      assert.equal(res.body.error.fields[0].pointer, pointer);
    }
    const clash = await t.req('PATCH', `/workspaces/assets/${a.id}`, { headers: ten.headers, json: { file_location: '/B/' } });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.error.code, 'asset_path_taken');
    assert.deepEqual(await uploadCounts(t), before);
    const got = await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers });
    assert.equal(got.body.file_location, '/A/');
    assert.equal(got.body.name, 'x.txt');
  });

  test('PATCH /rename sets name and file name (name or file_name), sanitised', async () => {
    const ten = await t.factory.tenant();
    const a = await upload(ten, 'old.txt', '/R/');
    const res = await t.req('PATCH', `/workspaces/assets/${a.id}/rename`, { headers: ten.headers, json: { name: 'new.txt' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, 'new.txt');
    assert.equal(res.body.file_name, 'new.txt');
    const viaFileName = await t.req('PATCH', `/workspaces/assets/${a.id}/rename`, { headers: ten.headers, json: { file_name: '../sub/final.txt' } });
    assert.equal(viaFileName.body.file_name, 'final.txt');
    // Uploading "final.txt" into /R/ now adds a version to the renamed asset.
    const up = await uploadRaw(t, ten, Buffer.from('v2'), { file_name: 'final.txt', file_location: '/R/' });
    assert.equal(up.body.id, a.id);
    const empty = await t.req('PATCH', `/workspaces/assets/${a.id}/rename`, { headers: ten.headers, json: {} });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.fields[0].pointer, '/name');
    const dots = await t.req('PATCH', `/workspaces/assets/${a.id}/rename`, { headers: ten.headers, json: { name: '..' } });
    assert.equal(dots.status, 400);
    assert.equal(dots.body.error.fields[0].pointer, '/name');
    // A bad file_name is reported at /file_name, the field the client sent.
    for (const file_name of ['..', `${'n'.repeat(300)}.txt`]) {
      const bad = await t.req('PATCH', `/workspaces/assets/${a.id}/rename`, { headers: ten.headers, json: { file_name } });
      assert.equal(bad.status, 400, bad.text);
      assert.deepEqual(bad.body.error.fields.map((f: { pointer: string }) => f.pointer), ['/file_name']);
    }
    assert.equal((await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers })).body.file_name, 'final.txt');
  });

  test('GET /workspaces/assetTypes lists the catalogue', async () => {
    const ten = await t.factory.tenant();
    const res = await t.req('GET', '/workspaces/assetTypes', { headers: ten.headers });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.map((x: { id: string }) => x.id), ['image', 'video', 'audio', 'document', 'model3d', 'archive', 'project', 'font', 'other']);
    const other = res.body.find((x: { id: string }) => x.id === 'other');
    assert.deepEqual(other, { id: 'other', name: 'Other', displayType: 'file', color: '#9CA3AF', generic: true, knownExtensions: [] });
    assert.equal((await t.req('GET', '/workspaces/assetTypes', { headers: { ...ten.headers, authorization: '' } })).status, 401);
  });

  test('another tenant\'s asset is 404 on every asset route; viewers cannot write; no token is 401', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const theirs = await upload(other, 'theirs.txt');
    const mine = await upload(ten, 'mine.txt');
    const sameAccountWs = await t.factory.workspace(ten);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', `/workspaces/assets/${theirs.id}`],
      ['PATCH', `/workspaces/assets/${theirs.id}`, { name: 'x' }],
      ['PATCH', `/workspaces/assets/${theirs.id}/rename`, { name: 'x' }],
    ];
    for (const [method, url, json] of routes) {
      const res = await t.req(method as 'GET', url, { headers: ten.headers, ...(json ? { json } : {}) });
      assert.equal(res.status, 404, `${method} ${url}`);
      assert.equal(res.body.error.code, 'asset_not_found');
    }
    // Another workspace of the same account does not see it either.
    const wsHeaders = { ...ten.headers, 'x-workspace-id': sameAccountWs };
    assert.equal((await t.req('GET', `/workspaces/assets/${mine.id}`, { headers: wsHeaders })).status, 404);
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    for (const [url, json] of [[`/workspaces/assets/${mine.id}`, { name: 'x' }], [`/workspaces/assets/${mine.id}/rename`, { name: 'x' }]] as const) {
      const res = await t.req('PATCH', url, { headers: viewer.headers, json });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'permission_denied');
    }
    const noToken = { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId };
    assert.equal((await t.req('GET', `/workspaces/assets/${mine.id}`, { headers: noToken })).status, 401);
    assert.equal((await t.req('GET', `/workspaces/assets/getByIds?ids=${mine.id}`, { headers: noToken })).status, 401);
    assert.equal((await t.req('PATCH', `/workspaces/assets/${mine.id}`, { headers: noToken, json: { name: 'x' } })).status, 401);
    const got = await t.req('GET', `/workspaces/assets/${mine.id}`, { headers: ten.headers });
    assert.equal(got.body.name, 'mine.txt');
  });

  test('a PNG upload is classified and a locked asset refuses others\' writes', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const a = (await uploadRaw(t, ten, PNG_1x1, { file_name: 'lock.png' })).body;
    await t.deps.db.updateTable('assets').set({ locked_by_user_id: ten.userId }).where('id', '=', a.id).execute();
    const res = await t.req('PATCH', `/workspaces/assets/${a.id}`, { headers: editor.headers, json: { name: 'x' } });
    assert.equal(res.status, 423);
    assert.equal(res.body.error.code, 'asset_locked');
    const up = await uploadRaw(t, editor, PNG_1x1, { file_name: 'lock.png' });
    assert.equal(up.status, 423);
    const own = await t.req('PATCH', `/workspaces/assets/${a.id}`, { headers: ten.headers, json: { name: 'mine' } });
    assert.equal(own.status, 200);
  });
});
