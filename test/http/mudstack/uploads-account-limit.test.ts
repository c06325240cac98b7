import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signUploadQuery } from '../../../src/domain/uploads/signed-url.js';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { acct } from './accounts-fixtures.js';
import { multipart, randomData } from './assets-fixtures.js';
import { tempCount, waitForNoTemp, writtenCounts } from './uploads-fixtures.js';

/*
 * The account setting `max_upload_bytes` is enforced on every upload path, as the effective limit
 * min(setting, MAX_UPLOAD_BYTES): up front when the size is known, while streaming otherwise. 413 in the
 * documented shape, and nothing written.
 */

const SERVER_LIMIT = 100_000;
const TUS = { 'tus-resumable': '1.0.0' };

async function setLimit(t: TestApp, ten: Tenant, value: number | null): Promise<void> {
  const res = await t.req('PUT', '/accounts/settings/max_upload_bytes', { headers: acct(ten), json: { value } });
  assert.equal(res.status, 200, res.text);
}

async function snapshot(t: TestApp): Promise<Record<string, number>> {
  return { ...(await writtenCounts(t)), upload_sessions: await t.count('upload_sessions'), temp: await tempCount(t) };
}

function assertTooLarge(res: { status: number; body: any }, limit: number, what: string): void {
  assert.equal(res.status, 413, `${what}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, 'payload_too_large', what);
  assert.match(res.body.error.message, new RegExp(`${limit} bytes`), what);
  assert.equal(typeof res.body.request_id, 'string');
}

const raw = (t: TestApp, ten: Tenant, data: Buffer, url = '/workspaces/assets', fileName = 'f.bin') =>
  t.req('POST', url, { headers: { ...ten.headers, 'content-type': 'application/octet-stream' }, query: { file_name: fileName }, payload: data });

const tusCreate = (t: TestApp, ten: Tenant, length: number) =>
  t.req('POST', '/workspaces/assets/tus', {
    headers: { ...ten.headers, ...TUS, 'upload-length': String(length), 'upload-metadata': `filename ${Buffer.from('t.bin').toString('base64')}` },
  });

function signedPut(t: TestApp, key: string, expiresAt: string, payload: Buffer) {
  const query = signUploadQuery(t.deps.tokenKey, { method: 'PUT', path: `/uploads/${key}`, expiresAt: new Date(Date.parse(expiresAt)) });
  return t.req('PUT', `/uploads/${key}?${query}`, { headers: { 'content-type': 'application/octet-stream' }, payload });
}

describeEachDatabase(
  'account upload limit (max_upload_bytes)',
  (t) => {
    test('every upload path refuses more than the account allows: 413, nothing written', async () => {
      const ten = await t.factory.tenant();
      await setLimit(t, ten, 1000);
      const exact = await raw(t, ten, randomData(1000), '/workspaces/assets', 'exact.bin');
      assert.equal(exact.status, 201, 'exactly the limit is accepted');
      const before = await snapshot(t);
      assertTooLarge(await raw(t, ten, randomData(1001)), 1000, 'raw single-request upload');
      const form = multipart({}, { name: 'f.bin', data: randomData(1001) });
      assertTooLarge(await t.req('POST', '/workspaces/assets', { headers: { ...ten.headers, ...form.headers }, payload: form.payload }), 1000, 'multipart upload');
      assertTooLarge(await raw(t, ten, randomData(1001), `/workspaces/assets/${exact.body.id}/versions`), 1000, 'new version');
      assertTooLarge(await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'p.bin', size: 1001 } }), 1000, 'presign with a declared size');
      assertTooLarge(await tusCreate(t, ten, 1001), 1000, 'tus Upload-Length');
      assert.deepEqual(await snapshot(t), before);
      // Without a declared size, the signed PUT itself is refused, and so is a commit of anything over the limit.
      const session = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'p.bin' } });
      assert.equal(session.status, 200);
      assertTooLarge(await signedPut(t, session.body.key, session.body.expires_at, randomData(1001)), 1000, 'signed PUT');
      assert.equal(await waitForNoTemp(t), 0);
      const commit = await t.req('POST', '/workspaces/assets/upload/assets', { headers: ten.headers, json: { temp_file_key: session.body.key, original_file_name: 'p.bin' } });
      assert.equal(commit.status, 409, 'nothing was stored for the session');
      const { upload_sessions: _sessions, temp: _temp, ...rowsBefore } = before;
      assert.deepEqual(await writtenCounts(t), rowsBefore);
    });

    test("a size declared as a field is refused before the file is read, and the limit is the account's own", async () => {
      const ten = await t.factory.tenant();
      const other = await t.factory.tenant();
      await setLimit(t, ten, 500);
      const before = await snapshot(t);
      // The declared size alone (checksum and size fields) is over the limit.
      const declared = await t.req('POST', '/workspaces/assets', {
        headers: { ...ten.headers, 'content-type': 'application/octet-stream' },
        query: { file_name: 'd.bin', size: '501' },
        payload: randomData(10),
      });
      assertTooLarge(declared, 500, 'declared size');
      assert.deepEqual(await snapshot(t), before);
      // Another account without the setting is not affected.
      const fine = await raw(t, other, randomData(5000));
      assert.equal(fine.status, 201);
    });

    test('a setting above MAX_UPLOAD_BYTES does not lift the server limit; null returns to it', async () => {
      const ten = await t.factory.tenant();
      await setLimit(t, ten, 10 * SERVER_LIMIT);
      const before = await snapshot(t);
      assertTooLarge(await raw(t, ten, randomData(SERVER_LIMIT + 1)), SERVER_LIMIT, 'over the server limit');
      assertTooLarge(await tusCreate(t, ten, SERVER_LIMIT + 1), SERVER_LIMIT, 'tus over the server limit');
      assert.deepEqual(await snapshot(t), before);
      await setLimit(t, ten, 2000);
      assertTooLarge(await raw(t, ten, randomData(2001)), 2000, 'lowered again');
      await setLimit(t, ten, null);
      assert.equal((await raw(t, ten, randomData(2001))).status, 201, 'null: the server limit applies');
    });

    test('a tus upload within the limit completes; a presigned upload within the limit commits', async () => {
      const ten = await t.factory.tenant();
      await setLimit(t, ten, 1000);
      const created = await tusCreate(t, ten, 1000);
      assert.equal(created.status, 201);
      const path = new URL(String(created.headers.location)).pathname;
      const done = await t.req('PATCH', path, {
        headers: { ...ten.headers, ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
        payload: randomData(1000),
      });
      assert.equal(done.status, 204);
      assert.equal(typeof done.headers['atelier-asset-id'], 'string');
      const session = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'ok.bin', size: 1000 } });
      assert.equal(session.status, 200);
      assert.equal((await signedPut(t, session.body.key, session.body.expires_at, randomData(1000))).status, 204);
      const commit = await t.req('POST', '/workspaces/assets/upload/assets', { headers: ten.headers, json: { temp_file_key: session.body.key, original_file_name: 'ok.bin' } });
      assert.equal(commit.status, 200, commit.text);
      assert.equal(commit.body.currentVersion.size, 1000);
    });
  },
  { MAX_UPLOAD_BYTES: String(SERVER_LIMIT) },
);
