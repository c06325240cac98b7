import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { PNG_1x1, randomData, sha256, uploadCounts, uploadRaw } from './assets-fixtures.js';

/* POST /workspaces/assets/batch: several files in one multipart request, committed in one transaction. */

interface Part {
  data: Buffer;
  name?: string;
}

/** A batch form: `manifest` (any JSON, or a raw string) then the files, or the parts in the order given. */
function batchForm(manifest: unknown, files: Part[], opts: { fileFirst?: boolean; manifestType?: string } = {}): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----atelier${randomBytes(8).toString('hex')}`;
  const manifestPart = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="manifest"\r\n${opts.manifestType ? `Content-Type: ${opts.manifestType}\r\n` : ''}\r\n${typeof manifest === 'string' ? manifest : JSON.stringify(manifest)}\r\n`,
  );
  const fileParts = files.map((f, i) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name ?? `f${i}`}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      f.data,
      Buffer.from('\r\n'),
    ]),
  );
  const parts = opts.fileFirst ? [...fileParts, manifestPart] : [manifestPart, ...fileParts];
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const send = (t: TestApp, headers: Record<string, string>, form: { payload: Buffer; headers: Record<string, string> }) =>
  t.req('POST', '/workspaces/assets/batch', { headers: { ...headers, ...form.headers }, payload: form.payload });

async function written(t: TestApp): Promise<number[]> {
  return [...(await uploadCounts(t)), await t.count('jobs')];
}

