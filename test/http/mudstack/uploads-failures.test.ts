import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signUploadQuery } from '../../../src/domain/uploads/signed-url.js';
import { describeEachDatabaseAndStore, type TestApp } from '../../harness/app.js';
import { randomData, sha256 } from './assets-fixtures.js';
import { listening, tempCount, truncatedRequest, waitForNoTemp, writtenCounts } from './uploads-fixtures.js';

const TUS = { 'tus-resumable': '1.0.0' };
const LIMIT = 1_000_000;

/** Temp bytes may be removed a moment after the socket closes: wait until they are back to `expected`. */
async function tempBackTo(t: Parameters<typeof tempCount>[0], expected: number): Promise<number> {
  const until = Date.now() + 5000;
  let n = await tempCount(t);
  while (n > expected && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    n = await tempCount(t);
  }
  return n;
}

/** Waits until a cut PATCH has given its write claim back (the server notices the closed socket asynchronously). */
async function waitForClaimReleased(t: TestApp, id: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const row = await t.deps.db.selectFrom('upload_sessions').select('write_claim_token').where('id', '=', id).executeTakeFirstOrThrow();
    if (row.write_claim_token === null) {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail('the write claim of the cut PATCH was not released');
}

describeEachDatabaseAndStore('upload failures leave nothing behind', (t, store) => {
  test('a tus PATCH cut short: disk keeps what arrived (the offset moves to it), S3 keeps nothing; the upload resumes', async () => {
    const ten = await t.factory.tenant();
    const base = await listening(t);
    // The cut request sends 200,000 bytes of 7s: the file starts with them, so what disk keeps is the file's.
    const SENT = 200_000;
    const data = Buffer.concat([Buffer.alloc(SENT, 7), randomData(300_000)]);
    const created = await t.req('POST', '/workspaces/assets/tus', {
      headers: { ...ten.headers, ...TUS, 'upload-length': String(data.length), 'upload-metadata': `filename ${Buffer.from('cut.bin').toString('base64')},checksum ${Buffer.from(sha256(data)).toString('base64')}` },
    });
    assert.equal(created.status, 201);
    const path = new URL(String(created.headers.location)).pathname;
    const before = await writtenCounts(t);
    const temps = await tempCount(t);
    const answered = await truncatedRequest(base, {
      method: 'PATCH',
      path,
      headers: { ...ten.headers, ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      declared: data.length,
      sent: SENT,
    });
    assert.equal(answered, '', 'the server was still reading the body when the client went away');
    let kept = 0;
    if (store === 'disk') {
      // The upload's own file (written in place) keeps what arrived, and the write claim is given back, so the
      // resume is not refused as locked.
      await waitForClaimReleased(t, path.split('/').pop()!);
      assert.equal(await tempCount(t), temps + 1);
      kept = SENT;
    } else {
      assert.equal(await tempBackTo(t, temps), temps);
    }
    const head = await t.req('HEAD', path, { headers: { ...ten.headers, ...TUS } });
    assert.equal(head.headers['upload-offset'], String(kept));
    assert.deepEqual(await writtenCounts(t), before);
    const done = await t.req('PATCH', path, {
      headers: { ...ten.headers, ...TUS, 'upload-offset': String(kept), 'content-type': 'application/offset+octet-stream' },
      payload: data.subarray(kept),
    });
    assert.equal(done.status, 204);
    const asset = await t.req('GET', `/workspaces/assets/${String(done.headers['atelier-asset-id'])}`, { headers: ten.headers });
    assert.equal(asset.body.currentVersion.checksum, sha256(data));
  });

  test('a truncated single-request upload (POST /workspaces/assets) writes no rows and no blob', async () => {
    const ten = await t.factory.tenant();
    const base = await listening(t);
    const before = await writtenCounts(t);
    const temps = await tempCount(t);
    const answered = await truncatedRequest(base, {
      method: 'POST',
      path: '/workspaces/assets?file_name=cut.bin',
      headers: { ...ten.headers, 'content-type': 'application/octet-stream' },
      declared: 800_000,
      sent: 300_000,
    });
    assert.equal(answered, '', 'the server was still reading the body when the client went away');
    assert.equal(await tempBackTo(t, temps), temps);
    assert.deepEqual(await writtenCounts(t), before);
  });

  test("a truncated PUT to Atelier's signed URL keeps nothing; the commit then says nothing arrived", async () => {
    const ten = await t.factory.tenant();
    const base = await listening(t);
    const s = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'cut.bin' } });
    const query = signUploadQuery(t.deps.tokenKey, { method: 'PUT', path: `/uploads/${s.body.key}`, expiresAt: new Date(Date.parse(s.body.expires_at)) });
    const before = await writtenCounts(t);
    const temps = await tempCount(t);
    const answered = await truncatedRequest(base, { method: 'PUT', path: `/uploads/${s.body.key}?${query}`, headers: { 'content-type': '' }, declared: 600_000, sent: 250_000 });
    assert.equal(answered, '', 'the server was still reading the body when the client went away');
    assert.equal(await tempBackTo(t, temps), temps);
    assert.deepEqual(await writtenCounts(t), before);
    const commit = await t.req('POST', '/workspaces/assets/upload/assets', { headers: ten.headers, json: { temp_file_key: s.body.key, original_file_name: 'cut.bin' } });
    assert.equal(commit.status, 409);
    assert.equal(commit.body.error.code, 'upload_incomplete');
  });

  test('over MAX_UPLOAD_BYTES is 413 on every path and stores nothing', async () => {
    const ten = await t.factory.tenant();
    const before = await writtenCounts(t);
    const temps = await tempCount(t);
    const sessions = await t.count('upload_sessions');
    const big = randomData(LIMIT + 1);
    const single = await t.req('POST', '/workspaces/assets', { headers: { ...ten.headers, 'content-type': 'application/octet-stream' }, query: { file_name: 'big.bin' }, payload: big });
    assert.equal(single.status, 413);
    const url = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'big.bin', size: LIMIT + 1 } });
    assert.equal(url.status, 413);
    const tus = await t.req('POST', '/workspaces/assets/tus', {
      headers: { ...ten.headers, ...TUS, 'upload-length': String(LIMIT + 1), 'upload-metadata': `filename ${Buffer.from('big.bin').toString('base64')}` },
    });
    assert.equal(tus.status, 413);
    assert.equal(await t.count('upload_sessions'), sessions);
    // A signed PUT larger than the limit (the session did not declare a size).
    const s = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'big.bin' } });
    const query = signUploadQuery(t.deps.tokenKey, { method: 'PUT', path: `/uploads/${s.body.key}`, expiresAt: new Date(Date.parse(s.body.expires_at)) });
    const put = await t.req('PUT', `/uploads/${s.body.key}?${query}`, { headers: { 'content-type': 'application/octet-stream' }, payload: big });
    assert.equal(put.status, 413);
    // A declared size caps the PUT too.
    const small = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'small.bin', size: 10 } });
    const q2 = signUploadQuery(t.deps.tokenKey, { method: 'PUT', path: `/uploads/${small.body.key}`, expiresAt: new Date(Date.parse(small.body.expires_at)) });
    assert.equal((await t.req('PUT', `/uploads/${small.body.key}?${q2}`, { payload: randomData(11) })).status, 413);
    assert.equal(await waitForNoTemp(t), temps);
    assert.deepEqual(await writtenCounts(t), before);
  });
}, { MAX_UPLOAD_BYTES: String(LIMIT) });
