import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { corruptJpeg, fakePsd, makeImage, makeVideo } from '../../media/fixtures.js';
import { multipart } from './assets-fixtures.js';
import { derivativeUrl, getVersion, upload } from './derivatives-fixtures.js';

describeEachDatabase('media pipeline: failures, the derivative route, idempotence', (t) => {
  let ten: Tenant;
  before(async () => {
    ten = await t.factory.tenant();
  });

  test('a corrupt JPEG: derivatives fail with a reason, the jobs end (no retry), the version is still there', async () => {
    const data = corruptJpeg();
    const ids = await upload(t, ten, data, 'broken.jpg');
    const reports = await t.jobs.runUntilIdle();
    const mine = reports.filter((r) => r.name.startsWith('derivative.'));
    assert.deepEqual(mine.map((r) => [r.name, r.outcome, r.attempt]).sort(), [
      ['derivative.preview', 'completed', 1],
      ['derivative.thumbnail', 'completed', 1],
    ]);
    // Nothing is left to retry later.
    assert.equal((await t.jobs.list()).filter((j) => j.state === 'available').length, 0);
    const v = await getVersion(t, ten, ids);
    for (const d of v.derivatives) {
      assert.equal(d.state, 'failed');
      assert.match(String(d.error), /^The image could not be decoded \(corrupt or truncated file\)/);
      assert.deepEqual([d.content_type, d.width, d.height, d.size], [null, null, null, null]);
    }
    assert.equal(v.thumbnail_file_id, null);
    assert.equal(v.metadata.detected_type, 'image/jpeg');
    assert.match(String(v.metadata.probe_error), /could not be decoded/);
    const res = await t.req('GET', derivativeUrl(ids, 'thumbnail'), { headers: ten.headers });
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'derivative_not_ready');
    assert.match(res.body.error.message, /^The thumbnail could not be made \(state: failed\): The image could not be decoded/);
    // The original is untouched and still readable.
    const chunks: Buffer[] = [];
    for await (const c of await t.deps.blobs.get((await t.req('GET', `/workspaces/assets/${ids.assetId}/versions/${ids.versionId}`, { headers: ten.headers })).body.key)) {
      chunks.push(c as Buffer);
    }
    assert.deepEqual(Buffer.concat(chunks), data);
    const events = await t.deps.db.selectFrom('history_events').select('data').where('type', '=', 'derivatives_ready').where('record_id', '=', ids.versionId).execute();
    assert.deepEqual(events.map((e) => JSON.parse(e.data)), [{ version_id: ids.versionId, states: { thumbnail: 'failed', preview: 'failed' } }]);
  });

  test('a PSD gets failed derivatives saying the format is unsupported', async () => {
    const ids = await upload(t, ten, fakePsd(), 'layers.psd');
    await t.jobs.runUntilIdle();
    const v = await getVersion(t, ten, ids);
    assert.deepEqual(
      v.derivatives.map((d) => [d.kind, d.state, d.error]).sort(),
      ['preview', 'thumbnail'].map((k) => [k, 'failed', `Unsupported format: ${k} images of Photoshop (PSD) files cannot be made (the image decoder has no PSD reader).`]),
    );
  });

  test('the derivative route: 404 while pending (with the state), foreign ids 404, unknown kind 400, no auth 401', async () => {
    const ids = await upload(t, ten, await makeImage('png', 400, 300), 'p.png');
    const pending = await t.req('GET', derivativeUrl(ids, 'thumbnail'), { headers: ten.headers });
    assert.equal(pending.status, 404);
    assert.deepEqual(pending.body.error, { code: 'derivative_not_ready', message: 'The thumbnail is not ready yet (state: pending).' });
    // A kind this version does not have.
    const none = await t.req('GET', derivativeUrl(ids, 'proxy'), { headers: ten.headers });
    assert.deepEqual([none.status, none.body.error.code], [404, 'derivative_not_found']);
    const bad = await t.req('GET', derivativeUrl(ids, 'original'), { headers: ten.headers });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.fields[0].in, 'params');
    const anon = await t.req('GET', derivativeUrl(ids, 'thumbnail'));
    assert.equal(anon.status, 401);
    await t.jobs.runUntilIdle();
    const ok = await t.app.inject({ method: 'GET', url: derivativeUrl(ids, 'thumbnail'), headers: ten.headers });
    assert.equal(ok.statusCode, 200);
    // Another tenant cannot reach it, by its ids or by mixing its own asset with this version.
    const other = await t.factory.tenant();
    const foreign = await t.req('GET', derivativeUrl(ids, 'thumbnail'), { headers: other.headers });
    assert.deepEqual([foreign.status, foreign.body.error.code], [404, 'asset_not_found']);
    const own = await upload(t, other, await makeImage('png', 40, 30), 'o.png');
    const mixed = await t.req('GET', derivativeUrl({ assetId: own.assetId, versionId: ids.versionId }, 'thumbnail'), { headers: other.headers });
    assert.deepEqual([mixed.status, mixed.body.error.code], [404, 'version_not_found']);
    // A conditional GET with the ETag is answered 304.
    const again = await t.app.inject({ method: 'GET', url: derivativeUrl(ids, 'thumbnail'), headers: { ...ten.headers, 'if-none-match': String(ok.headers.etag) } });
    assert.equal(again.statusCode, 304);
  });

  test('re-running completed jobs changes nothing (same rows, metadata, blobs, history)', async () => {
    const ids = await upload(t, ten, await makeImage('jpeg', 800, 600), 'again.jpg');
    await t.jobs.runUntilIdle();
    const snapshot = async () => ({
      derivatives: await t.deps.db.selectFrom('derivatives').selectAll().where('version_id', '=', ids.versionId).orderBy('kind').execute(),
      version: await t.deps.db.selectFrom('asset_versions').select(['metadata', 'thumbnail_blob_key']).where('id', '=', ids.versionId).executeTakeFirstOrThrow(),
      blobs: await t.blobCount(),
      events: await t.count('history_events'),
    });
    const first = await snapshot();
    const done = (await t.jobs.list()).filter((j) => j.state === 'completed' && j.payload.includes(ids.versionId));
    assert.deepEqual(done.map((j) => j.name).sort(), ['derivative.preview', 'derivative.thumbnail', 'media.probe']);
    // Queue the same payloads again (as a duplicate delivery or a manual re-run would).
    for (const j of done) {
      await t.deps.db.insertInto('jobs').values({ ...j, id: crypto.randomUUID(), sequence: undefined, state: 'available', attempts: 0, unique_key: null, locked_by: null, locked_until: null, finished_at: null }).execute();
    }
    const reports = await t.jobs.runUntilIdle();
    assert.equal(reports.length, 3);
    assert.deepEqual(await snapshot(), first);
  });

  test('a blob missing from the store: derivative jobs retry later instead of failing the derivatives', async () => {
    const ids = await upload(t, ten, await makeImage('jpeg', 640, 480), 'vanished.jpg');
    const { blob_key } = await t.deps.db.selectFrom('asset_versions').select('blob_key').where('id', '=', ids.versionId).executeTakeFirstOrThrow();
    await t.deps.blobs.delete(blob_key);
    const reports = (await t.jobs.runUntilIdle({ allowFailures: true })).filter((r) => r.name.startsWith('derivative.'));
    assert.deepEqual(reports.map((r) => [r.name, r.outcome]).sort(), [
      ['derivative.preview', 'retry'],
      ['derivative.thumbnail', 'retry'],
    ]);
    for (const r of reports) {
      assert.match(String(r.error), /Could not read the file from the blob store/);
    }
    const v = await getVersion(t, ten, ids);
    assert.deepEqual(v.derivatives.map((d) => d.state), ['pending', 'pending']);
  });

  test('an uploaded thumbnail wins over the generated one', async () => {
    const ids = await upload(t, ten, await makeImage('png', 300, 200), 'custom.png');
    const mp = multipart({}, { name: 't.png', data: await makeImage('png', 64, 64), type: 'image/png' });
    const set = await t.req('POST', `/workspaces/assets/${ids.assetId}/versions/${ids.versionId}/thumbnail`, { headers: { ...ten.headers, ...mp.headers }, payload: mp.payload });
    assert.equal(set.status, 200, set.text);
    const uploaded = set.body.thumbnail_file_id;
    await t.jobs.runUntilIdle();
    const v = await getVersion(t, ten, ids);
    assert.equal(v.thumbnail_file_id, uploaded);
    assert.equal(v.derivatives.find((d) => d.kind === 'thumbnail')?.state, 'ready');
  });
});

