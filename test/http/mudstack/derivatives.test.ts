import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import sharp from 'sharp';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { makeAudio, makeImage, makePdf, makeVideo, probeVideo, type ImageFormat } from '../../media/fixtures.js';
import { derivativeUrl, fetchBytes, getVersion, upload, type DerivativeJson } from './derivatives-fixtures.js';

const byKind = (ds: DerivativeJson[]) => Object.fromEntries(ds.map((d) => [d.kind, d]));

describeEachDatabase('media pipeline: derivatives of images, video, audio and PDF', (t) => {
  let ten: Tenant;
  before(async () => {
    ten = await t.factory.tenant();
  });

  const formats: Array<[ImageFormat, string, string]> = [
    ['jpeg', 'photo.jpg', 'jpeg'],
    ['png', 'photo.png', 'png'],
    ['gif', 'photo.gif', 'gif'],
    ['tiff', 'photo.tif', 'tiff'],
    ['webp', 'photo.webp', 'webp'],
  ];
  for (const [format, fileName, sharpFormat] of formats) {
    test(`${format}: 256 px thumbnail and 1600 px preview (WebP), metadata, thumbnail set, derivatives_ready recorded`, async () => {
      const ids = await upload(t, ten, await makeImage(format), fileName);
      const pending = await getVersion(t, ten, ids);
      assert.deepEqual(pending.derivatives.map((d) => [d.kind, d.state]).sort(), [['preview', 'pending'], ['thumbnail', 'pending']]);
      await t.jobs.runUntilIdle();

      const v = await getVersion(t, ten, ids);
      const d = byKind(v.derivatives);
      assert.deepEqual({ ...d.thumbnail, size: undefined }, { kind: 'thumbnail', state: 'ready', error: null, content_type: 'image/webp', width: 256, height: 192, size: undefined });
      assert.deepEqual({ ...d.preview, size: undefined }, { kind: 'preview', state: 'ready', error: null, content_type: 'image/webp', width: 1600, height: 1200, size: undefined });
      assert.ok(Number(d.thumbnail?.size) > 100 && Number(d.preview?.size) > Number(d.thumbnail?.size));
      assert.equal(v.metadata.width, 2000);
      assert.equal(v.metadata.height, 1500);
      assert.equal(v.metadata.format, sharpFormat === 'tiff' ? 'tiff' : sharpFormat);
      assert.equal(v.metadata.detected_type, format === 'tiff' ? 'image/tiff' : `image/${format}`);
      if (format === 'jpeg') {
        assert.deepEqual(
          { Make: (v.metadata.exif as Record<string, unknown>).Make, Model: (v.metadata.exif as Record<string, unknown>).Model },
          { Make: 'Atelier', Model: 'TestCam 1' },
        );
      }

      for (const [kind, w, h] of [['thumbnail', 256, 192], ['preview', 1600, 1200]] as const) {
        const got = await fetchBytes(t, ten, derivativeUrl(ids, kind));
        assert.equal(got.status, 200);
        assert.equal(got.type, 'image/webp');
        assert.equal(got.body.length, Number(d[kind]?.size));
        const m = await sharp(got.body).metadata();
        assert.deepEqual([m.format, m.width, m.height], ['webp', w, h]);
      }
      // The generated thumbnail became the version's thumbnail (none was uploaded).
      const thumbRow = await t.deps.db.selectFrom('derivatives').select('blob_key').where('version_id', '=', ids.versionId).where('kind', '=', 'thumbnail').executeTakeFirstOrThrow();
      assert.equal(v.thumbnail_file_id, thumbRow.blob_key);
      const events = await t.deps.db.selectFrom('history_events').selectAll().where('type', '=', 'derivatives_ready').where('record_id', '=', ids.versionId).execute();
      assert.equal(events.length, 1);
      assert.equal(events[0]?.workspace_id, ten.workspaceId);
      assert.equal(events[0]?.asset_id, ids.assetId);
      assert.equal(events[0]?.account_id, ten.accountId);
      assert.deepEqual(JSON.parse(events[0]?.data ?? '{}'), { version_id: ids.versionId, states: { thumbnail: 'ready', preview: 'ready' } });
    });
  }

  test('video: poster, thumbnail and a 720p H.264/AAC proxy; duration and codecs in metadata', async () => {
    const ids = await upload(t, ten, await makeVideo({ seconds: 2, size: '1280x720' }), 'clip.mp4');
    await t.jobs.runUntilIdle();
    const v = await getVersion(t, ten, ids);
    const d = byKind(v.derivatives);
    assert.deepEqual(
      v.derivatives.map((x) => [x.kind, x.state, x.content_type, x.width, x.height]).sort(),
      [
        ['poster', 'ready', 'image/webp', 1280, 720],
        ['proxy', 'ready', 'video/mp4', 1280, 720],
        ['thumbnail', 'ready', 'image/webp', 256, 144],
      ],
    );
    assert.equal(typeof d.proxy?.size, 'number');
    assert.ok(Math.abs(Number(v.metadata.duration_seconds) - 2) < 0.1, String(v.metadata.duration_seconds));
    assert.deepEqual([v.metadata.width, v.metadata.height, v.metadata.video_codec, v.metadata.audio_codec, v.metadata.frame_rate], [1280, 720, 'h264', 'aac', 25]);

    const proxy = await fetchBytes(t, ten, derivativeUrl(ids, 'proxy'));
    assert.equal(proxy.status, 200);
    assert.equal(proxy.type, 'video/mp4');
    assert.deepEqual(await probeVideo(proxy.body), { codec: 'h264', width: 1280, height: 720, audio: 'aac' });
    // faststart: the index (moov) comes before the media data (mdat).
    assert.ok(proxy.body.indexOf('moov') < proxy.body.indexOf('mdat'));
    // Range requests work (browsers seek in the proxy).
    const part = await t.app.inject({ method: 'GET', url: derivativeUrl(ids, 'proxy'), headers: { ...ten.headers, range: 'bytes=0-99' } });
    assert.equal(part.statusCode, 206);
    assert.equal(part.rawPayload.length, 100);
    assert.equal(part.headers['content-range'], `bytes 0-99/${proxy.body.length}`);

    const poster = await fetchBytes(t, ten, derivativeUrl(ids, 'poster'));
    const pm = await sharp(poster.body).metadata();
    assert.deepEqual([poster.type, pm.format, pm.width, pm.height], ['image/webp', 'webp', 1280, 720]);
  });

  test('a taller-than-720p video is scaled to 720 lines, keeping its aspect ratio', async () => {
    const ids = await upload(t, ten, await makeVideo({ seconds: 1, size: '1920x1080' }), 'hd.mp4');
    await t.jobs.runUntilIdle();
    const proxy = await fetchBytes(t, ten, derivativeUrl(ids, 'proxy'));
    assert.deepEqual(await probeVideo(proxy.body), { codec: 'h264', width: 1280, height: 720, audio: 'aac' });
  });

  test('audio: a PNG waveform; duration, codec and sample rate in metadata', async () => {
    const ids = await upload(t, ten, await makeAudio(2), 'tone.wav');
    await t.jobs.runUntilIdle();
    const v = await getVersion(t, ten, ids);
    assert.deepEqual(v.derivatives.map((x) => [x.kind, x.state, x.content_type, x.width, x.height]), [['waveform', 'ready', 'image/png', 1600, 240]]);
    assert.ok(Math.abs(Number(v.metadata.duration_seconds) - 2) < 0.05);
    assert.deepEqual([v.metadata.audio_codec, v.metadata.sample_rate, v.metadata.channels], ['pcm_s16le', 44100, 1]);
    const png = await fetchBytes(t, ten, derivativeUrl(ids, 'waveform'));
    const m = await sharp(png.body).metadata();
    assert.deepEqual([png.type, m.format, m.width, m.height], ['image/png', 'png', 1600, 240]);
  });

  test('PDF: first page as a 1600 px PNG, a 256 px thumbnail, and the page count', async () => {
    const ids = await upload(t, ten, makePdf(), 'doc.pdf');
    await t.jobs.runUntilIdle();
    const v = await getVersion(t, ten, ids);
    // Letter is 612x792 pt: the longest side (height) is scaled to the size.
    assert.deepEqual(
      v.derivatives.map((x) => [x.kind, x.state, x.content_type, x.width, x.height]).sort(),
      [
        ['page', 'ready', 'image/png', 1237, 1600],
        ['thumbnail', 'ready', 'image/webp', 198, 256],
      ],
    );
    assert.deepEqual([v.metadata.page_count, v.metadata.page_width_pt, v.metadata.page_height_pt, v.metadata.encrypted], [1, 612, 792, false]);
    const page = await fetchBytes(t, ten, derivativeUrl(ids, 'page'));
    const m = await sharp(page.body).metadata();
    assert.deepEqual([page.type, m.format, m.width, m.height], ['image/png', 'png', 1237, 1600]);
    // The rectangle is drawn blue on white: the page render has real content.
    const { dominant } = await sharp(page.body).stats();
    assert.deepEqual(dominant, { r: 248, g: 248, b: 248 });
  });
});
