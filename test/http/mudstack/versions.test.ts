import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { PNG_1x1, multipart, sha256, uploadCounts, uploadMultipart, uploadRaw } from './assets-fixtures.js';

describeEachDatabase('asset versions', (t) => {
  const upload = async (ten: Tenant, data: Buffer, fileName = 'file.txt'): Promise<any> => {
    const res = await uploadRaw(t, ten, data, { file_name: fileName });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };

  test('POST .../versions adds a version (multipart and raw); list and get return it', async () => {
    const ten = await t.factory.tenant();
    const a = await upload(ten, Buffer.from('first'));
    const v2 = await uploadMultipart(t, ten, { name: 'second.png', data: PNG_1x1 }, { name: 'Shaded', description: 'With lights', checksum: sha256(PNG_1x1) }, `/workspaces/assets/${a.id}/versions`);
    assert.equal(v2.status, 201, v2.text);
    assert.equal(v2.body.asset_id, a.id);
    assert.equal(v2.body.version_number, 2);
    assert.equal(v2.body.name, 'Shaded');
    assert.equal(v2.body.description, 'With lights');
    assert.equal(v2.body.commit_parent_id, a.current_version_id);
    assert.equal(v2.body.checksum, sha256(PNG_1x1));
    assert.equal(v2.body.content_type, 'image/png');
    assert.equal(v2.body.user.id, ten.userId);
    const v3 = await uploadRaw(t, ten, Buffer.from('third'), { file_name: 'third.txt' }, 'application/octet-stream', `/workspaces/assets/${a.id}/versions`);
    assert.equal(v3.status, 201);
    assert.equal(v3.body.version_number, 3);
    assert.equal(v3.body.name, 'Version 3');
    assert.equal(v3.body.commit_parent_id, v2.body.id);
    const list = await t.req('GET', `/workspaces/assets/${a.id}/versions`, { headers: ten.headers });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((v: { version_number: number }) => v.version_number), [3, 2, 1]);
    assert.deepEqual(list.body[1], v2.body);
    const one = await t.req('GET', `/workspaces/assets/${a.id}/versions/${v2.body.id}`, { headers: ten.headers });
    assert.deepEqual(one.body, v2.body);
    const asset = await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers });
    assert.equal(asset.body.current_version_id, v3.body.id);
    assert.equal(asset.body.asset_type_id, 'document');
  });

  test('POST .../versions: checksum mismatch and missing file are 400 with nothing written', async () => {
    const ten = await t.factory.tenant();
    const a = await upload(ten, Buffer.from('first'));
    const before = await uploadCounts(t);
    const bad = await uploadMultipart(t, ten, { name: 'x.txt', data: Buffer.from('x') }, { checksum: '0'.repeat(64) }, `/workspaces/assets/${a.id}/versions`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'checksum_mismatch');
    const none = multipart({ name: 'x' });
    const noFile = await t.req('POST', `/workspaces/assets/${a.id}/versions`, { headers: { ...ten.headers, ...none.headers }, payload: none.payload });
    assert.equal(noFile.status, 400);
    assert.deepEqual(await uploadCounts(t), before);
  });

  test('PATCH a version edits its title and description', async () => {
    const ten = await t.factory.tenant();
    const a = await upload(ten, Buffer.from('first'));
    const url = `/workspaces/assets/${a.id}/versions/${a.current_version_id}`;
    const res = await t.req('PATCH', url, { headers: ten.headers, json: { name: 'Blockout', description: 'Rough pass' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, 'Blockout');
    assert.equal(res.body.description, 'Rough pass');
    assert.equal((await t.req('GET', url, { headers: ten.headers })).body.name, 'Blockout');
    const bad = await t.req('PATCH', url, { headers: ten.headers, json: { name: '' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.fields[0].pointer, '/name');
    const extra = await t.req('PATCH', url, { headers: ten.headers, json: { key: 'x' } });
    assert.equal(extra.status, 400);
    assert.equal((await t.req('GET', url, { headers: ten.headers })).body.name, 'Blockout');
  });

  test('make-current commits a new version with the old content; history is kept', async () => {
    const ten = await t.factory.tenant();
    const a = await upload(ten, Buffer.from('one'));
    const v1 = a.current_version_id;
    const second = await uploadRaw(t, ten, PNG_1x1, { file_name: 'file.txt' });
    const v2 = second.body.current_version_id;
    const res = await t.req('POST', `/workspaces/assets/${a.id}/versions/${v1}/current`, { headers: ten.headers });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.versions.map((v: { version_number: number }) => v.version_number), [3, 2, 1]);
    const cur = res.body.currentVersion;
    assert.equal(cur.version_number, 3);
    assert.equal(cur.commit_parent_id, v2);
    assert.equal(cur.key, sha256(Buffer.from('one')));
    assert.equal(cur.checksum, a.currentVersion.checksum);
    assert.equal(cur.size, 3);
    assert.equal(cur.content_type, 'text/plain');
    assert.equal(res.body.current_version_id, cur.id);
    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('record_id', '=', cur.id).executeTakeFirstOrThrow();
    assert.equal(h.type, 'version_restored');
    assert.equal(JSON.parse(h.data).restored_from_version_id, v1);
    // Usage counts the shared blob once.
    const ws = await t.req('GET', '/workspaces', { headers: ten.headers });
    assert.equal(ws.body.usage.storage, 3 + PNG_1x1.length);
  });

  test('thumbnails: 404 when none; upload re-encodes to WebP; GET returns the bytes', async () => {
    const ten = await t.factory.tenant();
    const a = await upload(ten, Buffer.from('model'), 'model.obj');
    const url = `/workspaces/assets/${a.id}/versions/${a.current_version_id}/thumbnail`;
    const none = await t.req('GET', url, { headers: ten.headers });
    assert.equal(none.status, 404);
    assert.equal(none.body.error.code, 'thumbnail_not_found');
    const image = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const mp = multipart({}, { name: 'thumb.png', data: image, type: 'image/png' });
    const set = await t.req('POST', url, { headers: { ...ten.headers, ...mp.headers }, payload: mp.payload });
    assert.equal(set.status, 200, set.text);
    assert.match(set.body.thumbnail_file_id, /^[0-9a-f]{64}$/);
    const got = await t.app.inject({ method: 'GET', url, headers: ten.headers });
    assert.equal(got.statusCode, 200);
    assert.equal(got.headers['content-type'], 'image/webp');
    const meta = await sharp(got.rawPayload).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 64, 32]);
    const notImage = multipart({}, { name: 'x.png', data: Buffer.from('not an image') });
    const bad = await t.req('POST', url, { headers: { ...ten.headers, ...notImage.headers }, payload: notImage.payload });
    assert.equal(bad.status, 415);
    const asset = await t.req('GET', `/workspaces/assets/${a.id}`, { headers: ten.headers });
    assert.equal(asset.body.currentVersion.thumbnail_file_id, set.body.thumbnail_file_id);
  });

  test('another tenant\'s asset or version is 404 on every version route; viewer 403; no token 401', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const mine = await upload(ten, Buffer.from('mine'));
    const theirs = await upload(other, Buffer.from('theirs'));
    const tv = theirs.current_version_id;
    const mp = multipart({}, { name: 'x.png', data: PNG_1x1 });
    const mpOpts = { headers: { ...ten.headers, ...mp.headers }, payload: mp.payload };
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const before = await uploadCounts(t);
    const cases: Array<[string, string, object]> = [
      ['GET', `/workspaces/assets/${theirs.id}/versions`, {}],
      ['POST', `/workspaces/assets/${theirs.id}/versions`, mpOpts],
      ['GET', `/workspaces/assets/${theirs.id}/versions/${tv}`, {}],
      ['PATCH', `/workspaces/assets/${theirs.id}/versions/${tv}`, { json: { name: 'x' } }],
      ['POST', `/workspaces/assets/${theirs.id}/versions/${tv}/current`, {}],
      ['GET', `/workspaces/assets/${theirs.id}/versions/${tv}/thumbnail`, {}],
      ['POST', `/workspaces/assets/${theirs.id}/versions/${tv}/thumbnail`, mpOpts],
      // Their version under my asset id.
      ['GET', `/workspaces/assets/${mine.id}/versions/${tv}`, {}],
      ['PATCH', `/workspaces/assets/${mine.id}/versions/${tv}`, { json: { name: 'x' } }],
      ['POST', `/workspaces/assets/${mine.id}/versions/${tv}/current`, {}],
    ];
    for (const [method, url, opts] of cases) {
      const res = await t.req(method as 'GET', url, { headers: ten.headers, ...opts });
      assert.equal(res.status, 404, `${method} ${url}`);
    }
    const mv = mine.current_version_id;
    const vmp = multipart({}, { name: 'x.png', data: PNG_1x1 });
    const writes: Array<[string, string, object]> = [
      ['POST', `/workspaces/assets/${mine.id}/versions`, { headers: { ...viewer.headers, ...vmp.headers }, payload: vmp.payload }],
      ['PATCH', `/workspaces/assets/${mine.id}/versions/${mv}`, { json: { name: 'x' } }],
      ['POST', `/workspaces/assets/${mine.id}/versions/${mv}/current`, {}],
      ['POST', `/workspaces/assets/${mine.id}/versions/${mv}/thumbnail`, { headers: { ...viewer.headers, ...vmp.headers }, payload: vmp.payload }],
    ];
    for (const [method, url, opts] of writes) {
      const res = await t.req(method as 'POST', url, { headers: viewer.headers, ...opts });
      assert.equal(res.status, 403, `${method} ${url}`);
    }
    assert.equal((await t.req('GET', `/workspaces/assets/${mine.id}/versions`, { headers: viewer.headers })).status, 200);
    const noToken = { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId };
    assert.equal((await t.req('GET', `/workspaces/assets/${mine.id}/versions`, { headers: noToken })).status, 401);
    assert.equal((await t.req('POST', `/workspaces/assets/${mine.id}/versions/${mv}/current`, { headers: noToken })).status, 401);
    assert.deepEqual(await uploadCounts(t), before);
  });
});
