import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { uploadsExpireJob } from '../../../src/domain/uploads/uploads-expire.job.js';
import { enqueue } from '../../../src/jobs/queue.js';
import { describeEachDatabaseAndStore, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { randomData, sha256 } from './assets-fixtures.js';
import { refreshed, secondApp, tempCount, writtenCounts } from './uploads-fixtures.js';

const TUS = { 'tus-resumable': '1.0.0' };
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const metadata = (m: Record<string, string>): string => Object.entries(m).map(([k, v]) => `${k} ${b64(v)}`).join(',');

/** A tus client over app.inject, so the same calls can go to several app instances ("API processes"). */
function tus(app: FastifyInstance, ten: Tenant) {
  const send = async (method: 'POST' | 'HEAD' | 'PATCH' | 'DELETE' | 'OPTIONS', url: string, headers: Record<string, string> = {}, payload?: Buffer) => {
    const res = await app.inject({ method, url, headers: { ...ten.headers, ...TUS, ...headers }, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, headers: res.headers, body: res.body ? (JSON.parse(res.body) as any) : undefined };
  };
  return {
    send,
    create: (length: number, meta: Record<string, string>) => send('POST', '/workspaces/assets/tus', { 'upload-length': String(length), 'upload-metadata': metadata(meta) }),
    head: (path: string) => send('HEAD', path),
    patch: (path: string, offset: number, chunk: Buffer, extra: Record<string, string> = {}) =>
      send('PATCH', path, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', ...extra }, chunk),
  };
}

const pathOf = (location: unknown): string => new URL(String(location)).pathname;

/** Sends `data` in `chunks` PATCHes starting at `from`, alternating over the given clients; returns the last answer. */
async function sendChunks(clients: Array<ReturnType<typeof tus>>, path: string, data: Buffer, chunks: number, from = 0) {
  const size = Math.ceil(data.length / chunks);
  let last;
  let i = 0;
  for (let offset = from; offset < data.length; offset += size, i++) {
    const client = clients[i % clients.length]!;
    last = await client.patch(path, offset, data.subarray(offset, Math.min(data.length, offset + size)));
    assert.equal(last.status, 204, JSON.stringify(last.body));
    assert.equal(last.headers['upload-offset'], String(Math.min(data.length, offset + size)));
  }
  return last;
}

describeEachDatabaseAndStore('tus resumable uploads', (t: TestApp, store) => {
  test('OPTIONS answers the protocol capabilities without auth', async () => {
    const res = await t.req('OPTIONS', '/workspaces/assets/tus');
    assert.equal(res.status, 204);
    assert.equal(res.headers['tus-resumable'], '1.0.0');
    assert.equal(res.headers['tus-version'], '1.0.0');
    assert.equal(res.headers['tus-extension'], 'creation,creation-with-upload,termination,expiration');
    assert.equal(res.headers['tus-max-size'], String(t.config.uploads.maxBytes));
  });

  test('create, HEAD, PATCH in several chunks, resume from HEAD, complete -> asset with the checksum', async () => {
    const ten = await t.factory.tenant();
    const c = tus(t.app, ten);
    const data = randomData(300_000);
    const temps = await tempCount(t);
    const created = await c.create(data.length, { filename: 'shot.bin', file_location: '/Shots/A', name: 'Shot A', checksum: sha256(data) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers['tus-resumable'], '1.0.0');
    const path = pathOf(created.headers.location);
    assert.match(path, /^\/workspaces\/assets\/tus\/[0-9a-f-]{36}$/);
    assert.equal(created.headers['upload-offset'], '0');
    const expires = Date.parse(String(created.headers['upload-expires']));
    assert.ok(Math.abs(expires - (t.clock.now().getTime() + 86400_000)) < 2000, String(created.headers['upload-expires']));
    const h0 = await c.head(path);
    assert.equal(h0.status, 200);
    assert.equal(h0.headers['upload-offset'], '0');
    assert.equal(h0.headers['upload-length'], String(data.length));
    assert.equal(h0.headers['cache-control'], 'no-store');
    // The advised PATCH size: on disk the rest (a cut PATCH keeps what arrived), on S3 64 MiB (a cut PATCH is lost whole).
    const advised = (rest: number): string => String(store === 'disk' ? rest : 64 * 1024 * 1024);
    assert.equal(created.headers['atelier-patch-bytes'], advised(data.length));
    assert.equal(h0.headers['atelier-patch-bytes'], advised(data.length));
    // Two chunks, then the client "loses" its state and resumes from HEAD.
    const p1 = await c.patch(path, 0, data.subarray(0, 100_000));
    assert.equal(p1.headers['atelier-patch-bytes'], advised(data.length - 100_000));
    await c.patch(path, 100_000, data.subarray(100_000, 150_000));
    const h1 = await c.head(path);
    assert.equal(h1.headers['upload-offset'], '150000');
    assert.equal(h1.headers['atelier-patch-bytes'], advised(data.length - 150_000));
    assert.equal(await t.count('assets'), 0, 'nothing is visible before the upload completes');
    // Disk: one file written in place; S3: one temp object per PATCH.
    assert.equal(await tempCount(t), temps + (store === 'disk' ? 1 : 2));
    const last = await sendChunks([c], path, data, 2, 150_000);
    const assetId = String(last?.headers['atelier-asset-id']);
    const versionId = String(last?.headers['atelier-version-id']);
    const asset = await t.req('GET', `/workspaces/assets/${assetId}`, { headers: ten.headers });
    assert.equal(asset.status, 200);
    assert.equal(asset.body.name, 'Shot A');
    assert.equal(asset.body.file_name, 'shot.bin');
    assert.equal(asset.body.file_location, '/Shots/A/');
    assert.equal(asset.body.currentVersion.id, versionId);
    assert.equal(asset.body.currentVersion.size, data.length);
    assert.equal(asset.body.currentVersion.checksum, sha256(data));
    assert.equal(asset.body.created_by_user_id, ten.userId);
    assert.equal(await tempCount(t), temps, 'the parts are freed');
    // HEAD after completion still answers, with the asset.
    const h2 = await c.head(path);
    assert.equal(h2.headers['upload-offset'], String(data.length));
    assert.equal(h2.headers['atelier-asset-id'], assetId);
    assert.equal(h2.headers['atelier-patch-bytes'], undefined, 'a completed upload advises nothing');
    // A completed upload takes no more bytes.
    assert.equal((await c.patch(path, data.length, Buffer.from('x'))).status, 409);
  });

  test('creation-with-upload: the whole file in the POST; asset_id adds a version; empty files', async () => {
    const ten = await t.factory.tenant();
    const c = tus(t.app, ten);
    const data = randomData(5000);
    const res = await c.send(
      'POST',
      '/workspaces/assets/tus',
      { 'upload-length': String(data.length), 'upload-metadata': metadata({ filename: 'one.bin' }), 'content-type': 'application/offset+octet-stream' },
      data,
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.headers['upload-offset'], String(data.length));
    const assetId = String(res.headers['atelier-asset-id']);
    const v2data = randomData(10);
    const v2 = await c.send(
      'POST',
      '/workspaces/assets/tus',
      { 'upload-length': '10', 'upload-metadata': metadata({ filename: 'one-v2.bin', asset_id: assetId }), 'content-type': 'application/offset+octet-stream' },
      v2data,
    );
    assert.equal(v2.status, 201);
    assert.equal(v2.headers['atelier-asset-id'], assetId);
    const got = await t.req('GET', `/workspaces/assets/${assetId}`, { headers: ten.headers });
    assert.equal(got.body.currentVersion.version_number, 2);
    assert.equal(got.body.currentVersion.checksum, sha256(v2data));
    const empty = await c.create(0, { filename: 'empty.txt' });
    assert.equal(empty.status, 201);
    const emptyAsset = await t.req('GET', `/workspaces/assets/${String(empty.headers['atelier-asset-id'])}`, { headers: ten.headers });
    assert.equal(emptyAsset.body.currentVersion.size, 0);
  });

  test('protocol errors: wrong Upload-Offset 409, wrong Content-Type 415, no Tus-Resumable 412, bad headers 400', async () => {
    const ten = await t.factory.tenant();
    const c = tus(t.app, ten);
    const created = await c.create(100, { filename: 'a.bin' });
    const path = pathOf(created.headers.location);
    await c.patch(path, 0, randomData(40));
    const wrong = await c.patch(path, 10, randomData(10));
    assert.equal(wrong.status, 409);
    assert.equal(wrong.body.error.code, 'upload_offset_mismatch');
    assert.equal((await c.head(path)).headers['upload-offset'], '40');
    const type = await c.send('PATCH', path, { 'upload-offset': '40', 'content-type': 'application/octet-stream' }, randomData(5));
    assert.equal(type.status, 415);
    const noVersion = await t.app.inject({ method: 'HEAD', url: path, headers: ten.headers });
    assert.equal(noVersion.statusCode, 412);
    assert.equal(noVersion.headers['tus-version'], '1.0.0');
    const sessions = await t.count('upload_sessions');
    const bad: Array<Record<string, string>> = [
      { 'upload-metadata': metadata({ filename: 'a.bin' }) },
      { 'upload-length': '-1', 'upload-metadata': metadata({ filename: 'a.bin' }) },
      { 'upload-length': '10' },
      { 'upload-length': '10', 'upload-metadata': 'filename !!!' },
      { 'upload-length': '10', 'upload-metadata': metadata({ filename: 'a.bin', checksum: 'nope' }) },
      { 'upload-length': '10', 'upload-metadata': metadata({ filename: 'a.bin', file_location: '/a/../b' }) },
    ];
    for (const headers of bad) {
      const r = await c.send('POST', '/workspaces/assets/tus', headers);
      assert.equal(r.status, 400, JSON.stringify(headers));
      assert.equal(r.body.error.fields?.[0]?.in, 'headers');
    }
    assert.equal(await t.count('upload_sessions'), sessions);
    // A chunk past Upload-Length is 413 and changes nothing.
    const past = await c.patch(path, 40, randomData(61));
    assert.equal(past.status, 413);
    assert.equal((await c.head(path)).headers['upload-offset'], '40');
  });

  test('a checksum mismatch at completion keeps nothing: no asset, version, derivative, blob or temp bytes', async () => {
    const ten = await t.factory.tenant();
    const c = tus(t.app, ten);
    const data = randomData(20_000);
    const before = await writtenCounts(t);
    const temps = await tempCount(t);
    const parts = await t.count('upload_parts');
    const created = await c.create(data.length, { filename: 'bad.bin', checksum: sha256(randomData(5)) });
    const path = pathOf(created.headers.location);
    await c.patch(path, 0, data.subarray(0, 10_000));
    const last = await c.patch(path, 10_000, data.subarray(10_000));
    assert.equal(last.status, 400);
    assert.equal(last.body.error.code, 'checksum_mismatch');
    assert.deepEqual(await writtenCounts(t), before);
    assert.equal(await tempCount(t), temps);
    assert.equal(await t.count('upload_parts'), parts);
    const again = await c.patch(path, data.length, Buffer.alloc(0));
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'upload_failed');
  });

  test('DELETE terminates an upload and frees its bytes', async () => {
    const ten = await t.factory.tenant();
    const c = tus(t.app, ten);
    const temps = await tempCount(t);
    const parts = await t.count('upload_parts');
    const created = await c.create(1000, { filename: 'a.bin' });
    const path = pathOf(created.headers.location);
    await c.patch(path, 0, randomData(500));
    assert.equal(await tempCount(t), temps + 1);
    assert.equal((await c.send('DELETE', path)).status, 204);
    assert.equal((await c.head(path)).status, 404);
    assert.equal(await tempCount(t), temps);
    assert.equal(await t.count('upload_parts'), parts);
  });

  test('the upload resumes after a server restart (a new app on the same database and blob store)', async () => {
    const ten = await t.factory.tenant();
    const data = randomData(400_000);
    const first = await secondApp(t);
    const c1 = tus(first.app, ten);
    const created = await c1.create(data.length, { filename: 'restart.bin', checksum: sha256(data) });
    const path = pathOf(created.headers.location);
    await c1.patch(path, 0, data.subarray(0, 100_000));
    await c1.patch(path, 100_000, data.subarray(100_000, 200_000));
    await first.close();
    const second = await secondApp(t);
    try {
      const c2 = tus(second.app, ten);
      const head = await c2.head(path);
      assert.equal(head.headers['upload-offset'], '200000');
      const last = await sendChunks([c2], path, data, 4, 200_000);
      const asset = await t.req('GET', `/workspaces/assets/${String(last?.headers['atelier-asset-id'])}`, { headers: ten.headers });
      assert.equal(asset.body.currentVersion.checksum, sha256(data));
      assert.equal(asset.body.currentVersion.size, data.length);
    } finally {
      await second.close();
    }
  });

  test('two API processes: chunks alternate between them; concurrent PATCHes at one offset -> one wins, one 409 or 423', async () => {
    const ten = await t.factory.tenant();
    const other = await secondApp(t);
    try {
      const a = tus(t.app, ten);
      const b = tus(other.app, ten);
      const data = randomData(240_000);
      const temps = await tempCount(t);
      const created = await a.create(data.length, { filename: 'two.bin', checksum: sha256(data) });
      const path = pathOf(created.headers.location);
      await sendChunks([a, b], path, data.subarray(0, 120_000), 3);
      // The same chunk to both processes at once: exactly one of them appends it.
      const chunk = data.subarray(120_000, 180_000);
      const [r1, r2] = await Promise.all([a.patch(path, 120_000, chunk), b.patch(path, 120_000, chunk)]);
      // The loser is 409 when the winner had already moved the offset, 423 while it held the write claim (disk).
      const lost = [r1, r2].find((r) => r.status !== 204);
      assert.equal([r1, r2].filter((r) => r.status === 204).length, 1);
      assert.ok(lost && (lost.status === 409 || (store === 'disk' && lost.status === 423)), JSON.stringify(lost));
      assert.equal(lost.body.error.code, lost.status === 409 ? 'upload_offset_mismatch' : 'upload_locked');
      assert.equal((await b.head(path)).headers['upload-offset'], '180000');
      const last = await b.patch(path, 180_000, data.subarray(180_000));
      assert.equal(last.status, 204);
      const asset = await t.req('GET', `/workspaces/assets/${String(last.headers['atelier-asset-id'])}`, { headers: ten.headers });
      assert.equal(asset.body.currentVersion.checksum, sha256(data));
      assert.equal(await tempCount(t), temps, 'the losing chunk was deleted');
    } finally {
      await other.close();
    }
  });

  test("another tenant's or user's upload is 404; no auth 401; a viewer 403; Upload-Length over the limit 413", async () => {
    const ten = await t.factory.tenant();
    const stranger = await t.factory.tenant();
    const colleague = await t.factory.member(ten, { workspace: 'editor' });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const created = await tus(t.app, ten).create(100, { filename: 'a.bin' });
    const path = pathOf(created.headers.location);
    for (const who of [stranger, colleague]) {
      const c = tus(t.app, who);
      assert.equal((await c.head(path)).status, 404);
      assert.equal((await c.patch(path, 0, randomData(10))).status, 404);
      assert.equal((await c.send('DELETE', path)).status, 404);
    }
    const anon = await t.app.inject({ method: 'POST', url: '/workspaces/assets/tus', headers: { ...TUS, 'upload-length': '1', 'upload-metadata': metadata({ filename: 'a' }) } });
    assert.equal(anon.statusCode, 401);
    assert.equal((await t.app.inject({ method: 'HEAD', url: path, headers: TUS })).statusCode, 401);
    const sessions = await t.count('upload_sessions');
    assert.equal((await tus(t.app, viewer).create(1, { filename: 'a.bin' })).status, 403);
    const huge = await tus(t.app, ten).create(t.config.uploads.maxBytes + 1, { filename: 'a.bin' });
    assert.equal(huge.status, 413);
    assert.equal(await t.count('upload_sessions'), sessions);
    assert.equal((await tus(t.app, ten).head(path)).headers['upload-offset'], '0');
  });

  test('uploads.expire removes abandoned tus uploads and presigned sessions with their temp bytes', async () => {
    let ten = await t.factory.tenant();
    const c = tus(t.app, ten);
    const created = await c.create(1000, { filename: 'abandoned.bin' });
    const path = pathOf(created.headers.location);
    await c.patch(path, 0, randomData(300));
    const presigned = await t.req('POST', '/workspaces/assets/upload', { headers: ten.headers, json: { name: 'never.bin' } });
    await t.deps.blobs.putTemp(presigned.body.key, (await import('node:stream')).Readable.from([randomData(50)]));
    assert.ok((await tempCount(t)) >= 2);
    const before = await writtenCounts(t);
    // Not yet expired: the job keeps them.
    await enqueue(t.deps, uploadsExpireJob, { batchSize: 2 });
    await t.jobs.runUntilIdle();
    assert.equal((await c.head(path)).headers['upload-offset'], '300');
    t.clock.advance(86400 + 3600 * 2);
    await enqueue(t.deps, uploadsExpireJob, { batchSize: 2 });
    await t.jobs.runUntilIdle();
    assert.equal(await t.count('upload_sessions'), 0);
    assert.equal(await t.count('upload_parts'), 0);
    assert.equal(await tempCount(t), 0);
    assert.deepEqual(await writtenCounts(t), before);
    ten = await refreshed(t, ten);
    const gone = await tus(t.app, ten).head(path);
    assert.equal(gone.status, 404);
    void store;
  });
});
