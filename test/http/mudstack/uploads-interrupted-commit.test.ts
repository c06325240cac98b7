import assert from 'node:assert/strict';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { newId } from '../../../src/lib/ids.js';
import { describeEachDatabaseAndStore, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { randomData, sha256 } from './assets-fixtures.js';
import { listening, refreshed, tempCount } from './uploads-fixtures.js';

// Issue #13 items 1 and 2: a process killed while completing a tus upload, or while committing a presigned upload,
// left the session `committing` for good: every retry answered 409 upload_in_progress. Each test puts the rows and
// bytes in the state such a kill leaves them in, then retries as a client would.

const TUS = { 'tus-resumable': '1.0.0' };
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function sessionRow(t: TestApp, id: string) {
  return t.deps.db.selectFrom('upload_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** What a kill mid-commit leaves: the session `committing`, its claim renewed just now by the process that died. */
async function markCommitting(t: TestApp, id: string): Promise<void> {
  await t.deps.db.updateTable('upload_sessions').set({ state: 'committing', updated_at: t.clock.now().toISOString() }).where('id', '=', id).execute();
}

describeEachDatabaseAndStore('uploads: a commit cut off by a crash is taken over by the next attempt', (t, store) => {
  test('tus: every byte in, completion cut off; an empty PATCH finishes it once the dead claim is stale', async () => {
    let ten: Tenant = await t.factory.tenant();
    const data = randomData(200_000);
    const send = (method: string, url: string, headers: Record<string, string> = {}, payload?: Buffer) =>
      t.app.inject({ method: method as 'PATCH', url, headers: { ...ten.headers, ...TUS, ...headers }, ...(payload ? { payload } : {}) });
    const created = await send('POST', '/workspaces/assets/tus', { 'upload-length': String(data.length), 'upload-metadata': `filename ${b64('cut.bin')},checksum ${b64(sha256(data))}` });
    assert.equal(created.statusCode, 201, created.body);
    const path = new URL(String(created.headers.location)).pathname;
    const id = path.split('/').pop() ?? '';
    const first = await send('PATCH', path, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, data.subarray(0, 150_000));
    assert.equal(first.statusCode, 204, first.body);
    // The last chunk arrived (disk: written into the upload's file; S3: its part stored), the offset moved, and the
    // process died while completing.
    if (store === 'disk') {
      await t.deps.blobs.writeTempAt(id, 150_000, Readable.from([data.subarray(150_000)]));
    } else {
      const partId = newId();
      await t.deps.blobs.putTemp(partId, Readable.from([data.subarray(150_000)]));
      const now = t.clock.now().toISOString();
      await t.deps.db.insertInto('upload_parts').values({ id: partId, session_id: id, start_offset: 150_000, size: 50_000, created_at: now }).execute();
    }
    await t.deps.db.updateTable('upload_sessions').set({ received_bytes: data.length }).where('id', '=', id).execute();
    await markCommitting(t, id);

    const head = await send('HEAD', path);
    assert.equal(head.headers['upload-offset'], String(data.length));
    assert.equal(head.headers['atelier-asset-id'], undefined);
    // While the claim could still be a live request's, a retry waits its turn (409), and so does termination.
    const early = await send('PATCH', path, { 'upload-offset': String(data.length), 'content-type': 'application/offset+octet-stream' }, Buffer.alloc(0));
    assert.equal(early.statusCode, 409, early.body);
    assert.equal(JSON.parse(early.body).error.code, 'upload_in_progress');
    assert.equal((await send('DELETE', path)).statusCode, 409);

    t.clock.advance(31);
    ten = await refreshed(t, ten);
    const retried = await send('PATCH', path, { 'upload-offset': String(data.length), 'content-type': 'application/offset+octet-stream' }, Buffer.alloc(0));
    assert.equal(retried.statusCode, 204, retried.body);
    const assetId = String(retried.headers['atelier-asset-id']);
    const asset = await t.req('GET', `/workspaces/assets/${assetId}`, { headers: ten.headers });
    assert.equal(asset.status, 200);
    assert.equal(asset.body.currentVersion.checksum, sha256(data));
    assert.equal(asset.body.currentVersion.size, data.length);
    assert.equal((await sessionRow(t, id)).state, 'committed');
    assert.equal(await tempCount(t), 0, 'the parts are freed');
    // Retrying once more changes nothing: the same asset, one version.
    const again = await send('HEAD', path);
    assert.equal(again.headers['atelier-asset-id'], assetId);
    assert.equal((await t.req('GET', `/workspaces/assets/${assetId}`, { headers: ten.headers })).body.versions.length, 1);
  });

  test('presigned: the commit died after claiming the bytes; the retried commit finishes it', async () => {
    let ten: Tenant = await t.factory.tenant();
    const base = await listening(t);
    const data = randomData(120_000);
    const s = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'cut.bin' } });
    assert.equal(s.status, 200, s.text);
    const put = await fetch(store === 'disk' ? s.body.signed_url.replace(/^https?:\/\/[^/]+/, base) : s.body.signed_url, { method: 'PUT', body: new Uint8Array(data), headers: { 'content-type': '' } });
    assert.ok(put.ok, String(put.status));
    await markCommitting(t, s.body.key);
    if (store === 'disk') {
      // adopt had renamed the temp bytes to its private claim name when the process died.
      const tmp = join(t.config.dataDir, 'blobs', 'tmp');
      await rename(join(tmp, s.body.key), join(tmp, `${s.body.key}.adopt-${newId()}`));
    }
    const commit = () => t.req('POST', '/workspaces/assets/upload/assets', { headers: ten.headers, json: { temp_file_key: s.body.key, original_file_name: 'cut.bin' } });
    const early = await commit();
    assert.equal(early.status, 409, early.text);
    assert.equal(early.body.error.code, 'upload_in_progress');
    t.clock.advance(31);
    ten = await refreshed(t, ten);
    const done = await commit();
    assert.equal(done.status, 200, done.text);
    assert.equal(done.body.currentVersion.checksum, sha256(data));
    assert.equal((await sessionRow(t, s.body.key)).state, 'committed');
    assert.equal(await tempCount(t), 0, 'no claimed temp file is left behind');
    const again = await commit();
    assert.equal(again.status, 200);
    assert.equal(again.body.id, done.body.id);
    assert.equal(again.body.versions.length, 1);
  });

  test('presigned with a declared checksum: the bytes had reached their address; the retry commits them', async () => {
    let ten: Tenant = await t.factory.tenant();
    const base = await listening(t);
    const data = randomData(90_000);
    const s = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'placed.bin', checksum: sha256(data), size: data.length } });
    assert.equal(s.status, 200, s.text);
    const put = await fetch(store === 'disk' ? s.body.signed_url.replace(/^https?:\/\/[^/]+/, base) : s.body.signed_url, { method: 'PUT', body: new Uint8Array(data), headers: { 'content-type': '' } });
    assert.ok(put.ok, String(put.status));
    // adopt moved the bytes to their content address, then the process died before the rows were written.
    await t.deps.blobs.adopt(s.body.key, {});
    await markCommitting(t, s.body.key);
    t.clock.advance(31);
    ten = await refreshed(t, ten);
    const done = await t.req('POST', '/workspaces/assets/upload/assets', { headers: ten.headers, json: { temp_file_key: s.body.key, original_file_name: 'placed.bin' } });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.body.currentVersion.checksum, sha256(data));
    assert.equal(done.body.currentVersion.size, data.length);
  });
});
