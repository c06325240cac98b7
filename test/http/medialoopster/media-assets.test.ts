import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { makeAudio, makeImage, makeVideo } from '../../media/fixtures.js';
import { assertMlErrors, ISO_MICROS, token } from './fixtures.js';
import { AUDIO_KEYS, bytesOf, IMAGE_KEYS, uploadTo, VIDEO_KEYS } from './media-fixtures.js';

describeEachDatabase('medialoopster media assets', (t) => {
  let owner: Tenant;
  let viewer: Tenant;
  let other: Tenant;
  let wsSeq: number;
  let videoBytes: Buffer;
  let video: { uuid: string; id: number };
  let audio: { uuid: string; id: number };
  let image: { uuid: string; id: number };
  let footage: { sequence: number };
  let stills: { sequence: number };

  before(async () => {
    owner = await t.factory.tenant();
    viewer = await t.factory.member(owner, { workspace: 'viewer' });
    other = await t.factory.tenant();
    wsSeq = Number((await t.deps.db.selectFrom('workspaces').select('sequence').where('id', '=', owner.workspaceId).executeTakeFirstOrThrow()).sequence);
    footage = (await t.req('POST', '/workspaces/devices', { headers: owner.headers, json: { name: 'Footage', path: '/footage/' } })).body;
    stills = (await t.req('POST', '/workspaces/devices', { headers: owner.headers, json: { name: 'Stills', path: '/stills/' } })).body;
    const set = await t.req('PATCH', '/workspaces/production', { headers: owner.headers, json: { imageasset_device_id: (stills as unknown as { id: string }).id, default_approval_status: 1 } });
    assert.equal(set.status, 200, set.text);
    videoBytes = await makeVideo({ seconds: 2, size: '640x360' });
    video = await uploadTo(t, owner, videoBytes, '/footage/day1/', 'clip.mp4');
    audio = await uploadTo(t, owner, await makeAudio(2), '/sound/', 'tone.wav');
    image = await uploadTo(t, owner, await makeImage('jpeg', 800, 600), '/', 'still.jpg');
    await t.jobs.runUntilIdle();
  });

  test('GET /api/videoassets/{id}/ fills every field from the real file (ffprobe) and the production', async () => {
    const res = await t.req('GET', `/api/videoassets/${video.id}/`, { headers: token(owner) });
    assert.equal(res.status, 200, res.text);
    const v = res.body;
    assert.deepEqual(Object.keys(v), VIDEO_KEYS);
    assert.equal(v.id, video.id);
    assert.equal(v.name, 'clip.mp4');
    assert.equal(v.production, wsSeq);
    assert.equal(v.production_name, 'Main');
    assert.equal(v.path_file, '/footage/day1/clip.mp4');
    assert.equal(v.filename, 'clip.mp4');
    assert.equal(v.device, footage.sequence);
    assert.equal(v.status_asset, 6);
    assert.equal(v.status_asset_description, '');
    assert.equal(v.status_approval, 1, 'the production default');
    assert.equal(v.status_editing, 0);
    assert.equal(v.is_archive, false);
    assert.equal(v.is_production, true);
    assert.equal(v.is_available, true);
    assert.equal(v.is_proxy_available, true);
    assert.equal(v.width, 640);
    assert.equal(v.height, 360);
    assert.equal(v.video_size, '640x360');
    assert.equal(v.aspect_ratio, '16:9');
    assert.equal(v.display_aspect_ratio, '16:9');
    assert.equal(v.fps, '25');
    assert.equal(v.video_codec, 'h264');
    assert.equal(v.codec_name, 'h264');
    assert.equal(v.audio_codec, 'aac');
    assert.match(v.video_format, /mp4/);
    assert.ok(Math.abs(v.duration - 2000) <= 100, `duration ${v.duration}`);
    assert.equal(v.rotation, 0);
    assert.equal(v.file_size, videoBytes.length);
    assert.match(v.date_add, ISO_MICROS);
    assert.match(v.date_mod, ISO_MICROS);
    assert.equal(v.date_del, null);
    assert.deepEqual(v.meta_field_store, {});
    assert.deepEqual(v.projects, []);
    assert.deepEqual(v.shared_with_productions, []);
    assert.equal(v.thumbnail_url, `http://localhost:80/api/videoassets/${video.id}/thumbnail/`);
    assert.equal(v.proxy_url, `http://localhost:80/api/videoassets/${video.id}/proxy/`);
  });

  test('the *_url fields download real files: thumbnail, poster, proxy, and the high-res essence (with Range)', async () => {
    const v = (await t.req('GET', `/api/videoassets/${video.id}/`, { headers: token(owner) })).body;
    const path = (url: string) => new URL(url).pathname;
    const thumb = await bytesOf(t, path(v.thumbnail_url), token(owner));
    assert.equal(thumb.status, 200);
    assert.match(thumb.type, /^image\//);
    assert.ok(thumb.body.length > 100);
    const poster = await bytesOf(t, path(v.poster_url), token(owner));
    assert.equal(poster.status, 200);
    assert.match(poster.type, /^image\//);
    const proxy = await bytesOf(t, path(v.proxy_url), token(owner));
    assert.equal(proxy.status, 200);
    assert.equal(proxy.type, 'video/mp4');
    assert.equal(proxy.body.subarray(4, 8).toString('latin1'), 'ftyp');
    const essence = await bytesOf(t, path(v.video_url), token(owner));
    assert.equal(essence.status, 200);
    assert.ok(essence.body.equals(videoBytes));
    const part = await t.app.inject({ method: 'GET', url: path(v.video_url), headers: { ...token(owner), range: 'bytes=0-9' } });
    assert.equal(part.statusCode, 206);
    assert.ok(part.rawPayload.equals(videoBytes.subarray(0, 10)));
    // Another tenant and no credentials: the list error form.
    assertMlErrors(await t.req('GET', path(v.video_url), { headers: token(other) }), 404, 'not_found');
    assertMlErrors(await t.req('GET', path(v.video_url)), 401, 'not_authenticated');
    assertMlErrors(await t.req('GET', `/api/videoassets/${video.id}/waveform/`, { headers: token(owner) }), 400, 'invalid_choice');
  });

  test('audio and image assets: their own fields from ffprobe and sharp/EXIF, and the default device of their kind', async () => {
    const a = await t.req('GET', `/api/audioassets/${audio.id}/`, { headers: token(owner) });
    assert.equal(a.status, 200, a.text);
    assert.deepEqual(Object.keys(a.body), AUDIO_KEYS);
    assert.equal(a.body.sample_rate, 44100);
    assert.equal(a.body.channels, 1);
    assert.equal(a.body.audio_codec, 'pcm_s16le');
    assert.equal(a.body.duration, 2000);
    assert.equal(a.body.device, null, 'no device covers /sound/ and no audio default is set');
    const wave = await bytesOf(t, new URL(a.body.thumbnail_url).pathname, token(owner));
    assert.equal(wave.status, 200);
    assert.match(wave.type, /^image\//);
    const i = await t.req('GET', `/api/imageassets/${image.id}/`, { headers: token(owner) });
    assert.equal(i.status, 200, i.text);
    assert.deepEqual(Object.keys(i.body), IMAGE_KEYS);
    assert.equal(i.body.width, 800);
    assert.equal(i.body.height, 600);
    assert.equal(i.body.aspect_ratio, '4:3');
    assert.equal(i.body.image_format, 'jpeg');
    assert.equal(i.body.rotation, 0);
    assert.equal(i.body.duration, 0);
    assert.equal(i.body.device, stills.sequence, 'the production\'s default image device');
    // A kind's id is not found under another kind.
    const [e] = assertMlErrors(await t.req('GET', `/api/videoassets/${audio.id}/`, { headers: token(owner) }), 404, 'not_found');
    assert.equal(e?.detail, `VideoAsset object with pk=u'${audio.id}' does not exist.`);
  });

  test('lists: bare arrays per kind with paging headers and the documented filters', async () => {
    const all = await t.req('GET', '/api/videoassets/', { headers: token(owner) });
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(all.body.map((x: { id: number }) => x.id), [video.id]);
    assert.equal(all.headers['x-total-count'], '1');
    const byPath = await t.req('GET', `/api/videoassets/?path_file=${encodeURIComponent('/footage/day1/clip.mp4/')}`, { headers: token(owner) });
    assert.deepEqual(byPath.body.map((x: { id: number }) => x.id), [video.id]);
    const noPath = await t.req('GET', `/api/videoassets/?path_file=${encodeURIComponent('/footage/clip.mp4')}`, { headers: token(owner) });
    assert.deepEqual(noPath.body, []);
    assert.deepEqual((await t.req('GET', `/api/videoassets/?production=${wsSeq}&is_production=true&is_archive=false`, { headers: token(owner) })).body.map((x: { id: number }) => x.id), [video.id]);
    assert.deepEqual((await t.req('GET', '/api/videoassets/?is_archive=true', { headers: token(owner) })).body, []);
    assert.deepEqual((await t.req('GET', `/api/videoassets/?production=${wsSeq + 1000}`, { headers: token(owner) })).body, []);
    assert.deepEqual((await t.req('GET', '/api/audioassets/', { headers: token(owner) })).body.map((x: { id: number }) => x.id), [audio.id]);
    assert.deepEqual((await t.req('GET', '/api/imageassets/', { headers: token(viewer) })).body.map((x: { id: number }) => x.id), [image.id]);
    assert.deepEqual((await t.req('GET', '/api/videoassets/', { headers: token(other) })).body, []);
    const [e] = assertMlErrors(await t.req('GET', '/api/videoassets/?is_archive=maybe', { headers: token(owner) }), 400, 'invalid');
    assert.equal(e?.source?.pointer, '/is_archive');
    assertMlErrors(await t.req('GET', '/api/videoassets/?production=x', { headers: token(owner) }), 400, 'invalid');
  });

  test('PATCH changes name, approval and scheduled deletion through the core (history, search); refuses bad input and non-editors', async () => {
    const url = `/api/videoassets/${video.id}/`;
    const before = await t.count('history_events');
    for (const [json, pointer] of [
      [{ status_approval: 2 }, '/status_approval'],
      [{ date_del: 'next tuesday' }, '/date_del'],
      [{ name: '' }, '/name'],
      [{ meta_field_store: [] }, '/meta_field_store'],
    ] as const) {
      const bad = await t.req('PATCH', url, { headers: token(owner), json });
      const [e] = assertMlErrors(bad, 400);
      assert.equal(e?.source?.pointer, pointer, bad.text);
      assert.equal(e?.title, 'Validation Error');
    }
    assert.equal(await t.count('history_events'), before, 'nothing written');
    assertMlErrors(await t.req('PATCH', url, { headers: token(viewer), json: { name: 'x' } }), 403, 'permission_denied');
    assertMlErrors(await t.req('PATCH', url, { headers: token(other), json: { name: 'x' } }), 404, 'not_found');
    assertMlErrors(await t.req('PATCH', url, { json: { name: 'x' } }), 401, 'not_authenticated');

    const res = await t.req('PATCH', url, {
      headers: token(owner),
      // Read-only fields sent back are ignored, as DRF does.
      json: { name: 'Interview take 2', status_approval: 0, date_del: '2031-01-02T03:04:05Z', width: 1, id: 999 },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, 'Interview take 2');
    assert.equal(res.body.display_name, 'Interview take 2');
    assert.equal(res.body.status_approval, 0);
    assert.equal(res.body.date_del, '2031-01-02T03:04:05.000000Z');
    assert.equal(res.body.width, 640);
    assert.equal(res.body.id, video.id);
    const core = await t.req('GET', `/workspaces/assets/${video.uuid}`, { headers: owner.headers });
    assert.equal(core.body.name, 'Interview take 2');
    const types = (await t.deps.db.selectFrom('history_events').select('type').where('asset_id', '=', video.uuid).orderBy('sequence').execute()).map((h) => h.type);
    assert.ok(types.includes('asset_renamed') && types.includes('asset_updated'), types.join());
    const found = await t.req('GET', '/workspaces/assets/search?query=interview', { headers: owner.headers });
    assert.equal(found.status, 200, found.text);
    assert.ok(JSON.stringify(found.body).includes(video.uuid), 'search sees the new name');
    const cancel = await t.req('PATCH', url, { headers: token(owner), json: { date_del: null } });
    assert.equal(cancel.body.date_del, null);
  });

  test('DELETE moves the asset to the production\'s trash (204); viewers 403, other tenants 404', async () => {
    const doomed = await uploadTo(t, owner, await makeAudio(1), '/sound/', 'doomed.wav');
    const url = `/api/audioassets/${doomed.id}/`;
    assertMlErrors(await t.req('DELETE', url, { headers: token(viewer) }), 403, 'permission_denied');
    assertMlErrors(await t.req('DELETE', url, { headers: token(other) }), 404, 'not_found');
    const res = await t.req('DELETE', `${url}?allow_partial=true`, { headers: token(owner) });
    assert.equal(res.status, 204, res.text);
    assert.equal(res.text, '');
    assertMlErrors(await t.req('GET', url, { headers: token(owner) }), 404, 'not_found');
    const row = await t.deps.db.selectFrom('assets').select('is_active').where('id', '=', doomed.uuid).executeTakeFirstOrThrow();
    assert.equal(row.is_active, 0, 'in the trash, restorable through the core API');
    assertMlErrors(await t.req('DELETE', url, { headers: token(owner) }), 404, 'not_found');
  });
});
