import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { PDF_BYTES, PNG_1x1, multipart, randomData, sha256, uploadCounts, uploadMultipart, uploadRaw } from './assets-fixtures.js';

describeEachDatabase('POST /workspaces/assets (upload)', (t) => {
  test('multipart upload creates an asset with its first version (full shape)', async () => {
    const ten = await t.factory.tenant();
    const res = await uploadMultipart(t, ten, { name: 'crate.png', data: PNG_1x1, type: 'image/png' }, {
      file_location: 'Art/Props',
      description: 'A crate',
      checksum: sha256(PNG_1x1),
      size: String(PNG_1x1.length),
    });
    assert.equal(res.status, 201, res.text);
    const a = res.body;
    assert.deepEqual(Object.keys(a).sort(), [
      'assetStatus', 'assetType', 'asset_type_id', 'collaborators', 'created_at', 'created_by_user_id', 'currentVersion',
      'current_version_id', 'deleted_at', 'description', 'favorited', 'file_location', 'file_name', 'id', 'isActive',
      'libraries', 'locked_at', 'locked_by_user_id', 'name', 'reviewRequests', 'sequence', 'status', 'status_id', 'tags', 'updated_at', 'version',
      'versions', 'workspace_id',
    ]);
    assert.equal(a.workspace_id, ten.workspaceId);
    assert.equal(a.name, 'crate.png');
    assert.equal(a.file_name, 'crate.png');
    assert.equal(a.file_location, '/Art/Props/');
    assert.equal(a.description, 'A crate');
    assert.equal(a.asset_type_id, 'image');
    assert.equal(a.status_id, null);
    assert.equal(a.isActive, true);
    assert.equal(a.locked_at, null);
    assert.equal(a.created_by_user_id, ten.userId);
    assert.equal(a.locked_by_user_id, null);
    assert.equal(typeof a.sequence, 'number');
    assert.equal(a.favorited, false);
    assert.deepEqual([a.tags, a.libraries, a.reviewRequests, a.assetStatus, a.status], [[], [], [], null, null]);
    assert.equal(a.assetType.id, 'image');
    assert.equal(a.assetType.name, 'Image');
    assert.equal(a.assetType.generic, false);
    assert.ok(a.assetType.knownExtensions.includes('png'));
    assert.deepEqual(a.collaborators.map((u: { id: string }) => u.id), [ten.userId]);
    const v = a.currentVersion;
    assert.equal(a.current_version_id, v.id);
    assert.deepEqual(a.version, v);
    assert.deepEqual(a.versions, [v]);
    assert.equal(v.asset_id, a.id);
    assert.equal(v.commit_parent_id, null);
    assert.equal(v.version_number, 1);
    assert.equal(v.name, 'Version 1');
    assert.equal(v.size, PNG_1x1.length);
    assert.equal(v.checksum, sha256(PNG_1x1));
    assert.equal(v.key, sha256(PNG_1x1));
    assert.equal(v.content_type, 'image/png');
    assert.equal(v.original_file_name, 'crate.png');
    assert.equal(v.thumbnail_file_id, null);
    assert.deepEqual(v.metadata, {});
    assert.equal(v.user.id, ten.userId);
    assert.equal(v.user.email, ten.email);
    assert.deepEqual(
      v.derivatives.map((d: { kind: string; state: string }) => [d.kind, d.state]),
      [['thumbnail', 'pending'], ['preview', 'pending']],
    );
    // The bytes are in the blob store under the checksum.
    const stored = await t.deps.blobs.stat(v.key);
    assert.equal(stored?.size, PNG_1x1.length);
    // History: asset_created then version_created, in the same workspace.
    const history = await t.deps.db.selectFrom('history_events').select(['type', 'record_id']).where('asset_id', '=', a.id).orderBy('sequence').execute();
    assert.deepEqual(history, [{ type: 'asset_created', record_id: a.id }, { type: 'version_created', record_id: v.id }]);
  });

  test('raw body upload with metadata in the query string, also without any Content-Type', async () => {
    const ten = await t.factory.tenant();
    const data = randomData(5000);
    const res = await uploadRaw(t, ten, data, { file_name: 'notes.bin', file_location: '/Docs/', name: 'Notes', checksum: sha256(data).toUpperCase() });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.name, 'Notes');
    assert.equal(res.body.file_name, 'notes.bin');
    assert.equal(res.body.file_location, '/Docs/');
    assert.equal(res.body.currentVersion.size, 5000);
    assert.equal(res.body.currentVersion.checksum, sha256(data));
    assert.equal(res.body.currentVersion.content_type, 'application/octet-stream');
    assert.equal(res.body.asset_type_id, 'other');
    assert.deepEqual(res.body.currentVersion.derivatives, []);
    const noType = await t.req('POST', '/v1/workspaces/assets', { headers: ten.headers, payload: PDF_BYTES, query: { file_name: 'spec.pdf' } });
    assert.equal(noType.status, 201, noType.text);
    assert.equal(noType.body.currentVersion.content_type, 'application/pdf');
    assert.equal(noType.body.asset_type_id, 'document');
  });

  test('the content type is sniffed from the bytes: a lying Content-Type and extension change nothing', async () => {
    const ten = await t.factory.tenant();
    const res = await uploadMultipart(t, ten, { name: 'report.pdf', data: PNG_1x1, type: 'application/pdf' });
    assert.equal(res.status, 201);
    assert.equal(res.body.currentVersion.content_type, 'image/png');
    assert.equal(res.body.asset_type_id, 'image');
    const raw = await uploadRaw(t, ten, PDF_BYTES, { file_name: 'photo.jpg' }, 'image/jpeg');
    assert.equal(raw.status, 201);
    assert.equal(raw.body.currentVersion.content_type, 'application/pdf');
    assert.equal(raw.body.asset_type_id, 'document');
    // Unrecognisable bytes: the extension decides the asset type, never the declared Content-Type.
    const obj = await uploadRaw(t, ten, Buffer.from('v 0 0 0\nv 1 0 0\nf 1 2 1\n'), { file_name: 'mesh.obj' }, 'image/png');
    assert.equal(obj.body.currentVersion.content_type, 'model/obj');
    assert.equal(obj.body.asset_type_id, 'model3d');
  });

  test('checksum or size mismatch is 400 and writes no row', async () => {
    const ten = await t.factory.tenant();
    const before = await uploadCounts(t);
    const bad = await uploadMultipart(t, ten, { name: 'a.png', data: PNG_1x1 }, { checksum: sha256(Buffer.from('other')) });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'checksum_mismatch');
    const badSize = await uploadRaw(t, ten, PNG_1x1, { file_name: 'a.png', size: String(PNG_1x1.length + 1) });
    assert.equal(badSize.status, 400);
    assert.equal(badSize.body.error.code, 'size_mismatch');
    // A raw body's declared checksum is checked while the bytes arrive: not even an orphan blob is kept.
    const blobsBefore = await t.blobCount();
    const fresh = Buffer.from(`never stored ${Math.random()}`);
    const badRaw = await uploadRaw(t, ten, fresh, { file_name: 'b.txt', checksum: sha256(Buffer.from('other')) });
    assert.equal(badRaw.status, 400);
    assert.equal(badRaw.body.error.code, 'checksum_mismatch');
    assert.equal(await t.blobCount(), blobsBefore);
    const malformed = await uploadRaw(t, ten, PNG_1x1, { file_name: 'a.png', checksum: 'xyz' });
    assert.equal(malformed.status, 400);
    assert.deepEqual(malformed.body.error.fields.map((f: { pointer: string }) => f.pointer), ['/checksum']);
    const malformedForm = await uploadMultipart(t, ten, { name: 'a.png', data: PNG_1x1 }, { size: 'big' });
    assert.equal(malformedForm.status, 400);
    assert.equal(malformedForm.body.error.fields[0].in, 'body');
    assert.equal(malformedForm.body.error.fields[0].pointer, '/size');
    assert.deepEqual(await uploadCounts(t), before);
  });

  test('file names are sanitised and .. in file_location is refused', async () => {
    const ten = await t.factory.tenant();
    const res = await uploadMultipart(t, ten, { name: '../../etc/pass\u0001wd.png', data: PNG_1x1 }, { file_location: '//Art\\Sub/./' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.file_name, 'passwd.png');
    assert.equal(res.body.file_location, '/Art/Sub/');
    const raw = await uploadRaw(t, ten, PNG_1x1, { file_name: 'C:\\x\\..\\evil.png', file_location: 'a/b' });
    assert.equal(raw.status, 201);
    assert.equal(raw.body.file_name, 'evil.png');
    const before = await uploadCounts(t);
    for (const file_location of ['/../secret/', 'a/../../b', '..']) {
      const r = await uploadRaw(t, ten, PNG_1x1, { file_name: 'x.png', file_location });
      assert.equal(r.status, 400, file_location);
      assert.deepEqual(r.body.error.fields, [{ in: 'query', pointer: '/file_location', message: 'must not contain ".." segments' }]);
    }
    const mp = await uploadMultipart(t, ten, { name: 'x.png', data: PNG_1x1 }, { file_location: '/a/../b' });
    assert.equal(mp.status, 400);
    assert.equal(mp.body.error.fields[0].in, 'body');
    const noName = await uploadRaw(t, ten, PNG_1x1, { file_name: '..' });
    assert.equal(noName.status, 400);
    assert.equal(noName.body.error.fields[0].pointer, '/file_name');
    assert.deepEqual(await uploadCounts(t), before);
  });

  test('the same file name in the same folder becomes a new version; asset_id adds a version', async () => {
    const ten = await t.factory.tenant();
    const first = await uploadRaw(t, ten, Buffer.from('one'), { file_name: 'level.txt', file_location: '/Maps/' });
    const second = await uploadMultipart(t, ten, { name: 'level.txt', data: Buffer.from('two') }, { file_location: 'Maps' });
    assert.equal(second.status, 201);
    assert.equal(second.body.id, first.body.id);
    assert.equal(second.body.versions.length, 2);
    assert.equal(second.body.currentVersion.version_number, 2);
    assert.equal(second.body.currentVersion.commit_parent_id, first.body.current_version_id);
    assert.equal(second.body.currentVersion.content_type, 'text/plain');
    assert.deepEqual(second.body.versions.map((v: { version_number: number }) => v.version_number), [2, 1]);
    // Another folder is another asset.
    const elsewhere = await uploadRaw(t, ten, Buffer.from('one'), { file_name: 'level.txt', file_location: '/Other/' });
    assert.notEqual(elsewhere.body.id, first.body.id);
    // asset_id adds a version whatever the file name; the asset keeps its own name.
    const third = await uploadRaw(t, ten, PNG_1x1, { file_name: 'new.png', asset_id: first.body.id });
    assert.equal(third.status, 201);
    assert.equal(third.body.id, first.body.id);
    assert.equal(third.body.file_name, 'level.txt');
    assert.equal(third.body.currentVersion.version_number, 3);
    assert.equal(third.body.currentVersion.original_file_name, 'new.png');
    assert.equal(third.body.asset_type_id, 'image');
    const viaForm = await uploadMultipart(t, ten, { name: 'x.bin', data: Buffer.from('four') }, { asset_id: first.body.id });
    assert.equal(viaForm.body.currentVersion.version_number, 4);
  });

  test('concurrent first uploads to one new path make one asset with a version each', async () => {
    const ten = await t.factory.tenant();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => uploadRaw(t, ten, Buffer.from(`take ${i}`), { file_name: 'race.txt', file_location: '/Race/' })),
    );
    assert.deepEqual(results.map((r) => r.status), [201, 201, 201, 201, 201, 201]);
    const ids = new Set(results.map((r) => r.body.id));
    assert.equal(ids.size, 1, 'one asset');
    const rows = await t.deps.db.selectFrom('assets').select('id').where('workspace_id', '=', ten.workspaceId).where('file_name', '=', 'race.txt').execute();
    assert.equal(rows.length, 1);
    const versions = await t.deps.db.selectFrom('asset_versions').select('version_number').where('asset_id', '=', rows[0]?.id ?? '').orderBy('version_number').execute();
    assert.deepEqual(versions.map((v) => v.version_number), [1, 2, 3, 4, 5, 6]);
  });

  test('workspace usage counts live assets and distinct blob bytes', async () => {
    const ten = await t.factory.tenant();
    const data = randomData(1000);
    await uploadRaw(t, ten, data, { file_name: 'a.bin' });
    await uploadRaw(t, ten, data, { file_name: 'b.bin' });
    await uploadRaw(t, ten, randomData(10), { file_name: 'a.bin' });
    const ws = await t.req('GET', '/workspaces', { headers: ten.headers });
    assert.deepEqual(ws.body.usage, { members: 1, storage: 1010, assets: 2 });
  });

  test('bad requests: no file, JSON body, unexpected file field, missing file_name', async () => {
    const ten = await t.factory.tenant();
    const before = await uploadCounts(t);
    const noFile = multipart({ name: 'x' });
    const r1 = await t.req('POST', '/workspaces/assets', { headers: { ...ten.headers, ...noFile.headers }, payload: noFile.payload });
    assert.equal(r1.status, 400);
    assert.deepEqual(r1.body.error.fields, [{ in: 'body', pointer: '/file', message: 'is required' }]);
    const json = await t.req('POST', '/workspaces/assets', { headers: ten.headers, json: { name: 'x' } });
    assert.equal(json.status, 415);
    const wrongField = multipart({}, { name: 'a.png', data: PNG_1x1, field: 'upload' });
    const r3 = await t.req('POST', '/workspaces/assets', { headers: { ...ten.headers, ...wrongField.headers }, payload: wrongField.payload });
    assert.equal(r3.status, 400);
    const r4 = await uploadRaw(t, ten, PNG_1x1, {});
    assert.equal(r4.status, 400);
    assert.deepEqual(r4.body.error.fields, [{ in: 'query', pointer: '/file_name', message: 'is required with a raw body' }]);
    assert.deepEqual(await uploadCounts(t), before);
  });

  test('401 without a token, 403 for a viewer, 404 for another tenant\'s asset_id', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const theirs = await uploadRaw(t, other, PNG_1x1, { file_name: 'theirs.png' });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const before = await uploadCounts(t);
    const anon = await t.req('POST', '/workspaces/assets', {
      headers: { 'content-type': 'application/octet-stream', 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId },
      payload: PNG_1x1,
      query: { file_name: 'a.png' },
    });
    assert.equal(anon.status, 401);
    const v1 = await uploadRaw(t, viewer, PNG_1x1, { file_name: 'a.png' });
    assert.equal(v1.status, 403);
    const v2 = await uploadMultipart(t, viewer, { name: 'a.png', data: PNG_1x1 });
    assert.equal(v2.status, 403);
    const foreign = await uploadRaw(t, ten, PNG_1x1, { file_name: 'a.png', asset_id: theirs.body.id });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'asset_not_found');
    assert.deepEqual(await uploadCounts(t), before);
    // An editor may upload.
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    assert.equal((await uploadRaw(t, editor, PNG_1x1, { file_name: 'ok.png' })).status, 201);
  });
});