describeEachDatabase(
  'media pipeline: limits (pixel cap, tool time limit)',
  (t) => {
    let ten: Tenant;
    before(async () => {
      ten = await t.factory.tenant();
    });

    test('an image over MEDIA_MAX_PIXELS: derivatives fail with the reason, nothing is decoded', async () => {
      const ids = await upload(t, ten, await makeImage('png', 2000, 1500), 'big.png');
      await t.jobs.runUntilIdle();
      const v = await getVersion(t, ten, ids);
      assert.deepEqual(
        v.derivatives.map((d) => [d.kind, d.state, d.error]).sort(),
        ['preview', 'thumbnail'].map((k) => [k, 'failed', 'The image is larger than the limit of 1000000 pixels (MEDIA_MAX_PIXELS).']),
      );
      assert.equal(v.metadata.probe_error, 'The image is larger than the limit of 1000000 pixels (MEDIA_MAX_PIXELS).');
    });

    test('a tool over MEDIA_TOOL_TIMEOUT_SECONDS is killed and the derivative fails (no retry)', async () => {
      const ids = await upload(t, ten, await makeVideo({ seconds: 12, size: '1280x720' }), 'long.mp4');
      const reports = await t.jobs.runUntilIdle();
      assert.deepEqual(reports.filter((r) => r.name === 'derivative.proxy').map((r) => [r.outcome, r.attempt]), [['completed', 1]]);
      const v = await getVersion(t, ten, ids);
      const proxy = v.derivatives.find((d) => d.kind === 'proxy');
      assert.equal(proxy?.state, 'failed');
      assert.match(String(proxy?.error), /^(ffmpeg|ffprobe) took longer than 0\.3 s and was stopped\.$/);
    });
  },
  { MEDIA_MAX_PIXELS: '1000000', MEDIA_TOOL_TIMEOUT_SECONDS: '0.3' },
);