describeEachDatabase('POST /workspaces/assets/batch', (t) => {
  test('commits every file as a single upload would: assets, versions, checksums, history, new versions by path', async () => {
    const ten = await t.factory.tenant();
    const existing = randomData(300);
    const first = await uploadRaw(t, ten, existing, { file_name: 'notes.txt', file_location: '/Docs/' });
    assert.equal(first.status, 201, first.text);
    const a = randomData(4096);
    const b = randomData(10);
    const c = Buffer.from('second version of notes');
    const manifest = [
      { file_name: 'a.bin', file_location: '/Art/Props/', checksum: sha256(a), size: a.length },
      { file_name: 'pixel.png', file_location: 'Art', name: 'Pixel', description: 'one pixel', version_name: 'First' },
      { file_name: 'b.bin', file_location: '/Art/Props/', size: b.length },
      { file_name: 'notes.txt', file_location: '/Docs/', checksum: sha256(c).toUpperCase(), version_description: 'edited' },
    ];
    const res = await send(t, ten.headers, batchForm(manifest, [{ data: a }, { data: PNG_1x1 }, { data: b }, { data: c }]));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.length, 4);
    const [ra, rp, rb, rn] = res.body;
    assert.deepEqual([ra.file_location, ra.file_name, ra.currentVersion.size, ra.currentVersion.checksum, ra.currentVersion.version_number], ['/Art/Props/', 'a.bin', 4096, sha256(a), 1]);
    assert.deepEqual([rp.file_location, rp.name, rp.description, rp.asset_type_id, rp.currentVersion.name, rp.currentVersion.content_type], ['/Art/', 'Pixel', 'one pixel', 'image', 'First', 'image/png']);
    assert.deepEqual(rp.currentVersion.derivatives.map((d: { kind: string; state: string }) => [d.kind, d.state]), [['thumbnail', 'pending'], ['preview', 'pending']]);
    assert.deepEqual([rb.file_name, rb.currentVersion.checksum], ['b.bin', sha256(b)]);
    // The same folder and name as an existing asset: a new version of it.
    assert.equal(rn.id, first.body.id);
    assert.deepEqual([rn.currentVersion.version_number, rn.currentVersion.checksum, rn.currentVersion.description, rn.currentVersion.commit_parent_id], [2, sha256(c), 'edited', first.body.currentVersion.id]);
    for (const [asset, data] of [[ra, a], [rp, PNG_1x1], [rb, b], [rn, c]] as const) {
      assert.equal((await t.deps.blobs.stat(asset.currentVersion.key))?.size, data.length);
      assert.equal(asset.workspace_id, ten.workspaceId);
    }
    const history = await t.deps.db.selectFrom('history_events').select(['type', 'asset_id']).where('workspace_id', '=', ten.workspaceId).where('type', 'in', ['asset_created', 'version_created']).orderBy('sequence').execute();
    assert.deepEqual(history.map((h) => h.type), ['asset_created', 'version_created', 'asset_created', 'version_created', 'asset_created', 'version_created', 'asset_created', 'version_created', 'version_created']);
    // The folders exist, and a GET answers what the batch answered.
    const folders = await t.req('GET', '/workspaces/folders/hierarchy', { headers: ten.headers });
    assert.match(JSON.stringify(folders.body), /\/Art\/Props\//);
    const got = await t.req('GET', `/workspaces/assets/${ra.id}`, { headers: ten.headers });
    assert.deepEqual(got.body.currentVersion.checksum, sha256(a));
  });

  test('one path listed twice gets two versions, in manifest order', async () => {
    const ten = await t.factory.tenant();
    const v1 = randomData(20);
    const v2 = randomData(30);
    // The manifest part may say it is JSON.
    const res = await send(t, ten.headers, batchForm([{ file_name: 'x.bin' }, { file_name: 'x.bin' }], [{ data: v1 }, { data: v2 }], { manifestType: 'application/json' }));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body[0].id, res.body[1].id);
    const versions = await t.req('GET', `/workspaces/assets/${res.body[0].id}/versions`, { headers: ten.headers });
    assert.deepEqual(versions.body.map((v: { version_number: number; checksum: string }) => [v.version_number, v.checksum]).sort(), [[1, sha256(v1)], [2, sha256(v2)]]);
    assert.equal(res.body[1].currentVersion.checksum, sha256(v2));
  });

  test('a file over the in-memory size is streamed into the store; a bad checksum on it still refuses the batch', async () => {
    const ten = await t.factory.tenant();
    const big = randomData(1024 * 1024 + 12345);
    const small = randomData(7);
    const res = await send(t, ten.headers, batchForm([{ file_name: 'small.bin' }, { file_name: 'big.bin', checksum: sha256(big) }], [{ data: small }, { data: big }]));
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.map((a: { currentVersion: { size: number; checksum: string } }) => [a.currentVersion.size, a.currentVersion.checksum]), [[7, sha256(small)], [big.length, sha256(big)]]);
    const before = await written(t);
    const bad = await send(t, ten.headers, batchForm([{ file_name: 'big2.bin', checksum: sha256(small) }, { file_name: 'after.bin' }], [{ data: big }, { data: small }]));
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.error.code, 'checksum_mismatch');
    assert.deepEqual(await written(t), before);
  });

  test('bad input is 4xx in the error shape and writes nothing', async () => {
    const ten = await t.factory.tenant();
    const data = randomData(100);
    const before = await written(t);
    const cases: Array<[string, { payload: Buffer; headers: Record<string, string> }, number, string, string?]> = [
      ['manifest not JSON', batchForm('[{', [{ data }]), 400, 'validation_failed', '/manifest'],
      ['manifest not an array', batchForm({ file_name: 'a' }, [{ data }]), 400, 'validation_failed'],
      ['empty manifest', batchForm([], []), 400, 'validation_failed'],
      ['unknown manifest field', batchForm([{ file_name: 'a', asset_id: 'x' }], [{ data }]), 400, 'validation_failed', '/manifest/0'],
      ['bad checksum format', batchForm([{ file_name: 'a', checksum: 'abc' }], [{ data }]), 400, 'validation_failed', '/manifest/0/checksum'],
      ['unusable file name', batchForm([{ file_name: 'ok' }, { file_name: '..' }], [{ data }, { data }]), 400, 'validation_failed', '/manifest/1/file_name'],
      ['bad folder', batchForm([{ file_name: 'a', file_location: '/a/../b/' }], [{ data }]), 400, 'validation_failed', '/manifest/0/file_location'],
      ['file before the manifest', batchForm([{ file_name: 'a' }], [{ data }], { fileFirst: true }), 400, 'validation_failed', '/manifest'],
      ['fewer files than listed', batchForm([{ file_name: 'a' }, { file_name: 'b' }], [{ data }]), 400, 'validation_failed', '/file'],
      ['more files than listed', batchForm([{ file_name: 'a' }], [{ data }, { data }]), 400, 'validation_failed', '/file'],
      ['checksum mismatch in the second file', batchForm([{ file_name: 'a' }, { file_name: 'b', checksum: sha256(Buffer.from('other')) }], [{ data }, { data }]), 400, 'checksum_mismatch'],
      ['size mismatch', batchForm([{ file_name: 'a', size: 99 }], [{ data }]), 400, 'size_mismatch'],
      ['too many files', batchForm(Array.from({ length: 101 }, (_, i) => ({ file_name: `f${i}` })), []), 400, 'validation_failed', '/manifest'],
    ];
    for (const [what, form, status, code, pointer] of cases) {
      const res = await send(t, ten.headers, form);
      assert.equal(res.status, status, `${what}: ${res.text}`);
      assert.equal(res.body.error.code, code, `${what}: ${res.text}`);
      assert.equal(typeof res.body.request_id, 'string');
      if (pointer) {
        assert.ok(JSON.stringify(res.body.error).includes(pointer), `${what}: ${res.text}`);
      }
    }
    const json = await t.req('POST', '/workspaces/assets/batch', { headers: ten.headers, json: [{ file_name: 'a' }] });
    assert.equal(json.status, 415, json.text);
    assert.equal(json.body.error.code, 'unsupported_media_type');
    assert.deepEqual(await written(t), before);
  });

  test('a locked asset refuses the whole batch (423) and nothing of it is written', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.member(ten);
    const first = await uploadRaw(t, ten, randomData(10), { file_name: 'locked.bin' });
    assert.equal((await t.req('POST', `/workspaces/assets/${first.body.id}/lock`, { headers: ten.headers })).status, 200);
    const before = await written(t);
    const res = await send(t, other.headers, batchForm([{ file_name: 'fresh.bin' }, { file_name: 'locked.bin' }], [{ data: randomData(5) }, { data: randomData(6) }]));
    assert.equal(res.status, 423, res.text);
    assert.equal(res.body.error.code, 'asset_locked');
    assert.deepEqual(await written(t), before);
    const search = await t.req('GET', '/workspaces/assets/search', { headers: ten.headers, query: { query: 'fresh' } });
    assert.equal(search.body.assets.length, 0);
  });

  test('over the account upload limit: 413 before anything is stored', async () => {
    const ten = await t.factory.tenant();
    const set = await t.req('PUT', '/accounts/settings/max_upload_bytes', { headers: { authorization: ten.headers.authorization as string, 'x-account-id': ten.accountId }, json: { value: 50 } });
    assert.equal(set.status, 200, set.text);
    const before = await written(t);
    const declared = await send(t, ten.headers, batchForm([{ file_name: 'a', size: 10 }, { file_name: 'b', size: 51 }], [{ data: randomData(10) }, { data: randomData(51) }]));
    assert.equal(declared.status, 413, declared.text);
    const streamed = await send(t, ten.headers, batchForm([{ file_name: 'a' }, { file_name: 'b' }], [{ data: randomData(10) }, { data: randomData(51) }]));
    assert.equal(streamed.status, 413, streamed.text);
    assert.equal(streamed.body.error.code, 'payload_too_large');
    assert.deepEqual(await written(t), before);
  });

  test('tenancy: the same path in another workspace is not touched; other workspaces 404; no token 401; viewers 403', async () => {
    const ten = await t.factory.tenant();
    const them = await t.factory.tenant();
    const theirs = await uploadRaw(t, them, randomData(10), { file_name: 'same.bin', file_location: '/Shared/' });
    const res = await send(t, ten.headers, batchForm([{ file_name: 'same.bin', file_location: '/Shared/' }], [{ data: randomData(11) }]));
    assert.equal(res.status, 201, res.text);
    assert.notEqual(res.body[0].id, theirs.body.id);
    assert.equal(res.body[0].workspace_id, ten.workspaceId);
    const still = await t.req('GET', `/workspaces/assets/${theirs.body.id}`, { headers: them.headers });
    assert.equal(still.body.currentVersion.version_number, 1);
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const before = await written(t);
    const form = () => batchForm([{ file_name: 'x.bin' }], [{ data: randomData(5) }]);
    const otherWorkspace = await send(t, { ...ten.headers, 'x-workspace-id': them.workspaceId }, form());
    assert.ok([403, 404].includes(otherWorkspace.status), otherWorkspace.text);
    const noToken = await send(t, { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId }, form());
    assert.equal(noToken.status, 401, noToken.text);
    const wrongToken = await send(t, { ...ten.headers, authorization: 'Bearer nope' }, form());
    assert.equal(wrongToken.status, 401, wrongToken.text);
    const denied = await send(t, viewer.headers, form());
    assert.equal(denied.status, 403, denied.text);
    assert.equal(denied.body.error.code, 'permission_denied');
    assert.deepEqual(await written(t), before);
  });
});
