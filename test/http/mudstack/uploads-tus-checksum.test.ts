import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { randomData, sha256 } from './assets-fixtures.js';
import { writtenCounts } from './uploads-fixtures.js';

/*
 * `Atelier-Checksum` on a tus PATCH: the whole file's SHA-256 declared late, by a client that hashes while it sends
 * (the SDK), and checked at completion as one declared at creation.
 */

const TUS = { 'tus-resumable': '1.0.0' };
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function tus(t: TestApp, ten: Tenant) {
  const send = (method: 'POST' | 'HEAD' | 'PATCH', url: string, headers: Record<string, string>, payload?: Buffer) =>
    t.req(method, url, { headers: { ...ten.headers, ...TUS, ...headers }, ...(payload ? { payload } : {}) });
  return {
    async create(length: number, meta: Record<string, string>): Promise<string> {
      const res = await send('POST', '/workspaces/assets/tus', { 'upload-length': String(length), 'upload-metadata': Object.entries(meta).map(([k, v]) => `${k} ${b64(v)}`).join(',') });
      assert.equal(res.status, 201, res.text);
      return new URL(String(res.headers.location)).pathname;
    },
    patch: (path: string, offset: number, chunk: Buffer, extra: Record<string, string> = {}) =>
      send('PATCH', path, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', ...extra }, chunk),
    head: (path: string) => send('HEAD', path, {}),
  };
}

describeEachDatabase('tus Atelier-Checksum', (t) => {
  test('declared on the last PATCH: verified and committed with it', async () => {
    const ten = await t.factory.tenant();
    const c = tus(t, ten);
    const data = randomData(50_000);
    const path = await c.create(data.length, { filename: 'late.bin' });
    assert.equal((await c.patch(path, 0, data.subarray(0, 20_000))).status, 204);
    const last = await c.patch(path, 20_000, data.subarray(20_000), { 'atelier-checksum': sha256(data).toUpperCase() });
    assert.equal(last.status, 204, last.text);
    const assetId = String(last.headers['atelier-asset-id']);
    const asset = await t.req('GET', `/workspaces/assets/${assetId}`, { headers: ten.headers });
    assert.deepEqual([asset.body.currentVersion.checksum, asset.body.currentVersion.size, asset.body.file_name], [sha256(data), data.length, 'late.bin']);
    // The same value again (a retried PATCH) is no conflict; the session keeps it.
    const row = await t.deps.db.selectFrom('upload_sessions').select('declared_checksum').where('asset_id', '=', assetId).executeTakeFirst();
    assert.equal(row?.declared_checksum, sha256(data));
  });

  test('a wrong late checksum fails the upload at completion and commits nothing', async () => {
    const ten = await t.factory.tenant();
    const c = tus(t, ten);
    const data = randomData(30_000);
    const before = await writtenCounts(t);
    const path = await c.create(data.length, { filename: 'bad.bin' });
    assert.equal((await c.patch(path, 0, data.subarray(0, 10_000), { 'atelier-checksum': sha256(Buffer.from('other')) })).status, 204);
    const last = await c.patch(path, 10_000, data.subarray(10_000));
    assert.equal(last.status, 400, last.text);
    assert.equal(last.body.error.code, 'checksum_mismatch');
    assert.deepEqual(await writtenCounts(t), before);
  });

  test('bad input: malformed header 400, a checksum other than declared 409; the offset does not move', async () => {
    const ten = await t.factory.tenant();
    const c = tus(t, ten);
    const data = randomData(1000);
    const path = await c.create(data.length, { filename: 'x.bin', checksum: sha256(data) });
    const malformed = await c.patch(path, 0, data, { 'atelier-checksum': 'abc' });
    assert.equal(malformed.status, 400, malformed.text);
    assert.equal(malformed.body.error.code, 'validation_failed');
    assert.match(JSON.stringify(malformed.body.error.fields), /Atelier-Checksum/);
    const other = await c.patch(path, 0, data, { 'atelier-checksum': sha256(Buffer.from('other')) });
    assert.equal(other.status, 409, other.text);
    assert.equal(other.body.error.code, 'checksum_conflict');
    const head = await c.head(path);
    assert.equal(head.headers['upload-offset'], '0');
    const same = await c.patch(path, 0, data, { 'atelier-checksum': sha256(data) });
    assert.equal(same.status, 204, same.text);
    assert.ok(same.headers['atelier-asset-id']);
  });

  test('another tenant\'s upload is 404 and nothing changes; no token 401', async () => {
    const ten = await t.factory.tenant();
    const them = await t.factory.tenant();
    const data = randomData(100);
    const path = await tus(t, them).create(data.length, { filename: 'theirs.bin' });
    const res = await tus(t, ten).patch(path, 0, data, { 'atelier-checksum': sha256(data) });
    assert.equal(res.status, 404, res.text);
    const noAuth = await t.req('PATCH', path, { headers: { ...TUS, 'x-account-id': them.accountId, 'x-workspace-id': them.workspaceId, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'atelier-checksum': sha256(data) }, payload: data });
    assert.equal(noAuth.status, 401, noAuth.text);
    const row = await t.deps.db.selectFrom('upload_sessions').select(['declared_checksum', 'received_bytes']).where('file_name', '=', 'theirs.bin').executeTakeFirst();
    assert.deepEqual(row, { declared_checksum: null, received_bytes: 0 });
  });
});
